import type { OutboxEntry } from './outbox.js';

/**
 * Where the outbox keeps messages not yet acknowledged, so that a message queued before the
 * app stopped (a closed tab, a restarted process) is still sent when it starts again, with the
 * same clientMsgId: the server keeps the first and answers a repeat with it, so it is posted
 * once however many runs try. Entries are kept in the order queued.
 */
export interface OutboxStore {
  /** Every stored entry, oldest first. */
  load(): Promise<OutboxEntry[]>;
  /** Stores a new entry, or replaces the one with its clientMsgId (a status change). */
  put(entry: OutboxEntry): Promise<void>;
  /** Forgets an entry (acknowledged or discarded). */
  delete(clientMsgId: string): Promise<void>;
}

/** The default: kept in this object only, gone with the process (the outbox as before). */
export function memoryOutboxStore(): OutboxStore {
  const entries = new Map<string, OutboxEntry>();
  return {
    load: async () => [...entries.values()].map((e) => ({ ...e })),
    async put(entry) {
      entries.set(entry.clientMsgId, { ...entry });
    },
    async delete(clientMsgId) {
      entries.delete(clientMsgId);
    },
  };
}
