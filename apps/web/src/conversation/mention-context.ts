import type { Member, Role } from '@confab/contracts';
import { createContext, useContext } from 'react';

/** What message text and the composer need to know about the open room's people. */
export interface RoomPeople {
  /** The room's members, null until loaded. */
  members: readonly Member[] | null;
  /** Their usernames (lower case): `@name` is highlighted only for these. */
  usernames: ReadonlySet<string>;
  /** The signed-in user's username, whose mentions are highlighted strongly. */
  myUsername: string | null;
  /** The signed-in user's role in the room (`@room` is offered to owners and admins). */
  myRole: Role | null;
}

const NOBODY: RoomPeople = { members: null, usernames: new Set(), myUsername: null, myRole: null };

export const RoomPeopleContext = createContext<RoomPeople>(NOBODY);

/** The open room's people (everything empty outside a conversation). */
export function useRoomPeople(): RoomPeople {
  return useContext(RoomPeopleContext);
}
