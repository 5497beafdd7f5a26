import { type FormEvent, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { IssueList } from '../../components/issue-list';
import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import { useCluster } from './cluster-context';
import { ConfirmDiscard } from './confirm-discard';
import { useNewClusterBinding } from './new-cluster-binding';
import { toCreateRequest } from './new-cluster-model';
import {
  NewClusterAccess,
  NewClusterBasics,
  NewClusterFiles,
  NewClusterNetwork,
  NewClusterNodePreview,
} from './new-cluster-sections';

function localTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Etc/UTC';
}

/**
 * A new cluster: plan, encrypted secrets and state, made by the Node side (createCluster)
 * from options checked live here with the same rules.
 */
export function NewClusterForm({
  fileDialogs,
  unsavedChanges,
}: {
  fileDialogs: boolean;
  unsavedChanges: boolean;
}) {
  const { t } = useTranslation();
  const { create } = useCluster();
  const [timezone] = useState(localTimezone);
  const { binding, preview, errorCount, submitted, markSubmitted, onBlur } =
    useNewClusterBinding(timezone);
  const [confirming, setConfirming] = useState(false);
  const createFromForm = useCallback(
    () => create(toCreateRequest(binding.form)),
    [create, binding.form],
  );
  const [creating, runCreate] = useAction(createFromForm);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    markSubmitted();
    if (errorCount > 0) return;
    if (unsavedChanges) setConfirming(true);
    else void runCreate();
  };

  return (
    <form
      className="new-cluster-form"
      onSubmit={onSubmit}
      onBlur={onBlur}
      noValidate
      data-testid="new-cluster-form"
    >
      <NewClusterBasics binding={binding} />
      <NewClusterNetwork binding={binding} />
      <NewClusterAccess binding={binding} />
      <NewClusterFiles binding={binding} fileDialogs={fileDialogs} />
      <NewClusterNodePreview cluster={preview.cluster} />
      {submitted && <IssueList issues={preview.general} />}
      {submitted && errorCount > 0 && (
        <p className="inline-error" data-testid="new-cluster-problems">
          {t('newCluster.fixProblems', { count: errorCount })}
        </p>
      )}
      {confirming && (
        <ConfirmDiscard
          onConfirm={() => {
            setConfirming(false);
            void runCreate();
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
      {creating.status === 'failed' && <InlineError error={creating.error} />}
      <div className="row">
        <button type="submit" disabled={creating.status === 'busy'} data-testid="create-cluster">
          {creating.status === 'busy' ? t('newCluster.creating') : t('newCluster.create')}
        </button>
      </div>
    </form>
  );
}
