import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import { BrowseButton } from './browse-button';
import { useOpenCluster } from './cluster-context';

/**
 * Save a copy of the edited plan under another path. The secrets are not copied: they stay
 * beside the original, and the copy cannot be flashed on its own. The form says so.
 */
export function ExportForm({ fileDialogs }: { fileDialogs: boolean }) {
  const { t } = useTranslation();
  const { exportTo, view } = useOpenCluster();
  const [path, setPath] = useState('');
  const [exporting, runExport] = useAction(exportTo);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void runExport(path.trim());
  };
  const samePath = path.trim() === view.path;

  return (
    <form className="export-form" onSubmit={onSubmit} data-testid="export-form">
      <p className="hint">{t('files.exportHint', { secrets: view.secrets.file })}</p>
      <div className="row">
        <label className="grow">
          <span className="label">{t('files.exportPath')}</span>
          <input
            value={path}
            onChange={(event) => setPath(event.target.value)}
            placeholder={t('cluster.pathPlaceholder')}
            spellCheck={false}
            data-testid="export-path"
          />
        </label>
        <button
          type="submit"
          disabled={!path.trim() || samePath || exporting.status === 'busy'}
          data-testid="export"
        >
          {t('files.export')}
        </button>
        {fileDialogs && <BrowseButton purpose="save" onPicked={setPath} />}
      </div>
      {samePath && <p className="hint">{t('files.exportSamePath')}</p>}
      {exporting.status === 'failed' && <InlineError error={exporting.error} />}
      {exporting.status === 'done' && (
        <p className="notice" role="status" data-testid="export-result">
          {t('files.exported', { path: exporting.result.path, secrets: view.secrets.file })}
        </p>
      )}
    </form>
  );
}
