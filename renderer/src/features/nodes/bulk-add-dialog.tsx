import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { addNodes, roles } from '../../../../common/cluster';
import { SelectField } from '../../components/choice-fields';
import { IssueList } from '../../components/issue-list';
import { TextField } from '../../components/text-fields';
import { useOpenCluster } from '../cluster/cluster-context';
import {
  type BulkAddForm,
  previewBulkAdd,
  suggestBulkAdd,
  toAddNodesRequest,
} from './bulk-add-model';

/**
 * Add many nodes at once from a name sequence and a first address, with a live preview of
 * exactly what addNodes will add and the problems those nodes would have.
 */
export function BulkAddDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const { edited, edit } = useOpenCluster();
  const [form, setForm] = useState<BulkAddForm>(() => suggestBulkAdd(edited));
  const preview = useMemo(() => previewBulkAdd(edited, form), [edited, form]);
  const { refusal } = preview;
  const canAdd = preview.nodes.length > 0 && refusal === null;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!canAdd) return;
    edit((cluster) => addNodes(cluster, toAddNodesRequest(form)));
    onClose();
  };
  const set = <K extends keyof BulkAddForm>(key: K, value: BulkAddForm[K]) =>
    setForm((previous) => ({ ...previous, [key]: value }));

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      onClose={onClose}
      data-testid="bulk-add-dialog"
    >
      <form onSubmit={onSubmit}>
        <h2 id={titleId}>{t('bulkAdd.title')}</h2>
        <div className="form-grid">
          <TextField
            label={t('bulkAdd.pattern')}
            value={form.namePattern}
            onChange={(v) => set('namePattern', v)}
            problem={refusal?.field === 'namePattern' ? refusal.message : null}
            hint={t('bulkAdd.patternHint')}
            spellCheck={false}
            testId="bulk-pattern"
          />
          <SelectField
            label={t('nodes.role')}
            value={form.role}
            choices={roles.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
            onChange={(v) => set('role', v)}
            testId="bulk-role"
          />
          <TextField
            label={t('bulkAdd.firstIp')}
            value={form.firstIp}
            onChange={(v) => set('firstIp', v)}
            problem={refusal?.field === 'firstIp' ? refusal.message : null}
            hint={t('bulkAdd.firstIpHint')}
            spellCheck={false}
            testId="bulk-first-ip"
          />
        </div>
        {refusal && refusal.field === null && <p className="inline-error">{refusal.message}</p>}
        <BulkAddPreview preview={preview} />
        <div className="row dialog-actions">
          <button type="submit" disabled={!canAdd} data-testid="bulk-add-confirm">
            {t('bulkAdd.add', { count: preview.nodes.length })}
          </button>
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function BulkAddPreview({ preview }: { preview: ReturnType<typeof previewBulkAdd> }) {
  const { t } = useTranslation();
  if (preview.nodes.length === 0)
    return preview.refusal ? null : <p className="hint">{t('bulkAdd.nothing')}</p>;
  return (
    <div className="preview-scroll">
      <table className="table compact" data-testid="bulk-preview">
        <caption>{t('bulkAdd.preview', { count: preview.nodes.length })}</caption>
        <thead>
          <tr>
            <th>{t('nodes.hostname')}</th>
            <th>{t('nodes.role')}</th>
            <th>{t('nodes.ip')}</th>
            <th>{t('bulkAdd.problems')}</th>
          </tr>
        </thead>
        <tbody>
          {preview.nodes.map((node, i) => (
            <tr key={node.hostname} data-testid="bulk-preview-row">
              <td className="mono">{node.hostname}</td>
              <td>{t(`roles.${node.role}`)}</td>
              <td className="mono">{node.ip ?? '—'}</td>
              <td>
                <IssueList issues={preview.issues[i] ?? []} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
