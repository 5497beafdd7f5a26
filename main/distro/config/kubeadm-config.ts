import { KubeflashError } from '../../../common/errors';
import { tokenNames } from '../../cluster/cluster-secrets';
import { discoveryTokenCaCertHash, parseBootstrapToken } from '../../pki';
import type { NodeFile } from '../../provision/model';
import type { Secrets } from '../../secrets';
import { kubeadmApiServerPort } from './kubeadm-ports';
import { configFile, yamlText } from './node-file';
import { distroPaths } from './paths';
import { type PlanFacts, requireToken } from './plan-facts';

const KUBEADM_API = 'kubeadm.k8s.io/v1beta4';
const KUBELET_API = 'kubelet.config.k8s.io/v1beta1';
const CRI_SOCKET = 'unix:///run/containerd/containerd.sock';

/**
 * How long the bootstrap token on the cards stays valid, counted from `kubeadm init`: a week
 * covers a build session in which some cards are powered on days later, and a lost card's token
 * is useless after it. A node flashed after that (a rebuild months later) gets a fresh token
 * minted through the API before its card is written (see DESIGN.md, "Tokens over time").
 */
export const kubeadmBootstrapTokenTtlSeconds = 7 * 24 * 3600;
export const KUBEADM_BOOTSTRAP_TOKEN_TTL = `${kubeadmBootstrapTokenTtlSeconds / 3600}h0m0s`;

/**
 * The kubelet's cgroup driver must match the init system (systemd manages cgroups on systemd
 * hosts; OpenRC on Alpine leaves them to cgroupfs) and the bundle cannot know the OS: the card
 * carries both variants and the bootstrap picks `openrc/` on OpenRC. The init node's
 * KubeletConfiguration becomes the cluster-wide default, so joins override the driver for
 * themselves through a kubeadm patch (target "kubeletconfiguration").
 */
export type InitSystem = 'systemd' | 'openrc';
const variants: Record<
  InitSystem,
  { init: string; join: string; patches: string; cgroupDriver: string }
> = {
  systemd: {
    init: distroPaths.kubeadmInit,
    join: distroPaths.kubeadmJoin,
    patches: distroPaths.kubeadmPatches,
    cgroupDriver: 'systemd',
  },
  openrc: {
    init: distroPaths.kubeadmInitOpenrc,
    join: distroPaths.kubeadmJoinOpenrc,
    patches: distroPaths.kubeadmPatchesOpenrc,
    cgroupDriver: 'cgroupfs',
  },
};

/**
 * The init node gets InitConfiguration + ClusterConfiguration + KubeletConfiguration; every
 * node a JoinConfiguration that pins the CA by its offline hash, with a controlPlane section on
 * control planes (the shared CA keys are already on their cards, so no certificateKey). The
 * init node's join configuration is for a re-flash into a running cluster: it joins then, and
 * the token stays in a file, never on a command line. Both carry the bootstrap token, so both
 * are secret files.
 */
export function kubeadmConfigFiles(facts: PlanFacts, secrets: Secrets): NodeFile[] {
  const token = requireToken(secrets.tokens, tokenNames.kubeadmBootstrap);
  try {
    parseBootstrapToken(token);
  } catch {
    throw new KubeflashError(
      'invalid-file',
      `The "${tokenNames.kubeadmBootstrap}" in the secrets is not a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}): unlock the secrets file made for this cluster`,
      tokenNames.kubeadmBootstrap,
    );
  }
  return (Object.keys(variants) as InitSystem[]).flatMap((system) => {
    const variant = variants[system];
    return [
      ...(facts.init
        ? [configFile(variant.init, initConfiguration(facts, token, variant.cgroupDriver), true)]
        : []),
      configFile(variant.join, joinConfiguration(facts, token, secrets, variant.patches), true),
      configFile(
        `${variant.patches}/kubeletconfiguration+merge.yaml`,
        yamlText({ cgroupDriver: variant.cgroupDriver }),
      ),
    ];
  });
}

function nodeRegistration(facts: PlanFacts) {
  // kube-vip's static pod is in /etc/kubernetes/manifests before kubeadm runs (the VIP must be
  // up while the control plane starts); kubeadm's preflight would refuse the non-empty folder.
  const kubeVipPod = facts.controlPlane && facts.vip?.provider === 'kube-vip';
  return {
    name: facts.node.hostname,
    criSocket: CRI_SOCKET,
    ...(facts.address ? { kubeletExtraArgs: [{ name: 'node-ip', value: facts.address }] } : {}),
    ...(kubeVipPod ? { ignorePreflightErrors: ['DirAvailable--etc-kubernetes-manifests'] } : {}),
  };
}

function localApiEndpoint(facts: PlanFacts) {
  return {
    ...(facts.address ? { advertiseAddress: facts.address } : {}),
    bindPort: kubeadmApiServerPort(facts),
  };
}

function initConfiguration(facts: PlanFacts, token: string, cgroupDriver: string): string {
  const { spec } = facts.cluster;
  const documents = [
    {
      apiVersion: KUBEADM_API,
      kind: 'InitConfiguration',
      bootstrapTokens: [
        {
          token,
          description: 'Kubeflash: the join token on every card of this cluster',
          ttl: KUBEADM_BOOTSTRAP_TOKEN_TTL,
          usages: ['signing', 'authentication'],
          groups: ['system:bootstrappers:kubeadm:default-node-token'],
        },
      ],
      localAPIEndpoint: localApiEndpoint(facts),
      nodeRegistration: nodeRegistration(facts),
    },
    {
      apiVersion: KUBEADM_API,
      kind: 'ClusterConfiguration',
      clusterName: facts.cluster.metadata.name,
      kubernetesVersion: spec.distribution.version,
      controlPlaneEndpoint: `${facts.endpoint.host}:${facts.endpoint.port}`,
      networking: { podSubnet: spec.network.podCIDR, serviceSubnet: spec.network.serviceCIDR },
      apiServer: { certSANs: facts.apiSans },
    },
    { apiVersion: KUBELET_API, kind: 'KubeletConfiguration', cgroupDriver },
  ];
  return documents.map(yamlText).join('---\n');
}

function joinConfiguration(
  facts: PlanFacts,
  token: string,
  secrets: Secrets,
  patches: string,
): string {
  const pki = secrets.pki!;
  if (pki.distribution !== 'kubeadm') throw new Error('kubeadm joins need a kubeadm PKI');
  return yamlText({
    apiVersion: KUBEADM_API,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: `${facts.endpoint.host}:${facts.endpoint.port}`,
        token,
        caCertHashes: [discoveryTokenCaCertHash(pki.ca.certificatePem)],
      },
    },
    nodeRegistration: nodeRegistration(facts),
    ...(facts.controlPlane ? { controlPlane: { localAPIEndpoint: localApiEndpoint(facts) } } : {}),
    patches: { directory: patches },
  });
}
