import {
  type ChatClient,
  type OutboxEntry,
  type SendResult,
  ValidationError,
} from '@confab/client';
import type { FileInfo, Message } from '@confab/contracts';
import { newClientMsgId } from './ids.js';
import { Observable } from './observable.js';

/** What makes a send a reply: quoting a message, or posting in a thread (and maybe the room). */
export interface ReplyFields {
  replyToId?: string | undefined;
  threadId?: string | undefined;
  alsoInRoom?: boolean | undefined;
}

/** A message of this device's user that the room has not confirmed yet. */
export interface Outgoing extends ReplyFields {
  clientMsgId: string;
  roomId: string;
  body: string;
  /** The files sent with it, as uploaded (shown while it is on its way). */
  attachments?: FileInfo[] | undefined;
  /** When it was queued, by this device's clock. */
  createdAt: number;
  /** pending: queued, in flight, or acknowledged and awaiting its own event; failed: refused. */
  status: 'pending' | 'failed';
  error: string | null;
}

/** How many confirmed clientMsgIds are remembered to hide outbox entries that lag their event. */
const CONFIRMED_MEMORY = 500;

/**
 * Own messages between "queued" and "seen in the room's log". The SDK's outbox forgets a message
 * once the server acknowledged it, but its message.created event may come a moment later (or
 * earlier): the message is tracked here until that event, so it never vanishes in between and
 * is never shown twice.
 */
export function createOutgoingStore(client: ChatClient, me: () => string | null) {
  const tracked = new Map<
    string,
    { roomId: string; body: string; createdAt: number; attachments?: FileInfo[] } & ReplyFields
  >();
  const firstSeen = new Map<string, number>();
  const confirmed = new Set<string>();
  /** Messages the SDK refused before queueing them (an invalid body): why, by clientMsgId. */
  const refused = new Map<string, string>();
  const state = new Observable<readonly Outgoing[]>([]);
  let outbox: OutboxEntry[] = client.outbox();

  const publish = () => {
    const entries = new Map(outbox.map((e) => [e.clientMsgId, e]));
    const list: Outgoing[] = [];
    for (const [clientMsgId, sent] of tracked) {
      const entry = entries.get(clientMsgId);
      entries.delete(clientMsgId);
      list.push({
        clientMsgId,
        ...sent,
        status: entry?.status ?? (refused.has(clientMsgId) ? 'failed' : 'pending'),
        error: entry?.error?.message ?? refused.get(clientMsgId) ?? null,
      });
    }
    // Sends made with client.send directly (not through these hooks) are shown too.
    for (const entry of entries.values()) {
      if (confirmed.has(entry.clientMsgId)) continue;
      let seen = firstSeen.get(entry.clientMsgId);
      if (seen === undefined) {
        seen = Date.now();
        firstSeen.set(entry.clientMsgId, seen);
      }
      list.push({
        clientMsgId: entry.clientMsgId,
        roomId: entry.roomId,
        body: entry.body,
        // A thread reply restored from a previous run stays in its thread, not the timeline.
        replyToId: entry.replyToId,
        threadId: entry.threadId,
        alsoInRoom: entry.alsoInRoom,
        createdAt: seen,
        status: entry.status,
        error: entry.error?.message ?? null,
      });
    }
    state.set(list);
  };

  client.on('outbox', (entries) => {
    outbox = entries;
    for (const id of firstSeen.keys())
      if (!entries.some((e) => e.clientMsgId === id)) firstSeen.delete(id);
    publish();
  });

  return {
    state,
    /** The room's log has it: it is no longer outgoing. */
    confirm(message: Message): void {
      // The author's own devices always get a message's clientMsgId.
      if (message.authorId !== me() || message.clientMsgId === undefined) return;
      confirmed.add(message.clientMsgId);
      if (confirmed.size > CONFIRMED_MEMORY) {
        const oldest = confirmed.values().next().value;
        if (oldest !== undefined) confirmed.delete(oldest);
      }
      if (tracked.delete(message.clientMsgId)) publish();
    },
    /**
     * Queues a message through the SDK's outbox (sent exactly once, retried while offline), with
     * the files uploaded for it (FILE_ROUTES.upload), in order.
     */
    send(
      roomId: string,
      body: string,
      reply: ReplyFields = {},
      files: readonly FileInfo[] = [],
    ): Promise<SendResult> {
      const clientMsgId = newClientMsgId();
      const attachments = files.length > 0 ? [...files] : undefined;
      tracked.set(clientMsgId, {
        roomId,
        body,
        createdAt: Date.now(),
        ...reply,
        ...(attachments && { attachments }),
      });
      publish();
      const sent = client.send({
        roomId,
        body,
        clientMsgId,
        ...reply,
        ...(attachments && { attachments: attachments.map((file) => file.id) }),
      });
      // The outbox never held it, so no outbox event will say it failed: say it here, or it
      // would show as pending for ever.
      sent.catch((error: unknown) => {
        if (error instanceof ValidationError && tracked.has(clientMsgId)) {
          refused.set(clientMsgId, error.message);
          publish();
        }
      });
      return sent;
    },
    /** Sends a failed message again, with the same clientMsgId. */
    retry(clientMsgId: string): Promise<SendResult> | undefined {
      return client.retry(clientMsgId);
    },
    discard(clientMsgId: string): void {
      tracked.delete(clientMsgId);
      refused.delete(clientMsgId);
      client.discard(clientMsgId);
      publish();
    },
  };
}
export type OutgoingStore = ReturnType<typeof createOutgoingStore>;
