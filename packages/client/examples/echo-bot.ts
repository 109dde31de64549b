/**
 * A bot built on the Confab SDK, in Node 20: signs in (registering on first run), joins a public
 * room by name (creating it if needed), and answers every message others post there with an
 * echo. It prints each event it receives and every connection state change.
 *
 *   pnpm --filter @confab/client example:echo -- --url http://127.0.0.1:3000 --room lobby
 *
 * Options: --url (default http://127.0.0.1:3000), --room (default lobby), --username
 * (default echo_bot), --password (default echo-bot-password), --transport (auto|ws|sse|poll).
 */
import { parseArgs } from 'node:util';
import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import { createChatClient, errorCodeOf, type TransportPreference } from '../src/index.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    room: { type: 'string', default: 'lobby' },
    username: { type: 'string', default: 'echo_bot' },
    password: { type: 'string', default: 'echo-bot-password' },
    transport: { type: 'string', default: 'auto' },
  },
});
const transport = values.transport as TransportPreference;

// Node 20 has no global WebSocket or EventSource: hand the SDK the packages' classes.
const nodeGlobals = {
  WebSocket,
  EventSource,
};

async function signIn(): Promise<string> {
  const anonymous = createChatClient({ url: values.url, autoConnect: false, ...nodeGlobals });
  const credentials = {
    username: values.username,
    password: values.password,
    deviceLabel: 'echo bot',
  };
  try {
    return (await anonymous.api.auth.login.mutate(credentials)).token;
  } catch (error) {
    if (errorCodeOf(error) !== 'INVALID_CREDENTIALS') throw error;
    return (await anonymous.api.auth.register.mutate({ ...credentials, displayName: 'Echo Bot' }))
      .token;
  } finally {
    anonymous.close();
  }
}

const token = await signIn();
const client = createChatClient({
  url: values.url,
  token,
  transport,
  ...nodeGlobals,
  autoConnect: false,
});
const me = (await client.api.auth.me.query()).user;

const existing = (await client.api.room.listPublic.query({ query: values.room })).find(
  (r) => r.name === values.room,
);
const room =
  existing ?? (await client.api.room.create.mutate({ kind: 'public', name: values.room }));
if (existing) await client.api.room.join.mutate({ roomId: room.id }).catch(() => undefined); // already a member is fine

client.on('state', ({ state, transport: using }) =>
  console.log(`[state] ${state}${using ? ` over ${using}` : ''}`),
);
client.on('event', (event) => {
  console.log(`[event] ${event.type}${'seq' in event ? ` #${event.seq}` : ''}`);
  if (
    event.type === 'message.created' &&
    event.roomId === room.id &&
    event.message.authorId !== me.id
  ) {
    // The outbox retries until acknowledged, with one clientMsgId: never a double echo.
    void client.send({ roomId: room.id, body: `echo: ${event.message.body}` });
  }
});
client.connect();
console.log(`${me.username} is echoing in "${room.name}" (${room.id}); Ctrl+C to stop`);

process.on('SIGINT', () => {
  client.close();
  process.exit(0);
});
