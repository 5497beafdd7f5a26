import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppInfo } from '../../../../common/app-info';
import type { DefaultChooser } from './catalog-card';
import { useDroppedFile } from './dropped-file-context';
import { imagePathProblem } from './image-choice';
import { useImageInspections } from './image-inspection-context';
import { InspectionView } from './inspection-view';

/**
 * A local image file by its path: check it (decompress once, detect the OS) and make it the
 * default. A file dropped onto the window is named here, since no path comes with it.
 */
export function LocalFileCard({
  mode,
  chooser,
}: {
  mode: AppInfo['mode'];
  chooser: DefaultChooser | null;
}) {
  const { t } = useTranslation();
  const { inspect, inspections } = useImageInspections();
  const [path, setPath] = useState('');
  const [checked, setChecked] = useState<string | null>(null);
  const [shownProblem, setShownProblem] = useState(false);
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
      <DropNote mode={mode} />
      {checked !== null && (
        <InspectionView reference={checked} name={checked.split(/[/\\]/).pop() ?? checked} />
      )}
    </section>
  );
}

function DropNote({ mode }: { mode: AppInfo['mode'] }) {
  const { t } = useTranslation();
  const { dropped, forget } = useDroppedFile();
  return (
    <div className="drop-zone" data-testid="drop-zone">
      <span className="hint">{t('image.dropHere')}</span>
      {dropped && (
        <p className="warn" role="status" data-testid="dropped-file">
          {t(mode === 'web' ? 'image.droppedWeb' : 'image.droppedDesktop', { name: dropped.name })}{' '}
          <button type="button" className="small" onClick={forget}>
            {t('flash.dismiss')}
          </button>
        </p>
      )}
    </div>
  );
}
