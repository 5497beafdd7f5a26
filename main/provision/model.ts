/**
 * The boot payload: what goes on one node's card, independent of how it is written. One renderer
 * per OS family turns (cluster, node, secrets, node bundle) into files and edits on the FAT boot
 * partition; the flash engine applies them and reads them back.
 */

/** OS families, detected from the boot partition (never from a file name). */
export const osFamilies = [
  'raspios-bookworm',
  'raspios-trixie',
  'ubuntu',
  'hypriot',
  'alpine',
] as const;
export type OsFamily = (typeof osFamilies)[number];

/** How a family takes its per-node configuration. */
export type PayloadFormat = 'firstrun' | 'cloud-init' | 'apkovl';

export const payloadFormatOf: Record<OsFamily, PayloadFormat> = {
  'raspios-bookworm': 'firstrun',
  'raspios-trixie': 'cloud-init',
  ubuntu: 'cloud-init',
  hypriot: 'cloud-init',
  alpine: 'apkovl',
};

/** A file written on the FAT boot partition; `path` is relative to its root, '/'-separated. */
export interface BootFile {
  path: string;
  content: Uint8Array;
}

/** An edit of an existing boot file. Only cmdline.txt is edited; it must stay one line. */
export interface CmdlineEdit {
  path: 'cmdline.txt';
  /** Kernel arguments present exactly once afterwards (`key=value` replaces the same key). */
  ensure: string[];
  /** Arguments removed (exact, or `key=` for any value of that key). */
  remove: string[];
}

export interface BootPayload {
  family: OsFamily;
  files: BootFile[];
  edits: CmdlineEdit[];
}

/** A file the node needs on its root filesystem (placed there by cloud-init, firstrun or apkovl). */
export interface NodeFile {
  /** Absolute path on the node. */
  path: string;
  content: string;
  /** Octal permission bits, e.g. 0o600 for keys. */
  mode: number;
  /** True for keys, tokens, passwords: scrubbed from the boot partition once used. */
  secret: boolean;
}

/**
 * What one node needs besides the OS configuration: the bootstrap entry script, its config and
 * the secrets of its role. The distribution layer makes it; the payload renderers place it.
 */
export interface NodeBundle {
  files: NodeFile[];
  /** Absolute path of the bootstrap entry script among `files`, started once at first boot. */
  entryPoint: string;
}

/** Where bundles land on the node, for every OS family. */
export const kubeflashDirs = {
  lib: '/var/lib/kubeflash',
  status: '/var/lib/kubeflash/status.json',
  etc: '/etc/kubeflash',
} as const;

/** Kernel arguments every card gets: the memory cgroup Kubernetes needs. */
export const cgroupKernelArgs = ['cgroup_enable=cpuset', 'cgroup_enable=memory', 'cgroup_memory=1'];
