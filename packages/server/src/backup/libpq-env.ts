import { BackupError } from './summary.js';

/** Query parameters of a postgres:// URL and the libpq variables that say the same. */
const PARAMETERS: Record<string, string> = {
  host: 'PGHOST',
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
};

/**
 * The connection of a postgres:// URL as libpq environment variables, for pg_dump, pg_restore
 * and psql: passed in the environment, the password never shows in a process list as a
 * command-line URL would. Refuses parameters it cannot pass on rather than ignore them.
 */
export function libpqEnv(url: string): { env: Record<string, string>; database: string } {
  const parsed = new URL(url);
  const env: Record<string, string> = {};
  const host = decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, '$1');
  if (host) env.PGHOST = host;
  if (parsed.port) env.PGPORT = parsed.port;
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new BackupError('DATABASE_URL names no database (postgres://host/NAME)');
  env.PGDATABASE = database;
  for (const [name, value] of parsed.searchParams) {
    const variable = PARAMETERS[name];
    if (!variable)
      throw new BackupError(
        `DATABASE_URL parameter ${name} cannot be passed to the PostgreSQL tools; ` +
          `supported: ${Object.keys(PARAMETERS).join(', ')}`,
      );
    env[variable] = value;
  }
  return { env, database };
}
