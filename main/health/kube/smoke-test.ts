import { randomBytes } from 'node:crypto';

import { ApiException, type V1DaemonSet, type V1Node, type V1Pod } from '@kubernetes/client-node';

import type { SmokeTestResult } from '../../../common/health';
import { abortableSleep } from '../backoff';
import { type KubeClient, openKubeClient } from './kube-client';

/** A tiny multi-arch image (arm, arm64, amd64, …) every distribution's registry mirror has. */
export const SMOKE_TEST_IMAGE = 'registry.k8s.io/pause:3.10';
export const SMOKE_TEST_NAMESPACE = 'kubeflash-smoke';
const NAME_LABEL = 'app.kubernetes.io/name';
const RUN_LABEL = 'kubeflash.dev/smoke-test-run';

/** Taints the smoke test tolerates: it must run on control planes too. */
const TOLERATIONS = [
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
];
/** Tolerations the DaemonSet controller adds to every DaemonSet pod by itself. */
const DAEMONSET_TOLERATIONS = [
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
];

export interface RunSmokeTestOptions {
  image?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?(message: string): void;
  /** How often pods are listed while waiting. */
  pollMs?: number;
  requestTimeoutMs?: number;
  now?: () => Date;
}

type NodeResult = SmokeTestResult['nodes'][number];

/**
 * The smoke test: a DaemonSet with a multi-arch image in its own namespace, tolerating the
 * control-plane taint, must get a running pod on every schedulable node; reported per node.
 * The DaemonSet is deleted whatever happens (pass, failure, timeout, cancel).
 */
export async function runSmokeTest(
  kubeconfig: string,
  options: RunSmokeTestOptions,
): Promise<SmokeTestResult> {
  const now = options.now ?? (() => new Date());
  const image = options.image ?? SMOKE_TEST_IMAGE;
  const startedAt = now().toISOString();
  const progress = options.onProgress ?? (() => {});
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const signal = options.signal
    ? AbortSignal.any([options.signal, deadline.signal])
    : deadline.signal;
  const finish = (nodes: NodeResult[], error: string | null): SmokeTestResult => ({
    passed: error === null && nodes.length > 0 && nodes.every((n) => n.ok),
    startedAt,
    finishedAt: now().toISOString(),
    image,
    nodes,
    error,
  });

  let client: KubeClient | undefined;
  let created: string | undefined;
  let nodes: NodeResult[] = [];
  try {
    client = openKubeClient(kubeconfig, { requestTimeoutMs: options.requestTimeoutMs });
    const expected = await schedulableNodes(client, signal, progress);
    if (expected.length === 0) {
      return finish([], 'No node is Ready and schedulable: nothing to run the smoke test on');
    }
    await ensureNamespace(client, signal);
    const run = randomBytes(4).toString('hex');
    created = `kubeflash-smoke-${run}`;
    await client.apps.createNamespacedDaemonSet(
      { namespace: SMOKE_TEST_NAMESPACE, body: daemonSet(created, run, image) },
      client.options(signal),
    );
    progress(`DaemonSet ${SMOKE_TEST_NAMESPACE}/${created} created (${image})`);
    const pollMs = options.pollMs ?? 1_000;
    let reported = '';
    for (;;) {
      const pods = await client.core.listNamespacedPod(
        { namespace: SMOKE_TEST_NAMESPACE, labelSelector: `${RUN_LABEL}=${run}` },
        client.options(signal),
      );
      nodes = expected.map((name) => nodeResult(name, pods.items));
      const running = nodes.filter((n) => n.ok).length;
      const line = `${running}/${nodes.length} nodes run the smoke-test pod`;
      if (line !== reported) progress((reported = line));
      const failed = nodes.filter((n) => n.podPhase === 'Failed');
      if (failed.length > 0) {
        return finish(
          nodes,
          `The smoke-test pod failed on ${failed.map((n) => n.node).join(', ')}`,
        );
      }
      if (running === nodes.length) return finish(nodes, null);
      await abortableSleep(pollMs, signal);
      if (signal.aborted) throw signal.reason;
    }
  } catch (error) {
    if (options.signal?.aborted) return finish(nodes, 'The smoke test was cancelled');
    if (deadline.signal.aborted) {
      const waiting = nodes.filter((n) => !n.ok).map((n) => n.node);
      const which = waiting.length > 0 ? `: no running pod on ${waiting.join(', ')}` : '';
      return finish(
        nodes.map((n) => (n.ok ? n : { ...n, message: n.message ?? 'timed out' })),
        `The smoke test timed out after ${Math.round(options.timeoutMs / 1000)} s${which}`,
      );
    }
    return finish(nodes, describeError(error, client?.server));
  } finally {
    clearTimeout(timer);
    if (client && created) await deleteDaemonSet(client, created, progress);
    client?.close();
  }
}

/** Nodes the DaemonSet must reach: Ready, and every NoSchedule/NoExecute taint tolerated. */
async function schedulableNodes(
  client: KubeClient,
  signal: AbortSignal,
  progress: (message: string) => void,
): Promise<string[]> {
  const { items } = await client.core.listNode({}, client.options(signal));
  const expected: string[] = [];
  for (const node of items) {
    const name = node.metadata?.name ?? '';
    const why = unschedulableReason(node);
    if (why) progress(`${name} is skipped: ${why}`);
    else expected.push(name);
  }
  return expected.sort();
}

function unschedulableReason(node: V1Node): string | null {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  if (!ready) return 'it is not Ready';
  const tolerations = [...TOLERATIONS, ...DAEMONSET_TOLERATIONS];
  const blocking = (node.spec?.taints ?? []).find(
    (taint) =>
      taint.effect !== 'PreferNoSchedule' &&
      !tolerations.some(
        (t) => t.key === taint.key && (!('effect' in t) || !t.effect || t.effect === taint.effect),
      ),
  );
  return blocking ? `taint ${blocking.key}:${blocking.effect}` : null;
}

async function ensureNamespace(client: KubeClient, signal: AbortSignal): Promise<void> {
  try {
    await client.core.readNamespace({ name: SMOKE_TEST_NAMESPACE }, client.options(signal));
    return;
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 404)) throw error;
  }
  try {
    await client.core.createNamespace(
      {
        body: {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: SMOKE_TEST_NAMESPACE, labels: { [NAME_LABEL]: 'kubeflash-smoke' } },
        },
      },
      client.options(signal),
    );
  } catch (error) {
    // Someone else made it in the meantime: fine.
    if (!(error instanceof ApiException && error.code === 409)) throw error;
  }
}

function daemonSet(name: string, run: string, image: string): V1DaemonSet {
  const labels = { [NAME_LABEL]: 'kubeflash-smoke', [RUN_LABEL]: run };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          tolerations: TOLERATIONS,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'pause',
              image,
              resources: {
                requests: { cpu: '1m', memory: '4Mi' },
                limits: { memory: '16Mi' },
              },
            },
          ],
        },
      },
    },
  };
}

function nodeResult(node: string, pods: V1Pod[]): NodeResult {
  const pod = pods.find((p) => p.spec?.nodeName === node);
  if (!pod) return { node, ok: false, podPhase: null, message: 'no pod scheduled yet' };
  const phase = pod.status?.phase ?? 'Unknown';
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const container = pod.status?.containerStatuses?.[0]?.state;
  const detail =
    container?.waiting ?? container?.terminated ?? (pod.status?.reason ? pod.status : undefined);
  const message = detail
    ? [detail.reason, detail.message].filter(Boolean).join(': ') || null
    : null;
  return {
    node,
    ok: phase === 'Running' && ready === true,
    podPhase: phase,
    message: message ? message.slice(0, 4096) : null,
  };
}

/** Best effort, with its own time limit: also runs after a cancel or a timeout. */
async function deleteDaemonSet(
  client: KubeClient,
  name: string,
  progress: (message: string) => void,
): Promise<void> {
  try {
    await client.apps.deleteNamespacedDaemonSet(
      { namespace: SMOKE_TEST_NAMESPACE, name, propagationPolicy: 'Background' },
      client.options(),
    );
    progress(`DaemonSet ${SMOKE_TEST_NAMESPACE}/${name} deleted`);
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return;
    progress(
      `Could not delete DaemonSet ${SMOKE_TEST_NAMESPACE}/${name}: ${describeError(error, client.server)}; delete it with kubectl -n ${SMOKE_TEST_NAMESPACE} delete daemonset ${name}`,
    );
  }
}

function describeError(error: unknown, server: string | undefined): string {
  if (error instanceof ApiException) {
    const message = statusMessage(error.body);
    return `The API server${server ? ` at ${server}` : ''} answered HTTP ${error.code}${message ? `: ${message}` : ''}`;
  }
  const text = error instanceof Error ? error.message : String(error);
  return `The smoke test could not reach the API server${server ? ` at ${server}` : ''}: ${text}`;
}

/** The Status message of an error response (client-node hands the body over as text or JSON). */
function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.slice(0, 512) || undefined;
    }
  }
  const message = (value as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message.slice(0, 512) : undefined;
}
