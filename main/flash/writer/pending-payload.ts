import { KubeflashError } from '../../../common/errors';
import { AbortedError } from './flash-targets';
import type { BootPayloadMessage } from './protocol';

/**
 * The boot payload of a job whose request came without it (FlashRequest.payload null): the app
 * sends it in a `payload` message once it has unlocked the secrets it is made from, while the
 * writer is already writing the rest of the card. It comes once; a second one before the job
 * took the first means the app and the writer disagree, and the job fails.
 */
export class PendingPayload {
  #payload: BootPayloadMessage | null = null;
  #failure: KubeflashError | null = null;
  #waiters: { resolve: (payload: BootPayloadMessage) => void; reject: (e: Error) => void }[] = [];

  deliver(payload: BootPayloadMessage): void {
    if (this.#failure) return;
    if (this.#payload) {
      this.#failure = new KubeflashError(
        'internal',
        'The app sent this card’s boot payload twice: the app and the writer disagree. Flash this node again.',
      );
      for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure);
      return;
    }
    this.#payload = payload;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(payload);
  }

  /** The payload once it came; rejects with AbortedError when `signal` aborts first. */
  wait(signal: AbortSignal): Promise<BootPayloadMessage> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#payload) return Promise.resolve(this.#payload);
    if (signal.aborted) return Promise.reject(new AbortedError());
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new AbortedError());
      };
      const waiter = {
        resolve: (payload: BootPayloadMessage) => {
          signal.removeEventListener('abort', onAbort);
          resolve(payload);
        },
        reject: (error: Error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
