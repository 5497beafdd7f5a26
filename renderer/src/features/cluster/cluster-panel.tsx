import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { OpenedClusterFile } from '../../../../common/cluster-file';
import { useApi } from '../../api/api-context';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-views';

type Status =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'error'; error: unknown }
  | { kind: 'done'; message: string };

/** Open and save the cluster file. The plan editor itself arrives with the cluster model. */
export function ClusterPanel({ fileDialogs }: { fileDialogs: boolean }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [path, setPath] = useState('');
  const [opened, setOpened] = useState<OpenedClusterFile | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  async function run(action: () => Promise<string>) {
    setStatus({ kind: 'busy' });
    try {
      setStatus({ kind: 'done', message: await action() });
    } catch (error) {
      setStatus({ kind: 'error', error });
    }
  }

  const open = (target: string) =>
    run(async () => {
      const file = await api.openClusterFile({ path: target });
      setOpened(file);
      setPath(file.path);
      return t('cluster.opened', { path: file.path });
    });

  const save = (target: string) =>
    run(async () => {
      if (!opened) throw new Error(t('cluster.emptyTitle'));
      const saved = await api.saveClusterFile({ path: target, document: opened.document });
      setOpened({ ...opened, path: saved.path });
      return saved.backupPath
        ? t('cluster.savedWithBackup', { path: saved.path, backup: saved.backupPath })
        : t('cluster.saved', { path: saved.path });
    });

  async function browse(purpose: 'open' | 'save') {
    const picked = await api.pickClusterFile({ purpose });
    if (!picked.path) return;
    setPath(picked.path);
    await (purpose === 'open' ? open(picked.path) : save(picked.path));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void open(path.trim());
  }

  return (
    <section aria-labelledby="cluster-heading">
      <h2 id="cluster-heading">{t('cluster.heading')}</h2>
      <form className="row" onSubmit={onSubmit}>
        <label className="grow">
          <span className="label">{t('cluster.pathLabel')}</span>
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder={t('cluster.pathPlaceholder')}
            spellCheck={false}
          />
        </label>
        <button type="submit" disabled={!path.trim() || status.kind === 'busy'}>
          {t('cluster.open')}
        </button>
        {fileDialogs && (
          <button type="button" onClick={() => void browse('open')}>
            {t('cluster.browse')}
          </button>
        )}
        <button
          type="button"
          disabled={!opened || !path.trim()}
          onClick={() => void save(path.trim())}
        >
          {t('cluster.save')}
        </button>
        {fileDialogs && opened && (
          <button type="button" onClick={() => void browse('save')}>
            {t('cluster.saveAs')}
          </button>
        )}
      </form>
      {status.kind === 'busy' && <LoadingState />}
      {status.kind === 'error' && <ErrorState error={status.error} />}
      {status.kind === 'done' && (
        <p className="notice" role="status">
          {status.message}
        </p>
      )}
      {opened ? (
        <div>
          <h3>{t('cluster.keys')}</h3>
          <ul className="mono" data-testid="cluster-keys">
            {Object.keys(opened.document).map((key) => (
              <li key={key}>{key}</li>
            ))}
          </ul>
        </div>
      ) : (
        status.kind !== 'busy' && (
          <EmptyState title={t('cluster.emptyTitle')} body={t('cluster.emptyBody')} />
        )
      )}
    </section>
  );
}
