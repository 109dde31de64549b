import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerUsers } from '../drivers/confab-fixture.js';
import { type BenchDatabase, createPostgresDatabase } from '../drivers/postgres.js';

export type Engine = 'sqlite' | 'postgres';

async function sqliteDatabase(): Promise<BenchDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'confab-bench-sends-'));
  return { url: join(dir, 'confab.db'), drop: () => rm(dir, { recursive: true, force: true }) };
}

interface Made {
  database: Promise<BenchDatabase>;
  tokens?: Promise<string[]>;
}

/**
 * The sends workload's databases, one per engine, made on first use and kept for the whole
 * bench with the users registered in them: registering costs a scrypt hash per user, too slow
 * to repeat every round. They are apart from the Confab driver's file, so sends never grow the
 * fan-out workloads' room or user list.
 */
export class SendDatabases {
  private readonly made = new Map<Engine, Made>();

  private entry(engine: Engine): Made {
    let made = this.made.get(engine);
    if (!made) {
      made = {
        database: engine === 'sqlite' ? sqliteDatabase() : createPostgresDatabase(),
      };
      this.made.set(engine, made);
    }
    return made;
  }

  /** The engine's database (empty until a Confab server has run its migrations on it). */
  database(engine: Engine): Promise<BenchDatabase> {
    return this.entry(engine).database;
  }

  /**
   * Tokens of `users` users of the engine's database, registered through the Confab server at
   * `baseUrl` (which runs on it) the first time.
   */
  async users(engine: Engine, baseUrl: string, users: number): Promise<string[]> {
    const made = this.entry(engine);
    made.tokens ??= registerUsers(baseUrl, users);
    const tokens = await made.tokens;
    if (tokens.length < users) throw new Error(`${engine}: ${tokens.length} users, not ${users}`);
    return tokens.slice(0, users);
  }

  /** Drops every database made (PostgreSQL: DROP DATABASE ... WITH (FORCE)). */
  async dispose(): Promise<void> {
    const made = [...this.made.values()];
    this.made.clear();
    for (const settled of await Promise.allSettled(made.map((m) => m.database))) {
      if (settled.status === 'fulfilled') await settled.value.drop();
    }
  }
}
