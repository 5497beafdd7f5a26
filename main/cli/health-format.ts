import { formatDuration, type HealthView } from '../../common/health-view';
import { formatTable } from './format';

/** The headline in words: "cluster Ready 7 m 42 s after first power-on", or how far it got. */
export function headlineText(view: HealthView): string {
  if (view.readyAfterSeconds !== null)
    return `cluster Ready ${formatDuration(view.readyAfterSeconds)} after first power-on`;
  if (view.timeline.readyAt) return 'cluster Ready (power-on time unknown: no node clock read yet)';
  const ready = view.nodes.filter((n) => n.stage === 'ready').length;
  return `cluster not Ready yet: ${ready} of ${view.nodes.length} nodes Ready`;
}

/** `kubeflash status`: one line per planned node, the API state and the headline. */
export function formatHealthView(view: HealthView): string {
  const rows = view.nodes.map((node) => [
    node.hostname,
    node.role,
    node.stage,
    node.phase ?? '-',
    node.observation?.ssh ?? '-',
    node.kube?.ready ?? '-',
    node.kube?.roles.join(',') || '-',
    node.kube?.kubeletVersion ?? '-',
  ]);
  const table = formatTable(
    ['NODE', 'ROLE', 'STAGE', 'PHASE', 'SSH', 'READY', 'ROLES', 'KUBELET'],
    rows,
  );
  const api = `API: ${view.api}${view.apiError ? ` (${view.apiError})` : ''}`;
  const alarms = view.nodes
    .filter((n) => n.stage === 'alarm')
    .map(
      (n) =>
        `ALARM ${n.hostname}: presented host key ${n.observation?.presentedHostKey ?? 'unknown'}, not the pinned one`,
    );
  return [table, api, ...alarms, headlineText(view)].join('\n');
}

/** True once every flashed node was probed at least once and the API answered or failed. */
export function firstPictureComplete(view: HealthView): boolean {
  const probed = view.nodes
    .filter((n) => n.flash === 'flashed')
    .every((n) => n.observation !== null);
  return probed && view.api !== 'unknown' && view.api !== 'connecting';
}
