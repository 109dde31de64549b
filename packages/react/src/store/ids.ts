/**
 * A fresh idempotency key for a send: the SDK's, time-ordered (UUID version 7), which the
 * server's idempotency index writes most cheaply.
 */
export { newClientMsgId } from '@confab/client';
