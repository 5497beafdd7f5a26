import { useTranslation } from 'react-i18next';

import type { CatalogImageView } from '../../../../common/flash';
import { describeImage } from './image-choice';

/** An image reference as people read it: the catalog entry's name, or the file's name and path. */
export function ImageName({
  reference,
  catalog,
}: {
  reference: string;
  catalog: readonly CatalogImageView[];
}) {
  const { t } = useTranslation();
  const image = describeImage(reference, catalog);
  switch (image.kind) {
    case 'catalog':
      return (
        <span className="image-name" data-testid="image-name">
          <strong>{image.entry.name}</strong> <span className="mono hint">{image.entry.id}</span>
        </span>
      );
    case 'unknown-id':
      return (
        <span className="image-name" data-testid="image-name">
          <strong className="mono">{image.id}</strong>{' '}
          <span className="badge badge-warn">{t('image.unknownId')}</span>
        </span>
      );
    case 'file':
      return (
        <span className="image-name" data-testid="image-name" title={image.path}>
          <strong>{image.fileName}</strong> <span className="mono hint break">{image.path}</span>
        </span>
      );
  }
}

/** A short name for messages: the entry's name or the file's name. */
export function imageTitle(reference: string, catalog: readonly CatalogImageView[]): string {
  const image = describeImage(reference, catalog);
  return image.kind === 'catalog'
    ? image.entry.name
    : image.kind === 'file'
      ? image.fileName
      : image.id;
}
