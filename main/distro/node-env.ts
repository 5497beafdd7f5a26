import {
  allowedVipProviders,
  type Cluster,
  type ClusterNode,
  type CpuArchitecture,
  cpuArchitectures,
  distributionDownloads,
  isIpv4,
  type ReleaseDownload,
  versionPatterns,
} from '../../common/cluster';
import { KubeflashError } from '../../common/errors';
import { shQuote } from '../provision/payload/shell';

export const nodeEnvPath = '/etc/kubeflash/node.env';

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const dnsName =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function invalid(message: string, subject: string): never {
  throw new KubeflashError(
    'invalid-file',
    `${message}; fix the cluster file, then flash again`,
    subject,
  );
}

/**
 * /etc/kubeflash/node.env: the node's facts for the bootstrap scripts, as POSIX-sourceable
 * KEY='value' lines. Every value is checked first (it ends up in shell) and single-quoted.
 */
export function nodeEnv(cluster: Cluster, node: ClusterNode): string {
  const { spec } = cluster;
  const distribution = spec.distribution.name;
  const version = spec.distribution.version;
  if (!dnsLabel.test(cluster.metadata.name))
    invalid(`"${cluster.metadata.name}" is not a valid cluster name`, 'metadata.name');
  if (!dnsLabel.test(node.hostname))
    invalid(`"${node.hostname}" is not a valid hostname`, 'spec.nodes.hostname');
  if (!versionPatterns[distribution].test(version))
    invalid(`"${version}" is not a ${distribution} version`, 'spec.distribution.version');
  if (node.init && node.role !== 'control-plane')
    invalid(`${node.hostname} is a worker and cannot initialise the cluster`, 'spec.nodes.init');
  const { endpoint, port, virtualIP } = spec.controlPlane;
  if (!isIpv4(endpoint) && !dnsName.test(endpoint))
    invalid(
      `The endpoint "${endpoint}" is neither an IPv4 address nor a host name`,
      'spec.controlPlane.endpoint',
    );
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    invalid(`The endpoint port ${port} is not a TCP port`, 'spec.controlPlane.port');
  if (virtualIP) {
    if (!isIpv4(virtualIP.address))
      invalid(
        `The virtual IP "${virtualIP.address}" is not an IPv4 address`,
        'spec.controlPlane.virtualIP.address',
      );
    if (!allowedVipProviders[distribution].includes(virtualIP.provider))
      invalid(
        `${virtualIP.provider} cannot provide the VIP for ${distribution}`,
        'spec.controlPlane.virtualIP.provider',
      );
  }
  const checkAddress = (n: ClusterNode) => {
    if (n.ip !== undefined && !isIpv4(n.ip))
      invalid(`${n.hostname}'s address "${n.ip}" is not an IPv4 address`, 'spec.nodes.ip');
    return n.ip ?? '';
  };
  const controlPlaneAddresses = spec.nodes
    .filter((n) => n.role === 'control-plane')
    .map(checkAddress)
    .filter((ip) => ip !== '');
  const values: [string, string][] = [
    ['KF_CLUSTER', cluster.metadata.name],
    ['KF_HOSTNAME', node.hostname],
    ['KF_ROLE', node.role],
    ['KF_INIT', node.init ? 'yes' : 'no'],
    ['KF_DISTRIBUTION', distribution],
    ['KF_VERSION', version],
    ['KF_ENDPOINT_HOST', endpoint],
    ['KF_ENDPOINT_PORT', String(port)],
    ['KF_VIP', virtualIP?.address ?? ''],
    ['KF_VIP_PROVIDER', virtualIP?.provider ?? ''],
    ['KF_ADDRESS', checkAddress(node)],
    ['KF_INTERFACE', spec.network.interface],
    ['KF_CONTROL_PLANE_ADDRESSES', controlPlaneAddresses.join(' ')],
    ...cpuArchitectures.flatMap((arch) =>
      distributionDownloads(distribution, version, arch).map((download): [string, string] => [
        releaseVariable(arch, download.name),
        releaseValue(download),
      ]),
    ),
  ];
  return [
    '# Kubeflash node facts, read by the bootstrap scripts. Written by the app; no secrets.',
    ...values.map(([key, value]) => `${key}=${shQuote(value)}`),
    '',
  ].join('\n');
}

/**
 * The node.env variable of one download on one CPU architecture, as the bootstrap's
 * release_download looks it up: KF_RELEASE_ARM64_K3S, KF_RELEASE_ARMHF_CNI_PLUGINS…
 */
export function releaseVariable(arch: CpuArchitecture, name: string): string {
  return `KF_RELEASE_${arch}_${name}`.toUpperCase().replace(/-/g, '_');
}

/**
 * "URL CHECKSUM-URL [ENTRY]": the entry (the file's line in a sha256sum checksum file) is left
 * out for a bare checksum file. URLs are percent-encoded, so the words hold no spaces.
 */
function releaseValue(download: ReleaseDownload): string {
  const words = [download.url, download.checksumUrl];
  if (download.checksumFormat === 'sha256sum') words.push(download.fileName);
  for (const word of words) {
    if (!/^[A-Za-z0-9:/._%+-]+$/.test(word))
      throw new Error(`release download "${word}" has characters node.env cannot carry`);
  }
  return words.join(' ');
}
