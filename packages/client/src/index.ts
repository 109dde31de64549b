export type { AppRouter } from '@confab/server';
export {
  type ChatClient,
  type ChatClientOptions,
  createChatClient,
  type Transport,
} from './client.js';
export { errorCodeOf, errorMessageOf } from './errors.js';
