import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import type { DistributionName } from '../../common/cluster';
import { releaseVariable } from '../../main/distro/node-env';
import type { NodeFile } from '../../main/provision/model';
import stubScript from './shell-sandbox-stubs.sh?raw';

/**
 * A sandbox that runs the rendered bootstrap scripts for real — under dash or busybox ash — in
 * per-node fake roots (KF_ROOT), with stubbed system commands first (and alone) on PATH. The
 * stubs (shell-sandbox-stubs.sh) record every call with the fake clock and play a shared
 * cluster: an API that answers from a given time, known nodes, etcd members. `sleep` advances
 * the fake clock (single runs) or yields to a discrete-event scheduler (runScheduled), so waits
 * of hours take milliseconds and nothing depends on real time.
 */

export type SandboxShell = 'dash' | 'busybox';
/** apt + systemd + curl + timedatectl (Debian family), or apk + OpenRC + wget + chronyc (Alpine). */
export type OsFlavour = 'apt-systemd' | 'apk-openrc';

/** cgroup v2 or v1 with the memory controller, or v2 without it. */
export type CgroupSetup = 'v1' | 'v2' | 'no-memory';

export interface SimulationOptions {
  shell: SandboxShell;
  distribution: DistributionName;
  /** Fake clock at the start, seconds since the epoch. */
  clock: number;
  ntpSynced?: boolean;
}

export interface StubCall {
  clock: number;
  node: string;
  command: string;
  args: string;
}

export interface NodeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Real tools the scripts use; the stubs replace everything else. */
const realTools = [
  'cat',
  'grep',
  'sed',
  'awk',
  'tr',
  'mkdir',
  'cp',
  'mv',
  'rm',
  'chmod',
  'cmp',
  'touch',
  'wc',
  'sha256sum',
  'head',
  'cut',
  'ln',
  'sort',
  'tar',
  'gzip',
];

const commonStubs = [
  'logger',
  'date',
  'sleep',
  'uname',
  'ip',
  'modprobe',
  'sysctl',
  'swapoff',
  'openssl',
  'kubectl',
  'etcdctl',
  'k3s',
  'kubeadm',
  'k0s',
  'containerd',
];
const flavourStubs: Record<OsFlavour, string[]> = {
  'apt-systemd': ['apt-get', 'systemctl', 'timedatectl', 'curl', 'update-alternatives'],
  'apk-openrc': ['apk', 'rc-service', 'rc-update', 'chronyc', 'wget'],
};

/** Binaries each distribution downloads (the fake release server serves them). */
export const releaseBinaries: Record<DistributionName, string[]> = {
  k3s: ['k3s'],
  kubeadm: ['kubeadm', 'kubelet', 'kubectl', 'crictl'],
  k0s: ['k0s'],
};

/** Downloads published as a .tar.gz holding the one binary of the same name. */
const archivedBinaries = new Set(['crictl']);

const fakeBinary =
  '#!/bin/sh\necho "fake release binary: must never run in the sandbox" >&2\nexit 99\n';
const maxScheduledEvents = 20_000;
const runTimeoutMs = 60_000;

export class ShellSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'kubeflash-sim-'));
  private readonly flavours = new Map<string, OsFlavour>();

  constructor(readonly options: SimulationOptions) {
    for (const sub of ['cluster', 'release', 'nodes', 'roots', 'stubs']) {
      mkdirSync(join(this.dir, sub), { recursive: true });
    }
    writeFileSync(join(this.dir, 'clock'), `${options.clock}\n`);
    writeFileSync(join(this.dir, 'calls.log'), '');
    for (const file of ['events', 'nodes', 'members'])
      writeFileSync(join(this.dir, 'cluster', file), '');
    this.setNtpSynced(options.ntpSynced ?? true);
    const stub = join(this.dir, 'stubs', 'stub.sh');
    writeFileSync(stub, stubScript, { mode: 0o755 });
  }

  get clock(): number {
    return Number(readFileSync(join(this.dir, 'clock'), 'utf8'));
  }

  set clock(value: number) {
    writeFileSync(join(this.dir, 'clock'), `${value}\n`);
  }

  setNtpSynced(synced: boolean): void {
    const marker = join(this.dir, 'ntp-synced');
    if (synced) writeFileSync(marker, '');
    else rmSync(marker, { force: true });
  }

  /** The API answers from this fake time on (null: not at all). */
  setApiUpAt(at: number | null): void {
    const file = join(this.dir, 'cluster', 'api-up-at');
    if (at === null) rmSync(file, { force: true });
    else writeFileSync(file, `${at}\n`);
  }

  addEtcdMember(id: string, name: string): void {
    const line = `${id}, started, ${name}, https://${name}:2380, https://${name}:2379, false\n`;
    writeFileSync(join(this.dir, 'cluster', 'members'), line, { flag: 'a' });
  }

  /** The release server goes away (no download answers) and comes back. */
  unpublishRelease(): void {
    renameSync(join(this.dir, 'release'), join(this.dir, 'release.offline'));
    mkdirSync(join(this.dir, 'release'));
  }

  republishRelease(): void {
    rmSync(join(this.dir, 'release'), { recursive: true, force: true });
    renameSync(join(this.dir, 'release.offline'), join(this.dir, 'release'));
  }

  /** A node the cluster already knows (a rebuild), with its etcd member for a control plane. */
  addKnownNode(name: string, ready: 'True' | 'False' | 'Unknown', etcdMember?: string): void {
    writeFileSync(join(this.dir, 'cluster', 'nodes'), `${name} ${ready}\n`, { flag: 'a' });
    if (etcdMember) this.addEtcdMember(etcdMember, name);
  }

  /** Install a node: its bundle files under its own root, fake /proc and /sys, its stubs. */
  addNode(
    hostname: string,
    files: readonly NodeFile[],
    { flavour, cgroup = 'v2' }: { flavour: OsFlavour; cgroup?: CgroupSetup },
  ): void {
    this.populateRoot(hostname, files, cgroup);
    mkdirSync(join(this.dir, 'nodes', hostname), { recursive: true });
    this.flavours.set(hostname, flavour);
    this.makeBin(hostname, flavour);
  }

  /**
   * The node's card written again (a rebuild): a fresh root with the given files; its stubs and
   * the cluster's state stay. The cluster's Node object of this name goes NotReady (the old
   * machine is gone).
   */
  reflashNode(hostname: string, files: readonly NodeFile[], cgroup: CgroupSetup = 'v2'): void {
    rmSync(this.root(hostname), { recursive: true, force: true });
    this.populateRoot(hostname, files, cgroup);
    const nodes = this.clusterFile('nodes').map((line) =>
      line.startsWith(`${hostname} `) ? `${hostname} Unknown` : line,
    );
    writeFileSync(join(this.dir, 'cluster', 'nodes'), nodes.map((l) => `${l}\n`).join(''));
  }

  private populateRoot(hostname: string, files: readonly NodeFile[], cgroup: CgroupSetup): void {
    for (const file of files) this.writeRootFile(hostname, file.path, file.content, file.mode);
    if (cgroup === 'v1') {
      this.writeRootFile(
        hostname,
        '/proc/cgroups',
        '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t2\t1\t1\nmemory\t3\t1\t1\n',
      );
    } else {
      const controllers = cgroup === 'v2' ? 'cpuset cpu io memory pids' : 'cpuset cpu io pids';
      this.writeRootFile(hostname, '/sys/fs/cgroup/cgroup.controllers', `${controllers}\n`);
    }
    this.writeRootFile(hostname, '/proc/swaps', 'Filename\tType\tSize\tUsed\tPriority\n');
  }

  root(hostname: string): string {
    return join(this.dir, 'roots', hostname);
  }

  writeRootFile(hostname: string, path: string, content: string, mode = 0o644): void {
    const target = join(this.root(hostname), path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    chmodSync(target, mode);
  }

  removeRootFile(hostname: string, path: string): void {
    rmSync(join(this.root(hostname), path), { force: true });
  }

  readRootFile(hostname: string, path: string): string | null {
    const target = join(this.root(hostname), path);
    return existsSync(target) ? readFileSync(target, 'utf8') : null;
  }

  /** PATH for a node: its flavour's stubs and the real tools (GNU or busybox), nothing else. */
  private makeBin(hostname: string, flavour: OsFlavour): void {
    const bin = join(this.dir, 'nodes', hostname, 'bin');
    mkdirSync(bin, { recursive: true });
    const stub = join(this.dir, 'stubs', 'stub.sh');
    for (const name of [...commonStubs, ...flavourStubs[flavour]])
      symlinkSync(stub, join(bin, name));
    const busybox = this.options.shell === 'busybox';
    for (const tool of realTools) {
      symlinkSync(busybox ? '/usr/bin/busybox' : realPath(tool), join(bin, tool));
    }
    symlinkSync(busybox ? '/usr/bin/busybox' : realPath('dash'), join(bin, 'sh'));
  }

  /**
   * The fake release server: every binary of the distribution at the URLs node.env names
   * (arm64, as `uname -m` answers), with checksum files in the release's own format (a
   * "HASH  NAME" list, or the bare hash when node.env names no entry).
   */
  publishRelease(nodeEnvText: string, tamper?: string): void {
    const env = parseNodeEnv(nodeEnvText);
    const sums = new Map<string, string>();
    for (const name of releaseBinaries[this.options.distribution]) {
      const binary = `${fakeBinary}# ${name}\n`;
      const content = archivedBinaries.has(name) ? this.archive(name, binary) : binary;
      const value = env[releaseVariable('arm64', name)];
      if (value === undefined) throw new Error(`node.env names no ${name} download`);
      const [binaryUrl, sumsUrl, entry] = value.split(' ') as [string, string, string?];
      this.serve(
        binaryUrl,
        name === tamper
          ? Buffer.concat([Buffer.from(content), Buffer.from('# tampered\n')])
          : content,
      );
      const hash = createHash('sha256').update(content).digest('hex');
      if (entry === undefined) this.serve(sumsUrl, `${hash}\n`);
      else
        sums.set(
          sumsUrl,
          `${sums.get(sumsUrl) ?? `${'0'.repeat(64)}  other-asset\n`}${hash}  ${entry}\n`,
        );
    }
    for (const [url, text] of sums) this.serve(url, text);
  }

  /** A .tar.gz holding `name` (made with the real tar, as the release's would be). */
  private archive(name: string, content: string): Buffer {
    const dir = join(this.dir, 'archive');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), content, { mode: 0o755 });
    const tar = spawnSync('tar', ['-czf', '-', '-C', dir, name]);
    if (tar.status !== 0) throw new Error(`tar failed: ${String(tar.stderr)}`);
    return tar.stdout;
  }

  /** At release/<host>/<path> of the URL: the stub finds it without a fork. */
  private serve(url: string, content: string | Buffer): void {
    const { host, pathname } = new URL(url);
    const target = join(this.dir, 'release', host, pathname);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }

  private env(hostname: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PATH: join(this.dir, 'nodes', hostname, 'bin'),
      HOME: this.root(hostname),
      LC_ALL: 'C',
      KF_ROOT: this.root(hostname),
      KF_SIM: this.dir,
      KF_SIM_NODE: hostname,
      KF_SIM_DISTRIBUTION: this.options.distribution,
      ...extra,
    };
  }

  private shellCommand(script: string): [string, string[]] {
    return this.options.shell === 'busybox'
      ? ['/usr/bin/busybox', ['ash', script]]
      : [realPath('dash'), [script]];
  }

  /** Run a node's script (default: the entry) to its end; `sleep` advances the fake clock. */
  runNode(hostname: string, script = '/var/lib/kubeflash/bootstrap.sh'): NodeRun {
    const [command, args] = this.shellCommand(join(this.root(hostname), script));
    const result = spawnSync(command, args, {
      env: this.env(hostname),
      encoding: 'utf8',
      timeout: runTimeoutMs,
    });
    if (result.error) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /**
   * Power nodes on at given fake times and run them all as one discrete-event simulation: one
   * node runs at a time; when it sleeps it yields, and the node (or power-on) due earliest runs
   * next, the fake clock set to that time. Bounded in events; every node runs to its end.
   */
  async runScheduled(
    powerOns: readonly { hostname: string; at: number }[],
  ): Promise<Map<string, NodeRun>> {
    const yieldPath = join(this.dir, 'yield');
    // The FIFOs: the nodes' yield line to us, and each node's "go" (one spawn for all: a spawn
    // from the test process costs more than the rest of a sandbox's setup).
    const fifos = [yieldPath, ...powerOns.map((p) => join(this.dir, 'nodes', p.hostname, 'go'))];
    const missing = fifos.filter((path) => !existsSync(path));
    if (missing.length > 0) {
      const made = spawnSync('mkfifo', missing);
      if (made.status !== 0) throw new Error(`mkfifo failed: ${String(made.stderr)}`);
    }
    // Read-write and non-blocking: the FIFO never reports end-of-file while we hold it.
    const fd = openSync(yieldPath, constants.O_RDWR | constants.O_NONBLOCK);
    const pipe = new Socket({ fd, readable: true, writable: false });
    pipe.setEncoding('utf8');
    const results = new Map<string, NodeRun>();
    const waiting = new Map<string, number>();
    const pending = [...powerOns].sort((a, b) => a.at - b.at);
    let buffered = '';
    let wake: ((message: { node: string; at: number } | { exited: string }) => void) | null = null;
    const signal = (message: { node: string; at: number } | { exited: string }) => {
      const resolve = wake;
      wake = null;
      resolve?.(message);
    };
    pipe.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const [node, at] = buffered.slice(0, newline).split(' ');
        buffered = buffered.slice(newline + 1);
        signal({ node: node!, at: Number(at) });
        newline = buffered.indexOf('\n');
      }
    });
    const next = () =>
      new Promise<{ node: string; at: number } | { exited: string }>((resolve) => {
        wake = resolve;
      });
    try {
      for (let events = 0; pending.length > 0 || waiting.size > 0; events++) {
        if (events > maxScheduledEvents)
          throw new Error(`simulation exceeded ${maxScheduledEvents} events`);
        const sleeper = [...waiting].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0];
        const powerOn = pending[0];
        const message = next();
        if (powerOn && (!sleeper || powerOn.at <= sleeper[1])) {
          pending.shift();
          this.clock = Math.max(this.clock, powerOn.at);
          this.start(powerOn.hostname, yieldPath, results, signal);
        } else {
          const [node, at] = sleeper!;
          waiting.delete(node);
          this.clock = Math.max(this.clock, at);
          writeFileSync(join(this.dir, 'nodes', node, 'go'), 'go\n');
        }
        const outcome = await message;
        if ('node' in outcome) waiting.set(outcome.node, outcome.at);
      }
    } finally {
      pipe.destroy();
      try {
        closeSync(fd);
      } catch {
        // already closed with the socket
      }
    }
    return results;
  }

  private start(
    hostname: string,
    yieldPath: string,
    results: Map<string, NodeRun>,
    signal: (message: { exited: string }) => void,
  ): void {
    const [command, args] = this.shellCommand(
      join(this.root(hostname), '/var/lib/kubeflash/bootstrap.sh'),
    );
    const child = spawn(command, args, {
      env: this.env(hostname, { KF_SIM_YIELD: yieldPath }),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: runTimeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => {
      results.set(hostname, { status, stdout, stderr });
      signal({ exited: hostname });
    });
  }

  calls(): StubCall[] {
    return readFileSync(join(this.dir, 'calls.log'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [clock, node, commandLine = ''] = line.split('\t');
        const space = commandLine.indexOf(' ');
        return {
          clock: Number(clock),
          node: node!,
          command: space < 0 ? commandLine : commandLine.slice(0, space),
          args: space < 0 ? '' : commandLine.slice(space + 1),
        };
      });
  }

  clearCalls(): void {
    writeFileSync(join(this.dir, 'calls.log'), '');
  }

  /** Cluster events: "<node> init", "<node> join control-plane", "<node> delete node x"… */
  events(): string[] {
    return this.clusterFile('events');
  }

  clusterNodes(): string[] {
    return this.clusterFile('nodes');
  }

  etcdMembers(): string[] {
    return this.clusterFile('members');
  }

  private clusterFile(name: string): string[] {
    return readFileSync(join(this.dir, 'cluster', name), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  }

  /** The bootstrap's status.json on a node, parsed (null when absent). */
  status(hostname: string): Record<string, unknown> | null {
    const text = this.readRootFile(hostname, '/var/lib/kubeflash/status.json');
    return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
  }

  /** The phases a node logged, in order (from its syslog calls). */
  phases(hostname: string): string[] {
    return this.calls()
      .filter((c) => c.node === hostname && c.command === 'logger')
      .map((c) => /-- phase (\S+)$/.exec(c.args)?.[1])
      .filter((p): p is string => p !== undefined);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** node.env as written (KEY='value' lines, values without quotes inside). */
export function parseNodeEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^(KF_[A-Z0-9_]+)='([^']*)'$/.exec(line);
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

const realPaths = new Map<string, string>();

function realPath(tool: string): string {
  const known = realPaths.get(tool);
  if (known) return known;
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (existsSync(join(dir, tool))) {
      realPaths.set(tool, join(dir, tool));
      return join(dir, tool);
    }
  }
  throw new Error(`${tool} is not installed`);
}
