import { useTranslation } from 'react-i18next';

import type { ClusterNode } from '../../../../common/cluster';
import type { CatalogImageView } from '../../../../common/flash';
import { formatBytes } from '../../../../common/format-bytes';
import { useInspection } from '../image/image-inspection-context';
import { ImageName } from '../image/image-name';
import { CheckImageButton, InspectionProgress } from '../image/inspection-view';
import { useFamilyLabel } from '../image/labels';

/** The node whose card is written next, and the image it gets. */
export function NextCard({
  node,
  image,
  catalog,
  flashed,
  total,
  justFlashed,
}: {
  node: ClusterNode;
  image: string | null;
  catalog: readonly CatalogImageView[];
  flashed: number;
  total: number;
  /** The node whose card was done last, for "insert the next card". */
  justFlashed: string | null;
}) {
  const { t } = useTranslation();
  return (
    <section className="card next-card" data-testid="next-node" data-hostname={node.hostname}>
      <div className="next-card-heading">
        <h2>{t('flash.nextHeading')}</h2>
        <span className="hint" data-testid="flashed-count">
          {t('flash.flashedCount', { flashed, total })}
        </span>
      </div>
      <dl className="facts">
        <dt>{t('flash.node')}</dt>
        <dd>
          <strong className="next-hostname" data-testid="next-hostname">
            {node.hostname}
          </strong>{' '}
          <span className="badge">{t(`roles.${node.role}`)}</span>
        </dd>
        <dt>{t('flash.address')}</dt>
        <dd className="mono">{node.ip || t('flash.dhcp')}</dd>
        <dt>{t('flash.image')}</dt>
        <dd>
          {image === null ? (
            <span className="inline-error" data-testid="no-image">
              {t('flash.noImage')} <a href="#/image">{t('flash.goToImage')}</a>
            </span>
          ) : (
            <NextImage reference={image} catalog={catalog} />
          )}
        </dd>
      </dl>
      <p className="insert-prompt" role="status" data-testid="insert-prompt">
        {justFlashed
          ? t('flash.insertNext', { hostname: justFlashed })
          : t('flash.insertCard', { hostname: node.hostname })}
      </p>
    </section>
  );
}

function NextImage({
  reference,
  catalog,
}: {
  reference: string;
  catalog: readonly CatalogImageView[];
}) {
  return (
    <div className="next-image">
      <ImageName reference={reference} catalog={catalog} />
      <div className="next-image-check">
        <ImageCheckSummary reference={reference} />
        <CheckImageButton reference={reference} small testId="check-next-image" />
      </div>
    </div>
  );
}

function ImageCheckSummary({ reference }: { reference: string }) {
  const { t } = useTranslation();
  const familyLabel = useFamilyLabel();
  const { inspection } = useInspection(reference);
  switch (inspection?.status) {
    case undefined:
      return <span className="hint">{t('flash.imageNotChecked')}</span>;
    case 'running':
      return <InspectionProgress progress={inspection.progress} />;
    case 'failed':
      return <span className="inline-error">{inspection.message}</span>;
    case 'done':
      return (
        <span data-testid="next-image-checked" data-family={inspection.result.family}>
          <span className="badge badge-ok">{familyLabel(inspection.result.family)}</span>
          <span className="hint">{formatBytes(inspection.result.size)}</span>
        </span>
      );
  }
}
