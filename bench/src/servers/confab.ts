// Confab as the api process composes it (apps/api/src/main.ts): a SQLite store, the memory
// bus and createChatServer, here with no web app. The runner reads its CPU and RSS from /proc;
// IPC only reports the port and, for the RSS workload, runs gc.
import { createChatServer, createMemoryBus, createSqliteStore } from '@confab/server';
import { host } from './host.js';

const databasePath = process.argv[2];
if (!databasePath) throw new Error('Usage: confab.ts <sqlite-file>');

const store = await createSqliteStore(databasePath);
const server = createChatServer({ store, bus: createMemoryBus() });

await host({
  listen: async () => Number(new URL(await server.listen(0, '127.0.0.1')).port),
  subscribers: () => -1,
  close: () => server.close(),
});
