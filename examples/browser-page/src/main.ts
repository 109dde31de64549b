/**
 * Sign in with a Confab account, show a public room's messages live and send to it. The page
 * may be served from any origin the Confab server lists in CORS_ORIGINS: the SDK sends the
 * session as a bearer token (cookies never cross origins).
 */
import { createChatClient, errorMessageOf, signIn } from '@confab/client';
import { createMessageList } from './message-list.js';
import { joinRoomByName } from './room.js';

function element<T extends HTMLElement>(selector: string, type: new () => T): T {
  const found = document.querySelector(selector);
  if (!(found instanceof type)) throw new Error(`index.html has no ${selector}`);
  return found;
}

const signInForm = element('#sign-in', HTMLFormElement);
const signInError = element('#sign-in-error', HTMLOutputElement);
const chatSection = element('#chat', HTMLElement);
const sendForm = element('#send', HTMLFormElement);
const status = element('#status', HTMLSpanElement);

// The server: ?server=... in the address, else VITE_CONFAB_URL at build time.
const serverInput = signInForm.elements.namedItem('server');
if (serverInput instanceof HTMLInputElement)
  serverInput.value =
    new URLSearchParams(location.search).get('server') ?? import.meta.env.VITE_CONFAB_URL ?? '';

signInForm.addEventListener('submit', (submit) => {
  submit.preventDefault();
  const form = new FormData(signInForm);
  const field = (name: string) => String(form.get(name) ?? '');
  signInError.value = '';
  start(field('server'), field('username'), field('password'), field('room')).catch(
    (error: unknown) => {
      signInError.value = errorMessageOf(error);
    },
  );
});

async function start(url: string, username: string, password: string, roomName: string) {
  const { token } = await signIn(url, { username, password, deviceLabel: 'plain page' });
  const chat = createChatClient({ url, token, autoConnect: false });
  const room = await joinRoomByName(chat, roomName);
  const messages = createMessageList(element('#messages', HTMLUListElement), chat, room.id);
  await messages.load();

  chat.on('state', ({ state }) => {
    status.textContent = state;
  });
  chat.on('event', (event) => {
    if (event.type === 'message.created' && event.roomId === room.id)
      void messages.add(event.seq, event.message.authorId, event.message.body);
  });
  chat.connect();

  sendForm.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const input = sendForm.elements.namedItem('body');
    if (!(input instanceof HTMLInputElement) || !input.value.trim()) return;
    // Resolves once stored; the message shows when the stream delivers it, as for everyone.
    chat.send({ roomId: room.id, body: input.value }).catch((error: unknown) => {
      signInError.value = errorMessageOf(error);
    });
    input.value = '';
  });

  element('#room-name', HTMLElement).textContent = room.name;
  signInForm.hidden = true;
  chatSection.hidden = false;
}
