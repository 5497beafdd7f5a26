import { useTranslation } from 'react-i18next';

import type { Drive } from '../../../../common/drives';
import { formatBytes } from '../../../../common/format-bytes';
import { ConfirmDialog } from '../../components/confirm-dialog';

/** Asked before a card is written: which device, how large, that all of it is erased. */
export function WriteConfirm({
  hostname,
  drive,
  image,
  onConfirm,
  onCancel,
}: {
  hostname: string;
  drive: Drive;
  image: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      title={t('flash.confirmTitle', { device: drive.device })}
      confirmLabel={t('flash.confirmWrite')}
      onConfirm={onConfirm}
      onCancel={onCancel}
      testId="confirm-write"
    >
      <p>
        {t('flash.confirmBody', {
          device: drive.device,
          size: formatBytes(drive.size),
          description: drive.description,
          hostname,
        })}
      </p>
      <p className="hint mono break">{t('flash.confirmImage', { image })}</p>
    </ConfirmDialog>
  );
}
