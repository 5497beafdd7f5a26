import { describe, expect, it } from 'vitest';

import { editCmdline, splitArguments } from '../../../../main/provision/disk';
import { cgroupKernelArgs } from '../../../../main/provision/model';

const bookworm =
  'console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait quiet init=/usr/lib/raspberrypi-sys-mods/firstboot\n';

const cgroups = { ensure: cgroupKernelArgs, remove: [] };

function count(text: string, arg: string): number {
  return splitArguments(text).filter((a) => a === arg).length;
}

describe('editCmdline', () => {
  it('appends missing arguments and keeps the others in order', () => {
    expect(editCmdline(bookworm, cgroups)).toBe(
      `${bookworm.trimEnd()} cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1\n`,
    );
  });

  it('is idempotent: applying twice equals applying once', () => {
    const edits = [
      cgroups,
      { ensure: ['systemd.run=/boot/firmware/firstrun.sh', 'quiet'], remove: ['init='] },
      { ensure: ['cfg80211.ieee80211_regdom=DE'], remove: ['splash', 'quiet'] },
    ];
    for (const edit of edits) {
      const once = editCmdline(bookworm, edit);
      expect(editCmdline(once, edit)).toBe(once);
    }
  });

  it('keeps every ensured argument exactly once, also when the original repeats it', () => {
    const out = editCmdline('quiet cgroup_memory=1 rootwait cgroup_memory=1 quiet\n', {
      ensure: ['quiet', ...cgroupKernelArgs],
      remove: [],
    });
    expect(out).toBe('quiet cgroup_memory=1 rootwait cgroup_enable=cpuset cgroup_enable=memory\n');
    for (const arg of ['quiet', ...cgroupKernelArgs]) expect(count(out, arg)).toBe(1);
  });

  it('leaves HypriotOS cgroup arguments alone and adds only the missing one', () => {
    const hypriot =
      'dwc_otg.lpm_enable=0 console=tty1 cgroup_enable=cpuset cgroup_enable=memory swapaccount=1 rootwait\n';
    expect(editCmdline(hypriot, cgroups)).toBe(
      'dwc_otg.lpm_enable=0 console=tty1 cgroup_enable=cpuset cgroup_enable=memory swapaccount=1 rootwait cgroup_memory=1\n',
    );
  });

  it('replaces the value of a key= argument in place', () => {
    const text = 'console=tty1 cfg80211.ieee80211_regdom=GB rootwait cfg80211.ieee80211_regdom=US';
    expect(editCmdline(text, { ensure: ['cfg80211.ieee80211_regdom=DE'], remove: [] })).toBe(
      'console=tty1 cfg80211.ieee80211_regdom=DE rootwait',
    );
    expect(editCmdline('cgroup_memory=0 quiet', cgroups)).toBe(
      'cgroup_memory=1 quiet cgroup_enable=cpuset cgroup_enable=memory',
    );
  });

  it('treats a key ensured with several values as multi-valued (cgroup_enable)', () => {
    const out = editCmdline('cgroup_enable=blkio quiet', cgroups);
    expect(out).toBe(
      'cgroup_enable=blkio quiet cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1',
    );
  });

  it('removes exact arguments and key= prefixes', () => {
    const out = editCmdline(bookworm, { ensure: [], remove: ['quiet', 'init=', 'console='] });
    expect(out).toBe('root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait\n');
    // An exact removal does not touch arguments that merely start the same way.
    expect(editCmdline('quiet quietly', { ensure: [], remove: ['quiet'] })).toBe('quietly');
    // `key=` does not remove a bare flag of the same name.
    expect(editCmdline('splash splash=1', { ensure: [], remove: ['splash='] })).toBe('splash');
  });

  it('applies removals before ensures', () => {
    expect(
      editCmdline('a systemd.run=/old b', {
        ensure: ['systemd.run=/new'],
        remove: ['systemd.run='],
      }),
    ).toBe('a b systemd.run=/new');
  });

  it('keeps the trailing newline as the original had it (none, LF or CRLF)', () => {
    expect(editCmdline('quiet', cgroups)).toBe(`quiet ${cgroupKernelArgs.join(' ')}`);
    expect(editCmdline('quiet\n', cgroups)).toBe(`quiet ${cgroupKernelArgs.join(' ')}\n`);
    expect(editCmdline('quiet\r\n', cgroups)).toBe(`quiet ${cgroupKernelArgs.join(' ')}\r\n`);
  });

  it('makes several lines one (the firmware reads only one) and collapses whitespace', () => {
    const out = editCmdline(
      '  console=tty1\t root=/dev/mmcblk0p2 \r\nrootwait\n\nquiet  \n',
      cgroups,
    );
    expect(out).toBe(
      `console=tty1 root=/dev/mmcblk0p2 rootwait quiet ${cgroupKernelArgs.join(' ')}\n`,
    );
    expect(out.split('\n')).toHaveLength(2);
  });

  it('returns the text unchanged (byte for byte) when there is nothing to do', () => {
    const text = 'console=tty1   quiet cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1\n';
    expect(editCmdline(text, cgroups)).toBe(text);
  });

  it('handles an empty file', () => {
    expect(editCmdline('', cgroups)).toBe(cgroupKernelArgs.join(' '));
    expect(editCmdline('', { ensure: [], remove: ['quiet'] })).toBe('');
    expect(editCmdline('\n', cgroups)).toBe(`${cgroupKernelArgs.join(' ')}\n`);
  });

  it('keeps quoted arguments with spaces together', () => {
    const text = 'dyndbg="file drivers/usb/* +p" quiet';
    expect(splitArguments(text)).toEqual(['dyndbg="file drivers/usb/* +p"', 'quiet']);
    expect(editCmdline(text, { ensure: ['rootwait'], remove: ['quiet'] })).toBe(
      'dyndbg="file drivers/usb/* +p" rootwait',
    );
  });

  it('rejects arguments that are not one argument', () => {
    expect(() => editCmdline('quiet', { ensure: ['a b'], remove: [] })).toThrow(/one argument/);
    expect(() => editCmdline('quiet', { ensure: [], remove: [''] })).toThrow(/one argument/);
    expect(() => editCmdline('quiet', { ensure: ['x\n'], remove: [] })).toThrow(/one argument/);
  });
});
