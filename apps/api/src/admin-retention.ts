import { createRetention } from '@confab/server';
import * as z from 'zod';
import { defineCommand } from './admin-cli.js';

export const retentionCommands = [
  defineCommand({
    name: 'retention run',
    summary: 'apply message retention now',
    usage: '[--default-days N]',
    details:
      'Deletes what retention allows now, as the background job does: in each room with its ' +
      'own retention, messages older than that many days; in rooms without one, messages ' +
      'older than RETENTION_DAYS (the server default) or --default-days N. Safe while ' +
      'servers run (one bounded transaction per step; devices behind the cut are told). ' +
      'Prints what was deleted.',
    positionals: [],
    options: { 'default-days': { type: 'string' } },
    input: z.object({
      'default-days': z.coerce.number().int().min(1).max(36_500).optional(),
    }),
    async run(input, ctx) {
      const retention = createRetention(await ctx.store(), {
        defaultDays: input['default-days'] ?? ctx.env.RETENTION_DAYS ?? null,
      });
      const report = await retention.applyRetention(ctx.now());
      ctx.out(
        `Retention applied: ${report.messages} messages and ${report.events} log entries ` +
          `deleted in ${report.rooms} rooms`,
      );
    },
  }),
];
