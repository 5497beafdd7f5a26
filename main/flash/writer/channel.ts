import type { Socket } from 'node:net';

import type { z } from 'zod';

/** One line must stay small: boot payloads are a few hundred KiB at most. */
const maxLineBytes = 8 * 1024 * 1024;

export interface ChannelOptions<In extends z.ZodType> {
  socket: Socket;
  incoming: In;
  onMessage: (message: z.infer<In>) => void;
  onClose: (reason: string) => void;
  /** Ping this often; close when the peer has been silent for `silenceMs`. */
  heartbeatMs?: number;
  silenceMs?: number;
}

/**
 * JSON lines over a socket with a heartbeat in both directions. Anything that is not a valid
 * message of the expected schema closes the channel: the peer is not who it should be.
 */
export class MessageChannel<In extends z.ZodType, Out> {
  #buffer = '';
  #lastHeard = Date.now();
  #closed = false;
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly options: ChannelOptions<In>) {
    const { socket } = options;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#receive(chunk));
    socket.on('close', () => this.close('the connection closed'));
    socket.on('error', (error) => this.close(`connection error: ${error.message}`));
    const heartbeat = options.heartbeatMs ?? 2000;
    const silence = options.silenceMs ?? 15000;
    this.#timer = setInterval(() => {
      if (Date.now() - this.#lastHeard > silence)
        this.close(`no heartbeat for ${Math.round(silence / 1000)} s`);
      else this.send({ type: 'ping' } as Out);
    }, heartbeat);
    this.#timer.unref();
  }

  send(message: Out): void {
    if (!this.#closed) this.options.socket.write(`${JSON.stringify(message)}\n`);
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.options.socket.end();
    this.options.socket.destroy();
    this.options.onClose(reason);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #receive(chunk: string) {
    this.#lastHeard = Date.now();
    this.#buffer += chunk;
    if (this.#buffer.length > maxLineBytes) return this.close('message too large');
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + 1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return this.close('a message was not JSON');
      }
      const message = this.options.incoming.safeParse(parsed);
      if (!message.success)
        return this.close(`an invalid message: ${message.error.issues[0]?.message}`);
      if ((message.data as { type?: string }).type !== 'ping') this.options.onMessage(message.data);
      if (this.#closed) return;
    }
  }
}
