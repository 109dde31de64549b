import { execFile } from 'node:child_process';
import { libpqEnv } from './libpq-env.js';
import { BackupError, type StoreSummary } from './summary.js';

/** What the PostgreSQL tools run with: the caller's environment (PATH, PG*) and the URL's. */
type ToolEnv = Record<string, string | undefined>;

/** Runs one of PostgreSQL's client tools; its stderr becomes the error. */
function run(tool: string, args: string[], env: ToolEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(
          new BackupError(
            `${tool} not found: install PostgreSQL's client tools (Debian: postgresql-client)`,
          ),
        );
      reject(new BackupError(`${tool} failed: ${stderr.trim() || error.message}`));
    });
  });
}

function toolEnv(url: string, base: ToolEnv) {
  const { env, database } = libpqEnv(url);
  return { env: { ...base, ...env }, database };
}

/**
 * `pg_dump -Fc`: one consistent snapshot of the database (pg_dump reads in a single
 * repeatable-read transaction, so every room's log is whole up to one point), taken while the
 * server runs. Then `pg_restore --list` reads the file back: a truncated dump fails here.
 */
export async function backupPostgres(url: string, target: string, base: ToolEnv): Promise<void> {
  const { env } = toolEnv(url, base);
  await run('pg_dump', ['--format=custom', `--file=${target}`], env);
  await run('pg_restore', ['--list', target], env);
}

/** The fields of the one row a psql query returns, split on spaces. */
async function queryRow(sql: string, env: ToolEnv): Promise<string[]> {
  const out = await run(
    'psql',
    ['--no-psqlrc', '--tuples-only', '--no-align', '--field-separator= ', '--command', sql],
    env,
  );
  return out.trim().split(' ');
}

/** Other sessions on the database, and whether Confab's schema is there already. */
async function occupancy(env: ToolEnv): Promise<{ sessions: number; confab: boolean }> {
  const [sessions, confab] = await queryRow(
    'SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() ' +
      'AND pid <> pg_backend_pid()), ' +
      "to_regclass('public.kysely_migration') IS NOT NULL",
    env,
  );
  return { sessions: Number(sessions), confab: confab === 't' };
}

/**
 * Restores a `pg_dump -Fc` file into the database of `url`, in one transaction (all or
 * nothing). Refused when the database holds Confab's tables already or has other sessions
 * (a running server), unless `force`: then the public schema is dropped and made again first.
 */
export async function restorePostgres(
  backup: string,
  url: string,
  options: { force: boolean },
  base: ToolEnv,
): Promise<StoreSummary> {
  const { env, database } = toolEnv(url, base);
  await run('pg_restore', ['--list', backup], env);
  const { sessions, confab } = await occupancy(env);
  if (!options.force && (confab || sessions > 0)) {
    const why = [
      confab ? 'already holds a Confab database' : '',
      sessions > 0 ? `has ${sessions} other session(s) open (a server may be running on it)` : '',
    ].filter(Boolean);
    throw new BackupError(
      `database ${database} ${why.join(' and ')}: restore into a new database (createdb), or ` +
        'stop every server using it and pass --force to replace it',
    );
  }
  if (options.force)
    await run(
      'psql',
      [
        '--no-psqlrc',
        '--quiet',
        '--set=ON_ERROR_STOP=1',
        '--command',
        'DROP SCHEMA public CASCADE; CREATE SCHEMA public;',
      ],
      env,
    );
  await run(
    'pg_restore',
    [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${database}`,
      backup,
    ],
    env,
  );
  const [users, rooms, messages] = (
    await queryRow(
      'SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM rooms), ' +
        '(SELECT count(*) FROM messages)',
      env,
    )
  ).map(Number);
  return { users: users ?? 0, rooms: rooms ?? 0, messages: messages ?? 0 };
}
