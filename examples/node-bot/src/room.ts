import { type ChatClient, errorCodeOf } from '@confab/client';

/** The public room called `name`, joined (or created, when there is none yet). Returns its id. */
export async function joinRoomByName(chat: ChatClient, name: string): Promise<string> {
  const found = (await chat.api.room.listPublic.query({ query: name })).find(
    (room) => room.name === name,
  );
  if (!found) return (await chat.api.room.create.mutate({ kind: 'public', name })).id;
  try {
    await chat.api.room.join.mutate({ roomId: found.id });
  } catch (error) {
    // A member already (the bot ran before): nothing to do.
    if (errorCodeOf(error) !== 'CONFLICT') throw error;
  }
  return found.id;
}
