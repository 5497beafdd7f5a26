import { cgroupKernelArgs, type CmdlineEdit } from '../model';
import type { NodeNetwork } from './network';

/**
 * Arguments every card of this node gets: the memory cgroup Kubernetes needs and, on Wi-Fi, the
 * regulatory domain (Raspberry Pi OS since Bookworm sets the country through cmdline.txt, and
 * the kernel honours it on every OS). Applied idempotently by editCmdline.
 */
function nodeKernelArgs(net: NodeNetwork): string[] {
  return [
    ...cgroupKernelArgs,
    ...(net.wifi ? [`cfg80211.ieee80211_regdom=${net.wifi.country}`] : []),
  ];
}

export function nodeCmdlineEdit(net: NodeNetwork): CmdlineEdit {
  return { path: 'cmdline.txt', ensure: nodeKernelArgs(net), remove: [] };
}

/**
 * Where firstrun.sh runs from. Raspberry Pi Imager writes `systemd.run=/boot/firstrun.sh` and
 * Bookworm's initramfs hook (raspberrypi-sys-mods `imager_fixup`) rewrites it to /boot/firmware
 * at the cost of an extra reboot; we write the Bookworm path directly.
 */
export const firstrunBootPath = '/boot/firmware/firstrun.sh';

/** The arguments firstrun.sh removes again once it has run. */
export const firstrunKernelArgs = [
  `systemd.run=${firstrunBootPath}`,
  'systemd.run_success_action=reboot',
  'systemd.unit=kernel-command-line.target',
];

/** Bookworm: start firstrun.sh once, then reboot into the configured system. */
export function firstrunCmdlineEdit(net: NodeNetwork): CmdlineEdit {
  return {
    path: 'cmdline.txt',
    ensure: [...nodeKernelArgs(net), ...firstrunKernelArgs],
    remove: [],
  };
}
