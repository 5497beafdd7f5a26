import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppInfo } from '../../../../common/app-info';
import { useApi } from '../../api/api-context';
import { ProgressReport } from '../../components/progress-report';
import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import type { DefaultChooser } from './catalog-card';
import { useDroppedFile } from './dropped-file-context';
import type { DroppedFile } from './dropped-file-state';
import { imagePathProblem } from './image-choice';
import { useImageInspections } from './image-inspection-context';
import { InspectionView } from './inspection-view';

/**
 * A local image file by its path, typed, chosen in a file dialog (desktop) or dropped onto the
 * window (uploaded first in a browser): check it (decompress once, detect the OS) and make it
 * the default.
 */
export function LocalFileCard({
  appInfo,
  chooser,
}: {
  appInfo: AppInfo;
  chooser: DefaultChooser | null;
}) {
  const { t } = useTranslation();
  const { inspect, inspections } = useImageInspections();
  const { dropped } = useDroppedFile();
  const [path, setPath] = useState('');
  const [checked, setChecked] = useState<string | null>(null);
  const [shownProblem, setShownProblem] = useState(false);

  const [shownDrop, setShownDrop] = useState<number | null>(null);

  const checkPath = (picked: string) => {
    setPath(picked);
    setChecked(picked);
    void inspect(picked);
  };
  // A dropped file, once it has a path, is being checked (the drop started it): show it here.
  if (dropped?.status === 'ready' && dropped.id !== shownDrop) {
    setShownDrop(dropped.id);
    setPath(dropped.path);
    setChecked(dropped.path);
  }
  const trimmed = path.trim();
  const problem = imagePathProblem(path);
  const problemText =
    problem === 'empty'
      ? t('image.pathEmpty')
      : problem === 'not-absolute'
        ? t('image.pathNotAbsolute')
        : null;

  const checking = checked === trimmed && inspections[checked]?.status === 'running';

  const onCheck = (event: FormEvent) => {
    event.preventDefault();
    setShownProblem(true);
    if (problem !== null) return;
    setChecked(trimmed);
    void inspect(trimmed);
  };
  const onUse = () => {
    setShownProblem(true);
    if (problem === null) chooser?.choose(trimmed);
  };

  return (
    <section className="card" data-testid="image-file">
      <h2>{t('image.fileHeading')}</h2>
      <p className="hint">{t('image.fileHint')}</p>
      <form className="row" onSubmit={onCheck} data-testid="image-file-form">
        <label className="grow">
          <span className="label">{t('image.pathLabel')}</span>
          <input
            value={path}
            onChange={(event) => setPath(event.target.value)}
            placeholder={t('image.pathPlaceholder')}
            spellCheck={false}
            className="mono"
            aria-invalid={(shownProblem && problem !== null) || undefined}
            data-testid="image-path"
          />
        </label>
        {appInfo.fileDialogs && <ChooseFileButton onPicked={checkPath} />}
        <button type="submit" disabled={checking} data-testid="check-image-file">
          {checking ? t('image.checking') : t('image.check')}
        </button>
        {chooser && (
          <button
            type="button"
            onClick={onUse}
            disabled={chooser.busy || (chooser.current !== null && chooser.current === trimmed)}
            data-testid="use-file-as-default"
          >
            {t('image.useAsDefault')}
          </button>
        )}
      </form>
      {shownProblem && problemText && (
        <p className="inline-error" role="alert">
          {problemText}
        </p>
      )}
      <DropNote />
      {checked !== null && (
        <InspectionView reference={checked} name={checked.split(/[/\\]/).pop() ?? checked} />
      )}
    </section>
  );
}

/** The desktop app's native dialog for an image file; the chosen file is checked at once. */
function ChooseFileButton({ onPicked }: { onPicked: (path: string) => void }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [picking, pick] = useAction(async () => {
    const picked = await api.pickImageFile({});
    if (picked.path) onPicked(picked.path);
  });
  return (
    <>
      <button
        type="button"
        onClick={() => void pick()}
        disabled={picking.status === 'busy'}
        data-testid="choose-image-file"
      >
        {t('image.chooseFile')}
      </button>
      {picking.status === 'failed' && <InlineError error={picking.error} />}
    </>
  );
}

function DropNote() {
  const { t } = useTranslation();
  const { dropped, forget } = useDroppedFile();
  return (
    <div className="drop-zone" data-testid="drop-zone">
      <span className="hint">{t('image.dropHere')}</span>
      {dropped && (
        <div
          className={dropped.status === 'failed' || dropped.status === 'no-path' ? 'warn' : 'hint'}
          role="status"
          data-testid="dropped-file"
          data-status={dropped.status}
        >
          <DroppedFileText dropped={dropped} />{' '}
          <button type="button" className="small" onClick={forget} data-testid="forget-drop">
            {dropped.status === 'uploading' ? t('image.cancelUpload') : t('flash.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}

function DroppedFileText({ dropped }: { dropped: DroppedFile }) {
  const { t } = useTranslation();
  const name = dropped.name;
  switch (dropped.status) {
    case 'uploading':
      return (
        <ProgressReport
          phaseLabel={t('image.uploading', { name })}
          sample={{
            phase: 'uploading',
            bytes: dropped.sent,
            total: dropped.size,
            bytesPerSecond: 0,
            etaSeconds: null,
          }}
          testId="upload-progress"
        />
      );
    case 'ready':
      return <span>{t(dropped.uploaded ? 'image.uploaded' : 'image.droppedPath', { name })}</span>;
    case 'no-path':
      return <span>{t('image.droppedNoPath', { name })}</span>;
    case 'failed':
      return (
        <span>
          {t('image.uploadFailed', {
            name,
            reason:
              dropped.reason.kind === 'refused'
                ? dropped.reason.message
                : t('image.uploadConnectionLost'),
          })}
        </span>
      );
  }
}
