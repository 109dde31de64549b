import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
// better-sqlite3 (a native module) and pg load only when their store is created, so an app that
// embeds @confab/server with one engine never loads the other's driver (or needs it installed).
import type BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  type LogEvent,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  sql,
} from 'kysely';
import type pg from 'pg';
import { fallbackLogger } from '../../observability/logger.js';
import type { Observer } from '../../observability/observer.js';
import type { Store } from '../../ports/store.js';
import { accountDataStore } from './account-data.js';
import { accountsStore } from './accounts.js';
import { apiKeysStore } from './api-keys.js';
import { avatarsStore } from './avatars.js';
import { filesStore } from './files.js';
import { identityStore } from './identity.js';
import { mentionsStore } from './mentions.js';
import { messagesStore } from './messages.js';
import { migrateToLatest } from './migrations.js';
import { notificationsStore } from './notifications.js';
import { outboxStore } from './outbox.js';
import { hearConnectionLoss } from './pg-connection-loss.js';
import { pinsStore } from './pins.js';
import { reactionsStore } from './reactions.js';
import { retentionStore } from './retention.js';
import { roomAdminStore } from './room-admin.js';
import { roomsStore } from './rooms.js';
import type { Database } from './schema.js';
import { DEFAULT_SEARCH_BOUNDS, type SearchBounds, searchStore } from './search.js';
import {
  type CheckpointOptions,
  createCheckpointer,
  DEFAULT_CHECKPOINT_OPTIONS,
} from './sqlite-checkpointer.js';
import { createSearchReader, type SearchReader } from './sqlite-search-reader.js';
import { threadsStore } from './threads.js';

export interface StoreOptions {
  /** Hears every SQL statement the store runs (query logging, and tests that count them). */
  onQuery?: (sql: string) => void;
  /**
   * SQLite only: when checkpoints move to a worker thread (sqlite-checkpointer.ts); `false`
   * keeps them on the main connection always.
   */
  checkpoints?: Partial<CheckpointOptions> | false;
  /** How much one search call may cost (search.ts). @default DEFAULT_SEARCH_BOUNDS */
  search?: Partial<SearchBounds>;
}

const logOf = (options: StoreOptions) =>
  options.onQuery ? { log: (event: LogEvent) => options.onQuery?.(event.query.sql) } : {};

function assemble(
  db: Kysely<Database>,
  dialect: Store['dialect'],
  observed: { current?: Observer | undefined },
  options: StoreOptions,
  extras: { pool?: pg.Pool; searchReader?: SearchReader } = {},
): Store {
  const { pool } = extras;
  return {
    dialect,
    ...accountsStore(db),
    ...roomsStore(db),
    ...roomAdminStore(db),
    ...messagesStore(db, dialect, observed),
    ...notificationsStore(db),
    ...outboxStore(db),
    ...apiKeysStore(db),
    ...identityStore(db),
    ...retentionStore(db),
    ...accountDataStore(db),
    ...mentionsStore(db),
    ...threadsStore(db),
    ...reactionsStore(db),
    ...pinsStore(db),
    ...searchStore(
      db,
      dialect,
      { ...DEFAULT_SEARCH_BOUNDS, ...options.search },
      extras.searchReader,
    ),
    ...filesStore(db),
    ...avatarsStore(db, dialect),
    close: () => db.destroy(),
    async ping() {
      await sql`select 1`.execute(db);
    },
    observe(observer) {
      observed.current = observer;
      if (pool)
        observer.metrics.sources.dbPool = () => ({
          total: pool.totalCount,
          idle: pool.idleCount,
          waiting: pool.waitingCount,
        });
    },
  };
}

/** Distinct SQL texts kept prepared; queries are built from a fixed set, so this is ample. */
const STATEMENT_CACHE_MAX = 1000;

/**
 * Kysely asks better-sqlite3 to prepare (parse and plan) every query it runs; a send ran a
 * dozen, and preparing cost as much as running them. The same SQL text gets the same prepared
 * statement back. Kysely only ever runs one query at a time on this connection, and never
 * leaves a statement mid-iteration, so sharing them is safe.
 */
function cached(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        // Queries with a variable number of parameters (IN lists) make many texts: start over
        // rather than grow without bound.
        if (statements.size >= STATEMENT_CACHE_MAX) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * SQLite in WAL mode. `synchronous = NORMAL` with WAL keeps every committed transaction across a
 * crash of the process (only a power loss may drop the last commits), which is what a resolved
 * send promises. Migrations run before the store is returned.
 */
export async function createSqliteStore(path: string, options: StoreOptions = {}): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const { default: Sqlite } = await import('better-sqlite3');
  const database = new Sqlite(path);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    // SQLite's built-in lower() folds ASCII only, so a search for "école" missed "ÉCOLE"
    // (PostgreSQL found it): replace it with JavaScript's Unicode-aware folding.
    database.function('lower', { deterministic: true }, (value: unknown) =>
      typeof value === 'string' ? value.toLowerCase() : value,
    );
  } catch (error) {
    // Not a database, say: the file is not left open (a process that retries would pile them up).
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cached(database) }),
    ...logOf(options),
  });
  await migratedOrClosed(db);
  const observed: { current?: Observer | undefined } = {};
  const logger = () => observed.current?.log ?? fallbackLogger;
  // A database in memory has no file another connection could open.
  const searchReader = path === ':memory:' ? undefined : createSearchReader(path, logger);
  const store = assemble(db, 'sqlite', observed, options, searchReader ? { searchReader } : {});
  // In WAL mode only (not in memory, nor where the file system refused WAL).
  const wal = database.pragma('journal_mode', { simple: true }) === 'wal';
  const checkpointer =
    options.checkpoints === false || !wal
      ? undefined
      : createCheckpointer(
          database,
          path,
          { ...DEFAULT_CHECKPOINT_OPTIONS, ...options.checkpoints },
          logger,
        );
  return {
    ...store,
    async close() {
      // Its connections first: the last one to close checkpoints and removes the log.
      await checkpointer?.close();
      await searchReader?.close();
      await store.close();
    },
  };
}

/** Runs the migrations; if they fail, closes the connection (file or pool) before rethrowing. */
async function migratedOrClosed(db: Kysely<Database>): Promise<void> {
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error;
  }
}

const INT8_OID = 20;
// Epoch milliseconds and seqs fit in a double exactly; read them as numbers, not strings.
function pgTypes(types: typeof pg.types) {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID
        ? (value: string) => Number(value)
        : types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
}

/** PostgreSQL through a pool of `maxConnections`; migrations run before the store is returned. */
export async function createPostgresStore(
  url: string,
  maxConnections = 10,
  options: StoreOptions = {},
): Promise<Store> {
  const { default: driver } = await import('pg');
  const pool = new driver.Pool({
    connectionString: url,
    max: maxConnections,
    types: pgTypes(driver.types),
  });
  const observed: { current?: Observer | undefined } = {};
  hearConnectionLoss(pool, () => observed.current?.log ?? fallbackLogger);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...logOf(options) });
  await migratedOrClosed(db);
  return assemble(db, 'postgres', observed, options, { pool });
}

/** `postgres://...` picks PostgreSQL; anything else is a SQLite file path. */
export function createStoreFromUrl(
  databaseUrl: string,
  options: StoreOptions = {},
): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return createPostgresStore(databaseUrl, 10, options);
  return createSqliteStore(databaseUrl.replace(/^sqlite:/, ''), options);
}
