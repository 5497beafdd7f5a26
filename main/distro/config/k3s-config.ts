import { tokenNames } from '../../cluster/cluster-secrets';
import type { ClusterPki } from '../../pki';
import { apiServerUrl, clusterPkiFiles, k3sSecureToken, KUBE_API_SERVER_PORT } from '../../pki';
import type { NodeFile } from '../../provision/model';
import type { Secrets } from '../../secrets';
import { configFile, yamlText } from './node-file';
import { distroPaths } from './paths';
import { type PlanFacts, requireToken } from './plan-facts';

/**
 * /etc/rancher/k3s/config.yaml, read by `k3s server` and `k3s agent` alike. It holds the secure
 * token, so it is a secret file. The init node starts embedded etcd (`cluster-init`); every other
 * server and every agent joins through the endpoint. The custom CA files are already in place
 * (cluster-pki-files.ts), which is why the token's CA hash is known before the cluster exists.
 */
export function k3sConfigFile(facts: PlanFacts, secrets: Secrets, now?: Date): NodeFile {
  const { spec } = facts.cluster;
  const token = k3sSecureToken(
    serverCaBytes(secrets.pki!),
    requireToken(secrets.tokens, tokenNames.k3sSecret),
    now,
  );
  const common = {
    ...(facts.address ? { 'node-ip': facts.address } : {}),
    'node-name': facts.node.hostname,
    'flannel-iface': spec.network.interface,
  };
  const join = { server: apiServerUrl(facts.endpoint.host, facts.endpoint.port), token };
  const config = facts.controlPlane
    ? {
        ...(facts.init ? { 'cluster-init': true, token } : join),
        ...common,
        'tls-san': facts.apiSans,
        // kube-vip forwards the virtual IP at layer 2, so the API listens on the plan's port.
        ...(facts.endpoint.port !== KUBE_API_SERVER_PORT
          ? { 'https-listen-port': facts.endpoint.port }
          : {}),
        'cluster-cidr': spec.network.podCIDR,
        'service-cidr': spec.network.serviceCIDR,
        'flannel-backend': spec.network.flannelBackend,
        ...(spec.addons.metallb.enabled ? { disable: ['servicelb'] } : {}),
        'write-kubeconfig-mode': '0600',
      }
    : { ...join, ...common };
  return configFile(distroPaths.k3sConfig, yamlText(config), true);
}

/** server-ca.crt exactly as the card carries it: the token's CA hash is taken over these bytes. */
function serverCaBytes(pki: ClusterPki): Uint8Array {
  const file = clusterPkiFiles(pki).find((f) => f.path.endsWith('/server-ca.crt'));
  if (!file) throw new Error('The k3s PKI has no server-ca.crt');
  return new TextEncoder().encode(file.contents);
}
