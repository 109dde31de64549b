import { createChatClient } from '@confab/client';

// Never run: compiled by `npm run check`, which fails if any call below stops being an error.
const chat = createChatClient({ url: 'http://127.0.0.1:3000', token: 't', autoConnect: false });

// @ts-expect-error a procedure the API does not have (room.joinn)
await chat.api.room.joinn.mutate({ roomId: 'r1' });

// @ts-expect-error an input of the wrong type (roomId is a string)
await chat.api.room.join.mutate({ roomId: 42 });

// @ts-expect-error a send without its body
await chat.send({ roomId: 'r1' });
