import { useTranslation } from 'react-i18next';

import { nodeStatus } from '../../../../common/cluster';
import { useOpenCluster } from '../cluster/cluster-context';
import { nodeIssues } from '../cluster/issues';
import { NodeRow } from './node-row';

const columnCount = 8;

/** The plan's nodes in flashing order, edited in place. */
export function NodeTable() {
  const { t } = useTranslation();
  const { edited, view, issues, editError } = useOpenCluster();
  const savedNames = new Set(view.cluster.spec.nodes.map((node) => node.hostname));
  const { nodes } = edited.spec;
  return (
    <div className="table-scroll">
      <table className="table node-table" data-testid="node-table">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('nodes.hostname')}</th>
            <th>{t('nodes.role')}</th>
            <th className="center">{t('nodes.init')}</th>
            <th>{t('nodes.ip')}</th>
            <th>{t('nodes.image')}</th>
            <th>{t('nodes.statusHeading')}</th>
            <th>
              <span className="visually-hidden">{t('nodes.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((node, index) => {
            const refused =
              editError?.key?.startsWith(`spec.nodes.${index}.`) === true
                ? [{ severity: 'error' as const, path: editError.key, message: editError.message }]
                : [];
            return (
              <NodeRow
                key={index}
                node={node}
                index={index}
                last={index === nodes.length - 1}
                status={nodeStatus(view.state, node.hostname)}
                state={view.state.nodes[node.hostname]}
                issues={[...refused, ...nodeIssues(issues, index)]}
                saved={savedNames.has(node.hostname)}
                defaultImage={edited.spec.image.default}
                columns={columnCount}
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
