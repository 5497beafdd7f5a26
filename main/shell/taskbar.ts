import type { BrowserWindow } from 'electron';

import type { Backend } from '../backend';
import { FlashProgressTally, progressBarValue } from './taskbar-progress';

/** The taskbar (dock, launcher) shows the cards being written; the bar goes when none are. */
export function showFlashProgressOnTaskbar(backend: Backend, window: BrowserWindow): () => void {
  const tally = new FlashProgressTally();
  return backend.events.subscribe((message) => {
    const progress = tally.event(message);
    if (progress && !window.isDestroyed()) window.setProgressBar(progressBarValue(progress));
  });
}
