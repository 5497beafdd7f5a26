import type { CallName, CallParams } from './contract';
import type { EventMessage, ResultMessage } from './messages';

/**
 * What the preload exposes on `window.kubeflashBridge`: one named method per contract call,
 * answering with the shared result message (errors cross contextBridge as data, not as throws).
 */
export type Bridge = {
  [N in CallName]: (params: CallParams<N>) => Promise<ResultMessage>;
} & {
  onEvent(listener: (message: EventMessage) => void): () => void;
  /** Where a dropped or picked file lives (Electron's webUtils.getPathForFile); '' when nowhere. */
  pathForFile(file: File): string;
};

export const bridgeGlobalName = 'kubeflashBridge';
