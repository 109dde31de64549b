/**
 * Every bound Confab enforces. Inputs are validated against these in the contracts, so the
 * web app, the SDK and the server refuse the same things with the same message.
 */
export const LIMITS = {
  /** Longest message body, in characters (UTF-16 code units, as JavaScript counts). */
  bodyMaxChars: 4000,
  /** Longest client-chosen idempotency key of a send. */
  clientMsgIdMaxChars: 64,
  usernameMinChars: 3,
  usernameMaxChars: 32,
  displayNameMaxChars: 64,
  passwordMinChars: 8,
  passwordMaxChars: 256,
  roomNameMaxChars: 80,
  roomTopicMaxChars: 300,
  deviceLabelMaxChars: 64,
  /** History pages hold at most this many messages. */
  historyPageMax: 100,
  historyPageDefault: 50,
  /** "Events after seq" returns at most this many events per call. */
  eventsAfterMax: 500,
  /** Public room listings return at most this many rooms per call. */
  roomListMax: 100,
  /** Sends per user: a token bucket refilled at this rate per second... */
  sendsPerSecond: 10,
  /** ...holding at most this many tokens, so short bursts are allowed. */
  sendBurst: 20,
  /** Largest WebSocket frame or HTTP body the server accepts, in bytes. */
  maxPayloadBytes: 64 * 1024,
  /** A session token lives this long without use before it expires. */
  sessionIdleTtlMs: 30 * 24 * 60 * 60 * 1000,
} as const;
