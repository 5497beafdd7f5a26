import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useOpenCluster } from './cluster-context';
import { ConfirmDiscard } from './confirm-discard';
import { ExportForm } from './export-form';
import { NewClusterForm } from './new-cluster-form';
import { OpenClusterForm } from './open-cluster-form';

/** Import (open another file), export (a copy of the plan), a new cluster, or close this one. */
export function FileTab({ fileDialogs, onOpened }: { fileDialogs: boolean; onOpened: () => void }) {
  const { t } = useTranslation();
  const { dirty, close } = useOpenCluster();
  return (
    <div className="file-tab">
      <section className="card">
        <h2>{t('files.importHeading')}</h2>
        <OpenClusterForm fileDialogs={fileDialogs} unsavedChanges={dirty} onOpened={onOpened} />
      </section>
      <section className="card">
        <h2>{t('files.exportHeading')}</h2>
        <ExportForm fileDialogs={fileDialogs} />
      </section>
      <section className="card">
        <h2>{t('files.closeHeading')}</h2>
        <p className="hint">{t('files.closeHint')}</p>
        <CloseClusterButton dirty={dirty} onClose={close} />
      </section>
      <section className="card">
        <h2>{t('cluster.newHeading')}</h2>
        <NewClusterForm fileDialogs={fileDialogs} unsavedChanges={dirty} />
      </section>
    </div>
  );
}

function CloseClusterButton({ dirty, onClose }: { dirty: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => (dirty ? setConfirming(true) : onClose())}
        data-testid="close-cluster"
      >
        {t('files.close')}
      </button>
      {confirming && <ConfirmDiscard onConfirm={onClose} onCancel={() => setConfirming(false)} />}
    </>
  );
}
