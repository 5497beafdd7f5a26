import { useCallback } from 'react';

import type { CallResult } from '../../../../common/contract';
import { useApi } from '../../api/api-context';
import { type AsyncState, useAsync } from '../../components/use-async';

export type CatalogView = CallResult<'listCatalog'>;

/** The OS catalog (built-in and the user's), loaded when a panel that shows images mounts. */
export function useCatalog(): [AsyncState<CatalogView>, () => void] {
  const { api } = useApi();
  const load = useCallback(() => api.listCatalog({}), [api]);
  return useAsync(load);
}
