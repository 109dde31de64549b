import type { Logger } from '../observability/logger.js';
import type { Bus } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import { reportError } from '../report.js';

/**
 * Tells everyone who shares a room with the user, and the user's own devices, that the user's
 * profile changed (a `profile` event with the user as now stored), so that pictures next to
 * their messages and in member lists change at once. One bus message per person: avatar
 * changes are rate-limited (avatarWritePerUser), so this stays rare. Best-effort: the change is
 * committed already, so a failure is logged, never answered.
 */
export async function announceProfile(
  deps: { store: Store; bus: Bus; log?: Logger | undefined },
  userId: string,
): Promise<void> {
  try {
    const user = await deps.store.userById(userId);
    if (!user) return;
    const people = [userId, ...(await deps.store.peersOf(userId))];
    await Promise.all(
      people.map((id) =>
        deps.bus.publish(`user:${id}`, { kind: 'user', event: { type: 'profile', user } }),
      ),
    );
  } catch (error) {
    reportError('announcing a profile change', error, deps.log);
  }
}
