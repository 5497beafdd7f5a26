import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A modal question before something that cannot be undone (erasing a card, clearing the cache).
 * Escape or Cancel closes it; only the confirm button goes ahead.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  testId,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  return (
    <dialog
      ref={dialog}
      className="dialog confirm-dialog"
      role="alertdialog"
      aria-labelledby={titleId}
      onClose={onCancel}
      data-testid={testId}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="confirm-body">{children}</div>
      <div className="row dialog-actions">
        <button type="button" onClick={onCancel} data-testid="confirm-cancel" autoFocus>
          {t('common.cancel')}
        </button>
        <button type="button" className="danger-solid" onClick={onConfirm} data-testid="confirm">
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
