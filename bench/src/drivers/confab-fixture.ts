import { confabMutation, stringField } from './confab-http.js';
import { forEachLimit } from './ws-util.js';

/** Users and the room the Confab workloads use; kept in the SQLite file across processes. */
export interface ConfabFixture {
  roomId: string;
  /** One session token per user; every user is a member of the room. */
  tokens: string[];
}

/** Registration hashes a password (scrypt, ~50 ms): a few at a time keep the pool busy. */
const REGISTER_CONCURRENCY = 8;

/**
 * Registers `users` users through auth.register; resolves with their session tokens. Callers
 * registering at once give each a `tag` of its own (usernames must differ).
 */
export async function registerUsers(baseUrl: string, users: number, tag = ''): Promise<string[]> {
  const tokens: string[] = new Array<string>(users);
  const stamp = `${Date.now().toString(36)}${tag}`;
  await forEachLimit(users, REGISTER_CONCURRENCY, async (i) => {
    const result = await confabMutation(baseUrl, 'auth.register', {
      username: `b${stamp}_${i}`,
      displayName: `Bench ${i}`,
      password: 'bench-password',
      deviceLabel: 'bench',
    });
    tokens[i] = stringField(result, 'token');
  });
  return tokens;
}

/** The first user of `tokens` creates a public room and the others join it; resolves its id. */
export async function createRoomOf(
  baseUrl: string,
  tokens: readonly string[],
  name = 'bench',
): Promise<string> {
  const owner = tokens[0];
  if (!owner) throw new Error('A room needs at least one user');
  const room = await confabMutation(baseUrl, 'room.create', { kind: 'public', name }, owner);
  const roomId = stringField(room, 'id');
  await forEachLimit(tokens.length - 1, REGISTER_CONCURRENCY, async (i) => {
    await confabMutation(baseUrl, 'room.join', { roomId }, tokens[i + 1]);
  });
  return roomId;
}

/**
 * Registers `users` users, has the first create a public room and the others join it: the
 * same calls a person's devices make.
 */
export async function createFixture(baseUrl: string, users: number): Promise<ConfabFixture> {
  const tokens = await registerUsers(baseUrl, users);
  return { roomId: await createRoomOf(baseUrl, tokens), tokens };
}
