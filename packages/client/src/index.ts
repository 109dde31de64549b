export type { Cursors, ErrorCode, SendResult, StreamEvent } from '@confab/contracts';
export type { AppRouter } from '@confab/server';
export { type BackoffOptions, backoffDelayMs } from './backoff.js';
export {
  type ChatClient,
  type ChatClientEvents,
  type ChatClientOptions,
  type ChatEvent,
  type ConnectionState,
  createChatClient,
  type StateChange,
  type Transport,
  type TransportPreference,
} from './client.js';
export {
  errorCodeOf,
  errorMessageOf,
  retryAfterMsOf,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export type { OutboxEntry } from './outbox.js';
