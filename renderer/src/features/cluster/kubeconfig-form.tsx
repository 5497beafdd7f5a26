import { type FormEvent, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { CallParams } from '../../../../common/contract';
import { useApi } from '../../api/api-context';
import { RadioField } from '../../components/choice-fields';
import { InlineError } from '../../components/state-views';
import { TextField } from '../../components/text-fields';
import { useAction } from '../../components/use-action';
import { useOpenCluster } from './cluster-context';
import { siblingPath } from './sibling-path';

type Destination = 'file' | 'merge';

/**
 * The admin kubeconfig, signed by the cluster CA before any node boots: saved as its own file,
 * or merged into ~/.kube/config (or another kubeconfig) under a context name.
 */
export function KubeconfigForm() {
  const { t } = useTranslation();
  const { api } = useApi();
  const { view, dirty } = useOpenCluster();
  const saved = view.cluster;
  const [destination, setDestination] = useState<Destination>('file');
  const [file, setFile] = useState(() =>
    siblingPath(view.path, `${saved.metadata.name}.kubeconfig`),
  );
  const [kubeconfigPath, setKubeconfigPath] = useState('');
  const [contextName, setContextName] = useState(saved.metadata.name);
  const write = useCallback(
    (request: CallParams<'writeKubeconfig'>) => api.writeKubeconfig(request),
    [api],
  );
  const [writing, runWrite] = useAction(write);
  const locked = !view.secrets.unlocked;
  const { endpoint, port } = saved.spec.controlPlane;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const context = contextName.trim();
    void runWrite({
      path: view.path,
      destination:
        destination === 'file'
          ? { kind: 'file', file: file.trim() }
          : kubeconfigPath.trim()
            ? { kind: 'merge', kubeconfigPath: kubeconfigPath.trim() }
            : { kind: 'merge' },
      ...(context ? { contextName: context } : {}),
    });
  };

  return (
    <form className="kubeconfig-form" onSubmit={onSubmit} data-testid="kubeconfig-form">
      <p>{t('kubeconfig.intro', { server: `https://${endpoint}:${port}` })}</p>
      {locked && (
        <p className="plan-note warn" data-testid="kubeconfig-locked">
          {t('kubeconfig.locked')}
        </p>
      )}
      {dirty && <p className="hint">{t('kubeconfig.usesSavedPlan')}</p>}
      <RadioField
        label={t('kubeconfig.destination')}
        name="kubeconfig-destination"
        value={destination}
        choices={[
          { value: 'file', label: t('kubeconfig.toFile') },
          { value: 'merge', label: t('kubeconfig.merge') },
        ]}
        onChange={setDestination}
        testId="kubeconfig-destination"
      />
      <div className="form-grid wide">
        {destination === 'file' ? (
          <TextField
            className="span-2"
            label={t('kubeconfig.file')}
            value={file}
            onChange={setFile}
            spellCheck={false}
            testId="kubeconfig-file"
          />
        ) : (
          <TextField
            className="span-2"
            label={t('kubeconfig.kubeconfigPath')}
            value={kubeconfigPath}
            onChange={setKubeconfigPath}
            placeholder="~/.kube/config"
            hint={t('kubeconfig.kubeconfigPathHint')}
            spellCheck={false}
            testId="kubeconfig-merge-path"
          />
        )}
        <TextField
          label={t('kubeconfig.contextName')}
          value={contextName}
          onChange={setContextName}
          hint={t('kubeconfig.contextNameHint')}
          spellCheck={false}
          testId="kubeconfig-context"
        />
      </div>
      <div className="row">
        <button
          type="submit"
          disabled={locked || writing.status === 'busy' || (destination === 'file' && !file.trim())}
          data-testid="write-kubeconfig"
        >
          {destination === 'file' ? t('kubeconfig.save') : t('kubeconfig.mergeButton')}
        </button>
      </div>
      {writing.status === 'failed' && <InlineError error={writing.error} />}
      {writing.status === 'done' && (
        <div className="notice" role="status" data-testid="kubeconfig-result">
          <p>
            {t('kubeconfig.written', {
              path: writing.result.path,
              contextName: writing.result.contextName,
            })}
          </p>
          {writing.result.backupPath && (
            <p>{t('kubeconfig.backup', { path: writing.result.backupPath })}</p>
          )}
          <p className="mono small">
            kubectl --kubeconfig {writing.result.path} --context {writing.result.contextName} get
            nodes
          </p>
        </div>
      )}
    </form>
  );
}
