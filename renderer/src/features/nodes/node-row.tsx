import { useTranslation } from 'react-i18next';

import {
  type ClusterNode,
  moveNode,
  type NodeState,
  type NodeStatus,
  removeNode,
  renameNode,
  roles,
  setInitNode,
  setNodeImage,
  setNodeIp,
  setNodeRole,
  type ValidationIssue,
} from '../../../../common/cluster';
import { CellInput } from '../../components/cell-input';
import { IssueList } from '../../components/issue-list';
import { useOpenCluster } from '../cluster/cluster-context';
import { NodeStatusBadge } from './node-status-badge';
import { RebuildButton } from './rebuild-button';

export interface NodeRowProps {
  node: ClusterNode;
  index: number;
  last: boolean;
  status: NodeStatus;
  state: NodeState | undefined;
  /** validateCluster's issues of this node, plus a refused edit of it. */
  issues: ValidationIssue[];
  /** Whether the node is in the saved plan (the Node side knows it by this name). */
  saved: boolean;
  defaultImage: string | undefined;
  columns: number;
}

/** One node, edited in place; its problems in a row right below it. */
export function NodeRow({
  node,
  index,
  last,
  status,
  state,
  issues,
  saved,
  defaultImage,
  columns,
}: NodeRowProps) {
  const { t } = useTranslation();
  const { edit } = useOpenCluster();
  const { hostname } = node;
  const field = (name: string) => `spec.nodes.${index}.${name}`;
  const invalid = (name: string) =>
    issues.some((issue) => issue.path === field(name) && issue.severity === 'error');
  const rebuildable = saved && (status === 'flashed' || status === 'flash-failed');

  return (
    <>
      <tr
        data-testid="node-row"
        data-hostname={hostname}
        className={issues.length > 0 ? 'has-issues' : undefined}
      >
        <td className="hint">{index + 1}</td>
        <td>
          <CellInput
            value={hostname}
            onCommit={(text) =>
              edit((c) => renameNode(c, hostname, text.trim()), field('hostname'))
            }
            invalid={invalid('hostname')}
            aria-label={t('nodes.hostnameOf', { number: index + 1 })}
            className="mono"
            spellCheck={false}
          />
        </td>
        <td>
          <select
            value={node.role}
            aria-label={t('nodes.roleOf', { hostname })}
            onChange={(event) => {
              const role = roles.find((r) => r === event.target.value);
              if (role) edit((c) => setNodeRole(c, hostname, role), field('role'));
            }}
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {t(`roles.${role}`)}
              </option>
            ))}
          </select>
        </td>
        <td className="center">
          <input
            type="radio"
            name="init-node"
            checked={node.init === true}
            disabled={node.role !== 'control-plane'}
            aria-label={t('nodes.initOf', { hostname })}
            aria-invalid={invalid('init') || undefined}
            onChange={() => edit((c) => setInitNode(c, hostname), field('init'))}
          />
        </td>
        <td>
          <CellInput
            value={node.ip ?? ''}
            onCommit={(text) => edit((c) => setNodeIp(c, hostname, text.trim()), field('ip'))}
            invalid={invalid('ip')}
            aria-label={t('nodes.ipOf', { hostname })}
            placeholder={t('nodes.noIp')}
            className="mono"
            spellCheck={false}
          />
        </td>
        <td>
          <CellInput
            value={node.image ?? ''}
            onCommit={(text) => edit((c) => setNodeImage(c, hostname, text.trim()), field('image'))}
            aria-label={t('nodes.imageOf', { hostname })}
            placeholder={t('nodes.defaultImage')}
            title={defaultImage}
            className="mono"
            spellCheck={false}
          />
        </td>
        <td>
          <NodeStatusBadge status={status} state={state} />
        </td>
        <td className="row-actions">
          <button
            type="button"
            className="icon"
            aria-label={t('nodes.moveUp', { hostname })}
            title={t('nodes.moveUp', { hostname })}
            disabled={index === 0}
            onClick={() => edit((c) => moveNode(c, hostname, index - 1))}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon"
            aria-label={t('nodes.moveDown', { hostname })}
            title={t('nodes.moveDown', { hostname })}
            disabled={last}
            onClick={() => edit((c) => moveNode(c, hostname, index + 1))}
          >
            ↓
          </button>
          <button
            type="button"
            className="icon danger"
            aria-label={t('nodes.remove', { hostname })}
            title={t('nodes.remove', { hostname })}
            onClick={() => edit((c) => removeNode(c, hostname))}
          >
            ✕
          </button>
          {rebuildable && <RebuildButton hostname={hostname} />}
        </td>
      </tr>
      {issues.length > 0 && (
        <tr className="node-issues-row" data-testid="node-issues" data-hostname={hostname}>
          <td />
          <td colSpan={columns - 1}>
            <IssueList issues={issues} />
          </td>
        </tr>
      )}
    </>
  );
}
