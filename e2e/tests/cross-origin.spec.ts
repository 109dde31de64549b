import { expect, type Page, test } from '@playwright/test';
import { apiUser } from '../fixtures/api';
import {
  fetchFrom,
  probeEventSource,
  probeSocket,
  type SeenRequest,
  type SocketProbe,
  startAttackerSite,
  watchNetwork,
} from '../fixtures/attacker';
import {
  createRoom,
  type Device,
  messageBodies,
  openRoomId,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';
import { e2ePort } from '../fixtures/port';

/**
 * Cross-site WebSocket hijacking (regression for the finding fixed in 986c3f7): a WebSocket has
 * no CORS, and the session cookie is SameSite=Lax, so the browser sends it with an upgrade from
 * any same-site page: another port of the same host, a sibling subdomain. Before the origin
 * check such a page read every private room of the signed-in user and posted as them. Here
 * the attacker's page is another port of 127.0.0.1, open in the victim's own browser.
 */

const confab = `http://127.0.0.1:${e2ePort()}`;
const socketUrl = `${confab.replace(/^http/, 'ws')}/trpc`;

/** The three raw tRPC frames a hijacker sends: read, write, listen. */
function hijackFrames(roomId: string, body: string): string[] {
  return [
    { id: 1, method: 'query', params: { path: 'room.mine' } },
    {
      id: 2,
      method: 'mutation',
      params: {
        path: 'message.send',
        input: { roomId, body, clientMsgId: `probe-${uniqueSuffix()}` },
      },
    },
    { id: 3, method: 'subscription', params: { path: 'events.onEvent', input: {} } },
  ].map((frame) => JSON.stringify(frame));
}

const unauthenticated = (id: number) => ({
  id,
  error: { data: { appCode: 'UNAUTHENTICATED', code: 'UNAUTHORIZED', httpStatus: 401 } },
});

/** The bodies of the room's latest messages, oldest first, read by the victim's own page. */
async function historyBodies(page: Page, roomId: string): Promise<string[]> {
  const input = encodeURIComponent(JSON.stringify({ roomId }));
  const result = await fetchFrom(page, `/trpc/message.history?input=${input}`);
  if (!result.read || result.status !== 200) throw new Error(`history: ${JSON.stringify(result)}`);
  const json = JSON.parse(result.body) as {
    result: { data: { messages: { seq: number; body: string }[] } };
  };
  return json.result.data.messages.sort((a, b) => a.seq - b.seq).map((m) => m.body);
}

let victim: Device;
let roomId: string;
let roomName: string;
let secret: string;
let attacker: Awaited<ReturnType<typeof startAttackerSite>>;
let evil: Page;
let network: Awaited<ReturnType<typeof watchNetwork>>;

test.beforeAll(async ({ browser }) => {
  victim = await signedInUser(browser, 'Victim');
  roomName = `Private ${uniqueSuffix()}`;
  await createRoom(victim.page, roomName, 'private');
  roomId = openRoomId(victim.page);
  secret = `The launch code is ${uniqueSuffix()}`;
  await send(victim.page, secret);
  attacker = await startAttackerSite();
  // The victim's context, so the victim's cookie jar: as when they follow a link in a new tab.
  evil = await victim.context.newPage();
  network = await watchNetwork(victim.context, evil);
  await evil.goto(attacker.url);
});

test.afterAll(async () => {
  await attacker?.close();
  await victim?.context.close();
});

test('a WebSocket from another port of the same host is served as anonymous', async () => {
  // The browser sends the session cookie with such an upgrade (so only the server can stand in
  // the way). DevTools does not show a handshake's cookies, so a witness on a third port of
  // the host records one: the cookie is host-only and ports are no part of it or of the site.
  const witness = await startAttackerSite();
  try {
    const refused = await evil.evaluate(probeSocket, {
      url: witness.url.replace(/^http/, 'ws'),
      frames: [],
      ids: [],
    });
    expect(refused).toEqual({ frames: [], closeCode: 1006 });
    expect(witness.seen).toHaveLength(1);
    expect(witness.seen[0]).toMatchObject({
      origin: attacker.origin,
      cookie: expect.stringContaining('confab_session='),
    });
  } finally {
    await witness.close();
  }

  const hijack: SocketProbe = await evil.evaluate(probeSocket, {
    url: socketUrl,
    frames: hijackFrames(roomId, 'Posted by the attacker'),
    ids: [1, 2, 3],
  });
  expect(hijack).toEqual({
    closeCode: null,
    frames: [expect.anything(), expect.anything(), expect.anything()],
  });
  for (const id of [1, 2, 3])
    expect(hijack.frames.find((f) => f.id === id)).toMatchObject(unauthenticated(id));
  // Each error frame was the server's last word on its call, so nothing was posted; a message
  // sent after them proves the history read is current.
  // (`send` returns once the composer is cleared; the message is committed a moment later, after
  // the outbox has written it to IndexedDB and the server answered: read until it is there.)
  await send(victim.page, 'After the attack');
  await expect.poll(() => historyBodies(victim.page, roomId)).toEqual([secret, 'After the attack']);

  // Control: the very same script from Confab's own page is served with the cookie, so the
  // assertions above tell a closed hole from a probe that never worked.
  const own: SocketProbe = await victim.page.evaluate(probeSocket, {
    url: socketUrl,
    frames: hijackFrames(roomId, 'Posted from the own origin'),
    ids: [1, 2, 3],
  });
  expect(own.closeCode).toBeNull();
  expect(own.frames.find((f) => f.id === 1)).toMatchObject({
    id: 1,
    result: {
      type: 'data',
      data: [
        {
          room: { id: roomId, kind: 'private', name: roomName },
          lastMessage: { body: 'After the attack' },
        },
      ],
    },
  });
  expect(own.frames.find((f) => f.id === 2)).toMatchObject({
    result: { type: 'data', data: { seq: expect.any(Number) } },
  });
  expect(own.frames.find((f) => f.id === 3)).toEqual({ id: 3, result: { type: 'started' } });
  await expect(messageBodies(victim.page)).toHaveText([
    secret,
    'After the attack',
    'Posted from the own origin',
  ]);
});

test('a credentialed fetch from another port reads nothing and signs nobody in', async () => {
  // A GET is a "simple" request: the browser sends it, cookie and all, and only hides the
  // answer from the page (no Access-Control-Allow-Origin). The server must still have
  // answered as to a stranger: 401, where the victim's own page gets 200.
  const mine = `${confab}/trpc/room.mine`;
  expect(await fetchFrom(evil, mine, { credentials: 'include' })).toEqual({
    read: false,
    error: 'TypeError',
  });
  await expect
    .poll(() => network.requestsTo(mine))
    .toEqual([
      {
        method: 'GET',
        url: mine,
        cookies: ['confab_session', 'confab_signed_in'],
        origin: attacker.origin,
        site: 'same-site',
        status: 401,
        corsError: 'MissingAllowOriginHeader',
      },
    ]);

  // In no-cors mode the browser sends no Origin at all, only Sec-Fetch-Site: same-site (the
  // other branch of the server's check). The page gets an opaque answer either way.
  const noCors = `${mine}?mode=no-cors`;
  expect(await fetchFrom(evil, noCors, { credentials: 'include', mode: 'no-cors' })).toEqual({
    read: true,
    status: 0,
    body: '',
  });
  await expect
    .poll(() => network.requestsTo(noCors))
    .toEqual([
      {
        method: 'GET',
        url: noCors,
        cookies: ['confab_session', 'confab_signed_in'],
        site: 'same-site',
        status: 401,
      },
    ]);

  // Login CSRF: signing the victim's browser into the attacker's account. As text/plain the
  // POST needs no preflight and reaches the server, which takes mutations as JSON only; as
  // JSON the browser asks first (preflight), gets no CORS grant and never sends it.
  const mallory = await apiUser(`mallory_${uniqueSuffix()}`, 'Mallory');
  const login = `${confab}/trpc/auth.loginWithCookie`;
  const body = JSON.stringify({ username: mallory.username, password: mallory.password });
  for (const contentType of ['text/plain', 'application/json'])
    expect(
      await fetchFrom(evil, login, {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': contentType },
        body,
      }),
    ).toEqual({ read: false, error: 'TypeError' });
  // Chromium reports these three in no fixed order: sorted by method, then cookies sent.
  const byMethod = (x: SeenRequest, y: SeenRequest) =>
    x.method.localeCompare(y.method) || y.cookies.length - x.cookies.length;
  await expect
    .poll(() => network.requestsTo(login).sort(byMethod))
    .toEqual([
      // The preflight (never with cookies): whatever its status, it grants no origin.
      {
        method: 'OPTIONS',
        url: login,
        cookies: [],
        origin: attacker.origin,
        site: 'same-site',
        status: expect.any(Number),
      },
      {
        method: 'POST',
        url: login,
        cookies: ['confab_session', 'confab_signed_in'],
        origin: attacker.origin,
        site: 'same-site',
        status: 415,
        corsError: 'MissingAllowOriginHeader',
      },
      { method: 'POST', url: login, cookies: [], corsError: 'PreflightMissingAllowOriginHeader' },
    ]);
  // Still the victim's own session: the app shows them, not Mallory.
  await victim.page.reload();
  await expect(victim.page.getByText(`@${victim.user.username}`)).toBeVisible();
});

test('an EventSource from another port gets an error, not the victim’s events', async () => {
  // A valid input: the server checks it before the session, so without one the answer would
  // be VALIDATION whoever asked.
  const stream = `${confab}/trpc/events.onEvent?input=${encodeURIComponent('{}')}`;
  expect(await evil.evaluate(probeEventSource, stream)).toEqual({
    outcome: 'error',
    readyState: 2, // CLOSED: an EventSource gives up on a CORS failure
    data: [],
  });
  await expect
    .poll(() => network.requestsTo(stream))
    .toEqual([
      {
        method: 'GET',
        url: stream,
        cookies: ['confab_session', 'confab_signed_in'],
        origin: attacker.origin,
        site: 'same-site',
        status: 200,
        corsError: 'MissingAllowOriginHeader',
      },
    ]);
  // Chromium never reads a body CORS refused, so the server's answer is read by tapping a
  // second EventSource: the request goes out through Playwright with the same headers (the
  // attacker's Origin) and the context's cookie jar, and its answer is handed back to the page.
  let origin: string | undefined;
  let served = '';
  await evil.route(stream, async (route) => {
    origin = route.request().headers().origin;
    const response = await route.fetch();
    served = await response.text();
    await route.fulfill({ response });
  });
  // (Playwright's fulfil lets the answer past CORS: the page now sees the end of the stream.)
  expect(await evil.evaluate(probeEventSource, stream)).toMatchObject({
    outcome: 'error',
    data: [],
  });
  await evil.unroute(stream);
  expect(origin).toBe(attacker.origin);
  const events = served
    .split(/\n\n+/)
    .map((e) => e.trim())
    .filter(Boolean);
  expect(events).toHaveLength(2);
  expect(events[0]).toMatch(/^event: connected\n/);
  const error = /^event: serialized-error\ndata: (.*)$/.exec(events[1] ?? '')?.[1];
  expect(JSON.parse(error ?? 'null')).toMatchObject({ data: { appCode: 'UNAUTHENTICATED' } });
});
