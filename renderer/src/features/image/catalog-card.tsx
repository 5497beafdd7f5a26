import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';

import type { CatalogImageView } from '../../../../common/flash';
import { formatBytes } from '../../../../common/format-bytes';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-views';
import type { AsyncState } from '../../components/use-async';
import { useImageInspections } from './image-inspection-context';
import { CheckImageButton, InspectionView } from './inspection-view';
import { useFamilyLabel } from './labels';
import type { CatalogView } from './use-catalog';

const columnCount = 6;

/** The OS catalog: what each image is, how its download is checked, and the ways to use it. */
export function CatalogCard({
  catalog,
  onRetry,
  chooser,
}: {
  catalog: AsyncState<CatalogView>;
  onRetry: () => void;
  chooser: DefaultChooser | null;
}) {
  const { t } = useTranslation();
  return (
    <section className="card" data-testid="catalog">
      <h2>{t('image.catalogHeading')}</h2>
      <p className="hint">{t('image.catalogHint')}</p>
      {catalog.status === 'loading' && <LoadingState />}
      {catalog.status === 'error' && <ErrorState error={catalog.error} onRetry={onRetry} />}
      {catalog.status === 'ready' && (
        <>
          {catalog.data.problems.length > 0 && (
            <div className="catalog-problems warn" role="status">
              {t('image.catalogProblems')}
              <ul>
                {catalog.data.problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </div>
          )}
          {catalog.data.images.length === 0 ? (
            <EmptyState title={t('image.catalogEmptyTitle')} body={t('image.catalogEmptyBody')} />
          ) : (
            <CatalogTable images={catalog.data.images} chooser={chooser} />
          )}
        </>
      )}
    </section>
  );
}

/** Making an image the cluster's default, where a cluster is open. */
export interface DefaultChooser {
  current: string | null;
  busy: boolean;
  choose: (reference: string) => void;
}

function CatalogTable({
  images,
  chooser,
}: {
  images: readonly CatalogImageView[];
  chooser: DefaultChooser | null;
}) {
  const { t } = useTranslation();
  const { inspections } = useImageInspections();
  return (
    <div className="table-scroll">
      <table className="table catalog-table">
        <thead>
          <tr>
            <th>{t('image.name')}</th>
            <th>{t('image.family')}</th>
            <th>{t('image.released')}</th>
            <th>{t('image.download')}</th>
            <th>{t('image.checksum')}</th>
            <th>
              <span className="visually-hidden">{t('image.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {images.map((image) => (
            <Fragment key={image.id}>
              <CatalogRow image={image} chooser={chooser} />
              {inspections[image.id] && (
                <tr className="inspection-row">
                  <td colSpan={columnCount}>
                    <InspectionView reference={image.id} name={image.name} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CatalogRow({
  image,
  chooser,
}: {
  image: CatalogImageView;
  chooser: DefaultChooser | null;
}) {
  const { t } = useTranslation();
  const familyLabel = useFamilyLabel();
  const isDefault = chooser?.current === image.id;
  return (
    <tr data-testid="catalog-row" data-id={image.id}>
      <td>
        <strong>{image.name}</strong>
        <div className="hint">{image.description}</div>
      </td>
      <td>
        {image.family ? (
          familyLabel(image.family)
        ) : (
          <span className="hint">{t('image.familyDetected')}</span>
        )}
      </td>
      <td className="nowrap">{image.releaseDate ?? '—'}</td>
      <td className="nowrap">{formatBytes(image.downloadSize)}</td>
      <td>
        <span
          className={image.checksum === 'not-published' ? 'badge badge-warn' : 'badge badge-ok'}
          data-testid="checksum-state"
          data-checksum={image.checksum}
        >
          {t(`image.checksumState.${image.checksum}`)}
        </span>
      </td>
      <td className="catalog-actions">
        <div className="stack">
          {chooser &&
            (isDefault ? (
              <span className="badge badge-ok">{t('image.isDefault')}</span>
            ) : (
              <button
                type="button"
                className="small"
                disabled={chooser.busy}
                onClick={() => chooser.choose(image.id)}
                data-testid="use-as-default"
              >
                {t('image.useAsDefault')}
              </button>
            ))}
          <CheckImageButton reference={image.id} download small testId="check-catalog-image" />
        </div>
      </td>
    </tr>
  );
}
