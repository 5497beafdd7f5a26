import { useCallback } from 'react';

import { useApi } from '../../api/api-context';
import { type ActionState, useAction } from '../../components/use-action';
import { useCluster } from '../cluster/cluster-context';
import { withDefaultImage } from './image-choice';

export interface DefaultImageChoice {
  reference: string;
  /** Saved at once, or (the plan had other unsaved changes) left for the user to save. */
  outcome: 'saved' | 'edited';
}

/**
 * Make an image the open cluster's default. A plan without unsaved changes is saved at once; a
 * plan with some only gets the edit, so saving stays the user's decision for the others.
 */
export function useChooseDefaultImage(): [
  ActionState<DefaultImageChoice>,
  (reference: string) => Promise<void>,
] {
  const { api } = useApi();
  const { state, edit, refresh } = useCluster();
  const choose = useCallback(
    async (reference: string): Promise<DefaultImageChoice> => {
      if (state.status !== 'open') throw new Error('No cluster is open');
      if (state.dirty) {
        edit((cluster) => withDefaultImage(cluster, reference), 'spec.image.default');
        return { reference, outcome: 'edited' };
      }
      const cluster = withDefaultImage(state.edited, reference);
      refresh(await api.saveCluster({ path: state.view.path, cluster }));
      return { reference, outcome: 'saved' };
    },
    [api, state, edit, refresh],
  );
  const [choice, run] = useAction(choose);
  return [choice, run];
}
