import type { BootFileInfo, BootPartition } from '../disk';
import { hasLabel } from '../disk';
import type { OsFamily } from '../model';

/** What detection looked at; classify decides from it alone. */
export interface BootFacts {
  boot: BootPartition;
  /** Top-level entries of the boot partition. */
  files: BootFileInfo[];
  /** os-release of the root filesystem, when one was readable. */
  osRelease: Record<string, string> | null;
}

export interface Classification {
  family: OsFamily;
  evidence: string[];
}

/** Debian releases before cloud-init came to Raspberry Pi OS (Trixie): these use firstrun.sh. */
const firstrunCodenames = new Set(['jessie', 'stretch', 'buster', 'bullseye', 'bookworm']);

export const supportedFamiliesText =
  'Raspberry Pi OS (boot partition "bootfs"), Ubuntu Server ("system-boot"), HypriotOS ("HypriotOS") and Alpine Linux ("PIBOOT", or a FAT card with apks/)';

/**
 * The OS family from the boot partition's label and files, refined by os-release. Pure.
 * Returns null when nothing matches. The image's file name plays no part.
 */
export function classify(facts: BootFacts): Classification | null {
  const { boot, osRelease } = facts;
  const has = (name: string): boolean =>
    facts.files.some((f) => f.name.toUpperCase() === name.toUpperCase());
  const label = `label "${boot.label ?? ''}"`;

  if (hasLabel(boot, 'system-boot')) return { family: 'ubuntu', evidence: [label] };
  if (hasLabel(boot, 'HypriotOS')) return { family: 'hypriot', evidence: [label] };
  if (hasLabel(boot, 'PIBOOT')) return { family: 'alpine', evidence: [label] };
  if (
    boot.table === 'none' &&
    facts.files.some((f) => f.isDirectory && f.name.toLowerCase() === 'apks')
  ) {
    return {
      family: 'alpine',
      evidence: ['FAT filesystem on the whole card with an apks/ folder'],
    };
  }

  // Raspberry Pi OS: "bootfs" since Bookworm, "boot" before (then confirmed by more than a label).
  const oldRaspios = hasLabel(boot, 'boot') && (has('issue.txt') || osRelease?.ID === 'raspbian');
  if (!hasLabel(boot, 'bootfs') && !oldRaspios) return null;
  const evidence = [label];
  const userData = has('user-data');
  evidence.push(userData ? 'user-data present (cloud-init)' : 'no user-data');
  const codename = osRelease?.VERSION_CODENAME?.toLowerCase();
  if (codename) {
    // The root filesystem says which release this is; it outweighs a stray or missing file.
    const family = firstrunCodenames.has(codename) ? 'raspios-bookworm' : 'raspios-trixie';
    evidence.push(
      (family === 'raspios-trixie') === userData
        ? `release ${codename} agrees`
        : `release ${codename} decides (user-data ${userData ? 'present' : 'absent'})`,
    );
    return { family, evidence };
  }
  return { family: userData ? 'raspios-trixie' : 'raspios-bookworm', evidence };
}
