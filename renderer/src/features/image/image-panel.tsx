import { useTranslation } from 'react-i18next';

import type { AppInfo } from '../../../../common/app-info';
import { EmptyState, LoadingState } from '../../components/state-views';
import { useCluster } from '../cluster/cluster-context';
import { PlanToolbar } from '../cluster/plan-toolbar';
import { CatalogCard, type DefaultChooser } from './catalog-card';
import { DefaultImageCard } from './default-image-card';
import { LocalFileCard } from './local-file-card';
import { useCatalog } from './use-catalog';
import { useChooseDefaultImage } from './use-default-image';

/**
 * The Image section: the open cluster's default image, the OS catalog and local image files,
 * each checkable (decompressed once, OS detected from the boot partition) with live progress.
 */
export function ImagePanel({ appInfo }: { appInfo: AppInfo }) {
  const { state } = useCluster();
  const [catalog, reloadCatalog] = useCatalog();
  const [choice, choose] = useChooseDefaultImage();
  const images = catalog.status === 'ready' ? catalog.data.images : [];
  const chooser: DefaultChooser | null =
    state.status === 'open'
      ? {
          current: state.edited.spec.image.default ?? null,
          busy: choice.status === 'busy',
          choose: (reference) => void choose(reference),
        }
      : null;

  return (
    <div className="image-panel">
      {state.status === 'open' ? (
        <>
          <div className="plan-context">
            <PlanToolbar />
          </div>
          <DefaultImageCard catalog={images} choice={choice} />
        </>
      ) : state.status === 'opening' ? (
        <LoadingState />
      ) : (
        <NoClusterNote />
      )}
      <CatalogCard catalog={catalog} onRetry={reloadCatalog} chooser={chooser} />
      <LocalFileCard appInfo={appInfo} chooser={chooser} />
    </div>
  );
}

function NoClusterNote() {
  const { t } = useTranslation();
  return (
    <EmptyState title={t('image.noClusterTitle')} body={t('image.noClusterBody')}>
      <a className="button-link" href="#/cluster" data-testid="go-to-cluster">
        {t('image.goToCluster')}
      </a>
    </EmptyState>
  );
}
