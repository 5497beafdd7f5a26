import { createContext, type ReactNode, useContext } from 'react';

import { useApi } from '../../api/api-context';
import type { OpenCluster } from './cluster-editor-state';
import { type ClusterStore, useClusterStore } from './use-cluster';

const ClusterContext = createContext<ClusterStore | null>(null);

/** One open cluster for the whole window: the Cluster and Nodes sections share it. */
export function ClusterProvider({ children }: { children: ReactNode }) {
  const { api } = useApi();
  const store = useClusterStore(api);
  return <ClusterContext.Provider value={store}>{children}</ClusterContext.Provider>;
}

export function useCluster(): ClusterStore {
  const store = useContext(ClusterContext);
  if (!store) throw new Error('useCluster outside ClusterProvider');
  return store;
}

/** The open cluster; only for components rendered while one is open. */
export function useOpenCluster(): OpenCluster & ClusterStore {
  const store = useCluster();
  if (store.state.status !== 'open') throw new Error('No cluster is open');
  return { ...store, ...store.state };
}
