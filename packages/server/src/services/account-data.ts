import { type AccountExport, ERROR_CODES, type Message } from '@confab/contracts';
import { byCodeUnits } from '../code-units.js';
import { AppError } from '../errors.js';
import type { Services } from '../trpc.js';
import type { Authenticated } from './accounts.js';
import { verifyPassword } from './crypto.js';

/** Messages read per query while exporting: the export is built in pages, not one huge read. */
const EXPORT_PAGE = 1000;

type Deps = Pick<Services, 'store' | 'bus' | 'rooms' | 'accounts'>;

/**
 * A user's own data: exporting all of it (JSON) and deleting the account.
 *
 * What deletion does with their messages: they are kept, in the rooms' logs and history, as
 * written by the anonymised account ("Deleted user"). Other members keep the conversation they
 * had; what the person wrote in shared rooms is part of it. Their profile, sessions' device
 * labels, push subscriptions, mutes and memberships go. (Messages they want gone they delete
 * one by one before deleting the account; retention removes the rest in time.)
 */
export function accountData(deps: Deps, now: () => number = Date.now) {
  const { store, bus, rooms, accounts } = deps;

  /** Every message the user wrote, oldest first (the store pages them by clientMsgId). */
  async function allMessages(userId: string): Promise<Message[]> {
    const messages: Message[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.messagesBy(userId, { after, limit: EXPORT_PAGE });
      messages.push(...page);
      const last = page.at(-1);
      if (!last || page.length < EXPORT_PAGE) break;
      after = last.clientMsgId;
    }
    // Ids are time-ordered: they order messages sent within one millisecond.
    return messages.sort((a, b) => a.createdAt - b.createdAt || byCodeUnits(a.id, b.id));
  }

  return {
    async export(auth: Authenticated): Promise<AccountExport> {
      const userId = auth.user.id;
      const [settings, sessions, memberships, levels, messages, subscriptions] = await Promise.all([
        store.settingsOf(userId),
        accounts.sessions(auth),
        store.membershipsOf(userId),
        store.roomLevelsOf(userId),
        allMessages(userId),
        store.pushSubscriptionsOwnedBy(userId),
      ]);
      const levelOf = new Map(levels.map((l) => [l.roomId, l.level]));
      return {
        format: 'confab.account-export.v1',
        exportedAt: now(),
        user: auth.user,
        settings,
        sessions,
        rooms: memberships.map((m) => {
          const notificationLevel = levelOf.get(m.room.id) ?? 'all';
          return { ...m, muted: notificationLevel !== 'all', notificationLevel };
        }),
        messages,
        pushSubscriptions: subscriptions,
      };
    },

    /**
     * Deletes the caller's account once they confirm their password: every session is revoked
     * and its live streams end (SESSION_REVOKED), every membership ends with a member.left that
     * the rooms' other members see.
     */
    async delete(auth: Authenticated, password: string): Promise<void> {
      const record = await store.userByUsername(auth.user.username);
      if (
        !record ||
        record.id !== auth.user.id ||
        !(await verifyPassword(password, record.passwordHash))
      )
        throw new AppError(ERROR_CODES.INVALID_CREDENTIALS, 'Wrong password');
      const deleted = await store.deleteAccount(auth.user.id, now());
      // Deleted meanwhile by another of their devices: that call told everyone.
      if (deleted === 'not-found')
        throw new AppError(ERROR_CODES.SESSION_REVOKED, 'This session was signed out');
      for (const sessionId of deleted.sessionIds) {
        accounts.forgetSession(auth.user.id, sessionId);
        await bus.publish(`user:${auth.user.id}`, {
          kind: 'session-ended',
          userId: auth.user.id,
          sessionId,
        });
      }
      await rooms.publish(deleted.events);
    },
  };
}
