import { LIMITS } from '@confab/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  device,
  register,
  setUp,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient } from './client.js';
import { errorCodeOf } from './errors.js';

// The SDK's files: an app uploads, sends the ids with a message, and another member downloads
// the same bytes; refusals carry their codes (docs/files.md).
describe('files through the SDK', () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  const clients: ChatClient[] = [];
  const open = (token: string) => {
    const client = device(server.url, token, { autoConnect: false });
    clients.push(client);
    return client;
  };
  const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', errorCodeOf);

  beforeEach(async () => {
    ({ db, server } = await setUp());
  });
  afterEach(() => tearDown({ clients, server, db }));

  it('uploads, sends with a message, and another member downloads the same bytes', async () => {
    const alice = open((await register(server.url, 'alice')).token);
    const bobAccount = await register(server.url, 'bob');
    const bob = open(bobAccount.token);
    const stranger = open((await register(server.url, 'stranger')).token);
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'files' });
    await alice.api.room.invite.mutate({ roomId: room.id, username: bobAccount.username });

    const bytes = new TextEncoder().encode('minutes of the meeting\n');
    const file = await alice.files.upload(room.id, bytes, {
      name: 'notes.txt',
      type: 'text/plain',
    });
    expect(file).toEqual({
      id: file.id,
      name: 'notes.txt',
      size: bytes.length,
      type: 'text/plain',
    });
    const sent = await alice.send({ roomId: room.id, body: '', attachments: [file.id] });

    const page = await bob.api.message.history.query({ roomId: room.id });
    expect(page.messages.find((m) => m.id === sent.id)?.attachments).toEqual([file]);
    const download = await bob.files.download(file.id);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    expect(bob.files.url(file.id)).toBe(`${server.url}/media/files/${file.id}`);

    expect(await codeOf(stranger.files.download(file.id))).toBe('FILE_NOT_FOUND');
    expect(await codeOf(stranger.files.upload(room.id, bytes, { name: 'x.txt' }))).toBe(
      'ROOM_NOT_FOUND',
    );
  });

  it('refuses a file over the limit before sending it, and cancels an unsent upload', async () => {
    const alice = open((await register(server.url, 'alice')).token);
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'files' });
    const huge = new Blob([new Uint8Array(LIMITS.fileMaxBytes + 1)]);
    expect(await codeOf(alice.files.upload(room.id, huge, { name: 'huge.bin' }))).toBe(
      'FILE_TOO_LARGE',
    );
    expect(await codeOf(alice.files.upload(room.id, new Uint8Array(1), { name: ' ' }))).toBe(
      'VALIDATION',
    );
    const draft = await alice.files.upload(room.id, new Uint8Array([1, 2, 3]), { name: 'd.bin' });
    await alice.files.cancel(draft.id);
    expect(await codeOf(alice.files.download(draft.id))).toBe('FILE_NOT_FOUND');
    expect(await codeOf(alice.send({ roomId: room.id, body: 'x', attachments: [draft.id] }))).toBe(
      'FILE_NOT_FOUND',
    );
  });
});
