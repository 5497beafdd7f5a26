import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useEffectEvent,
  useMemo,
  useReducer,
  useRef,
} from 'react';
import { useTranslation } from 'react-i18next';

import type { FlashFinishedEvent } from '../../../../common/flash';
import { useApi } from '../../api/api-context';
import { useCluster } from '../cluster/cluster-context';
import { announceCardDone, prepareCardDoneAlerts } from './card-done-alerts';
import { type FlashJob, flashJobsReducer } from './flash-jobs';

export interface FlashRequest {
  path: string;
  hostname: string;
  device: string;
}

interface FlashStore {
  jobs: FlashJob[];
  /** Start writing a node's card; the job shows at once, its progress as events arrive. */
  start(request: FlashRequest): void;
  cancel(job: FlashJob): void;
  /** Write the same node to the same drive again, after a failure (`path`: its cluster file). */
  retry(job: FlashJob, path: string): void;
  dismiss(job: FlashJob): void;
}

const FlashContext = createContext<FlashStore | null>(null);

let requestCount = 0;

/**
 * The window's flash jobs, kept above the sections so a card keeps being followed while the user
 * looks elsewhere. When a card is done the open cluster is reloaded (the node shows "flashed",
 * the next node comes up) and the user is told, by notification and sound where allowed.
 */
export function FlashProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const cluster = useCluster();
  const [jobs, dispatch] = useReducer(flashJobsReducer, []);
  // Cards finishing close together reload the view in turn: only the last reload counts.
  const reloads = useRef(0);

  const reloadOpenCluster = async (jobClusterPath: string | null) => {
    const { state } = cluster;
    if (state.status !== 'open') return;
    if (jobClusterPath !== null && jobClusterPath !== state.view.path) return;
    const reload = ++reloads.current;
    try {
      const view = await api.openCluster({ path: state.view.path });
      if (reload === reloads.current) cluster.refresh(view);
    } catch {
      // The card's outcome is shown all the same; the view catches up when next opened.
    }
  };

  const onFinished = useEffectEvent((event: FlashFinishedEvent) => {
    const job = jobs.find((j) => j.jobId === event.jobId);
    void reloadOpenCluster(job?.clusterPath ?? null).then(() => {
      dispatch({ type: 'finished', event });
      announceCardDone({
        ok: event.ok,
        title: t(event.ok ? 'flash.notificationDone' : 'flash.notificationFailed', {
          hostname: event.hostname,
        }),
        body: event.ok ? t('flash.notificationNext') : (event.error?.message ?? ''),
      });
    });
  });

  useEffect(() => {
    const offProgress = api.on('flashProgress', (event) => dispatch({ type: 'progress', event }));
    const offFinished = api.on('flashFinished', (event) => onFinished(event));
    return () => {
      offProgress();
      offFinished();
    };
  }, [api]);

  // Cards already being written (a reload, another window), and again after the web server's
  // connection came back: listed after subscribing above, so no event falls between the two;
  // the reducer never makes a job it saw finish running again.
  useEffect(() => {
    if (!connected) return;
    let live = true;
    api.listFlashJobs({}).then(
      (listed) => {
        if (live) dispatch({ type: 'listed', jobs: listed });
      },
      () => {
        // Events still bring the jobs in as they report; nothing else depends on the list.
      },
    );
    return () => {
      live = false;
    };
  }, [api, connected]);

  const start = useCallback(
    (request: FlashRequest) => {
      prepareCardDoneAlerts();
      requestCount += 1;
      const key = `request-${requestCount}`;
      dispatch({ type: 'requested', key, clusterPath: request.path, ...request });
      api.flashNode(request).then(
        ({ jobId }) => dispatch({ type: 'started', key, jobId }),
        (error: unknown) =>
          dispatch({
            type: 'startFailed',
            key,
            message: error instanceof Error ? error.message : String(error),
          }),
      );
    },
    [api],
  );

  const store = useMemo<FlashStore>(
    () => ({
      jobs,
      start,
      cancel: (job) => {
        if (job.jobId === null) return;
        dispatch({ type: 'cancelling', key: job.key });
        void api.cancelFlash({ jobId: job.jobId }).catch(() => {});
      },
      retry: (job, path) => {
        dispatch({ type: 'dismissed', key: job.key });
        start({ path, hostname: job.hostname, device: job.device });
      },
      dismiss: (job) => dispatch({ type: 'dismissed', key: job.key }),
    }),
    [api, jobs, start],
  );
  return <FlashContext.Provider value={store}>{children}</FlashContext.Provider>;
}

export function useFlash(): FlashStore {
  const store = useContext(FlashContext);
  if (!store) throw new Error('useFlash outside FlashProvider');
  return store;
}
