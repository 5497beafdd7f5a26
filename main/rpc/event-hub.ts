import { contract, type EventName, type EventPayload } from '../../common/contract';
import type { EventMessage } from '../../common/messages';

export type EventListener = (message: EventMessage) => void;

/** Fans contract events out to every connected UI (Electron windows, browser sockets). */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const message: EventMessage = {
      type: 'event',
      event,
      payload: contract.events[event].parse(payload),
    };
    for (const listener of this.#listeners) listener(message);
  }
}
