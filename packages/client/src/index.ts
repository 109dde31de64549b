export type { Cursors, ErrorCode, SendResult, StreamEvent } from '@confab/contracts';
export type { AppRouter } from '@confab/server';
export { register, signIn } from './auth.js';
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
export { newClientMsgId } from './client-msg-id.js';
export {
  errorCodeOf,
  errorMessageOf,
  retryAfterMsOf,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export { type FileApi, FileRequestError, type UploadOptions } from './files.js';
export type { OutboxEntry, ReplyOptions } from './outbox.js';
export { indexedDbOutboxStore } from './outbox-indexeddb.js';
export { memoryOutboxStore, type OutboxStore } from './outbox-store.js';
export type { TokenOption } from './token-source.js';
