export {
  createPostgresStore,
  createSqliteStore,
  createStoreFromUrl,
} from './adapters/kysely/store.js';
export { createMemoryBus } from './adapters/memory-bus.js';
export {
  type ChatServer,
  type ChatServerConfig,
  createChatServer,
  TRPC_PATH,
} from './http/server.js';
export type { Bus, BusMessage, BusTopic } from './ports/bus.js';
export type { Store } from './ports/store.js';
export type { AppRouter } from './routers/root.js';
export type { ErrorData } from './trpc.js';
