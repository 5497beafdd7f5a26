import { type WriterConnection } from './host';

/**
 * One writer per app or CLI run, started on first use (that is when the elevation prompt shows)
 * unless it was started already (`initial`), and started again if it went away (the user closed
 * the prompt, the process crashed).
 */
export class ManagedWriter {
  #connection: Promise<WriterConnection> | null;

  constructor(
    private readonly start: () => Promise<WriterConnection>,
    initial?: Promise<WriterConnection>,
  ) {
    this.#connection = initial ?? null;
  }

  get(): Promise<WriterConnection> {
    const current = this.#connection;
    if (current) {
      return current.then(
        (connection) => (connection.closed ? this.#restart() : connection),
        () => this.#restart(),
      );
    }
    return this.#restart();
  }

  close(): void {
    void this.#connection?.then(
      (c) => c.close(),
      () => {},
    );
    this.#connection = null;
  }

  #restart(): Promise<WriterConnection> {
    this.#connection = this.start();
    return this.#connection;
  }
}
