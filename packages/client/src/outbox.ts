import type { ErrorCode, SendInput, SendResult } from '@confab/contracts';
import { errorCodeOf, errorMessageOf, retryAfterMsOf } from './errors.js';
import type { OutboxStore } from './outbox-store.js';

/**
 * What a send may carry besides its text: a reply, a thread reply, files uploaded for it (see
 * SendInput).
 */
export type ReplyOptions = Pick<SendInput, 'replyToId' | 'threadId' | 'alsoInRoom' | 'attachments'>;

/** A queued send; its reply fields are kept (and stored) with it, so a retry sends the same. */
export interface OutboxEntry extends ReplyOptions {
  clientMsgId: string;
  roomId: string;
  body: string;
  /** pending: queued or in flight, retried until the server answers; failed: refused for good. */
  status: 'pending' | 'failed';
  error?: { code: ErrorCode | undefined; message: string };
}

type Entry = OutboxEntry & {
  settle?: { resolve(r: SendResult): void; reject(e: unknown): void };
};

export type Send = (
  input: { roomId: string; clientMsgId: string; body: string } & ReplyOptions,
) => Promise<SendResult>;

/** The reply fields and files an entry has, and only those (a plain send's input stays as it was). */
export function replyOptionsOf(entry: ReplyOptions): ReplyOptions {
  return {
    ...(entry.attachments !== undefined && { attachments: entry.attachments }),
    ...(entry.replyToId !== undefined && { replyToId: entry.replyToId }),
    ...(entry.threadId !== undefined && { threadId: entry.threadId }),
    ...(entry.alsoInRoom !== undefined && { alsoInRoom: entry.alsoInRoom }),
  };
}

/**
 * What the outbox does after a failed send:
 * - `wait`: no answer from the server (offline, connection lost): retry with backoff, for as long
 *   as it takes; a reconnect retries at once.
 * - `rate-limited`: wait the `retryAfterMs` the server named, then retry.
 * - `server-error`: INTERNAL; retried with backoff a bounded number of times (a fault that
 *   persists would otherwise hold every message queued after this one), then `refused`.
 * - `refused`: any other answer (VALIDATION, FORBIDDEN, ROOM_NOT_FOUND...): a retry cannot change
 *   it, so the message fails at once and the next one is sent.
 */
type Verdict = 'wait' | 'rate-limited' | 'server-error' | 'refused';

function verdictOf(code: ErrorCode | undefined): Verdict {
  if (code === undefined) return 'wait';
  if (code === 'RATE_LIMITED') return 'rate-limited';
  if (code === 'INTERNAL') return 'server-error';
  return 'refused';
}

export class Outbox {
  private readonly entries: Entry[] = [];
  private running = false;
  private wake: (() => void) | undefined;
  private closed = false;
  /** The store's writes, one after another: an entry's delete never overtakes its put. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: Send,
    private readonly options: {
      /** Delay before retry number `attempt` (0 first) after no answer or an INTERNAL one. */
      retryDelayMs(attempt: number): number;
      /** INTERNAL answers to one message before it fails (at least 1). */
      serverErrorAttempts: number;
      changed(entries: OutboxEntry[]): void;
      /** Where entries outlive this run (see OutboxStore). @default none */
      store?: OutboxStore | undefined;
      /** A store write failed (the entry is still sent, but would not survive a restart). */
      storeFailed?(error: unknown): void;
    },
  ) {}

  /**
   * Takes in the entries a previous run left in the store, before any queued since: pending
   * ones are sent (with their clientMsgId, so never twice), failed ones wait for retry/discard.
   * Their results arrive as `outbox` changes and, once sent, as the message on the stream.
   */
  async restore(): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    const stored = await store.load();
    const known = new Set(this.entries.map((e) => e.clientMsgId));
    const restored = stored.filter((e) => !known.has(e.clientMsgId));
    if (restored.length === 0) return;
    this.entries.unshift(...restored);
    this.options.changed(this.list());
    void this.run();
  }

  /** Writes to the store in order; a failure is reported, never thrown into the send path. */
  private save(write: (store: OutboxStore) => Promise<void>): void {
    const store = this.options.store;
    if (!store) return;
    this.saving = this.saving
      .then(() => write(store))
      .catch((error: unknown) => this.options.storeFailed?.(error));
  }

  /** The entry without its promise: what the store keeps and `list()` shows. */
  private stored(entry: Entry): OutboxEntry {
    const { settle: _settle, ...rest } = entry;
    return rest;
  }

  /** Resolves once every store write so far has finished. */
  flushed(): Promise<void> {
    return this.saving;
  }

  list(): OutboxEntry[] {
    return this.entries.map((entry) => this.stored(entry));
  }

  enqueue(
    input: { roomId: string; body: string; clientMsgId: string } & ReplyOptions,
  ): Promise<SendResult> {
    return new Promise<SendResult>((resolve, reject) => {
      const entry: Entry = {
        roomId: input.roomId,
        body: input.body,
        clientMsgId: input.clientMsgId,
        ...replyOptionsOf(input),
        status: 'pending',
        settle: { resolve, reject },
      };
      this.entries.push(entry);
      this.save((store) => store.put(this.stored(entry)));
      this.options.changed(this.list());
      void this.run();
    });
  }

  /** Sends a failed entry again (the same clientMsgId, so never twice). */
  retry(clientMsgId: string): Promise<SendResult> | undefined {
    const entry = this.entries.find((e) => e.clientMsgId === clientMsgId && e.status === 'failed');
    if (!entry) return undefined;
    return new Promise<SendResult>((resolve, reject) => {
      entry.status = 'pending';
      delete entry.error;
      entry.settle = { resolve, reject };
      this.save((store) => store.put(this.stored(entry)));
      this.options.changed(this.list());
      void this.run();
    });
  }

  discard(clientMsgId: string): void {
    const index = this.entries.findIndex(
      (e) => e.clientMsgId === clientMsgId && e.status === 'failed',
    );
    if (index >= 0) {
      this.entries.splice(index, 1);
      this.save((store) => store.delete(clientMsgId));
      this.options.changed(this.list());
    }
  }

  /** The connection came back: retry now instead of waiting out the backoff. */
  nudge(): void {
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** After close(): sends again what is pending. */
  reopen(): void {
    this.closed = false;
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const entry = this.entries.find((e) => e.status === 'pending');
        if (!entry || this.closed) return;
        await this.deliver(entry);
      }
    } finally {
      this.running = false;
    }
  }

  private async deliver(entry: Entry): Promise<void> {
    let retries = 0;
    let serverErrors = 0;
    while (!this.closed) {
      try {
        const result = await this.send({
          roomId: entry.roomId,
          clientMsgId: entry.clientMsgId,
          body: entry.body,
          ...replyOptionsOf(entry),
        });
        this.entries.splice(this.entries.indexOf(entry), 1);
        this.save((store) => store.delete(entry.clientMsgId));
        this.options.changed(this.list());
        entry.settle?.resolve(result);
        return;
      } catch (error) {
        const verdict = verdictOf(errorCodeOf(error));
        if (verdict === 'server-error') serverErrors++;
        if (
          verdict === 'refused' ||
          (verdict === 'server-error' && serverErrors >= this.options.serverErrorAttempts)
        ) {
          this.fail(entry, error);
          return;
        }
        const retryAfterMs = retryAfterMsOf(error);
        if (verdict === 'rate-limited' && retryAfterMs !== undefined) {
          // The server said when: neither sooner (refused again) nor a growing backoff later.
          await this.pause(retryAfterMs, false);
        } else {
          await this.pause(this.options.retryDelayMs(retries++), true);
        }
      }
    }
  }

  private fail(entry: Entry, error: unknown): void {
    entry.status = 'failed';
    entry.error = { code: errorCodeOf(error), message: errorMessageOf(error) };
    this.save((store) => store.put(this.stored(entry)));
    this.options.changed(this.list());
    entry.settle?.reject(error);
  }

  /** Waits `ms`; a `nudge` (the connection is back) ends the wait early if `wakeable`. */
  private pause(ms: number, wakeable: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      const stop = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      // close() ends every wait; nudge() only a backoff, not a wait the server asked for.
      this.wake = wakeable
        ? stop
        : () => {
            if (this.closed) stop();
          };
    });
  }
}
