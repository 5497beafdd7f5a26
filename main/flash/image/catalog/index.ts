export {
  BUILTIN_SOURCE,
  builtinImages,
  loadCatalogs,
  type LoadCatalogsOptions,
  type LoadedCatalogs,
} from './load-catalogs';
export {
  GroupEntry,
  ImageEntry,
  InitFormat,
  KubeflashExtension,
  LinkEntry,
  OsList,
  OsListEntry,
} from './os-list-schema';
export {
  type CatalogImage,
  type CatalogLink,
  parseCatalog,
  type ParsedCatalog,
} from './parse-catalog';
export { findChecksum, type PublishedChecksum, publishedChecksum } from './published-checksum';
