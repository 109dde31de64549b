import { newApiKey } from '@confab/server';
import * as z from 'zod';
import { CliError, defineCommand } from './admin-cli.js';

const KeyName = z
  .string()
  .trim()
  .min(1, 'name the key (who holds it)')
  .max(100, 'at most 100 characters')
  .regex(/^[^\p{Cc}]*$/u, 'one line of text');

export const apiKeyCommands = [
  defineCommand({
    name: 'api-key create',
    summary: 'create an API key for the push API (shown once)',
    usage: '<name>',
    details:
      'Makes a random key for the server-to-server push API (header X-Api-Key) and prints it ' +
      'once: only its SHA-256 is stored, so it cannot be shown again. Running servers accept it ' +
      'at once, beside the keys in API_KEYS. Prints "id <id>" then "key <key>".',
    positionals: ['name'],
    input: z.object({ name: KeyName }),
    async run(input, ctx) {
      const { key, record } = newApiKey(input.name, ctx.now());
      await (await ctx.store()).createApiKey(record);
      ctx.out(`id ${record.id}`);
      ctx.out(`key ${key}`);
    },
  }),

  defineCommand({
    name: 'api-key list',
    summary: 'list stored API keys (not their secrets)',
    usage: '',
    details:
      'One line per stored key, oldest first: id, state (live, or revoked <when>), created, ' +
      'name (tab-separated). Keys given in API_KEYS are not stored and not listed.',
    positionals: [],
    input: z.object({}),
    async run(_input, ctx) {
      const keys = await (await ctx.store()).apiKeys();
      if (keys.length === 0) ctx.out('no stored API keys');
      for (const k of keys) {
        const state =
          k.revokedAt === null ? 'live' : `revoked ${new Date(k.revokedAt).toISOString()}`;
        ctx.out([k.id, state, new Date(k.createdAt).toISOString(), k.name].join('\t'));
      }
    },
  }),

  defineCommand({
    name: 'api-key revoke',
    summary: 'revoke a stored API key',
    usage: '<id>',
    details:
      'Revokes the key (id from `api-key list`): every running server refuses it from then on.',
    positionals: ['id'],
    input: z.object({ id: z.string().min(1).max(64) }),
    async run(input, ctx) {
      if (!(await (await ctx.store()).revokeApiKey(input.id, ctx.now())))
        throw new CliError(`no live API key with id ${input.id}`);
      ctx.out(`API key ${input.id} revoked`);
    },
  }),
];
