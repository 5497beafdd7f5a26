import type { CallName } from '../../../common/contract';
import type { EventMessage, ResultMessage } from '../../../common/messages';

/** How calls travel: Electron IPC through the preload, or the web server's WebSocket. */
export interface Transport {
  call(method: CallName, params: unknown): Promise<ResultMessage>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}
