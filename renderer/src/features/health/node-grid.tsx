import { useTranslation } from 'react-i18next';

import type { NodeHealth } from '../../../../common/health-view';
import { stageBadge } from './health-state';

export function StageBadge({ node }: { node: NodeHealth }) {
  const { t } = useTranslation();
  return (
    <span className={stageBadge[node.stage]} data-testid="node-stage" data-stage={node.stage}>
      {t(`health.stages.${node.stage}`)}
      {node.phase ? ` · ${node.phase}` : ''}
    </span>
  );
}

/** One tile per planned node: where it is on its way to Ready; a click opens its details. */
export function NodeGrid({
  nodes,
  selected,
  onSelect,
}: {
  nodes: NodeHealth[];
  selected: string | null;
  onSelect(hostname: string): void;
}) {
  const { t } = useTranslation();
  return (
    <ul className="node-grid" aria-label={t('health.nodes')} data-testid="node-grid">
      {nodes.map((node) => (
        <li key={node.hostname}>
          <button
            type="button"
            className="node-tile"
            aria-pressed={node.hostname === selected}
            onClick={() => onSelect(node.hostname)}
            data-testid="node-tile"
            data-hostname={node.hostname}
            data-stage={node.stage}
          >
            <strong>{node.hostname}</strong>
            <span className="hint">
              {t(`health.roles.${node.role}`)}
              {node.address ? ` · ${node.address}` : ''}
            </span>
            <StageBadge node={node} />
          </button>
        </li>
      ))}
    </ul>
  );
}
