/**
 * The app's backend: its own sign-in (Confab never sees the password), the built React app, and
 * GET /confab-token, which mints a short-lived Confab token for the signed-in user. The browser's
 * `createChatClient({ token: () => ... })` calls it again whenever a token runs out.
 *
 *   CONFAB_URL=http://127.0.0.1:3000 CONFAB_API_KEY=... npm start
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createConfab } from './confab.js';
import { createStaticFiles } from './static-files.js';
import { signIn, signOut, userOfSession } from './users.js';

const env = process.env;
const confabUrl = env.CONFAB_URL ?? 'http://127.0.0.1:3000';
const apiKey = env.CONFAB_API_KEY;
if (!apiKey) throw new Error('Set CONFAB_API_KEY (one of the Confab server’s API_KEYS)');
const confab = createConfab({
  url: confabUrl,
  apiKey,
  // Short on purpose in this example, so renewals happen while you chat.
  tokenTtlSeconds: Number(env.TOKEN_TTL_SECONDS ?? 300),
});
const staticFiles = createStaticFiles(env.STATIC_DIR ?? 'dist');
/** Tokens minted per app user: the log shows each renewal. */
const minted = new Map<string, number>();

const COOKIE = 'acme_session';
function sessionOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === COOKIE) return value;
  }
  return undefined;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 10_000) throw new Error('body too large');
  }
  const parsed: unknown = JSON.parse(text || '{}');
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://app').pathname;
  const user = userOfSession(sessionOf(req));

  if (req.method === 'POST' && path === '/api/sign-in') {
    const { username, password } = await bodyOf(req);
    const id = signIn(String(username ?? ''), String(password ?? ''));
    if (!id) return json(res, 401, { error: 'Wrong username or password' });
    const cookie = `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`;
    return json(res, 200, { ok: true }, { 'Set-Cookie': cookie });
  }
  if (req.method === 'POST' && path === '/api/sign-out') {
    signOut(sessionOf(req));
    return json(res, 200, { ok: true }, { 'Set-Cookie': `${COOKIE}=; Max-Age=0; Path=/` });
  }
  if (path === '/api/me') {
    if (!user) return json(res, 401, { error: 'Signed out' });
    const room = await confab.room();
    return json(res, 200, { user, confabUrl, roomId: room.id, roomName: room.name });
  }
  if (path === '/confab-token') {
    if (!user) return json(res, 401, { error: 'Signed out' });
    const { token, expiresAt } = await confab.mintToken(user);
    const count = (minted.get(user.username) ?? 0) + 1;
    minted.set(user.username, count);
    console.log(
      `confab token #${count} for ${user.username}, expires at ${new Date(expiresAt).toISOString()}`,
    );
    return json(res, 200, { token, expiresAt });
  }
  if (req.method === 'GET') return staticFiles(path, res);
  return json(res, 404, { error: 'Not found' });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    console.error(error);
    if (!res.headersSent) json(res, 502, { error: 'Confab is unreachable' });
    else res.end();
  });
});
const port = Number(env.PORT ?? 5180);
server.listen(port, env.HOST ?? '127.0.0.1', () => {
  console.log(`Acme chat is running at http://${env.HOST ?? '127.0.0.1'}:${port}`);
});
