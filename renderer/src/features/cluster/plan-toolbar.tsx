import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import { useOpenCluster } from './cluster-context';
import { canUndo } from './cluster-editor-state';
import { countIssues } from './issues';

/**
 * The open plan's name and file, whether it has unsaved changes and problems, and Save /
 * Revert / Undo. Shown above the Cluster and Nodes sections alike.
 */
export function PlanToolbar() {
  const { t } = useTranslation();
  const cluster = useOpenCluster();
  const { save, revert, undo, dirty, issues, view, edited } = cluster;
  const saveAction = useCallback(() => save(), [save]);
  const [saving, runSave, resetSave] = useAction(saveAction);
  const { errors, warnings } = countIssues(issues);

  return (
    <div className="plan-toolbar" data-testid="plan-toolbar">
      <div className="plan-title">
        <strong data-testid="plan-name">{edited.metadata.name}</strong>
        <span className="mono hint plan-path" title={view.path}>
          {view.path}
        </span>
        {dirty ? (
          <span className="badge badge-warn" data-testid="plan-dirty">
            {t('plan.unsaved')}
          </span>
        ) : (
          <span className="badge badge-ok" data-testid="plan-clean">
            {t('plan.saved')}
          </span>
        )}
        <span className="hint" data-testid="plan-issue-count">
          {errors + warnings === 0
            ? t('plan.noProblems')
            : [
                errors > 0 ? t('plan.errorCount', { count: errors }) : null,
                warnings > 0 ? t('plan.warningCount', { count: warnings }) : null,
              ]
                .filter(Boolean)
                .join(' · ')}
        </span>
      </div>
      <div className="plan-actions">
        <button
          type="button"
          onClick={() => {
            resetSave();
            undo();
          }}
          disabled={!canUndo(cluster.state)}
        >
          {t('plan.undo')}
        </button>
        <button
          type="button"
          onClick={() => {
            resetSave();
            revert();
          }}
          disabled={!dirty}
        >
          {t('plan.revert')}
        </button>
        <button
          type="button"
          className="primary"
          data-testid="save-plan"
          onClick={() => void runSave()}
          disabled={!dirty || saving.status === 'busy'}
        >
          {saving.status === 'busy' ? t('plan.saving') : t('plan.save')}
        </button>
      </div>
      {dirty && errors > 0 && (
        <p className="plan-note warn" data-testid="draft-warning">
          {t('plan.draftWarning', { count: errors })}
        </p>
      )}
      {saving.status === 'failed' && <InlineError error={saving.error} />}
      {saving.status === 'done' && !dirty && (
        <p className="plan-note notice" role="status">
          {t('plan.savedTo', { path: saving.result.path })}
        </p>
      )}
    </div>
  );
}
