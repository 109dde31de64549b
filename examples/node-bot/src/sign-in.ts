import { errorCodeOf, register, signIn } from '@confab/client';
import type { BotConfig } from './config.js';

/** The bot account's session token: signs in, and registers the account on its first run. */
export async function signInOrRegister(config: BotConfig): Promise<string> {
  const credentials = {
    username: config.username,
    password: config.password,
    deviceLabel: 'ping bot',
  };
  try {
    return (await signIn(config.url, credentials)).token;
  } catch (error) {
    if (errorCodeOf(error) !== 'INVALID_CREDENTIALS') throw error;
    return (await register(config.url, { ...credentials, displayName: 'Ping Bot' })).token;
  }
}
