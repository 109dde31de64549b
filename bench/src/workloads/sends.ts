import type { BenchConfig } from '../config.js';
import { createRoomOf } from '../drivers/confab-fixture.js';
import { confabHttp, confabMutation, stringField } from '../drivers/confab-http.js';
import { startConfabServer } from '../drivers/confab-server.js';
import { confabWsCalls } from '../drivers/confab-ws-calls.js';
import { forEachLimit } from '../drivers/ws-util.js';
import { rawPostgresInserts, rawSqliteInserts } from './raw-inserts.js';
import { type Engine, SendDatabases } from './send-databases.js';
import { measureSends, type Sender, verifySends } from './send-loop.js';
import type { Metric, Workload, WorkloadResult } from './types.js';

/** The per-user write limit (10/s by default) is lifted: here one user sends as fast as acks come. */
const UNLIMITED = { perSecond: 1_000_000, burst: 1_000_000 };
const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];
const ENGINE_LABEL: Record<Engine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

const databases = new SendDatabases();

/** Sender i is user i; all in one new room (user 0 creates it, the others join). */
async function oneRoom(baseUrl: string, tokens: readonly string[]): Promise<Sender[]> {
  const roomId = await createRoomOf(baseUrl, tokens, 'sends');
  return tokens.map((token) => ({ token, roomId }));
}

/** Sender i is user i, in a new room of its own. */
async function ownRooms(baseUrl: string, tokens: readonly string[]): Promise<Sender[]> {
  const senders: Sender[] = new Array<Sender>(tokens.length);
  await forEachLimit(tokens.length, 8, async (i) => {
    const token = tokens[i] ?? '';
    const room = await confabMutation(
      baseUrl,
      'room.create',
      { kind: 'public', name: 'own' },
      token,
    );
    senders[i] = { token, roomId: stringField(room, 'id') };
  });
  return senders;
}

/**
 * One engine: a Confab server on its database with the write limit lifted, the senders in one
 * room then each in a room of its own (each run checked against the logs), then the raw
 * driver's insert rate on the same engine, with the server stopped.
 */
async function runEngine(engine: Engine, config: BenchConfig): Promise<WorkloadResult> {
  const { senders, warmupMs, durationMs, postgresPool } = config.sends;
  const window = { warmupMs, durationMs };
  const database = await databases.database(engine);
  const server = await startConfabServer({ databaseUrl: database.url, sendRate: UNLIMITED });
  const http = confabHttp(server.port, senders);
  const sockets = confabWsCalls(server.port);
  const metrics: Record<string, number> = {};
  let failure: string | undefined;
  try {
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const tokens = await databases.users(engine, baseUrl, senders);
    const measure = async (place: typeof oneRoom) => {
      const placed = await place(baseUrl, tokens);
      const run = await measureSends(sockets, server, placed, window, config.bodyChars);
      failure ??= await verifySends(http, placed, run);
      return run;
    };
    const one = await measure(oneRoom);
    metrics[`${engine}SendsPerSec`] = one.rate;
    metrics[`${engine}SendsServerCpuPct`] = one.cpu.serverPct;
    metrics[`${engine}SendsLoadgenCpuPct`] = one.cpu.loadgenPct;
    metrics[`${engine}OwnRoomsSendsPerSec`] = (await measure(ownRooms)).rate;
    failure ??= server.exitReason();
  } finally {
    http.close();
    await sockets.close();
    await server.stop();
  }
  const raw = { loops: senders, bodyChars: config.bodyChars, ...window };
  metrics[`${engine}RawInsertsPerSec`] =
    engine === 'sqlite'
      ? await rawSqliteInserts(raw)
      : await rawPostgresInserts(database.url, postgresPool, raw);
  return { failure: failure && `${ENGINE_LABEL[engine]}: ${failure}`, metrics };
}

function engineMetrics(engine: Engine): Metric[] {
  const name = ENGINE_LABEL[engine];
  return [
    {
      key: `${engine}SendsPerSec`,
      label: (c) => `Acknowledged sends/s, ${name} (${c.sends.senders} senders, one room) ↑`,
      digits: 0,
      ratio: true,
      loadgenCpuKey: `${engine}SendsLoadgenCpuPct`,
    },
    {
      key: `${engine}SendsServerCpuPct`,
      label: () => `  server CPU during ${name} sends, % of a core`,
      digits: 0,
      ratio: false,
    },
    {
      key: `${engine}SendsLoadgenCpuPct`,
      label: () => `  load generator CPU during ${name} sends, %`,
      digits: 0,
      ratio: false,
    },
    {
      key: `${engine}OwnRoomsSendsPerSec`,
      label: (c) => `Acknowledged sends/s, ${name} (${c.sends.senders} senders, a room each) ↑`,
      digits: 0,
      ratio: true,
    },
    {
      key: `${engine}RawInsertsPerSec`,
      label: (c) =>
        engine === 'sqlite'
          ? `  raw better-sqlite3 inserts/s (${c.sends.senders} async loops, a transaction each)`
          : `  raw pg inserts/s (${c.sends.senders} async loops, pool of ${c.sends.postgresPool}, autocommit)`,
      digits: 0,
      ratio: false,
    },
  ];
}

/**
 * Acknowledged sends per second: `senders` users each in a closed loop of `message.send` over
 * a WebSocket of their own (as the SDK sends), on SQLite and on PostgreSQL, beside the raw driver's insert rate for
 * messages of the same shape. Confab only: the peers store nothing.
 */
export const sends: Workload = {
  name: 'sends',
  kind: 'own',
  systems: ['confab'],
  metrics: ENGINES.flatMap(engineMetrics),
  async run(_driver, config) {
    const metrics: Record<string, number> = {};
    const failures: string[] = [];
    for (const engine of ENGINES) {
      try {
        const result = await runEngine(engine, config);
        Object.assign(metrics, result.metrics);
        if (result.failure) failures.push(result.failure);
      } catch (error) {
        failures.push(`${ENGINE_LABEL[engine]}: ${error instanceof Error ? error.message : error}`);
      }
    }
    return { failure: failures.length > 0 ? failures.join('; ') : undefined, metrics };
  },
  dispose: () => databases.dispose(),
};
