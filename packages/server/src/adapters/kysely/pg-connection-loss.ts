import type pg from 'pg';
import type { Logger } from '../../observability/logger.js';

/**
 * Hears every pooled connection that PostgreSQL ends (a restart, a failover, an idle timeout,
 * `pg_terminate_backend`), so that none is an unheard 'error' event, which ends the process.
 *
 * pg's pool listens on its idle connections only (and re-emits their loss as its own 'error').
 * A connection checked out is the holder's to listen on, and Kysely listens on none: one ended
 * while checked out between two queries (a transaction's awaits, or the instant after a query's
 * answer and before its release, when the answer and PostgreSQL's "terminating connection" come
 * in one read) crashed the process. That happened when a test stopped PostgreSQL under a server.
 *
 * So each connection gets a listener of its own when it is made. A query under way on it still
 * fails to its caller; the pool drops the connection when it is released (pg marks it not
 * queryable), and the next query opens a new one.
 */
export function hearConnectionLoss(pool: pg.Pool, log: () => Logger): void {
  pool.on('connect', (client) => {
    client.on('error', (error) =>
      log().warn({ err: error }, 'PostgreSQL ended a connection; the pool replaces it'),
    );
  });
  // Also emitted for an idle connection, already logged by its own listener above. Without a
  // listener here the pool's emit would throw.
  pool.on('error', () => {});
}
