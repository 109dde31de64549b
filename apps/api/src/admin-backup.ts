import { resolve } from 'node:path';
import { backupDatabase, restoreDatabase, type StoreSummary } from '@confab/server';
import * as z from 'zod';
import { defineCommand } from './admin-cli.js';

const File = z.string().min(1, 'name a file').max(4096);
const force = { force: { type: 'boolean' } } as const;
const FileInput = z.object({ file: File, force: z.boolean().default(false) });

const described = (s: StoreSummary) => `${s.users} users, ${s.rooms} rooms, ${s.messages} messages`;

/** `toolEnv`: what PostgreSQL's tools run with (PATH, and any PG* settings of the caller). */
export function backupCommands(toolEnv: Record<string, string | undefined>) {
  return [
    defineCommand({
      name: 'backup',
      summary: 'back up the database while Confab runs',
      usage: '<file> [--force]',
      details:
        'Writes a consistent snapshot of DATABASE_URL to <file> while servers keep running: ' +
        "SQLite's online backup API (the file is a SQLite database) or pg_dump -Fc for " +
        'PostgreSQL. The file appears only once complete and checked. An existing <file> is ' +
        'kept unless --force. Restore it with `confab restore`.',
      positionals: ['file'],
      options: force,
      input: FileInput,
      async run(input, ctx) {
        const done = await backupDatabase(ctx.env.DATABASE_URL, input.file, {
          force: input.force,
          toolEnv,
        });
        const what = done.summary ? `: ${described(done.summary)}` : '';
        ctx.out(`Backed up to ${resolve(input.file)} (${done.kind}, ${done.bytes} bytes)${what}`);
      },
    }),

    defineCommand({
      name: 'restore',
      summary: 'restore a backup into a new database (--force to replace one)',
      usage: '<file> [--force]',
      details:
        'Restores a backup made by `confab backup` into DATABASE_URL: a SQLite path (made if ' +
        'missing) or an empty PostgreSQL database (createdb NAME first). Refused when the ' +
        'database already holds data, or (PostgreSQL) has other sessions open: stop every ' +
        'server on it and pass --force to replace it. Then start Confab on it.',
      positionals: ['file'],
      options: force,
      input: FileInput,
      async run(input, ctx) {
        const summary = await restoreDatabase(input.file, ctx.env.DATABASE_URL, {
          force: input.force,
          toolEnv,
        });
        ctx.out(`Restored ${resolve(input.file)}: ${described(summary)}`);
      },
    }),
  ];
}
