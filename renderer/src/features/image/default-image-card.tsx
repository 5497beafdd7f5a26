import { useTranslation } from 'react-i18next';

import type { CatalogImageView } from '../../../../common/flash';
import { InlineError } from '../../components/state-views';
import type { ActionState } from '../../components/use-action';
import { useOpenCluster } from '../cluster/cluster-context';
import { nodesWithOwnImage } from './image-choice';
import { ImageName, imageTitle } from './image-name';
import { CheckImageButton, InspectionView } from './inspection-view';
import type { DefaultImageChoice } from './use-default-image';

/** The open cluster's default image (the plan as edited), its check, and the last choice made. */
export function DefaultImageCard({
  catalog,
  choice,
}: {
  catalog: readonly CatalogImageView[];
  choice: ActionState<DefaultImageChoice>;
}) {
  const { t } = useTranslation();
  const { edited } = useOpenCluster();
  const reference = edited.spec.image.default ?? null;
  const ownImage = nodesWithOwnImage(edited);
  return (
    <section className="card" data-testid="default-image">
      <h2>{t('image.clusterHeading', { name: edited.metadata.name })}</h2>
      {reference === null ? (
        <p className="hint" data-testid="no-default-image">
          {t('image.noDefault')}
        </p>
      ) : (
        <div className="row default-image-row">
          <div className="grow">
            <span className="label">{t('image.defaultLabel')}</span>
            <ImageName reference={reference} catalog={catalog} />
          </div>
          <CheckImageButton reference={reference} testId="check-default-image" />
        </div>
      )}
      {ownImage.length > 0 && (
        <p className="hint">
          {t('image.ownImage', { count: ownImage.length, names: ownImage.join(', ') })}{' '}
          <a href="#/nodes">{t('nav.nodes')}</a>
        </p>
      )}
      {choice.status === 'failed' && <InlineError error={choice.error} />}
      {choice.status === 'done' && (
        <p className="notice" role="status" data-testid="default-image-notice">
          {t(choice.result.outcome === 'saved' ? 'image.savedDefault' : 'image.editedDefault', {
            image: imageTitle(choice.result.reference, catalog),
          })}
        </p>
      )}
      {reference !== null && (
        <InspectionView reference={reference} name={imageTitle(reference, catalog)} />
      )}
    </section>
  );
}
