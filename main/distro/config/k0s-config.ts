import { createHash } from 'node:crypto';

import { tokenNames } from '../../cluster/cluster-secrets';
import {
  apiServerUrl,
  generateK0sJoinToken,
  K0S_API_PORT,
  k0sBootstrapTokenSecret,
  type K0sRole,
  parseBootstrapToken,
} from '../../pki';
import type { NodeFile } from '../../provision/model';
import type { Secrets } from '../../secrets';
import type { AddonManifest } from '../addons';
import { virtualRouterId } from './keepalived';
import { configFile, yamlText } from './node-file';
import { distroPaths } from './paths';
import { type PlanFacts, requireToken } from './plan-facts';

/**
 * /etc/k0s/k0s.yaml on controllers: the API on the node's address with the endpoint and virtual
 * IP as SANs, kube-router, the plan's ranges, etcd peering on the node's address, and k0s's own
 * control-plane load balancing (CPLB: keepalived VRRP for the virtual IP, k0s's userspace proxy
 * behind it) when there is a virtual IP. No `api.externalAddress`: with CPLB that would need the
 * endpoint-reconciler disabled (k0s docs, "Control plane load balancing").
 */
export function k0sConfigFile(facts: PlanFacts): NodeFile {
  const { spec } = facts.cluster;
  const address = facts.address;
  const config = {
    apiVersion: 'k0s.k0sproject.io/v1beta1',
    kind: 'ClusterConfig',
    metadata: { name: facts.cluster.metadata.name },
    spec: {
      api: {
        ...(address ? { address } : {}),
        port: facts.endpoint.port,
        k0sApiPort: K0S_API_PORT,
        sans: [...new Set([...(address ? [address] : []), ...facts.apiSans])],
      },
      network: {
        provider: 'kuberouter',
        podCIDR: spec.network.podCIDR,
        serviceCIDR: spec.network.serviceCIDR,
        ...(facts.vip
          ? {
              controlPlaneLoadBalancing: {
                enabled: true,
                type: 'Keepalived',
                keepalived: {
                  vrrpInstances: [
                    {
                      virtualIPs: [`${facts.vip.address}/${facts.vip.prefixLength}`],
                      virtualRouterID: virtualRouterId(facts.vip.address),
                      interface: spec.network.interface,
                      authPass: vrrpAuthPass(facts.cluster.metadata.name),
                    },
                  ],
                },
              },
            }
          : {}),
      },
      storage: { type: 'etcd', etcd: address ? { peerAddress: address } : {} },
    },
  };
  return configFile(distroPaths.k0sConfig, yamlText(config));
}

/**
 * k0s requires a VRRP password (at most 8 characters). It is no security (VRRP sends it in
 * clear), only a guard against joining another cluster's VRRP group: derived from the name.
 */
function vrrpAuthPass(clusterName: string): string {
  return createHash('sha256').update(`kubeflash:${clusterName}`).digest('hex').slice(0, 8);
}

/**
 * The full k0s join tokens (gzip + base64 kubeconfigs, what `k0s install … --token-file`
 * reads): the worker token for workers, the controller token for every controller, the
 * designated one too (re-flashed into a running cluster, it joins instead of initialising).
 * The vault holds only the bare bootstrap tokens inside them.
 */
export function k0sTokenFiles(facts: PlanFacts, secrets: Secrets): NodeFile[] {
  const role: K0sRole = facts.controlPlane ? 'controller' : 'worker';
  const server =
    role === 'controller'
      ? apiServerUrl(facts.endpoint.host, K0S_API_PORT)
      : apiServerUrl(facts.endpoint.host, facts.endpoint.port);
  const { id, secret } = bootstrapToken(secrets, role);
  const { token } = generateK0sJoinToken({
    role,
    pki: secrets.pki!,
    server,
    tokenId: id,
    tokenSecret: secret,
  });
  const path = role === 'controller' ? distroPaths.k0sControllerToken : distroPaths.k0sWorkerToken;
  return [configFile(path, `${token}\n`, true)];
}

/**
 * The bootstrap-token Secrets that make the pre-shared tokens valid, as a manifest for every
 * controller (k0s applies its manifests folder; the first controller up creates them). The
 * tokens do not expire: k0s nodes rejoin with them after a rebuild.
 */
export function k0sTokenSecretsManifest(secrets: Secrets): AddonManifest {
  const objects = (['worker', 'controller'] as const).map((role) => {
    const { id, secret } = bootstrapToken(secrets, role);
    return k0sBootstrapTokenSecret({ role, tokenId: id, tokenSecret: secret });
  });
  return { fileName: '00-k0s-join-tokens.yaml', objects, secret: true };
}

function bootstrapToken(secrets: Secrets, role: K0sRole) {
  const name = role === 'controller' ? tokenNames.k0sController : tokenNames.k0sWorker;
  return parseBootstrapToken(requireToken(secrets.tokens, name));
}
