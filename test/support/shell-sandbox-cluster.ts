import {
  type Cluster,
  type ClusterNode,
  createCluster,
  type DistributionName,
} from '../../common/cluster';
import { generateClusterSecrets } from '../../main/cluster';
import { nodeEnvPath } from '../../main/distro/node-env';
import { nodeBundle } from '../../main/provision/bundle';
import type { NodeFile } from '../../main/provision/model';
import type { Secrets } from '../../main/secrets';
import { hasCommand, requirePrerequisite, type SkippableContext } from './prerequisites';
import { type OsFlavour, type SandboxShell, ShellSandbox, type StubCall } from './shell-sandbox';

/**
 * Plans, sandboxes and property checks for the bootstrap simulation. Addresses are in
 * 198.18.0.0/15 (benchmarking range): nothing is ever sent to them, the stubs answer instead.
 */

export interface SimulationPlan {
  cluster: Cluster;
  secrets: Secrets;
  flashedAt: Date;
}

/** Control planes behind a VIP (3) and workers (4); the first control plane initialises. */
export async function simulationPlan(
  distribution: DistributionName,
  { controlPlanes = 3, workers = 4 } = {},
): Promise<SimulationPlan> {
  const flashedAt = new Date('2026-11-22T10:00:00Z');
  const cluster = createCluster({
    name: 'sim',
    distribution,
    subnet: '198.18.0.0/24',
    gateway: '198.18.0.1',
    dns: ['198.18.0.1'],
    virtualIP: '198.18.0.100',
    firstIp: '198.18.0.11',
    controlPlanes,
    workers,
  });
  // The CAs and tokens depend on the cluster's name and distribution only; making them for a
  // one-node twin skips the per-node SSH host keys, which the bootstrap does not use.
  const twin = { ...cluster, spec: { ...cluster.spec, nodes: cluster.spec.nodes.slice(0, 1) } };
  return { cluster, secrets: await generateClusterSecrets(twin, flashedAt), flashedAt };
}

export const flashSeconds = (plan: SimulationPlan) => Math.floor(plan.flashedAt.getTime() / 1000);

export interface SandboxOptions {
  shell: SandboxShell;
  flavour?: OsFlavour | ((node: ClusterNode) => OsFlavour);
  /** Fake clock at the start; defaults to an hour after the flash. */
  clock?: number;
  ntpSynced?: boolean;
  /** Only these nodes (default: all). */
  nodes?: readonly string[];
  /** Edit the rendered files (mutation tests). */
  transform?: (file: NodeFile) => NodeFile;
}

/** A sandbox holding the plan's nodes, each with its real bundle, and the fake release server. */
export function planSandbox(plan: SimulationPlan, options: SandboxOptions): ShellSandbox {
  const { cluster } = plan;
  const sandbox = new ShellSandbox({
    shell: options.shell,
    distribution: cluster.spec.distribution.name,
    clock: options.clock ?? flashSeconds(plan) + 3600,
    ntpSynced: options.ntpSynced,
  });
  let published = false;
  for (const node of cluster.spec.nodes) {
    if (options.nodes && !options.nodes.includes(node.hostname)) continue;
    const files = nodeBundle(cluster, node, plan.secrets, plan.flashedAt).files.map(
      options.transform ?? ((f) => f),
    );
    const flavour =
      typeof options.flavour === 'function'
        ? options.flavour(node)
        : (options.flavour ?? 'apt-systemd');
    sandbox.addNode(node.hostname, files, { flavour });
    if (!published) {
      sandbox.publishRelease(files.find((f) => f.path === nodeEnvPath)!.content);
      published = true;
    }
  }
  return sandbox;
}

export const designatedInit = (cluster: Cluster) => cluster.spec.nodes.find((n) => n.init)!;

/** The shells the scripts run under; missing ones fail the test under KUBEFLASH_STRICT=1. */
export function requireSandboxShells(ctx: SkippableContext): void {
  requirePrerequisite(
    ctx,
    hasCommand('dash') && hasCommand('busybox'),
    'dash and busybox are needed (apt-get install dash busybox)',
  );
}

/** One hostname per role: the designated init node, a joining control plane, a worker. */
export function roleHostnames(plan: SimulationPlan) {
  const nodes = plan.cluster.spec.nodes;
  return {
    init: designatedInit(plan.cluster).hostname,
    joiner: nodes.find((n) => n.role === 'control-plane' && !n.init)!.hostname,
    worker: nodes.find((n) => n.role === 'worker')!.hostname,
  };
}

/** Sandboxes made in a test file, removed after each test. */
export function sandboxPool() {
  const made: ShellSandbox[] = [];
  return {
    make(plan: SimulationPlan, nodes: string[], options: Omit<SandboxOptions, 'nodes'>) {
      const sandbox = planSandbox(plan, { ...options, nodes });
      made.push(sandbox);
      return sandbox;
    },
    cleanup() {
      for (const sandbox of made.splice(0)) sandbox.cleanup();
    },
  };
}

/** Calls that use or make certificates: the distributions, kubectl, etcdctl, openssl, k3s services. */
export function isCertificateCall(call: StubCall): boolean {
  if (['k3s', 'kubeadm', 'k0s', 'kubectl', 'etcdctl', 'openssl'].includes(call.command))
    return true;
  const startsK3s = /^(start|restart) k3s(-agent)?$|^k3s(-agent)? (start|restart)$/;
  return (
    (call.command === 'systemctl' || call.command === 'rc-service') && startsK3s.test(call.args)
  );
}

/** Certificate-related calls made while the clock was before the flash time. */
export function certificateCallsBefore(sandbox: ShellSandbox, seconds: number): StubCall[] {
  return sandbox.calls().filter((c) => isCertificateCall(c) && c.clock < seconds);
}

/**
 * What a finished simulation must show; each violation in words (empty: all good): every node
 * done, exactly one init and on the designated node, every node known and Ready to the cluster,
 * one etcd member per control plane.
 */
export function clusterViolations(sandbox: ShellSandbox, cluster: Cluster): string[] {
  const violations: string[] = [];
  for (const node of cluster.spec.nodes) {
    const status = sandbox.status(node.hostname);
    if (status?.phase !== 'done')
      violations.push(
        `${node.hostname} ended in phase ${String(status?.phase)}: ${String(status?.lastError)}`,
      );
  }
  const inits = sandbox.events().filter((e) => e.endsWith(' init'));
  const designated = designatedInit(cluster).hostname;
  if (inits.length !== 1) violations.push(`${inits.length} inits: ${inits.join(', ')}`);
  for (const init of inits) {
    if (init !== `${designated} init`) violations.push(`init on a non-designated node: ${init}`);
  }
  const ready = new Set(
    sandbox
      .clusterNodes()
      .filter((l) => l.endsWith(' True'))
      .map((l) => l.split(' ')[0]),
  );
  for (const node of cluster.spec.nodes) {
    if (!ready.has(node.hostname))
      violations.push(`${node.hostname} is not a Ready node of the cluster`);
  }
  const controlPlanes = cluster.spec.nodes.filter((n) => n.role === 'control-plane').length;
  if (sandbox.etcdMembers().length !== controlPlanes)
    violations.push(
      `${sandbox.etcdMembers().length} etcd members for ${controlPlanes} control planes`,
    );
  return violations;
}

/**
 * The secrets a plan's cards carry that must never be on a command line (argv shows in `ps`):
 * every token, the secret half of each bootstrap token (id.secret), and each one-line secret
 * file (k0s join tokens, k3s node passwords).
 */
export function planSecretStrings(plan: SimulationPlan): string[] {
  const known = secretStrings.get(plan);
  if (known) return known;
  const secrets = new Set<string>();
  for (const token of Object.values(plan.secrets.tokens ?? {})) {
    secrets.add(token);
    const bootstrap = /^[a-z0-9]{6}\.([a-z0-9]{16})$/.exec(token);
    if (bootstrap) secrets.add(bootstrap[1]!);
  }
  for (const node of plan.cluster.spec.nodes) {
    for (const file of nodeBundle(plan.cluster, node, plan.secrets, plan.flashedAt).files) {
      const text = file.content.trim();
      if (file.secret && !text.includes('\n')) secrets.add(text);
    }
  }
  const strings = [...secrets].filter((secret) => secret.length >= 8);
  secretStrings.set(plan, strings);
  return strings;
}

const secretStrings = new WeakMap<SimulationPlan, string[]>();

/** Each recorded command line (the stubs record argv) that holds one of the secrets. */
export function secretsOnCommandLines(sandbox: ShellSandbox, secrets: readonly string[]): string[] {
  return sandbox
    .calls()
    .filter((call) => secrets.some((secret) => call.args.includes(secret)))
    .map((call) => `${call.node} ran ${call.command} with a secret on its command line`);
}

/** A seeded shuffle (mulberry32), so a failing order can be replayed from its seed. */
export function seededOrder<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

/** Power-on times for an order: one node after the other, a seeded 0–3 minutes apart. */
export function powerOnTimes(order: readonly string[], start: number, seed: number) {
  let at = start;
  return order.map((hostname, i) => {
    at += i === 0 ? 0 : (seed * 7919 + i * 104729) % 180;
    return { hostname, at };
  });
}

export interface OrderOutcome {
  seed: number;
  shell: SandboxShell;
  order: string[];
  violations: string[];
  /** The designated node was then re-flashed and rejoined. */
  rebuilt: boolean;
}

/**
 * The whole plan powered on in one order (a seeded shuffle, or the given one): dash for even
 * seeds, busybox ash for odd ones; control planes on apt + systemd, workers alternating with
 * apk + OpenRC. Returns the violations of clusterViolations (empty: the cluster formed).
 */
export async function simulateOrder(
  plan: SimulationPlan,
  seed: number,
  options: {
    order?: string[];
    transform?: SandboxOptions['transform'];
    /** Then re-flash the designated init node and check that it rejoins. */
    rebuildInit?: boolean;
  } = {},
): Promise<OrderOutcome> {
  const shell: SandboxShell = seed % 2 === 0 ? 'dash' : 'busybox';
  const workers = plan.cluster.spec.nodes.filter((n) => n.role === 'worker');
  const sandbox = planSandbox(plan, {
    shell,
    transform: options.transform,
    flavour: (node) =>
      node.role === 'worker' && (workers.indexOf(node) + seed) % 2 === 1
        ? 'apk-openrc'
        : 'apt-systemd',
  });
  try {
    const order =
      options.order ??
      seededOrder(
        plan.cluster.spec.nodes.map((n) => n.hostname),
        seed,
      );
    await sandbox.runScheduled(powerOnTimes(order, sandbox.clock, seed));
    const violations = [
      ...clusterViolations(sandbox, plan.cluster),
      ...secretsOnCommandLines(sandbox, planSecretStrings(plan)),
    ];
    if (options.rebuildInit && violations.length === 0)
      violations.push(...(await rebuildDesignatedInit(sandbox, plan)));
    return { seed, shell, order, violations, rebuilt: options.rebuildInit === true };
  } finally {
    sandbox.cleanup();
  }
}

/**
 * After the cluster formed: the designated init node's card is flashed again (the node is
 * rebuilt) and it boots alone into the running cluster. It must rebuild (delete its stale Node
 * and etcd member) and join as a control plane with the credentials on its card, never
 * initialise again, and the cluster must still hold every node Ready.
 */
async function rebuildDesignatedInit(sandbox: ShellSandbox, plan: SimulationPlan) {
  const init = designatedInit(plan.cluster);
  const eventsBefore = sandbox.events().length;
  sandbox.clearCalls();
  sandbox.reflashNode(
    init.hostname,
    nodeBundle(plan.cluster, init, plan.secrets, plan.flashedAt).files,
  );
  await sandbox.runScheduled([{ hostname: init.hostname, at: sandbox.clock + 3600 }]);
  const violations = clusterViolations(sandbox, plan.cluster).map((v) => `after the rebuild: ${v}`);
  const events = sandbox.events().slice(eventsBefore);
  const expected = [
    `${init.hostname} delete node ${init.hostname}`,
    /^\S+ member-remove [0-9a-f]+$/,
    `${init.hostname} join control-plane`,
  ];
  const matches =
    events.length === expected.length &&
    expected.every((e, i) => (typeof e === 'string' ? events[i] === e : e.test(events[i]!)));
  if (!matches)
    violations.push(`the rebuilt ${init.hostname} did: ${events.join(', ') || 'nothing'}`);
  violations.push(
    ...secretsOnCommandLines(sandbox, planSecretStrings(plan)).map((v) => `rebuild: ${v}`),
  );
  return violations;
}

/**
 * Several orders through a bounded pool: `concurrency` sandboxes at a time (each runs one node
 * at a time, so one sandbox keeps about one core busy), a free slot taking the next seed.
 * Outcomes come back in the order of the seeds.
 */
export async function simulateOrders(
  plan: SimulationPlan,
  seeds: readonly number[],
  {
    concurrency = 2,
    /** Then re-flash the designated node, in every third order (both shells). */
    rebuildInit = false,
  } = {},
): Promise<OrderOutcome[]> {
  const outcomes: OrderOutcome[] = new Array<OrderOutcome>(seeds.length);
  let next = 0;
  const worker = async () => {
    while (next < seeds.length) {
      const index = next++;
      outcomes[index] = await simulateOrder(plan, seeds[index]!, {
        rebuildInit: rebuildInit && index % 3 === 0,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, seeds.length) }, worker));
  return outcomes;
}
