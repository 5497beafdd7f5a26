import { describe, expect, it } from 'vitest';

import { classify } from '../../../../main/provision/detect';
import type { BootFileInfo, BootPartition } from '../../../../main/provision/disk';

function boot(
  label: string | null,
  table: BootPartition['table'] = 'mbr',
  bpb = label,
): BootPartition {
  return {
    index: table === 'none' ? 0 : 1,
    offset: 0,
    size: 1,
    fatType: 32,
    label,
    labels: { bpb, rootDirectory: label },
    table,
  };
}

function files(...names: string[]): BootFileInfo[] {
  return names.map((n) => ({
    path: n.replace(/\/$/, ''),
    name: n.replace(/\/$/, ''),
    size: 0,
    isDirectory: n.endsWith('/'),
  }));
}

const debian = (codename: string): Record<string, string> => ({
  ID: 'debian',
  VERSION_CODENAME: codename,
});

describe('classify', () => {
  it('decides by label, whatever its case', () => {
    expect(classify({ boot: boot('SYSTEM-BOOT'), files: [], osRelease: null })?.family).toBe(
      'ubuntu',
    );
    expect(classify({ boot: boot('hypriotos'), files: [], osRelease: null })?.family).toBe(
      'hypriot',
    );
    expect(classify({ boot: boot('piboot'), files: [], osRelease: null })?.family).toBe('alpine');
    expect(classify({ boot: boot('BOOTFS'), files: [], osRelease: null })?.family).toBe(
      'raspios-bookworm',
    );
  });

  it('matches a label found in either place (BPB or root directory)', () => {
    const mixed = boot('NEW', 'mbr', 'system-boot');
    expect(classify({ boot: mixed, files: [], osRelease: null })?.family).toBe('ubuntu');
  });

  it('bootfs: user-data decides without os-release', () => {
    expect(
      classify({ boot: boot('bootfs'), files: files('cmdline.txt', 'USER-DATA'), osRelease: null }),
    ).toEqual({
      family: 'raspios-trixie',
      evidence: ['label "bootfs"', 'user-data present (cloud-init)'],
    });
    expect(
      classify({ boot: boot('bootfs'), files: files('cmdline.txt'), osRelease: null })?.family,
    ).toBe('raspios-bookworm');
  });

  it('bootfs: the os-release codename outweighs the presence of user-data', () => {
    const withUserData = files('cmdline.txt', 'user-data');
    const bookworm = classify({
      boot: boot('bootfs'),
      files: withUserData,
      osRelease: debian('bookworm'),
    });
    expect(bookworm?.family).toBe('raspios-bookworm');
    expect(bookworm?.evidence).toContain('release bookworm decides (user-data present)');
    const trixie = classify({
      boot: boot('bootfs'),
      files: files('cmdline.txt'),
      osRelease: debian('trixie'),
    });
    expect(trixie?.family).toBe('raspios-trixie');
    expect(trixie?.evidence).toContain('release trixie decides (user-data absent)');
    // A release after Trixie keeps cloud-init.
    expect(classify({ boot: boot('bootfs'), files: [], osRelease: debian('forky') })?.family).toBe(
      'raspios-trixie',
    );
    expect(
      classify({ boot: boot('bootfs'), files: [], osRelease: debian('bullseye') })?.family,
    ).toBe('raspios-bookworm');
  });

  it('label "boot" (Raspberry Pi OS up to Bullseye) only with more evidence', () => {
    expect(
      classify({ boot: boot('boot'), files: files('cmdline.txt'), osRelease: null }),
    ).toBeNull();
    expect(
      classify({ boot: boot('boot'), files: files('issue.txt'), osRelease: null })?.family,
    ).toBe('raspios-bookworm');
    expect(
      classify({
        boot: boot('boot'),
        files: [],
        osRelease: { ID: 'raspbian', VERSION_CODENAME: 'bullseye' },
      })?.family,
    ).toBe('raspios-bookworm');
  });

  it('a whole-disk FAT filesystem with apks/ is Alpine; without it, nothing', () => {
    expect(
      classify({ boot: boot(null, 'none'), files: files('cmdline.txt', 'apks/'), osRelease: null })
        ?.family,
    ).toBe('alpine');
    expect(
      classify({ boot: boot(null, 'none'), files: files('cmdline.txt', 'apks'), osRelease: null }),
    ).toBeNull();
    expect(
      classify({ boot: boot(null, 'mbr'), files: files('apks/'), osRelease: null }),
    ).toBeNull();
  });

  it('recognises nothing else', () => {
    expect(
      classify({
        boot: boot('DATA'),
        files: files('user-data', 'cmdline.txt'),
        osRelease: debian('trixie'),
      }),
    ).toBeNull();
    expect(classify({ boot: boot(null), files: [], osRelease: null })).toBeNull();
  });
});
