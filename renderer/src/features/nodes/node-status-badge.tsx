import { useTranslation } from 'react-i18next';

import type { NodeState, NodeStatus } from '../../../../common/cluster';

const badgeClass: Record<NodeStatus, string> = {
  planned: 'badge',
  flashed: 'badge badge-ok',
  'flash-failed': 'badge badge-danger',
  'rebuild-pending': 'badge badge-warn',
};

/** Where a node's card stands: planned, flashed, failed, or to be flashed again. */
export function NodeStatusBadge({
  status,
  state,
}: {
  status: NodeStatus;
  state: NodeState | undefined;
}) {
  const { t } = useTranslation();
  const detail =
    state?.reason ?? (state?.flashedAt ? t('nodes.flashedAt', { at: state.flashedAt }) : undefined);
  return (
    <span
      className={badgeClass[status]}
      title={detail}
      data-testid="node-status"
      data-status={status}
    >
      {t(`nodes.status.${status}`)}
    </span>
  );
}
