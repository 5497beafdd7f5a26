import type { Drive } from '../../common/drives';

export interface DriveChanges {
  attached: Drive[];
  detached: string[];
}

/**
 * What changed between two listings. A drive whose size, mountpoints or flags changed counts as
 * detached and attached again, so the UI never shows a stale description of a swapped card.
 */
export function diffDrives(previous: readonly Drive[], next: readonly Drive[]): DriveChanges {
  const before = new Map(previous.map((d) => [d.device, d]));
  const after = new Map(next.map((d) => [d.device, d]));
  const changed = (d: Drive) => {
    const old = before.get(d.device);
    return old !== undefined && JSON.stringify(old) !== JSON.stringify(d);
  };
  return {
    attached: next.filter((d) => !before.has(d.device) || changed(d)),
    detached: [
      ...previous.filter((d) => !after.has(d.device)).map((d) => d.device),
      ...next.filter(changed).map((d) => d.device),
    ],
  };
}

export interface DriveWatcherOptions {
  list: () => Promise<Drive[]>;
  onChange: (changes: DriveChanges) => void;
  onError?: (error: unknown) => void;
  intervalMs?: number;
}

/**
 * Polls the drive list (no OS offers one portable hot-plug event) and reports differences.
 * It is also where the UI's own listings come from (`refresh`): a drive the UI was shown is then
 * one the watcher knows, so its removal is reported even when it came and went between two polls.
 */
export class DriveWatcher {
  #known: Drive[] = [];
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  /** Listings run one at a time and in order, so an older listing never replaces a newer one. */
  #previous: Promise<unknown> = Promise.resolve();
  /** The listing waiting for the running one: callers that come meanwhile share it. */
  #waiting: Promise<Drive[]> | null = null;

  constructor(private readonly options: DriveWatcherOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#tick();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /**
   * Lists the drives now (after a listing under way, which may predate the caller's question),
   * reports what changed and returns the list. A failed listing rejects and changes nothing.
   */
  refresh(): Promise<Drive[]> {
    if (this.#waiting) return this.#waiting;
    const listing = this.#previous.then(async () => {
      this.#waiting = null;
      const next = await this.options.list();
      const changes = diffDrives(this.#known, next);
      this.#known = next;
      if (changes.attached.length || changes.detached.length) this.options.onChange(changes);
      return next;
    });
    this.#waiting = listing;
    this.#previous = listing.catch(() => undefined);
    return listing;
  }

  async #tick(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      this.options.onError?.(error);
    }
    if (this.#running) {
      this.#timer = setTimeout(() => void this.#tick(), this.options.intervalMs ?? 1000);
      this.#timer.unref();
    }
  }
}
