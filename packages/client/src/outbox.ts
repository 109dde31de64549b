import type { ErrorCode, SendResult } from '@confab/contracts';
import { errorCodeOf, errorMessageOf, retryAfterMsOf } from './errors.js';

export interface OutboxEntry {
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

type Send = (input: { roomId: string; clientMsgId: string; body: string }) => Promise<SendResult>;

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

  constructor(
    private readonly send: Send,
    private readonly options: {
      /** Delay before retry number `attempt` (0 first) after no answer or an INTERNAL one. */
      retryDelayMs(attempt: number): number;
      /** INTERNAL answers to one message before it fails (at least 1). */
      serverErrorAttempts: number;
      changed(entries: OutboxEntry[]): void;
    },
  ) {}

  list(): OutboxEntry[] {
    return this.entries.map(({ settle: _settle, ...entry }) => ({ ...entry }));
  }

  enqueue(input: { roomId: string; body: string; clientMsgId: string }): Promise<SendResult> {
    return new Promise<SendResult>((resolve, reject) => {
      this.entries.push({ ...input, status: 'pending', settle: { resolve, reject } });
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
        });
        this.entries.splice(this.entries.indexOf(entry), 1);
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
