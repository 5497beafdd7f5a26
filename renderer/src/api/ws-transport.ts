import { webSocketPath } from '../../../common/contract';
import { KubeflashError } from '../../../common/errors';
import { type EventMessage, type ResultMessage, ServerMessage } from '../../../common/messages';
import type { Transport } from './transport';

const reconnectDelaysMs = [500, 1000, 2000, 4000, 8000];

/**
 * Calls over the web server's WebSocket (browser mode). The session cookie authenticates it.
 * A lost connection fails the calls in flight and is re-opened with a bounded backoff;
 * `onStatus` tells the UI while it is down.
 */
export function webSocketTransport(onStatus: (connected: boolean) => void = () => {}): Transport {
  const pending = new Map<number, (reply: ResultMessage) => void>();
  const listeners = new Set<(message: EventMessage) => void>();
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  let nextId = 1;
  let failures = 0;

  function connect(): Promise<WebSocket> {
    ready ??= new Promise((resolve, reject) => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${webSocketPath}`;
      const ws = new WebSocket(url);
      ws.onopen = () => {
        failures = 0;
        socket = ws;
        onStatus(true);
        resolve(ws);
      };
      ws.onmessage = (event) => receive(String(event.data));
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = null;
        ready = null;
        onStatus(false);
        for (const [id, settle] of pending) {
          settle({
            type: 'result',
            id,
            ok: false,
            error: { code: 'unavailable', message: 'Connection to Kubeflash lost' },
          });
        }
        pending.clear();
        if (!wasOpen)
          reject(new KubeflashError('unavailable', 'Cannot reach the Kubeflash server'));
        scheduleReconnect();
      };
    });
    return ready;
  }

  function scheduleReconnect() {
    if (listeners.size === 0 || failures >= reconnectDelaysMs.length) return;
    const delay = reconnectDelaysMs[failures++];
    setTimeout(() => void connect().catch(() => {}), delay);
  }

  function receive(text: string) {
    let parsed: ServerMessage;
    try {
      parsed = ServerMessage.parse(JSON.parse(text));
    } catch {
      return;
    }
    if (parsed.type === 'event') {
      for (const listener of listeners) listener(parsed);
      return;
    }
    pending.get(parsed.id)?.(parsed);
    pending.delete(parsed.id);
  }

  return {
    async call(method, params) {
      const ws = socket ?? (await connect());
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, method, params }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      void connect().catch(() => {});
      return () => listeners.delete(listener);
    },
  };
}
