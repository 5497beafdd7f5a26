import { useTranslation } from 'react-i18next';

/** Asked before an action that would drop the plan's unsaved changes. */
export function ConfirmDiscard({
  onConfirm,
  onCancel,
}: {
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="confirm" role="alertdialog" aria-label={t('plan.discardTitle')}>
      <p>{t('plan.discardBody')}</p>
      <div className="row">
        <button type="button" className="danger" onClick={onConfirm}>
          {t('plan.discard')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
