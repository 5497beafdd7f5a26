import { useTranslation } from 'react-i18next';

import type { Drive } from '../../../../common/drives';
import { formatBytes } from '../../../../common/format-bytes';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-views';
import type { FlashJob } from './flash-jobs';
import {
  type TargetAvailability,
  targetAvailability,
  type TargetRow,
  type TargetsState,
} from './flash-targets';
import { useRefusalText } from './refusal-text';

/**
 * The drives, live: those that may be written can be chosen (when `onSelect` is given), the
 * others are greyed with the reasons, and a drive being written names its node.
 */
export function TargetList({
  targets,
  onRetry,
  jobs,
  selected,
  onSelect,
  imageSize,
}: {
  targets: TargetsState;
  onRetry: () => void;
  jobs: readonly FlashJob[];
  selected: string | null;
  onSelect?: (device: string) => void;
  /** The size flashTargets checked the drives against, if any. */
  imageSize?: number;
}) {
  const { t } = useTranslation();
  if (targets.status === 'loading') return <LoadingState />;
  if (targets.status === 'error') return <ErrorState error={targets.error} onRetry={onRetry} />;
  if (targets.rows.length === 0) {
    return <EmptyState title={t('flash.emptyTitle')} body={t('flash.emptyBody')} />;
  }
  return (
    <>
      <div className="table-scroll">
        <table className="table target-table" data-testid="drive-list">
          <thead>
            <tr>
              {onSelect && (
                <th>
                  <span className="visually-hidden">{t('flash.choose')}</span>
                </th>
              )}
              <th>{t('flash.device')}</th>
              <th>{t('flash.size')}</th>
              <th>{t('flash.description')}</th>
              <th>{t('flash.flags')}</th>
              <th>{t('flash.state')}</th>
            </tr>
          </thead>
          <tbody>
            {targets.rows.map((row) => (
              <TargetRowView
                key={row.drive.device}
                row={row}
                availability={targetAvailability(row, jobs)}
                selected={selected === row.drive.device}
                onSelect={onSelect}
                imageSize={imageSize}
              />
            ))}
          </tbody>
        </table>
      </div>
      {targets.rows.some((row) => row.drive.loop) && <p className="hint">{t('flash.loopHint')}</p>}
    </>
  );
}

function TargetRowView({
  row,
  availability,
  selected,
  onSelect,
  imageSize,
}: {
  row: TargetRow;
  availability: TargetAvailability;
  selected: boolean;
  onSelect?: (device: string) => void;
  imageSize: number | undefined;
}) {
  const { t } = useTranslation();
  const { drive } = row;
  const eligible = availability.kind === 'eligible';
  const classes = [
    eligible ? null : 'row-muted',
    selected && eligible ? 'row-selected' : null,
    eligible && onSelect ? 'row-selectable' : null,
  ].filter(Boolean);
  return (
    <tr
      data-device={drive.device}
      data-state={availability.kind}
      className={classes.join(' ') || undefined}
      onClick={eligible && onSelect ? () => onSelect(drive.device) : undefined}
    >
      {onSelect && (
        <td>
          <input
            type="radio"
            name="flash-target"
            checked={selected && eligible}
            disabled={!eligible}
            onChange={() => onSelect(drive.device)}
            aria-label={drive.device}
            data-testid="choose-drive"
          />
        </td>
      )}
      <td className="mono">{drive.device}</td>
      <td data-testid="drive-size" data-bytes={drive.size ?? ''} className="nowrap">
        {formatBytes(drive.size)}
      </td>
      <td>
        {drive.description}
        {drive.mountpoints.length > 0 && (
          <div className="hint">{t('flash.mounted', { paths: drive.mountpoints.join(', ') })}</div>
        )}
      </td>
      <td>
        {drive.system && <span className="badge badge-warn">{t('flash.system')}</span>}
        {drive.removable && <span className="badge">{t('flash.removable')}</span>}
        {drive.readOnly && <span className="badge badge-warn">{t('flash.readOnly')}</span>}
        {drive.loop && <span className="badge">{t('flash.loop')}</span>}
      </td>
      <td data-testid="drive-availability">
        <Availability availability={availability} drive={drive} imageSize={imageSize} />
      </td>
    </tr>
  );
}

function Availability({
  availability,
  drive,
  imageSize,
}: {
  availability: TargetAvailability;
  drive: Drive;
  imageSize: number | undefined;
}) {
  const { t } = useTranslation();
  const refusalText = useRefusalText(imageSize);
  switch (availability.kind) {
    case 'eligible':
      return <span className="badge badge-ok">{t('flash.eligible')}</span>;
    case 'checking':
      return <span className="hint">{t('flash.checkingDrive')}</span>;
    case 'busy':
      return (
        <span className="badge badge-accent">
          {t('flash.busyDrive', { hostname: availability.job.hostname })}
        </span>
      );
    case 'refused':
      return (
        <ul className="refusals" data-testid="refusals">
          {availability.refusals.map((refusal) => (
            <li key={refusal.code} data-code={refusal.code}>
              {refusalText(refusal, drive)}
            </li>
          ))}
        </ul>
      );
  }
}
