import { type ChildProcess, execFileSync, spawn, type StdioOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { threadId } from 'node:worker_threads';

import { hasCommand, isRoot } from './prerequisites';

/**
 * Test hosts in Linux network namespaces: each simulated node gets its own namespace with its own
 * address on a private bridge, so tests reach "nodes" by address exactly as the app reaches Pis —
 * without sending anything to a real network.
 *
 * Layout of one TestNetwork:
 *   root namespace: bridge `kf<id>b`, address 198.(18|19).X.1/24 (X unique per test process)
 *   per host: namespace `kubeflash-test-<pid>-<t>-<n>-<name>`, a veth pair `kf<id>v<i>` (root side,
 *   in the bridge) ↔ `eth0` (inside), address 198.(18|19).X.(i+2)/24, lo up, default route via .1.
 *
 * Addresses come from 198.18.0.0/15 (RFC 2544 benchmarking range, never routed on the internet):
 * nothing here can reach a real home network. The /24 starts at an index derived from the pid and
 * skips any /24 already present on an interface, so parallel test processes do not clash.
 *
 * Needs root and iproute2 (`ip`), and util-linux (`unshare`, `mount`) for private mounts: check
 * with `netnsPrerequisites()` through requirePrerequisite. Cleanup kills every process started
 * here and deletes namespaces, veths and the bridge; it is idempotent and also runs on exit.
 */

const SUBNET_COUNT = 512; // 198.18.0.0/15 holds 512 /24 networks
const MAX_HOSTS = 200; // .2 … .201; spare addresses count down from .254
const KILL_GRACE_MS = 2_000;

export interface NetnsHost {
  /** The name the test gave it (e.g. the node's hostname). */
  readonly name: string;
  /** The namespace name for `ip netns exec`. */
  readonly namespace: string;
  /** IPv4 address of the host on the test bridge. */
  readonly address: string;
}

export interface BindMount {
  /** Existing directory (or file) in the root file system. */
  source: string;
  /**
   * Absolute path where the process sees it. When the target does not exist it is created as an
   * empty directory in the root file system (as a mountpoint) and left in place afterwards: other
   * test processes may have their own mounts on it, and removing it would detach those.
   */
  target: string;
}

export interface SpawnInOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  stdio?: StdioOptions;
  /**
   * Run in a private mount namespace (`unshare -m --propagation private`) with these bind
   * mounts, so each simulated node can have its own /var/lib/kubeflash. Mounts never propagate
   * back to the machine.
   */
  binds?: readonly BindMount[];
}

export interface TestNetwork {
  /** The bridge's address in the root namespace (the hosts' default gateway). */
  readonly gateway: string;
  /** e.g. 198.18.42.0/24 */
  readonly subnet: string;
  readonly prefixLength: 24;
  readonly hosts: readonly NetnsHost[];
  /** Adds a host (namespace + veth + address); names must be unique within the network. */
  addHost(name: string): NetnsHost;
  host(name: string): NetnsHost;
  /** Starts a process inside the host's namespace; it is killed by cleanup(). */
  spawnIn(host: NetnsHost, argv: readonly string[], options?: SpawnInOptions): ChildProcess;
  /** Runs a command to completion inside the namespace (bounded by timeoutMs) and returns stdout. */
  execIn(host: NetnsHost, argv: readonly string[], timeoutMs?: number): string;
  /**
   * Adds a further address of this network to the host's eth0 (e.g. a virtual IP the control
   * planes pass around, as kube-vip does); removeAddress takes it away again.
   */
  addAddress(host: NetnsHost, address: string): void;
  removeAddress(host: NetnsHost, address: string): void;
  /** An address of this network that no host has yet (for a VIP); counts down from .254. */
  spareAddress(): string;
  /** Takes the host's link down (the node "loses power" as far as the network can tell). */
  setLinkUp(host: NetnsHost, up: boolean): void;
  /** SIGKILLs every process in the host's namespace named `command` (none left after cleanup). */
  killIn(host: NetnsHost, command: string): void;
  /** Kills processes, deletes namespaces, veths and the bridge. Idempotent. */
  cleanup(): Promise<void>;
}

/**
 * A plan's network settings that put its nodes, in plan order, at the hosts this network adds
 * (the bridge is the gateway and DNS; the first host is .2).
 */
export function planAddressing(network: TestNetwork) {
  return {
    subnet: network.subnet,
    gateway: network.gateway,
    dns: [network.gateway],
    firstIp: network.gateway.replace(/\.1$/, '.2'),
  };
}

/** [ok, reason] pairs for requirePrerequisites(). */
export function netnsPrerequisites(): readonly (readonly [boolean, string])[] {
  return [
    [isRoot(), 'network-namespace test hosts need root (ip netns, veth, bridge)'],
    [hasCommand('ip'), 'iproute2 (`ip`) is not installed: apt-get install iproute2'],
    [hasCommand('unshare'), 'util-linux (`unshare`) is not installed: apt-get install util-linux'],
  ];
}

let networkCounter = 0;
const liveNetworks = new Set<NetworkImpl>();
let exitHookInstalled = false;

/** Creates a bridge with a fresh /24 from 198.18.0.0/15 and the given hosts. */
export function createTestNetwork(hostNames: readonly string[] = []): TestNetwork {
  installExitHook();
  removeStaleNamespaces();
  const network = new NetworkImpl(networkCounter++);
  liveNetworks.add(network);
  try {
    for (const name of hostNames) network.addHost(name);
  } catch (error) {
    network.cleanupSync();
    throw error;
  }
  return network;
}

class NetworkImpl implements TestNetwork {
  readonly prefixLength = 24 as const;
  readonly gateway: string;
  readonly subnet: string;
  readonly hosts: NetnsHost[] = [];
  private readonly prefix: string; // "198.18.42."
  private readonly id: string;
  private readonly bridge: string;
  private readonly nsPrefix: string;
  private readonly veths: string[] = [];
  private readonly processes = new Set<ChildProcess>();
  private cleaned = false;
  private sparesHandedOut = 0;

  constructor(counter: number) {
    // Interface names are limited to 15 characters: kf + pid/thread/counter in base 36 + suffix.
    this.id = `${process.pid.toString(36)}${threadId.toString(36)}${counter.toString(36)}`;
    if (this.id.length > 9)
      throw new Error(`netns: identifier ${this.id} too long for a link name`);
    this.bridge = `kf${this.id}b`;
    this.nsPrefix = `kubeflash-test-${process.pid}-${threadId}-${counter}-`;
    this.prefix = pickFreeSubnet(process.pid * 7 + threadId * 31 + counter);
    this.subnet = `${this.prefix}0/24`;
    this.gateway = `${this.prefix}1`;
    ip(['link', 'add', this.bridge, 'type', 'bridge']);
    try {
      ip(['addr', 'add', `${this.gateway}/24`, 'dev', this.bridge]);
      ip(['link', 'set', this.bridge, 'up']);
    } catch (error) {
      ipQuiet(['link', 'del', this.bridge]);
      throw error;
    }
  }

  addHost(name: string): NetnsHost {
    this.assertOpen();
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) {
      throw new Error(`netns: host name "${name}" must be lowercase letters, digits and dashes`);
    }
    if (this.hosts.some((h) => h.name === name)) {
      throw new Error(`netns: host "${name}" already exists in this network`);
    }
    const index = this.hosts.length;
    if (index >= MAX_HOSTS) throw new Error(`netns: at most ${MAX_HOSTS} hosts per network`);
    const namespace = `${this.nsPrefix}${name}`.slice(0, 200);
    const veth = `kf${this.id}v${index.toString(36)}`;
    const peer = `kf${this.id}p${index.toString(36)}`;
    const address = `${this.prefix}${index + 2}`;
    ip(['netns', 'add', namespace]);
    const host: NetnsHost = { name, namespace, address };
    this.hosts.push(host);
    ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', peer]);
    this.veths.push(veth);
    ip(['link', 'set', peer, 'netns', namespace]);
    ip(['link', 'set', veth, 'master', this.bridge]);
    ip(['link', 'set', veth, 'up']);
    const inNs = (args: string[]) => ip(['-n', namespace, ...args]);
    inNs(['link', 'set', 'lo', 'up']);
    inNs(['link', 'set', peer, 'name', 'eth0']);
    inNs(['addr', 'add', `${address}/24`, 'dev', 'eth0']);
    inNs(['link', 'set', 'eth0', 'up']);
    inNs(['route', 'add', 'default', 'via', this.gateway]);
    return host;
  }

  host(name: string): NetnsHost {
    const found = this.hosts.find((h) => h.name === name);
    if (!found) throw new Error(`netns: no host "${name}" in this network`);
    return found;
  }

  spawnIn(host: NetnsHost, argv: readonly string[], options: SpawnInOptions = {}): ChildProcess {
    this.assertOpen();
    this.assertOwn(host);
    if (argv.length === 0) throw new Error('netns: spawnIn needs a command');
    const command = ['netns', 'exec', host.namespace];
    const binds = options.binds ?? [];
    if (binds.length > 0) {
      const pairs: string[] = [];
      for (const { source, target } of binds) {
        if (!isAbsolute(source) || !isAbsolute(target)) {
          throw new Error(`netns: bind mounts need absolute paths (got ${source} → ${target})`);
        }
        if (!existsSync(source)) throw new Error(`netns: bind source ${source} does not exist`);
        if (!existsSync(target)) mkdirSync(target, { recursive: true });
        pairs.push(source, target);
      }
      // `ip netns exec` already unshares mounts as a slave of the root; private makes sure
      // nothing we mount can ever propagate anywhere. The script binds each pair, then execs.
      command.push(
        'unshare',
        '-m',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        'while [ "$1" != "--" ]; do mount --bind "$1" "$2" || exit 125; shift 2; done; shift; exec "$@"',
        'kubeflash-netns-binds',
        ...pairs,
        '--',
      );
    }
    command.push(...argv);
    // ip netns exec, unshare (without --fork) and sh all exec: the child pid is the command's.
    const child = spawn('ip', command, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    });
    this.processes.add(child);
    child.once('exit', () => this.processes.delete(child));
    return child;
  }

  execIn(host: NetnsHost, argv: readonly string[], timeoutMs = 10_000): string {
    this.assertOpen();
    this.assertOwn(host);
    return execFileSync('ip', ['netns', 'exec', host.namespace, ...argv], {
      encoding: 'utf8',
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  addAddress(host: NetnsHost, address: string): void {
    this.assertOpen();
    this.assertOwn(host);
    this.assertInSubnet(address);
    ip(['-n', host.namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
  }

  removeAddress(host: NetnsHost, address: string): void {
    this.assertOpen();
    this.assertOwn(host);
    this.assertInSubnet(address);
    ip(['-n', host.namespace, 'addr', 'del', `${address}/24`, 'dev', 'eth0']);
  }

  spareAddress(): string {
    const last = 254 - this.sparesHandedOut++;
    if (last <= MAX_HOSTS + 1) throw new Error('netns: no spare address left');
    return `${this.prefix}${last}`;
  }

  setLinkUp(host: NetnsHost, up: boolean): void {
    this.assertOpen();
    this.assertOwn(host);
    ip(['-n', host.namespace, 'link', 'set', 'eth0', up ? 'up' : 'down']);
    if (up) ipQuiet(['-n', host.namespace, 'route', 'replace', 'default', 'via', this.gateway]);
  }

  killIn(host: NetnsHost, command: string): void {
    if (this.cleaned) return; // cleanup() killed everything already
    this.assertOwn(host);
    for (const pid of namespacePids(host.namespace)) {
      if (commandOf(pid) === command) killQuietly(pid);
    }
  }

  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    const running = [...this.processes];
    for (const child of running) child.kill('SIGTERM');
    await Promise.all(running.map((child) => waitForExit(child, KILL_GRACE_MS)));
    this.cleanupSync();
  }

  /** Synchronous teardown (also used from the exit hook): SIGKILL whatever is left. */
  cleanupSync(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    liveNetworks.delete(this);
    for (const child of this.processes) child.kill('SIGKILL');
    this.processes.clear();
    for (const host of this.hosts) deleteNamespace(host.namespace);
    for (const veth of this.veths) ipQuiet(['link', 'del', veth]);
    ipQuiet(['link', 'del', this.bridge]);
  }

  private assertOpen(): void {
    if (this.cleaned) throw new Error('netns: this test network was already cleaned up');
  }

  private assertInSubnet(address: string): void {
    const last = Number(address.startsWith(this.prefix) ? address.slice(this.prefix.length) : NaN);
    if (!Number.isInteger(last) || last < 2 || last > 254) {
      throw new Error(`netns: ${address} is not a host address of ${this.subnet}`);
    }
  }

  private assertOwn(host: NetnsHost): void {
    if (!this.hosts.includes(host as NetnsHost)) {
      throw new Error(`netns: host ${host.name} does not belong to this network`);
    }
  }
}

/** Lists the test namespaces that exist right now (for tests of cleanup). */
export function listNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 });
  return out
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

function pickFreeSubnet(seed: number): string {
  const used = new Set(
    execFileSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8', timeout: 10_000 })
      .split('\n')
      .map((line) => /inet (198\.1[89]\.\d+)\./.exec(line)?.[1])
      .filter((p): p is string => Boolean(p)),
  );
  for (let i = 0; i < SUBNET_COUNT; i++) {
    const index = (seed + i) % SUBNET_COUNT;
    const prefix = `198.${18 + Math.floor(index / 256)}.${index % 256}`;
    if (!used.has(prefix)) return `${prefix}.`;
  }
  throw new Error('netns: every /24 of 198.18.0.0/15 is in use; delete stale kf* bridges');
}

/** The processes inside a namespace (none when it is already gone), never this one. */
function namespacePids(namespace: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', namespace], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .map((p) => Number.parseInt(p, 10))
      .filter((p) => Number.isInteger(p) && p > 1 && p !== process.pid);
  } catch {
    return [];
  }
}

function commandOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null; // already gone
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function deleteNamespace(namespace: string): void {
  // Kill anything still inside (e.g. a daemon that forked) before the namespace goes.
  for (const pid of namespacePids(namespace)) killQuietly(pid);
  ipQuiet(['netns', 'del', namespace]);
}

/** Namespaces left by test processes that died without cleaning up (kill -9, crash). */
function removeStaleNamespaces(): void {
  let names: string[];
  try {
    names = listNamespaces();
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^kubeflash-test-(\d+)-/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    deleteNamespace(name);
    // Its bridge (kf<pid36>…b) and veths go with a best-effort sweep of links named after the pid.
    sweepLinks(pid);
  }
}

function sweepLinks(pid: number): void {
  const prefix = `kf${pid.toString(36)}`;
  let out: string;
  try {
    out = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8', timeout: 10_000 });
  } catch {
    return;
  }
  for (const line of out.split('\n')) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    if (name?.startsWith(prefix)) ipQuiet(['link', 'del', name]);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const network of [...liveNetworks]) network.cleanupSync();
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function ip(args: string[]): void {
  try {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`netns: \`ip ${args.join(' ')}\` failed: ${stderr || String(error)}`);
  }
}

function ipQuiet(args: string[]): void {
  try {
    execFileSync('ip', args, { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // cleanup is best effort and idempotent: the object may already be gone
  }
}
