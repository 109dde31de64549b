import { randomBytes } from 'node:crypto';
import { DisplayName, LIMITS, Password, Username } from '@confab/contracts';
import { hashPassword, isCommonPassword, newId, type Store } from '@confab/server';
import * as z from 'zod';
import { type AdminContext, CliError, defineCommand } from './admin-cli.js';

const passwordStdin = { 'password-stdin': { type: 'boolean' } } as const;
const PASSWORD_HELP =
  'With --password-stdin the password is read from stdin (one line); without it a random one ' +
  'is made and printed once. A password is never taken as an argument: ps and shell history ' +
  'would show it.';

/** The password from stdin, or a random one to print; either way checked as sign-up checks it. */
async function passwordFor(
  fromStdin: boolean | undefined,
  ctx: AdminContext,
): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: randomBytes(18).toString('base64url'), generated: true };
  // One trailing newline is the end of the line typed or echoed, not part of the password.
  const typed = (await ctx.readStdin()).replace(/\r?\n$/, '');
  const checked = Password.safeParse(typed);
  if (!checked.success)
    throw new CliError(`password: ${checked.error.issues[0]?.message ?? 'invalid'}`, 2);
  if (await isCommonPassword(typed))
    throw new CliError('password: one of the most common passwords; choose another', 2);
  return { password: typed, generated: false };
}

async function userNamed(store: Store, username: string) {
  const user = await store.userByUsername(username);
  if (!user) throw new CliError(`no user named ${username}`);
  return user;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Revokes the sessions and tells running servers, so their streams end and their cache forgets. */
async function revokeSessions(
  ctx: AdminContext,
  userId: string,
  sessionIds: readonly string[],
): Promise<string[]> {
  const store = await ctx.store();
  const at = ctx.now();
  const revoked: string[] = [];
  for (const id of sessionIds) if (await store.revokeSession(userId, id, at)) revoked.push(id);
  if (revoked.length > 0 && (await ctx.announceSessionsEnded(userId, revoked)) === 'no-bus')
    ctx.out(
      'Without REDIS_URL a running server hears of this only when it next reads the session: ' +
        'requests are refused within a minute, open streams end at their next reconnect.',
    );
  return revoked;
}

export const accountCommands = [
  defineCommand({
    name: 'user create',
    summary: 'create a user (password from stdin, or a generated one)',
    usage: '<username> [--display-name NAME] [--password-stdin]',
    details: `Creates an account, as signing up would. The display name defaults to the username.\n${PASSWORD_HELP}`,
    positionals: ['username'],
    options: { 'display-name': { type: 'string' }, ...passwordStdin },
    input: z.object({
      username: Username,
      'display-name': DisplayName.optional(),
      'password-stdin': z.boolean().optional(),
    }),
    async run(input, ctx) {
      const { password, generated } = await passwordFor(input['password-stdin'], ctx);
      const store = await ctx.store();
      const id = newId();
      const result = await store.createUser({
        id,
        username: input.username,
        displayName: input['display-name'] ?? input.username,
        createdAt: ctx.now(),
        passwordHash: await hashPassword(password),
      });
      if (result === 'username-taken') throw new CliError(`username ${input.username} is taken`);
      ctx.out(`Created user ${input.username} (id ${id})`);
      if (generated) ctx.out(`Password (shown once): ${password}`);
    },
  }),

  defineCommand({
    name: 'user reset-password',
    summary: "set a user's password and sign out all their sessions",
    usage: '<username> [--password-stdin]',
    details: `Replaces the password and revokes every session of the user: each device must sign in again.\n${PASSWORD_HELP}`,
    positionals: ['username'],
    options: passwordStdin,
    input: z.object({ username: Username, 'password-stdin': z.boolean().optional() }),
    async run(input, ctx) {
      const { password, generated } = await passwordFor(input['password-stdin'], ctx);
      const store = await ctx.store();
      const user = await userNamed(store, input.username);
      const changed = await store.updatePasswordHash(user.id, {
        from: user.passwordHash,
        to: await hashPassword(password),
      });
      // The compare-and-set lost to a login rehashing the password at the same moment.
      if (!changed) throw new CliError('the password changed meanwhile; run the command again');
      const sessions = await store.sessionsOf(user.id);
      const revoked = await revokeSessions(
        ctx,
        user.id,
        sessions.map((s) => s.id),
      );
      ctx.out(`Password of ${input.username} reset; ${revoked.length} session(s) revoked`);
      if (generated) ctx.out(`Password (shown once): ${password}`);
    },
  }),

  defineCommand({
    name: 'sessions list',
    summary: "list a user's sessions that are not revoked",
    usage: '<username>',
    details:
      'One line per session, most recently used first: id, state (live, or expired after ' +
      `${LIMITS.sessionIdleTtlMs / 86_400_000} idle days), created, last seen, device label (tab-separated).`,
    positionals: ['username'],
    input: z.object({ username: Username }),
    async run(input, ctx) {
      const store = await ctx.store();
      const user = await userNamed(store, input.username);
      const sessions = await store.sessionsOf(user.id);
      if (sessions.length === 0) ctx.out(`${input.username} has no sessions`);
      for (const s of sessions) {
        const state = ctx.now() - s.lastSeenAt > LIMITS.sessionIdleTtlMs ? 'expired' : 'live';
        ctx.out([s.id, state, iso(s.createdAt), iso(s.lastSeenAt), s.deviceLabel].join('\t'));
      }
    },
  }),

  defineCommand({
    name: 'sessions revoke',
    summary: 'sign out one session of a user, or all of them (--all)',
    usage: '<username> (<session-id> | --all)',
    details:
      'Revokes the session (ids from `sessions list`), or every session with --all. With ' +
      'REDIS_URL set, running servers are told at once: their open streams of it end.',
    positionals: ['username', 'session-id?'],
    options: { all: { type: 'boolean' } },
    input: z
      .object({
        username: Username,
        'session-id': z.string().min(1).max(64).optional(),
        all: z.boolean().optional(),
      })
      .refine((i) => (i['session-id'] === undefined) === (i.all === true), {
        message: 'name one <session-id>, or pass --all (not both)',
      }),
    async run(input, ctx) {
      const store = await ctx.store();
      const user = await userNamed(store, input.username);
      const chosen = input['session-id'];
      const ids =
        chosen !== undefined ? [chosen] : (await store.sessionsOf(user.id)).map((s) => s.id);
      const revoked = await revokeSessions(ctx, user.id, ids);
      if (chosen !== undefined && revoked.length === 0)
        throw new CliError(`${input.username} has no live session ${chosen}`);
      ctx.out(`${revoked.length} session(s) of ${input.username} revoked`);
    },
  }),
];
