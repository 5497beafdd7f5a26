import { useTranslation } from 'react-i18next';

import { EmptyState } from '../../components/state-views';
import { UnlockForm } from '../cluster/unlock-form';
import { type FlashBlocker, sectionOfIssue } from './flash-readiness';

/** What must happen before cards can be written, each with the way to do it. */
export function FlashBlockers({
  blockers,
  passphraseKeychain,
}: {
  blockers: readonly FlashBlocker[];
  passphraseKeychain: boolean;
}) {
  return (
    <div className="flash-blockers" data-testid="flash-blockers">
      {blockers.map((blocker) => (
        <Blocker key={blocker.kind} blocker={blocker} passphraseKeychain={passphraseKeychain} />
      ))}
    </div>
  );
}

function Blocker({
  blocker,
  passphraseKeychain,
}: {
  blocker: FlashBlocker;
  passphraseKeychain: boolean;
}) {
  const { t } = useTranslation();
  switch (blocker.kind) {
    case 'no-secrets':
      return <EmptyState title={t('flash.noSecretsTitle')} body={t('flash.noSecretsBody')} />;
    case 'secrets-locked':
      return (
        <section className="card blocker" data-testid="flash-locked">
          <h2>{t('flash.lockedTitle')}</h2>
          <UnlockForm passphraseKeychain={passphraseKeychain} />
          <a href="#/cluster" data-testid="go-to-secrets">
            {t('flash.goToSecrets')}
          </a>
        </section>
      );
    case 'plan-errors':
      return (
        <section className="card blocker" data-testid="flash-plan-errors">
          <h2>{t('flash.planErrorsTitle', { count: blocker.errors.length })}</h2>
          <p className="hint">{t('flash.planErrorsBody')}</p>
          <ul className="issues">
            {blocker.errors.map((issue, index) => {
              const section = sectionOfIssue(issue);
              return (
                <li key={index} className="issue issue-error">
                  {issue.message} <span className="mono hint">{issue.path}</span> —{' '}
                  <a href={`#/${section}`}>
                    {section === 'nodes' ? t('flash.fixOnNodes') : t('flash.fixOnCluster')}
                  </a>
                </li>
              );
            })}
          </ul>
        </section>
      );
    case 'no-nodes':
      return (
        <EmptyState title={t('flash.noNodesTitle')} body={t('flash.noNodesBody')}>
          <a className="button-link" href="#/nodes">
            {t('flash.goToNodes')}
          </a>
        </EmptyState>
      );
  }
}
