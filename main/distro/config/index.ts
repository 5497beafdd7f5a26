// The distributions' configuration on a node's card: k3s config.yaml, kubeadm Init/Join
// configurations (+ keepalived/haproxy or kube-vip), k0s.yaml and join tokens, and the add-on
// manifests. Pure functions of (plan, node, secrets); the bootstrap scripts consume the files.
import type { Cluster, ClusterNode } from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';
import type { NodeFile } from '../../provision/model';
import type { Secrets } from '../../secrets';
import { addonManifests, kubeVipStaticPod, renderManifest } from '../addons';
import { haproxyFile } from './haproxy';
import { k0sConfigFile, k0sTokenFiles, k0sTokenSecretsManifest } from './k0s-config';
import { k3sConfigFile } from './k3s-config';
import { keepalivedFiles } from './keepalived';
import {
  KUBEADM_BOOTSTRAP_TOKEN_TTL,
  kubeadmBootstrapTokenTtlSeconds,
  kubeadmConfigFiles,
} from './kubeadm-config';
import { kubeadmApiServerPort } from './kubeadm-ports';
import { configFile } from './node-file';
import { distroPaths } from './paths';
import { type PlanFacts, planFacts } from './plan-facts';

export {
  distroPaths,
  KUBEADM_BOOTSTRAP_TOKEN_TTL,
  kubeadmApiServerPort,
  kubeadmBootstrapTokenTtlSeconds,
};

/** Every distribution file one node's card carries (its PKI files are placed by the bundle). */
export function distributionFiles(
  cluster: Cluster,
  node: ClusterNode,
  secrets: Secrets,
): NodeFile[] {
  const distribution = cluster.spec.distribution.name;
  if (!secrets.pki) {
    throw new KubeflashError(
      'invalid-file',
      'The secrets hold no cluster CA: unlock the right secrets file',
    );
  }
  if (secrets.pki.distribution !== distribution) {
    throw new KubeflashError(
      'invalid-file',
      `The secrets were made for a ${secrets.pki.distribution} cluster, but the plan runs ${distribution}: open the secrets file made for this plan`,
      'spec.distribution.name',
    );
  }
  const facts = planFacts(cluster, node);
  const files: NodeFile[] = [];
  switch (distribution) {
    case 'k3s':
      files.push(k3sConfigFile(facts, secrets));
      break;
    case 'kubeadm':
      files.push(...kubeadmConfigFiles(facts, secrets), ...kubeadmVipFiles(facts));
      break;
    case 'k0s':
      if (facts.controlPlane) files.push(k0sConfigFile(facts));
      files.push(...k0sTokenFiles(facts, secrets));
      break;
  }
  if (facts.controlPlane) files.push(...manifestFiles(cluster, secrets));
  return files;
}

function kubeadmVipFiles(facts: PlanFacts): NodeFile[] {
  if (!facts.controlPlane || !facts.vip) return [];
  if (facts.vip.provider === 'keepalived-haproxy') {
    return [...keepalivedFiles(facts), haproxyFile(facts)];
  }
  const pod = kubeVipStaticPod(
    {
      address: facts.vip.address,
      port: facts.endpoint.port,
      interface: facts.cluster.spec.network.interface,
    },
    facts.init,
  );
  return [configFile(distroPaths.kubeVipStaticPod, renderManifest([pod]))];
}

/** The add-on manifests, for control planes: they apply them (or hand them to auto-deploy). */
function manifestFiles(cluster: Cluster, secrets: Secrets): NodeFile[] {
  const manifests = addonManifests(cluster);
  if (cluster.spec.distribution.name === 'k0s') manifests.unshift(k0sTokenSecretsManifest(secrets));
  return manifests.map((manifest) =>
    configFile(
      `${distroPaths.manifests}/${manifest.fileName}`,
      renderManifest(manifest.objects),
      manifest.secret === true,
    ),
  );
}
