import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';

/** A file dropped onto the window: its name only (a page is never told where a file lives). */
export interface DroppedFile {
  name: string;
  size: number;
}

interface DroppedFileStore {
  dropped: DroppedFile | null;
  forget(): void;
}

const DroppedFileContext = createContext<DroppedFileStore | null>(null);

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Files dragged onto the window go to the Image section instead of replacing the page. Turning
 * one into a path needs the desktop shell (webUtils.getPathForFile in the preload), which it does
 * not offer yet; in a browser there is no path at all. Until then the Image panel names the
 * file and asks for its path.
 */
export function DroppedFileProvider({ children }: { children: ReactNode }) {
  const [dropped, setDropped] = useState<DroppedFile | null>(null);

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
      setDropped({ name: file.name, size: file.size });
      location.hash = '#/image';
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  const store = useMemo(() => ({ dropped, forget: () => setDropped(null) }), [dropped]);
  return <DroppedFileContext.Provider value={store}>{children}</DroppedFileContext.Provider>;
}

export function useDroppedFile(): DroppedFileStore {
  const store = useContext(DroppedFileContext);
  if (!store) throw new Error('useDroppedFile outside DroppedFileProvider');
  return store;
}
