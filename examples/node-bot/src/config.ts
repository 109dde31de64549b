/** The bot's settings, from the environment (see the README). */
export interface BotConfig {
  /** The Confab server, e.g. https://chat.example.com. */
  url: string;
  username: string;
  password: string;
  /** The public room to answer in, by name (created when missing). */
  room: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv): BotConfig {
  const password = env.BOT_PASSWORD;
  if (!password) throw new Error('Set BOT_PASSWORD (the bot account is registered on first run)');
  return {
    url: env.CONFAB_URL ?? 'http://127.0.0.1:3000',
    username: env.BOT_USERNAME ?? 'ping_bot',
    password,
    room: env.BOT_ROOM ?? 'lobby',
  };
}
