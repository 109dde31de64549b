import { type ChatClient, errorCodeOf } from '@confab/client';

/** The public room called `name`, joined (or created, when there is none yet). */
export async function joinRoomByName(chat: ChatClient, name: string) {
  const found = (await chat.api.room.listPublic.query({ query: name })).find(
    (room) => room.name === name,
  );
  if (!found) return chat.api.room.create.mutate({ kind: 'public', name });
  try {
    await chat.api.room.join.mutate({ roomId: found.id });
  } catch (error) {
    // A member already: nothing to do.
    if (errorCodeOf(error) !== 'CONFLICT') throw error;
  }
  return found;
}
