import type { ErrorCode, SendResult } from '@confab/contracts';
import { errorCodeOf, retryAfterMsOf } from './errors.js';

export interface OutboxEntry {
  clientMsgId: string;
  roomId: string;
  body: string;
  /** pending: queued or in flight, retried until the server answers; failed: refused for good. */
  status: 'pending' | 'failed';
  error?: { code: ErrorCode | undefined; message: string };
}

type Send = (input: { roomId: string; clientMsgId: string; body: string }) => Promise<SendResult>;

/** Codes that mean "try again later", not "this message is refused". */
const TRANSIENT: ReadonlySet<ErrorCode | undefined> = new Set([
  undefined,
  'INTERNAL',
  'RATE_LIMITED',
]);

/**
 * Sends in order, one at a time, each with its clientMsgId until the server acknowledges it.
 * A send whose response was lost is sent again with the same id, and the server answers with the
 * first message: exactly one results. Refusals (validation, permissions) fail the entry for good.
 */
export class Outbox {
  private readonly entries: (OutboxEntry & {
    settle?: { resolve(r: SendResult): void; reject(e: unknown): void };
  })[] = [];
  private running = false;
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly send: Send,
    private readonly options: {
      /** Delay before retry number `attempt` of a transient failure. */
      retryDelayMs(attempt: number): number;
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

  private async deliver(
    entry: OutboxEntry & { settle?: { resolve(r: SendResult): void; reject(e: unknown): void } },
  ) {
    for (let attempt = 0; !this.closed; attempt++) {
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
        const code = errorCodeOf(error);
        if (!TRANSIENT.has(code)) {
          entry.status = 'failed';
          entry.error = { code, message: error instanceof Error ? error.message : String(error) };
          this.options.changed(this.list());
          entry.settle?.reject(error);
          return;
        }
        const delay = Math.max(retryAfterMsOf(error) ?? 0, this.options.retryDelayMs(attempt));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }
}
