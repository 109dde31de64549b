import type {
  Member,
  MemberReceipt,
  Message,
  NotificationLevel,
  PublicRoom,
  Role,
  Room,
  RoomEvent,
  RoomKind,
  RoomNotice,
  RoomSummary,
  Settings,
  User,
} from '@confab/contracts';
import type { Observer } from '../observability/observer.js';
import type { AvatarStore } from './avatar-store.js';
import type { AccountDataStore, RetentionStore } from './data-lifecycle-store.js';
import type { FileStore } from './file-store.js';
import type { IdentityStore } from './identity-store.js';
import type { MentionsStore, RoomLevel } from './mentions-store.js';
import type { ReactionsStore } from './reactions-store.js';
import type { SearchStore } from './search-store.js';

export interface UserRecord extends User {
  passwordHash: string;
}

export interface SessionRecord {
  id: string;
  userId: string;
  /** SHA-256 of the token: the token itself is never stored. */
  tokenHash: string;
  deviceLabel: string;
  createdAt: number;
  lastSeenAt: number;
  revokedAt: number | null;
  /**
   * When the session ends by itself (epoch ms): tokens minted for an app's users, JWTs. Null or
   * absent: only the idle lifetime and a revoke end it.
   */
  expiresAt?: number | null;
}

export interface MembershipRecord {
  roomId: string;
  userId: string;
  role: Role;
  joinedAt: number;
  lastReadSeq: number;
}

export interface NewRoom {
  id: string;
  kind: RoomKind;
  name: string;
  topic: string;
  createdAt: number;
  /** Direct rooms only: both user ids, sorted and joined, unique per pair. */
  directKey?: string;
}

/** One of a user's rooms as a stream starting or resuming reads it (Store.roomSeqsOf). */
export interface RoomHead {
  id: string;
  /** The seq of the room's newest event. */
  lastSeq: number;
  /** The seq of the user's own member.joined. */
  joinedSeq: number;
  /**
   * Moves whenever the room's member set may have changed: the seq of the newest entry of its
   * log that carries no message (a join, leave and removal are such entries, appended in the
   * transaction that changes the set; so are room and role changes, which only cost a re-read).
   * Seqs only grow: a member set read after a version was read is at least that new. Null when
   * retention deleted every such entry: then it tells nothing.
   */
  membersVersion: number | null;
}

/** A message as stored: its clientMsgId always there (optional in Message for others' streams). */
export type StoredMessage = Message & { clientMsgId: string };

export interface NewMessage {
  id: string;
  roomId: string;
  authorId: string;
  clientMsgId: string;
  body: string;
  at: number;
  /** The message this one quotes and answers (checked by the store: same room). */
  replyToId?: string | undefined;
  /** The thread's root (checked by the store: same room, in the timeline, not deleted). */
  threadId?: string | undefined;
  alsoInRoom?: boolean | undefined;
  /** Members named with @username, resolved by the messages service. */
  mentions?: readonly string[] | undefined;
  /** `@room` was used by someone allowed to. */
  mentionsRoom?: boolean | undefined;
  /**
   * Ids of files to carry, in order (checked by the store: the author's own complete uploads
   * to this room that no message carries yet; claimed in the send's transaction).
   */
  attachments?: readonly string[] | undefined;
}

export type AppendResult =
  | { status: 'created'; message: Message; event: RoomEvent }
  /** The author had sent this clientMsgId before: the first message, unchanged. */
  | { status: 'duplicate'; message: Message }
  | { status: 'not-member' }
  /** replyToId, or threadId, names no message of this room: nothing was written. */
  | { status: 'reply-not-found' | 'thread-not-found' }
  /** threadId names a thread reply (threads do not nest), or a deleted message: nothing written. */
  | { status: 'thread-is-reply' | 'thread-deleted' }
  /** An attachment is not an unsent upload of the author to this room: nothing written. */
  | { status: 'attachment-not-found' };

export type MessageChange =
  | { status: 'changed'; event: RoomEvent }
  | { status: 'not-found' | 'not-author' | 'deleted' };

/**
 * Durable state: accounts, sessions, rooms, memberships and each room's log. Every method that
 * appends to a room's log allocates the next seq in the same transaction that stores the entry,
 * so a room's seqs are 1, 2, 3... with no gap and no duplicate, and a returned event is committed.
 */
export interface Store
  extends NotificationsStore,
    OutboxStore,
    ApiKeysStore,
    IdentityStore,
    RetentionStore,
    AccountDataStore,
    ThreadsStore,
    MentionsStore,
    ReactionsStore,
    SearchStore,
    AvatarStore,
    FileStore {
  readonly dialect: 'sqlite' | 'postgres';

  createUser(user: UserRecord): Promise<'created' | 'username-taken'>;
  userByUsername(username: string): Promise<UserRecord | undefined>;
  userById(id: string): Promise<User | undefined>;
  /**
   * Replaces the user's password hash, only if it is still `from` (compare-and-set): a rehash
   * at login must not undo a password change that landed while it was hashing. False when the
   * stored hash was not `from` (or there is no such user).
   */
  updatePasswordHash(userId: string, change: { from: string; to: string }): Promise<boolean>;

  settingsOf(userId: string): Promise<Settings>;
  updateSettings(userId: string, settings: Settings): Promise<void>;
  /** The latest session activity of each user: when they were last seen, across restarts. */
  lastSeenOf(userIds: readonly string[]): Promise<Map<string, number>>;

  createSession(session: SessionRecord): Promise<void>;
  sessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  /** The session and its user in one query: every authenticated call starts here. */
  sessionWithUser(tokenHash: string): Promise<{ session: SessionRecord; user: User } | undefined>;
  touchSession(id: string, at: number): Promise<void>;
  sessionsOf(userId: string): Promise<SessionRecord[]>;
  /** False when the user has no such live session. */
  revokeSession(userId: string, sessionId: string, at: number): Promise<boolean>;

  /** Creates the room with its first members and their `member.joined` events. */
  createRoom(
    room: NewRoom,
    members: { userId: string; role: Role }[],
  ): Promise<{
    room: Room;
    events: RoomEvent[];
  }>;
  roomById(id: string): Promise<Room | undefined>;
  roomByDirectKey(directKey: string): Promise<Room | undefined>;
  membership(roomId: string, userId: string): Promise<MembershipRecord | undefined>;
  /** The room and the user's membership of it in one query (every room call checks both). */
  roomWithMembership(
    roomId: string,
    userId: string,
  ): Promise<{ room: Room; membership: MembershipRecord | undefined } | undefined>;
  members(roomId: string): Promise<Member[]>;
  publicRooms(query: string | undefined, limit: number): Promise<PublicRoom[]>;
  /** The user's rooms, most recent activity first. */
  roomsOf(userId: string): Promise<RoomSummary[]>;
  roomIdsOf(userId: string): Promise<string[]>;
  /** Everyone who shares at least one room with the user (not the user): who sees their presence. */
  peersOf(userId: string): Promise<string[]>;
  /** The user's rooms with the seq of each one's newest event: what a resuming stream compares. */
  roomSeqsOf(userId: string): Promise<RoomHead[]>;
  /** Every member (the user included) of each of the user's rooms, by room id. */
  memberSetsOf(userId: string): Promise<Map<string, string[]>>;

  addMember(
    roomId: string,
    member: { userId: string; role: Role; via: 'join' | 'invite'; actorId: string; at: number },
  ): Promise<RoomEvent | 'already-member'>;
  removeMember(
    roomId: string,
    change: { userId: string; actorId: string; at: number; type: 'member.left' | 'member.removed' },
  ): Promise<RoomEvent | 'not-member'>;
  /** Changes a member's role; false when they are not a member. */
  setRole(roomId: string, userId: string, role: Role): Promise<boolean>;
  updateRoom(
    roomId: string,
    change: {
      name?: string | undefined;
      topic?: string | undefined;
      kind?: 'public' | 'private' | undefined;
      actorId: string;
      at: number;
    },
  ): Promise<RoomEvent>;
  /**
   * Sets members' roles and logs each change (`member.role`), in one transaction: a hand-over
   * is the new owner's change and the previous owner's (to admin). 'not-member' when any of
   * them is not a member (nothing changed).
   */
  changeRoles(
    roomId: string,
    change: { roles: { userId: string; role: Role }[]; actorId: string; at: number },
  ): Promise<RoomEvent[] | 'not-member'>;
  /**
   * These users as the room knows them: members, people who wrote in it and left (their
   * messages keep a name), and former members its log names (its notices keep a name: "Cat
   * left"). Others are left out.
   */
  roomPeople(roomId: string, userIds: readonly string[]): Promise<User[]>;

  /** Idempotent on (author, clientMsgId); checks membership inside the transaction. */
  appendMessage(message: NewMessage): Promise<AppendResult>;
  editMessage(change: {
    roomId: string;
    messageId: string;
    authorId: string;
    body: string;
    at: number;
  }): Promise<MessageChange>;
  /** Leaves a tombstone, and scrubs the body from the log entries that carried it. */
  deleteMessage(change: {
    roomId: string;
    messageId: string;
    authorId: string;
    at: number;
  }): Promise<MessageChange>;
  /**
   * One page of the room's timeline, oldest first: older than `beforeSeq` (newest page when
   * absent; `hasMore`: older ones exist), or newer than `afterSeq` (`hasMore`: newer ones exist).
   * Thread-only replies are not in the timeline (the log carries them). `notices`: the room's
   * notices in the page's span (see HistoryPage.notices).
   */
  history(
    roomId: string,
    page: { beforeSeq?: number | undefined; afterSeq?: number | undefined; limit: number },
  ): Promise<{ messages: Message[]; hasMore: boolean; notices: RoomNotice[] }>;
  /**
   * Up to `limit` events of the room's log after `afterSeq`, oldest first (`hasMore`: newer ones
   * exist). The read begins after the call; callers asking the same at once may be handed one
   * answer (adapters/kysely/shared-reads.ts), which nobody may change.
   */
  eventsAfter(
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ events: RoomEvent[]; hasMore: boolean }>;
  /** How far each member who shares read receipts has read the room. */
  receipts(roomId: string): Promise<MemberReceipt[]>;
  /** Moves the marker forward only (capped at the room's last seq); returns the marker. */
  markRead(roomId: string, userId: string, seq: number): Promise<number>;

  close(): Promise<void>;
  /** Resolves when the database answers a trivial query (readiness). */
  ping?(): Promise<void>;
  /** Hands the adapter the server's logger and metrics (group commits, pool use). */
  observe?(observer: Observer): void;
}

/** Reads of threads and message links (adapters/kysely/threads.ts); reactions attached. */
export interface ThreadsStore {
  /**
   * A thread's root and one page of its replies, oldest first (`hasMore`: older replies exist).
   * A message without replies is a thread with none; a thread reply has no thread of its own.
   */
  thread(
    roomId: string,
    threadId: string,
    page: { beforeSeq?: number | undefined; limit: number },
  ): Promise<{ root: Message; replies: Message[]; hasMore: boolean } | 'not-found' | 'is-reply'>;
  /**
   * The timeline around a message: up to `limit` before it and `limit` after it, oldest first,
   * it included. Around a thread-only reply, the timeline around its root. `notices`: the room's
   * notices from its first message to its last (see ContextPage.notices).
   */
  context(
    roomId: string,
    messageId: string,
    limit: number,
  ): Promise<
    | { messages: Message[]; hasMoreBefore: boolean; hasMoreAfter: boolean; notices: RoomNotice[] }
    | undefined
  >;
  /** The room's messages with these ids, in seq order; ids of no message there are left out. */
  messagesByIds(roomId: string, messageIds: readonly string[]): Promise<Message[]>;
}

export interface VapidKeys {
  /** Base64url, 65 bytes (uncompressed P-256 point): what browsers pass to pushManager.subscribe. */
  publicKey: string;
  /** Base64url, 32 bytes. */
  privateKey: string;
}

/** One browser's Web Push subscription, held for the session (device) that made it. */
export interface PushSubscriptionRecord {
  endpoint: string;
  userId: string;
  sessionId: string;
  /** Base64url keys from the browser's PushSubscription. */
  p256dh: string;
  auth: string;
  createdAt: number;
}

export interface WebhookRecord {
  id: string;
  url: string;
  secret: string;
  createdAt: number;
}

/** A member who may be notified of a message in a room. */
export interface NotificationTarget {
  userId: string;
  username: string;
  displayName: string;
  /** Their notification level for the room ('all' when they set none). */
  level: NotificationLevel;
  /** Whether a live session of theirs (see pushSubscriptionsOf) has a push subscription. */
  subscribed: boolean;
}

/** Durable state of offline notifications: VAPID keys, push subscriptions, mutes, webhooks. */
export interface NotificationsStore {
  /**
   * The stored VAPID keys; the first call stores `generate()`'s, and racing first calls agree.
   * `generate` may be async (the key library is loaded only when keys are made).
   */
  vapidKeys(generate: () => VapidKeys | Promise<VapidKeys>): Promise<VapidKeys>;
  /**
   * Stores a device's subscription: replaces the session's previous one (a device has one), and
   * takes the endpoint over from whoever held it (a browser shared by two accounts).
   */
  savePushSubscription(subscription: PushSubscriptionRecord): Promise<void>;
  /** Removes a subscription (only if `userId` holds it, when given); false when none was. */
  deletePushSubscription(endpoint: string, userId?: string): Promise<boolean>;
  /**
   * The subscriptions of these users' live sessions: not revoked, and used since `activeSince`
   * (an expired session's device is signed out, so it is not notified either).
   */
  pushSubscriptionsOf(
    userIds: readonly string[],
    activeSince: number,
  ): Promise<PushSubscriptionRecord[]>;
  /** Muted is the 'mentions' level, unmuted 'all'. */
  setRoomMuted(roomId: string, userId: string, muted: boolean): Promise<void>;
  /** 'all' removes the member's row (no row is 'all'). */
  setRoomLevel(roomId: string, userId: string, level: NotificationLevel): Promise<void>;
  /** The rooms the user is in whose level is not 'all', by room id. */
  roomLevelsOf(userId: string): Promise<RoomLevel[]>;
  /** The rooms the user is in and has muted: any level but 'all'. */
  mutedRoomsOf(userId: string): Promise<string[]>;
  /** Every member of the room but `exceptUserId`: one query, as it runs for every message. */
  notificationTargets(
    roomId: string,
    exceptUserId: string,
    activeSince: number,
  ): Promise<NotificationTarget[]>;
  /**
   * The members of these rooms whose level is not 'none' and who have a push subscription on a
   * session active since `activeSince`, with their level ('mentions' members are notified only
   * of messages that name them), authors included (one query serves a burst of messages in
   * several rooms by several authors), by room then user. Runs for every burst when no webhook
   * is registered, so it starts from the (few) subscriptions rather than every member.
   */
  pushTargets(
    roomIds: readonly string[],
    activeSince: number,
  ): Promise<{ roomId: string; userId: string; level: NotificationLevel }[]>;
  /** Messages by others after the member's read marker; undefined when not a member. */
  unreadCount(roomId: string, userId: string): Promise<number | undefined>;
  /**
   * What a closing push window checks, in one query: the member's unread count (as
   * unreadCount), read marker and current level; undefined when not a member.
   */
  pushCheck(
    roomId: string,
    userId: string,
  ): Promise<{ unread: number; lastReadSeq: number; level: NotificationLevel } | undefined>;
  /** Refused when `max` webhooks are registered already. */
  createWebhook(webhook: WebhookRecord, max: number): Promise<'created' | 'limit-reached'>;
  webhooks(): Promise<WebhookRecord[]>;
  deleteWebhook(id: string): Promise<boolean>;
}

/**
 * One row of the notification outbox: a webhook delivery, or a member's pending push for a room
 * (a collapse window). Rows are durable, so a delivery outlives the process that queued it.
 */
export interface OutboxItem {
  id: string;
  kind: 'webhook' | 'push';
  /** webhook: the registered webhook it goes to. */
  webhookId: string | null;
  /** push: the member to notify and the room. */
  userId: string | null;
  roomId: string | null;
  /** webhook: the exact body to POST; push: what the notification will say (JSON). */
  payload: string;
  /** push: the newest message's seq folded in so far. */
  seq: number;
  /** push: messages folded into the window. */
  messages: number;
  /** Attempts made and recorded (a claim cut short by a crash or shutdown is not one). */
  attempts: number;
  /** Times claimed, this claim included: with `claimedBy`, names this claim. */
  claims: number;
  /** When it may be claimed: due, or when the holder's lease ends. */
  dueAt: number;
  claimedBy: string | null;
  createdAt: number;
}

/** A claim on an outbox row: only its holder may record the outcome (a lost lease is not). */
export type OutboxClaim = Pick<OutboxItem, 'id' | 'claimedBy' | 'claims'>;

export interface NewWebhookDelivery {
  /** The delivery id: the same on every attempt, from every node. */
  id: string;
  webhookId: string;
  payload: string;
  createdAt: number;
  dueAt: number;
}

/** A member's push for a room, from one burst of messages. */
export interface PushWindowUpdate {
  /** Used when the window is new. */
  id: string;
  userId: string;
  roomId: string;
  seq: number;
  payload: string;
  messages: number;
  /** When a new window closes; an open one keeps its own (a window is fixed from its start). */
  dueAt: number;
  createdAt: number;
}

/**
 * The notification outbox. A node claims due rows (a lease: the row is not due again until
 * `now + leaseMs`), works on them, and records the outcome with its claim; a row whose holder
 * died becomes due again when the lease ends. On PostgreSQL claimers skip each other's locked
 * rows (`FOR UPDATE SKIP LOCKED`); SQLite has one writer, so one UPDATE claims.
 */
export interface OutboxStore {
  enqueueWebhookDeliveries(rows: readonly NewWebhookDelivery[]): Promise<void>;
  /**
   * Opens a window per (member, room), or folds into the open, unclaimed one: its due time is
   * kept, its payload becomes the one with the highest seq, and the messages add up. Returns
   * how many windows were opened (the rest folded in).
   */
  openPushWindows(windows: readonly PushWindowUpdate[]): Promise<number>;
  /** Up to `limit` due rows, oldest due first, claimed by `by` until `now + leaseMs`. */
  claimOutbox(claim: {
    by: string;
    now: number;
    leaseMs: number;
    limit: number;
  }): Promise<OutboxItem[]>;
  /** Extends the leases of these rows that `by` still holds; returns how many. */
  renewOutboxClaims(by: string, ids: readonly string[], until: number): Promise<number>;
  /** Done for good (delivered, given up, push sent): removes the row. False if the claim was lost. */
  finishOutboxItem(claim: OutboxClaim): Promise<boolean>;
  /** An attempt failed: counts it, releases the claim, due again at `dueAt`. */
  retryOutboxItem(claim: OutboxClaim, dueAt: number): Promise<boolean>;
  /** Gives the claim back without counting an attempt (the process is stopping). */
  releaseOutboxItem(claim: OutboxClaim, dueAt: number): Promise<boolean>;
  /** Rows in the outbox, claimed or not, by kind. */
  outboxCounts(): Promise<{ webhook: number; push: number }>;
}

/** An API key for the server-to-server push API, made by the admin command line. */
export interface ApiKeyRecord {
  id: string;
  /** What the operator called it (which app holds it). */
  name: string;
  /** SHA-256 of the key: the key itself is shown once at creation and never stored. */
  keyHash: string;
  createdAt: number;
  revokedAt: number | null;
}

/** Stored API keys (keys from the API_KEYS setting are not stored). */
export interface ApiKeysStore {
  createApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key with this hash, revoked or not. */
  apiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** Every stored key, revoked ones included, oldest first. */
  apiKeys(): Promise<ApiKeyRecord[]>;
  /** False when there is no such key or it was revoked already. */
  revokeApiKey(id: string, at: number): Promise<boolean>;
}
