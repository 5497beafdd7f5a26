import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
} from 'react';

import { useApi } from '../../api/api-context';
import { type Inspection, type Inspections, inspectionsReducer } from './image-inspections';

interface ImageInspectionStore {
  inspections: Inspections;
  /** Check an image (file path or catalog id): decompress once, detect its OS; progress live. */
  inspect(reference: string): Promise<void>;
}

const InspectionContext = createContext<ImageInspectionStore | null>(null);

/**
 * Image checks for the whole window: the Image panel starts them, the Flash panel reads what they
 * found (the image's size, for the card-size check), and a check survives a change of section.
 */
export function ImageInspectionProvider({ children }: { children: ReactNode }) {
  const { api } = useApi();
  const [inspections, dispatch] = useReducer(inspectionsReducer, {});

  useEffect(() => api.on('imageProgress', (event) => dispatch({ type: 'progress', event })), [api]);

  const inspect = useCallback(
    async (reference: string) => {
      dispatch({ type: 'started', reference });
      try {
        const result = await api.inspectImage({ image: reference });
        dispatch({ type: 'succeeded', reference, result });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        dispatch({ type: 'failed', reference, message });
      }
    },
    [api],
  );

  const store = useMemo(() => ({ inspections, inspect }), [inspections, inspect]);
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
} {
  const { inspections, inspect } = useImageInspections();
  return {
    inspection: reference === null ? undefined : inspections[reference],
    inspect: () => {
      if (reference !== null) void inspect(reference);
    },
  };
}
