import { createChatClient, signIn } from '@confab/client';

// Never run: compiled by `npm run check`, which fails if any call below stops being an error.
const chat = createChatClient({ url: 'https://chat.example.com', token: 't', autoConnect: false });

// @ts-expect-error a procedure the API does not have (message.histroy)
await chat.api.message.histroy.query({ roomId: 'r1' });

// @ts-expect-error an input of the wrong type (limit is a number)
await chat.api.message.history.query({ roomId: 'r1', limit: '50' });

// @ts-expect-error signing in needs a password
await signIn('https://chat.example.com', { username: 'ada' });
