import { z } from 'zod';
import { CliError, defineCommand } from './admin-cli.js';

export const retentionCommands = [
  defineCommand({
    name: 'retention run',
    summary: 'apply message retention now (not available yet)',
    usage: '',
    details:
      'Will delete messages older than the retention settings allow, as the background job ' +
      'does. Message retention is not built yet, so this command only says so and exits 1.',
    positionals: [],
    input: z.object({}),
    async run() {
      throw new CliError('retention run: not available yet (message retention is not built)');
    },
  }),
];
