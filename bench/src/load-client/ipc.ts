import type { SystemName } from '../config.js';

/** What a load-client process is asked to do, one request at a time. */
export type ToLoadClient =
  /**
   * Connect `count` more devices to the bench room of `system`'s server at `port` (Confab:
   * round-robin over `tokens` from `tokens[firstToken]`), to receive up to `messages` messages.
   */
  | {
      type: 'connect';
      system: SystemName;
      port: number;
      count: number;
      messages: number;
      tokens: string[];
      firstToken: number;
      /** Source address of its connections (127.0.0.x); the kernel's choice when absent. */
      localAddress?: string;
    }
  /** Wait (up to `timeoutMs`) until every device has `messages` messages, then check them all. */
  | { type: 'verify'; messages: number; timeoutMs: number }
  /** Disconnect every device, then answer (the process stays, for the next run). */
  | { type: 'close' };

/** What it answers; `failure` is undefined when all went well. */
export type FromLoadClient =
  | { type: 'ready' }
  | { type: 'connected'; failure: string | undefined }
  /**
   * completedAtMs[i]: when message i reached the last of this process's devices (ms since the
   * epoch; NaN if it did not).
   */
  | { type: 'verified'; failure: string | undefined; completedAtMs: number[] }
  | { type: 'closed' };

const TO_TYPES: readonly string[] = ['connect', 'verify', 'close'];
const FROM_TYPES: readonly string[] = ['ready', 'connected', 'verified', 'closed'];

const typeOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;

/** Messages come from our own parent or child: checking the tag is enough. */
export const isToLoadClient = (value: unknown): value is ToLoadClient =>
  TO_TYPES.includes(String(typeOf(value)));

export const isFromLoadClient = (value: unknown): value is FromLoadClient =>
  FROM_TYPES.includes(String(typeOf(value)));
