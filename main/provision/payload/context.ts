import type { ClusterSpec } from '../../../common/cluster';
import type { SshHostKeysSecret } from '../../secrets';
import {
  type NodeBundle,
  type NodeFile,
  type OsFamily,
  type PayloadFormat,
  payloadFormatOf,
} from '../model';
import { authorizedKeys } from './authorized-keys';
import { payloadError } from './errors';
import type { PayloadInput } from './input';
import { type NodeNetwork, nodeNetwork } from './network';
import { checkPasswordHash } from './password';

/** The plan's login user on the node. */
export interface NodeUser {
  name: string;
  /** crypt(3) hash; the account password stays locked when absent (keys only). */
  passwordHash?: string;
  authorizedKeys: string[];
  passwordAuthentication: boolean;
}

/** A checked, resolved PayloadInput: what every renderer works from. */
export interface PayloadContext {
  family: OsFamily;
  /** The node's hostname as planned (may be dotted). */
  hostname: string;
  /** First label: what goes in /etc/hostname. */
  shortName: string;
  /** Set when the planned hostname is fully qualified. */
  fqdn?: string;
  user: NodeUser;
  hostKeys: SshHostKeysSecret;
  network: NodeNetwork;
  system: ClusterSpec['system'];
  bundle: NodeBundle;
  instanceId: string;
  flashedAt: Date;
  metaDataKey: 'instance-id' | 'instance_id';
}

const label = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const hostnamePattern = new RegExp(`^${label}(\\.${label})*$`);

/** Check the input for one format and resolve it; every error names the input to fix. */
export function payloadContext(input: PayloadInput, format: PayloadFormat): PayloadContext {
  const { cluster, node, secrets, family, bundle } = input;
  if (payloadFormatOf[family] !== format) {
    throw payloadError(
      `${family} takes a ${payloadFormatOf[family]} payload, not ${format}.`,
      'family',
    );
  }
  if (!cluster.spec.nodes.some((n) => n.hostname === node.hostname)) {
    throw payloadError(`Node ${node.hostname} is not in the cluster plan.`, 'node');
  }
  if (!hostnamePattern.test(node.hostname) || node.hostname.length > 253) {
    throw payloadError(`"${node.hostname}" is not a valid hostname.`, 'node.hostname');
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(input.instanceId)) {
    throw payloadError(
      'The instance id is 1 to 128 letters, digits and ._:- characters.',
      'instanceId',
    );
  }
  if (Number.isNaN(input.flashedAt.getTime()))
    throw payloadError('The flash time is invalid.', 'flashedAt');
  const hostKeys = secrets.ssh?.hostKeys[node.hostname];
  if (!hostKeys) {
    throw payloadError(
      `The secrets hold no SSH host keys for ${node.hostname}: generate them before flashing.`,
      'ssh.hostKeys',
    );
  }
  const [shortName = node.hostname] = node.hostname.split('.');
  return {
    family,
    hostname: node.hostname,
    shortName,
    ...(node.hostname.includes('.') ? { fqdn: node.hostname } : {}),
    user: nodeUser(input),
    hostKeys,
    network: nodeNetwork(cluster, node, secrets),
    system: checkSystem(cluster.spec.system),
    bundle: checkBundle(bundle),
    instanceId: input.instanceId,
    flashedAt: input.flashedAt,
    metaDataKey: input.options?.metaDataKey ?? 'instance-id',
  };
}

function nodeUser({ cluster, secrets, family }: PayloadInput): NodeUser {
  const { ssh } = cluster.spec;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(ssh.user) || ssh.user === 'root') {
    throw payloadError(
      `"${ssh.user}" cannot be the login user: use lower-case letters, digits, - and _, not root.`,
      'ssh.user',
    );
  }
  return {
    name: ssh.user,
    ...(secrets.passwordHash
      ? { passwordHash: checkPasswordHash(secrets.passwordHash, family) }
      : {}),
    authorizedKeys: authorizedKeys(cluster, secrets),
    passwordAuthentication: ssh.passwordAuthentication,
  };
}

/**
 * Names that end up in paths (zoneinfo), sed expressions and config files: plain tokens only.
 */
function checkSystem(system: ClusterSpec['system']): ClusterSpec['system'] {
  const checks: [keyof ClusterSpec['system'], RegExp, string][] = [
    ['timezone', /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/, 'a zoneinfo name such as Europe/Berlin'],
    ['locale', /^[A-Za-z0-9_.@-]+$/, 'a locale such as en_US.UTF-8'],
    ['keyboardLayout', /^[A-Za-z0-9_,-]+$/, 'an XKB layout such as us or de'],
  ];
  for (const [field, pattern, what] of checks) {
    if (!pattern.test(system[field])) {
      throw payloadError(`"${system[field]}" is not ${what}.`, `system.${field}`);
    }
  }
  return system;
}

/** Paths are absolute and plain, listed once; the entry point is among them. */
function checkBundle(bundle: NodeBundle): NodeBundle {
  const seen = new Set<string>();
  for (const file of bundle.files) {
    checkNodePath(file);
    if (seen.has(file.path))
      throw payloadError(`The node bundle lists ${file.path} twice.`, 'bundle');
    seen.add(file.path);
  }
  if (!seen.has(bundle.entryPoint)) {
    throw payloadError(
      `The bundle's entry point ${bundle.entryPoint} is not among its files.`,
      'bundle',
    );
  }
  return bundle;
}

function checkNodePath(file: NodeFile): void {
  const { path, mode } = file;
  // Shell-, YAML- and tar-safe characters only: these paths go into generated scripts.
  const plain =
    /^[A-Za-z0-9._+@:,=/-]+$/.test(path) &&
    path.startsWith('/') &&
    !path.endsWith('/') &&
    path
      .slice(1)
      .split('/')
      .every((part) => part !== '' && part !== '.' && part !== '..');
  if (!plain) throw payloadError(`Bundle path "${path}" is not a plain absolute path.`, 'bundle');
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw payloadError(`Bundle file ${path} has an invalid mode.`, 'bundle');
  }
}

/** Octal mode as the formats spell it: '0644'. */
export function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** Refuse a bundle file that would overwrite OS configuration this payload writes itself. */
export function checkNoCollision(bundle: NodeBundle, ours: Iterable<string>): void {
  const own = new Set(ours);
  for (const file of bundle.files) {
    if (own.has(file.path)) {
      throw payloadError(
        `Bundle file ${file.path} would overwrite configuration Kubeflash writes.`,
        'bundle',
      );
    }
  }
}
