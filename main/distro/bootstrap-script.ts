import type { DistributionName } from '../../common/cluster';
import { kubeflashDirs } from '../provision/model';
import bootstrapLibrary from './scripts/common.sh?raw';
import distributionMain from './scripts/distribution-main.sh?raw';
import k0sPart from './scripts/k0s.sh?raw';
import k3sPart from './scripts/k3s.sh?raw';
import kubeadmPart from './scripts/kubeadm.sh?raw';

export const distributionScriptPath = `${kubeflashDirs.lib}/distribution.sh`;

const distributionParts: Record<DistributionName, string> = {
  k3s: k3sPart,
  kubeadm: kubeadmPart,
  k0s: k0sPart,
};

/** One script from .sh parts: one `#!/bin/sh`, each part without its own. */
export function composeScript(...parts: string[]): string {
  const bodies = parts.map((part) => part.replace(/^#!.*\n/, '').trimEnd());
  return `#!/bin/sh\n${bodies.join('\n\n')}\n`;
}

/** The entry script: the bootstrap library, then the entry's own body. */
export function withBootstrapLibrary(entryBody: string): string {
  return composeScript(bootstrapLibrary, entryBody);
}

/**
 * /var/lib/kubeflash/distribution.sh: the library, the distribution's part and the phases. The
 * same text for every node of a distribution and every OS family (apt or apk, systemd or
 * OpenRC are detected on the node); the node's facts are in node.env.
 */
export function distributionScript(distribution: DistributionName): string {
  return composeScript(
    '# Kubeflash distribution bootstrap, started by bootstrap.sh after the time gate.\nset -u',
    bootstrapLibrary,
    distributionParts[distribution],
    distributionMain,
  );
}
