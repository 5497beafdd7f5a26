import { contract, type Handlers, isCallName } from '../../common/contract';
import { KubeflashError, serializeError } from '../../common/errors';
import { CallMessage, type ResultMessage } from '../../common/messages';

export type Dispatch = (raw: unknown) => Promise<ResultMessage>;

/**
 * The single entry for every call from a UI, over IPC or WebSocket: the envelope, the method
 * name and the params are validated before a handler runs, and its result is checked against
 * the contract before it leaves, so both sides can trust the types.
 */
export function createDispatcher(handlers: Handlers): Dispatch {
  return async (raw) => {
    const envelope = CallMessage.safeParse(raw);
    if (!envelope.success) {
      const id =
        typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
      return failure(id, new KubeflashError('invalid-request', 'Malformed call message'));
    }
    const { id, method, params } = envelope.data;
    if (!isCallName(method)) {
      return failure(id, new KubeflashError('unknown-method', `Unknown method "${method}"`));
    }
    const spec = contract.calls[method];
    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success) return failure(id, parsed.error);
    try {
      const handler = handlers[method] as (p: unknown) => Promise<unknown>;
      const checked = spec.result.safeParse(await handler(parsed.data));
      if (!checked.success) {
        // Our bug, not the caller's: say so rather than blaming the request.
        return failure(id, new KubeflashError('internal', `${method} produced an invalid result`));
      }
      return { type: 'result', id, ok: true, value: checked.data };
    } catch (error) {
      return failure(id, error);
    }
  };
}

function failure(id: number, error: unknown): ResultMessage {
  return { type: 'result', id, ok: false, error: serializeError(error) };
}
