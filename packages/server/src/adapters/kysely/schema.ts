import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them; identical on SQLite and PostgreSQL. */
export interface Database {
  users: {
    id: string;
    username: string;
    display_name: string;
    password_hash: string;
    created_at: number;
    /** 1 or 0: whether others see this user's read receipts. */
    share_read_receipts: Generated<number>;
    /** Set when the account was deleted (the row is kept, anonymised). */
    deleted_at: Generated<number | null>;
    /** The version of the user's avatar (`avatars.version`); NULL when they have none. */
    avatar_version: Generated<number | null>;
  };
  sessions: {
    id: string;
    user_id: string;
    token_hash: string;
    device_label: string;
    created_at: number;
    last_seen_at: number;
    revoked_at: number | null;
    expires_at: number | null;
  };
  rooms: {
    id: string;
    kind: string;
    name: string;
    topic: string;
    created_at: number;
    last_seq: number;
    last_activity_at: number;
    direct_key: string | null;
    /** The room's own message retention in days; NULL follows the server's default. */
    retention_days: Generated<number | null>;
    /** The first seq still in the log: retention deleted everything before it. */
    history_start: Generated<number>;
  };
  members: {
    room_id: string;
    user_id: string;
    role: string;
    joined_at: number;
    last_read_seq: number;
    /** Seq of the member's own member.joined: a resuming device starts a new room there. */
    joined_seq: number;
  };
  /** Each room's log. `payload` is the event as JSON; `message_id` lets a delete scrub it. */
  events: {
    room_id: string;
    seq: number;
    type: string;
    message_id: string | null;
    payload: string;
  };
  messages: {
    id: string;
    room_id: string;
    seq: number;
    author_id: string;
    client_msg_id: string;
    body: string;
    created_at: number;
    edited_at: number | null;
    deleted_at: number | null;
    reply_to_id: Generated<string | null>;
    thread_id: Generated<string | null>;
    /** 1 or 0: a thread reply also shown in the room's timeline. */
    also_in_room: Generated<number>;
    /** JSON array of the user ids named with @username; NULL when none. */
    mentions: Generated<string | null>;
    /** 1 or 0: `@room` was used. */
    mentions_room: Generated<number>;
    /** FileInfo[] as JSON, when the message carries files. */
    attachments: Generated<string | null>;
    pinned_by: Generated<string | null>;
    pinned_at: Generated<number | null>;
    /** On a thread's root: its reply count and newest reply, kept by the appends. */
    reply_count: Generated<number>;
    last_reply_at: Generated<number | null>;
    last_reply_author_id: Generated<string | null>;
  };
  /** One row per (message, emoji, user). */
  reactions: {
    message_id: string;
    emoji: string;
    user_id: string;
    room_id: string;
    created_at: number;
    /** The seq of its `reaction.added` event: the order reactions are shown in. */
    seq: number;
  };
  /** Uploaded files (ports/file-store.ts); the bytes are in file_chunks. */
  files: {
    id: string;
    room_id: string;
    uploader_id: string;
    name: string;
    type: string;
    size: Generated<number>;
    width: number | null;
    height: number | null;
    thumbnail: Uint8Array | null;
    created_at: number;
    complete: Generated<number>;
    message_id: string | null;
  };
  file_chunks: {
    file_id: string;
    idx: number;
    data: Uint8Array;
  };
  /** Who was named in which message: the "mentions" view. */
  mentions: {
    user_id: string;
    message_id: string;
    room_id: string;
    created_at: number;
  };
  /** One row (id 'default'): the server's VAPID key pair for Web Push. */
  vapid_keys: {
    id: string;
    public_key: string;
    private_key: string;
    created_at: number;
  };
  /** One per device (session) at most; the endpoint is the browser's, unique. */
  push_subscriptions: {
    endpoint: string;
    user_id: string;
    session_id: string;
    p256dh: string;
    auth: string;
    created_at: number;
  };
  /** A member's notification level for a room, when it is not 'all' ('mentions' or 'none'). */
  room_mutes: {
    room_id: string;
    user_id: string;
    level: Generated<string>;
  };
  webhooks: {
    id: string;
    url: string;
    secret: string;
    created_at: number;
  };
  /**
   * Webhook deliveries and push collapse windows waiting to be sent (see OutboxStore).
   * `collapse_key` ("user room") is set while a push window is open and cleared when it is
   * claimed, so that a message arriving meanwhile opens a new window.
   */
  notification_outbox: {
    id: string;
    kind: string;
    collapse_key: string | null;
    webhook_id: string | null;
    user_id: string | null;
    room_id: string | null;
    payload: string;
    seq: Generated<number>;
    messages: Generated<number>;
    attempts: Generated<number>;
    claims: Generated<number>;
    due_at: number;
    claimed_by: string | null;
    created_at: number;
  };
  /** API keys made by the admin command line; only the key's SHA-256 is kept. */
  api_keys: {
    id: string;
    name: string;
    key_hash: string;
    created_at: number;
    revoked_at: number | null;
  };
  external_identities: {
    external_id: string;
    user_id: string;
    created_at: number;
    revoked_at: number | null;
  };
  /** One per user at most: the avatar as the server re-encoded it (a WebP square). */
  avatars: {
    user_id: string;
    image: Uint8Array;
    content_type: string;
    /** Grows with each upload (epoch ms, or one past the last): the URL's cache key. */
    version: number;
    updated_at: number;
  };
  kysely_migration_marker?: { id: Generated<number> };
}
