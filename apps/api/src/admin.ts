#!/usr/bin/env node
// The admin command line: `pnpm confab <command>` at the repository root, or
// `node apps/api/dist/admin.js <command>`. It works on DATABASE_URL directly, so it needs no
// running server (and works while servers run).
import { existsSync } from 'node:fs';
import { type Bus, createRedisBus, createStoreFromUrl, type Store } from '@confab/server';
import { accountCommands } from './admin-accounts.js';
import { apiKeyCommands } from './admin-api-keys.js';
import { backupCommands } from './admin-backup.js';
import {
  type AdminContext,
  CliError,
  commandHelp,
  EXIT,
  findCommand,
  generalHelp,
} from './admin-cli.js';
import { retentionCommands } from './admin-retention.js';
import { parseEnv } from './env.js';

const commands = [
  ...accountCommands,
  ...apiKeyCommands,
  ...retentionCommands,
  ...backupCommands(process.env),
];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs one command line; resolves with the exit status. */
async function main(argv: string[]): Promise<number> {
  const found = findCommand(commands, argv);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (!found) {
    if (wantsHelp) {
      console.log(generalHelp(commands));
      return EXIT.ok;
    }
    if (argv[0]) console.error(`confab: unknown command: ${argv.join(' ')}\n`);
    console.error(generalHelp(commands));
    return EXIT.usage;
  }
  if (wantsHelp) {
    console.log(commandHelp(found.command));
    return EXIT.ok;
  }

  let store: Promise<Store> | undefined;
  let bus: Promise<Bus> | undefined;
  try {
    const env = parseEnv(process.env);
    const ctx: AdminContext = {
      env,
      store() {
        const path = env.DATABASE_URL.replace(/^sqlite:/, '');
        // The server makes a missing SQLite file; here a mistyped path would make an empty one.
        if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL) && !existsSync(path))
          throw new CliError(`no SQLite database at ${path} (DATABASE_URL)`);
        store ??= createStoreFromUrl(env.DATABASE_URL);
        return store;
      },
      async announceSessionsEnded(userId, sessionIds) {
        if (!env.REDIS_URL) return 'no-bus';
        bus ??= createRedisBus(env.REDIS_URL);
        const connected = await bus;
        for (const sessionId of sessionIds)
          await connected.publish(`user:${userId}`, { kind: 'session-ended', userId, sessionId });
        return 'told';
      },
      readStdin,
      out: (line) => console.log(line),
      now: Date.now,
    };
    await found.command.execute(found.rest, ctx);
    return EXIT.ok;
  } catch (error) {
    const usage = error instanceof CliError && error.exitCode === EXIT.usage;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`confab ${found.command.name}: ${message.replaceAll('\n', '\n  ')}`);
    if (usage) console.error(`\nUsage: confab ${found.command.name} ${found.command.usage}`);
    return error instanceof CliError ? error.exitCode : EXIT.failed;
  } finally {
    await Promise.allSettled([store?.then((s) => s.close()), bus?.then((b) => b.close())]);
  }
}

// Exit at once when done: everything opened was closed above, and nothing else is awaited.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(EXIT.failed);
  },
);
