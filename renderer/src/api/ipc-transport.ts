import type { Bridge } from '../../../common/bridge';
import type { Transport } from './transport';

/** Calls through the preload's named methods (desktop app). */
export function ipcTransport(bridge: Bridge): Transport {
  return {
    call: (method, params) =>
      (bridge[method] as (p: unknown) => ReturnType<Bridge[typeof method]>)(params),
    onEvent: (listener) => bridge.onEvent(listener),
  };
}
