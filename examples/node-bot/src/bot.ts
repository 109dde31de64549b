/**
 * A Confab bot: signs in with its own account, joins a public room and answers "!ping" with
 * "pong". Run with `npm start` (settings: see config.ts and the README).
 */
import { createChatClient } from '@confab/client';
import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import { configFromEnv } from './config.js';
import { joinRoomByName } from './room.js';
import { signInOrRegister } from './sign-in.js';

const config = configFromEnv(process.env);
const token = await signInOrRegister(config);
// Node 20 has no global WebSocket or EventSource: the SDK takes the packages' classes.
const chat = createChatClient({
  url: config.url,
  token,
  WebSocket,
  EventSource,
  autoConnect: false,
});
const me = (await chat.api.auth.me.query()).user;
const roomId = await joinRoomByName(chat, config.room);

chat.on('state', ({ state }) => console.log(`state: ${state}`));
chat.on('event', (event) => {
  if (event.type !== 'message.created' || event.roomId !== roomId) return;
  if (event.message.authorId === me.id) return; // never answer itself
  if (event.message.body.trim() !== '!ping') return;
  // The outbox retries with one id until the server has it: at most one pong per ping.
  chat
    .send({ roomId, body: 'pong' })
    .catch((error: unknown) => console.error('send failed', error));
});
chat.on('state', ({ state }) => {
  if (state === 'connected') console.log(`ready: ${me.username} answers !ping in ${roomId}`);
});
chat.connect();

const stop = () => {
  chat.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
