import { type RawBuilder, sql } from 'kysely';

/**
 * True for the messages rows a room's timeline shows: everything but thread-only replies (a
 * thread reply is in the timeline only when sent with "also send to room"). History, message
 * links and unread counts all use it, so they agree on what "the timeline" is. `table` is the
 * alias the query gives messages ('messages' when it has none).
 */
export function inTimeline(table = 'messages'): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${table}.thread_id`)} is null or ${sql.ref(`${table}.also_in_room`)} = 1)`;
}
