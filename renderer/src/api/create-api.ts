import {
  type CallName,
  callNames,
  contract,
  type EventName,
  isEventName,
  type KubeflashApi,
} from '../../../common/contract';
import { KubeflashError } from '../../../common/errors';
import type { Transport } from './transport';

/**
 * The renderer's only way to the Node side: one method per contract call. Results and events
 * are checked against the contract here, once, whichever transport carried them.
 */
export function createApi(transport: Transport): KubeflashApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  transport.onEvent((message) => {
    if (!isEventName(message.event)) return;
    const payload = contract.events[message.event].safeParse(message.payload);
    if (!payload.success) return;
    for (const listener of listeners.get(message.event) ?? []) listener(payload.data);
  });

  const api: Record<string, unknown> = {
    on(event: EventName, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  for (const method of callNames) {
    api[method] = async (params: unknown) => call(transport, method, params);
  }
  return api as KubeflashApi;
}

async function call(transport: Transport, method: CallName, params: unknown): Promise<unknown> {
  const reply = await transport.call(method, params);
  if (!reply.ok) throw KubeflashError.fromJSON(reply.error);
  return contract.calls[method].result.parse(reply.value);
}
