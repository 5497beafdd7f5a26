import { useTranslation } from 'react-i18next';

import type { Drive } from '../../../../common/drives';
import { formatBytes } from '../../../../common/format-bytes';

export function DriveList({ drives }: { drives: Drive[] }) {
  const { t } = useTranslation();
  return (
    <table className="table" data-testid="drive-list">
      <thead>
        <tr>
          <th>{t('flash.device')}</th>
          <th>{t('flash.size')}</th>
          <th>{t('flash.description')}</th>
          <th>{t('flash.flags')}</th>
        </tr>
      </thead>
      <tbody>
        {drives.map((drive) => (
          <tr
            key={drive.device}
            data-device={drive.device}
            className={drive.system ? 'row-muted' : undefined}
          >
            <td className="mono">{drive.device}</td>
            <td data-testid="drive-size" data-bytes={drive.size ?? ''}>
              {formatBytes(drive.size)}
            </td>
            <td>
              {drive.description}
              {drive.mountpoints.length > 0 && (
                <div className="hint">
                  {t('flash.mounted', { paths: drive.mountpoints.join(', ') })}
                </div>
              )}
            </td>
            <td>
              {drive.system && <span className="badge badge-warn">{t('flash.system')}</span>}
              {drive.removable && <span className="badge">{t('flash.removable')}</span>}
              {drive.readOnly && <span className="badge badge-warn">{t('flash.readOnly')}</span>}
              {drive.loop && <span className="badge">{t('flash.loop')}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
