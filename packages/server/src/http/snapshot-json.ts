import type { FlatEvent, LiveEvent, PresenceState, StreamEvent } from '@confab/contracts';

/** The JSON of each frozen state object a snapshot has listed (shared: see PresenceView). */
const stateJson = new WeakMap<PresenceState, string>();

/**
 * The JSON of each frozen list of states a snapshot carried, by how it was written: a user's
 * devices share one list while presence holds (services/presence-snapshots.ts).
 */
const listJson = new WeakMap<readonly PresenceState[], Map<string, string>>();

/**
 * The JSON `encode` makes of a snapshot of `users`, kept with the list when it is frozen (and so
 * can no longer change). `as` names the encoding (a format may write a snapshot its own way).
 */
export function snapshotJson(
  users: readonly PresenceState[],
  as: string,
  encode: () => string,
): string {
  if (!Object.isFrozen(users)) return encode();
  let byWay = listJson.get(users);
  if (!byWay) {
    byWay = new Map();
    listJson.set(users, byWay);
  }
  let json = byWay.get(as);
  if (json === undefined) {
    json = encode();
    byWay.set(as, json);
  }
  return json;
}

/**
 * An event's JSON, as JSON.stringify writes it. Every device that connects gets a presence
 * snapshot of its own, often of hundreds of people (a reconnect storm: thousands at once), and
 * stringifying it was most of what its sync point and snapshot cost. Its entries are the view's
 * shared state objects, each encoded once here; the snapshot joins their JSON. The bytes are
 * JSON.stringify's (snapshot-json.test.ts); a snapshot with other fields than `type` and
 * `users` is left to JSON.stringify.
 */
export function eventJson(event: StreamEvent | LiveEvent | FlatEvent): string {
  // A snapshot as two lists of ids (IdsPresenceSnapshot): JSON.stringify's own work.
  if (event.type !== 'presence.snapshot' || !('users' in event) || Object.keys(event).length !== 2)
    return JSON.stringify(event);
  const { users } = event;
  return snapshotJson(users, 'states', () => statesJson(users));
}

function statesJson(users: readonly PresenceState[]): string {
  const parts: string[] = [];
  for (const state of users) {
    let json = stateJson.get(state);
    if (json === undefined) {
      json = JSON.stringify(state);
      // Only a frozen state is sure to stay as encoded.
      if (Object.isFrozen(state)) stateJson.set(state, json);
    }
    parts.push(json);
  }
  return `{"type":"presence.snapshot","users":[${parts.join(',')}]}`;
}
