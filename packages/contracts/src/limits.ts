/**
 * Every bound Confab enforces. Inputs are validated against these in the contracts, so the
 * web app, the SDK and the server refuse the same things with the same message.
 */
export const LIMITS = {
  /** Longest message body, in characters: Unicode code points, as zod counts (an emoji is one). */
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
  /**
   * A history or context page carries at most this many notices (joins, leaves, renames...) of
   * its span; beyond it, the span's newest are kept and earlier ones are left out.
   */
  historyNoticesMax: 200,
  /** "Events after seq" returns at most this many events per call. */
  eventsAfterMax: 500,
  /** Public room listings return at most this many rooms per call. */
  roomListMax: 100,
  /** Sends per user: a token bucket refilled at this rate per second... */
  sendsPerSecond: 10,
  /** ...holding at most this many tokens, so short bursts are allowed. */
  sendBurst: 20,
  /** Room cursors one stream or poll may carry (a device in more rooms starts the rest live). */
  cursorsMax: 2000,
  /** Longest a poll waits for the first event before answering empty. */
  pollWaitMaxMs: 25_000,
  /** A poll answers with at most this many events; the rest come with the next poll. */
  pollMaxEvents: 500,
  /** Largest JSON payload an app may push to a user, in bytes. */
  pushDataMaxBytes: 16 * 1024,
  /** A stream's presence snapshot lists at most this many people who are online or away. */
  presenceSnapshotMax: 1000,
  /** A typing indicator lasts this long unless the typist's client renews it. */
  typingTtlMs: 5_000,
  /** A device must call presence.heartbeat this often (SSE cannot tell a vanished peer)... */
  heartbeatIntervalMs: 15_000,
  /** ...or it counts as gone after this long. */
  heartbeatTtlMs: 45_000,
  /** Calls one HTTP batch may carry (httpBatchLink's `maxItems` must not exceed it). */
  httpBatchMax: 50,
  /** Largest WebSocket frame or HTTP body the server accepts, in bytes. */
  maxPayloadBytes: 64 * 1024,
  /** A session token lives this long without use before it expires. */
  sessionIdleTtlMs: 30 * 24 * 60 * 60 * 1000,
  /** Different emoji one message can carry as reactions. */
  reactionsPerMessageMax: 50,
  /** Reactions one user can put on one message. */
  reactionsPerUserPerMessageMax: 20,
  /** Longest reaction emoji, in UTF-16 code units (one grapheme: flags and ZWJ families fit). */
  emojiMaxUnits: 32,
  /** Pinned messages a room can hold at once. */
  pinsPerRoomMax: 100,
  /** People one message can mention with `@username` (beyond this, the rest are plain text). */
  mentionsPerMessageMax: 50,
  /** A thread page, a message-link context and a mentions page hold at most this many messages. */
  threadPageMax: 100,
  /** Messages message.byIds returns at once (reply quotes whose original is not loaded). */
  byIdsMax: 100,
  /** Largest file one upload may carry, in bytes (50 MiB). */
  fileMaxBytes: 50 * 1024 * 1024,
  /** Files one message may carry. */
  attachmentsPerMessageMax: 10,
  /** Longest file name kept, in characters (a longer one is refused, not cut). */
  fileNameMaxChars: 200,
  /** Uploads of one user that no message carries yet; past it, new uploads are refused. */
  pendingUploadsPerUserMax: 20,
  /** Longest side of an image's thumbnail, in pixels. */
  thumbnailMaxPx: 400,
  /** Largest image (width x height) whose thumbnail is made: bigger ones are stored as files. */
  imageMaxPixels: 50_000_000,
  /** Largest avatar upload, in bytes (5 MiB): refused from Content-Length and while reading. */
  avatarMaxBytes: 5 * 1024 * 1024,
  /**
   * Largest avatar image decoded (width x height, 40 megapixels): a small file that declares a
   * huge image (a decompression bomb) is refused before its pixels are allocated.
   */
  avatarMaxPixels: 40_000_000,
  /** Side of the square an avatar is stored as (WebP), in pixels. */
  avatarSizePx: 256,
} as const;
