import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
} from 'react';

import { type DroppedFile, droppedFileReducer } from './dropped-file-state';
import { desktopFilePath } from './file-path';
import { useImageInspections } from './image-inspection-context';
import { type RunningUpload, UploadError, uploadImage } from './upload-image';

interface DroppedFileStore {
  dropped: DroppedFile | null;
  /** Stop an upload under way and forget the drop. */
  forget(): void;
}

const DroppedFileContext = createContext<DroppedFileStore | null>(null);

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

let dropCount = 0;

/**
 * Files dragged anywhere onto the window (the Image panel included) go to the Image section
 * instead of replacing the page, and become an image path the Node side checks at once: in the
 * desktop app the preload says where the file is; in a browser, which never tells, the file is
 * uploaded to the server's image uploads first, with progress.
 */
export function DroppedFileProvider({ children }: { children: ReactNode }) {
  const [dropped, dispatch] = useReducer(droppedFileReducer, null);
  const upload = useRef<RunningUpload | null>(null);
  const { inspect } = useImageInspections();

  useEffect(() => {
    const onDragOver = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      location.hash = '#/image';
      upload.current?.abort();
      upload.current = null;
      const id = ++dropCount;
      const path = desktopFilePath(file);
      dispatch({
        type: 'dropped',
        id,
        name: file.name,
        size: file.size,
        path: path ?? null,
        upload: path === undefined,
      });
      // The file is checked as soon as it has a path the Node side can read.
      if (path) void inspect(path);
      if (path !== undefined) return;
      const running = uploadImage(file, (sent) => dispatch({ type: 'upload-progress', id, sent }));
      upload.current = running;
      running.done.then(
        (uploaded) => {
          dispatch({ type: 'uploaded', id, path: uploaded.path });
          void inspect(uploaded.path);
        },
        (error: unknown) => {
          const failure =
            error instanceof UploadError ? error.failure : { kind: 'connection-lost' as const };
          if (failure.kind !== 'aborted') dispatch({ type: 'upload-failed', id, reason: failure });
        },
      );
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
      upload.current?.abort();
    };
  }, [inspect]);

  const store = useMemo(
    () => ({
      dropped,
      forget: () => {
        upload.current?.abort();
        upload.current = null;
        dispatch({ type: 'forget' });
      },
    }),
    [dropped],
  );
  return <DroppedFileContext.Provider value={store}>{children}</DroppedFileContext.Provider>;
}

export function useDroppedFile(): DroppedFileStore {
  const store = useContext(DroppedFileContext);
  if (!store) throw new Error('useDroppedFile outside DroppedFileProvider');
  return store;
}
