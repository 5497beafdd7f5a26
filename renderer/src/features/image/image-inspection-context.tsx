import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
} from 'react';

import { useApi } from '../../api/api-context';
import { type Inspection, type Inspections, inspectionsReducer } from './image-inspections';

interface ImageInspectionStore {
  inspections: Inspections;
  /** Check an image (file path or catalog id): decompress once, detect its OS; progress live. */
  inspect(reference: string): Promise<void>;
  /** Stop a check under way (a long download or decompression); it then shows as never run. */
  cancel(reference: string): void;
}

const InspectionContext = createContext<ImageInspectionStore | null>(null);

/**
 * Image checks for the whole window: the Image panel starts them, the Flash panel reads what they
 * found (the image's size, for the card-size check), and a check survives a change of section.
 */
export function ImageInspectionProvider({ children }: { children: ReactNode }) {
  const { api } = useApi();
  const [inspections, dispatch] = useReducer(inspectionsReducer, {});
  // Checks the user stopped: their failure ("cancelled") is not shown as an error.
  const cancelled = useRef(new Set<string>());

  useEffect(() => api.on('imageProgress', (event) => dispatch({ type: 'progress', event })), [api]);

  const inspect = useCallback(
    async (reference: string) => {
      cancelled.current.delete(reference);
      dispatch({ type: 'started', reference });
      try {
        const result = await api.inspectImage({ image: reference });
        dispatch({ type: 'succeeded', reference, result });
      } catch (error) {
        if (cancelled.current.delete(reference)) {
          dispatch({ type: 'cancelled', reference });
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        dispatch({ type: 'failed', reference, message });
      }
    },
    [api],
  );

  const cancel = useCallback(
    (reference: string) => {
      cancelled.current.add(reference);
      api.cancelInspectImage({ image: reference }).then(
        ({ cancelled: stopped }) => {
          if (!stopped) cancelled.current.delete(reference); // it had ended already
        },
        () => cancelled.current.delete(reference),
      );
    },
    [api],
  );

  const store = useMemo(() => ({ inspections, inspect, cancel }), [inspections, inspect, cancel]);
  return <InspectionContext.Provider value={store}>{children}</InspectionContext.Provider>;
}

export function useImageInspections(): ImageInspectionStore {
  const store = useContext(InspectionContext);
  if (!store) throw new Error('useImageInspections outside ImageInspectionProvider');
  return store;
}

/** One reference's check, and the way to start it. */
export function useInspection(reference: string | null): {
  inspection: Inspection | undefined;
  inspect: () => void;
  cancel: () => void;
} {
  const { inspections, inspect, cancel } = useImageInspections();
  return {
    inspection: reference === null ? undefined : inspections[reference],
    inspect: () => {
      if (reference !== null) void inspect(reference);
    },
    cancel: () => {
      if (reference !== null) cancel(reference);
    },
  };
}
