import { ApiException, type V1DaemonSet, type V1Deployment } from '@kubernetes/client-node';

import type { AddonStatus } from '../../../common/health';
import { dashboardManifest, metallbManifest, nfsProvisionerManifest } from '../../distro/addons';
import { type KubeClient, openKubeClient } from './kube-client';

type AddonName = AddonStatus['addon'];
type State = AddonStatus['state'];

export interface AddonWorkload {
  kind: 'Deployment' | 'DaemonSet';
  namespace: string;
  name: string;
}

/**
 * The Deployments and DaemonSets an add-on runs, read from the very manifests Kubeflash puts on
 * the cards, so the names cannot drift apart. (Workload names do not depend on the NFS options.)
 */
export function addonWorkloads(addon: AddonName): AddonWorkload[] {
  const objects =
    addon === 'metallb'
      ? metallbManifest()
      : addon === 'dashboard'
        ? dashboardManifest()
        : nfsProvisionerManifest({ server: 'nfs.invalid', path: '/', storageClass: 'nfs-client' });
  return objects.flatMap((object) =>
    object.kind === 'Deployment' || object.kind === 'DaemonSet'
      ? [
          {
            kind: object.kind,
            namespace: String(object.metadata.namespace ?? 'default'),
            name: String(object.metadata.name),
          },
        ]
      : [],
  );
}

/** Readiness of each enabled add-on's workloads. Throws when the API cannot be asked. */
export async function addonStatuses(
  kubeconfig: string,
  addons: readonly AddonName[],
  options: { signal?: AbortSignal; requestTimeoutMs?: number } = {},
): Promise<AddonStatus[]> {
  if (addons.length === 0) return [];
  const client = openKubeClient(kubeconfig, { requestTimeoutMs: options.requestTimeoutMs });
  try {
    const statuses: AddonStatus[] = [];
    for (const addon of addons) {
      const workloads = await Promise.all(
        addonWorkloads(addon).map((workload) => workloadState(client, workload, options.signal)),
      );
      statuses.push({
        addon,
        state: overall(workloads.map((w) => w.state)),
        detail: workloads
          .map((w) => w.detail)
          .join('; ')
          .slice(0, 4096),
      });
    }
    return statuses;
  } finally {
    client.close();
  }
}

async function workloadState(
  client: KubeClient,
  workload: AddonWorkload,
  signal: AbortSignal | undefined,
): Promise<{ state: State; detail: string }> {
  const label = `${workload.kind} ${workload.namespace}/${workload.name}`;
  try {
    const request = { namespace: workload.namespace, name: workload.name };
    if (workload.kind === 'Deployment') {
      return deploymentState(
        label,
        await client.apps.readNamespacedDeployment(request, client.options(signal)),
      );
    }
    return daemonSetState(
      label,
      await client.apps.readNamespacedDaemonSet(request, client.options(signal)),
    );
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) {
      return { state: 'missing', detail: `${label} does not exist (yet)` };
    }
    const reason =
      error instanceof ApiException
        ? `HTTP ${error.code}`
        : error instanceof Error
          ? error.message
          : String(error);
    throw new Error(`Could not read ${label} from ${client.server}: ${reason}`);
  }
}

function deploymentState(
  label: string,
  deployment: V1Deployment,
): { state: State; detail: string } {
  const wanted = deployment.spec?.replicas ?? 1;
  const available = deployment.status?.availableReplicas ?? 0;
  const conditions = deployment.status?.conditions ?? [];
  const stuck = conditions.find(
    (c) =>
      (c.type === 'Progressing' && c.status === 'False') ||
      (c.type === 'ReplicaFailure' && c.status === 'True'),
  );
  if (available >= wanted && wanted > 0) {
    return { state: 'ready', detail: `${label}: ${available}/${wanted} available` };
  }
  if (stuck) {
    return {
      state: 'failed',
      detail: `${label}: ${available}/${wanted} available, ${stuck.reason ?? stuck.type}${stuck.message ? `: ${stuck.message}` : ''}`,
    };
  }
  return { state: 'progressing', detail: `${label}: ${available}/${wanted} available` };
}

function daemonSetState(label: string, daemonSet: V1DaemonSet): { state: State; detail: string } {
  const desired = daemonSet.status?.desiredNumberScheduled ?? 0;
  const available = daemonSet.status?.numberAvailable ?? 0;
  const detail = `${label}: ${available}/${desired} nodes available`;
  return { state: desired > 0 && available >= desired ? 'ready' : 'progressing', detail };
}

function overall(states: State[]): State {
  for (const state of ['failed', 'missing', 'progressing'] as const) {
    if (states.includes(state)) return state;
  }
  return 'ready';
}
