import { FILE_ROUTES, LIMITS } from '@confab/contracts';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { fetchFile, pngOf, sha256, uploadFile } from '../__tests__/files-http.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { refusal } from '../notify/__tests__/fixtures.js';

type User = Awaited<ReturnType<typeof signUp>>;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

// Files over HTTP on both engines: what an upload stores, who may fetch it, how it is served so
// that it never runs in the app's origin, and how sends claim uploads (docs/files.md).
describe.each(ENGINES)('files on $name', ({ create }) => {
  let db: TestDatabase;
  let server: TestServer;
  let alice: User;
  let bob: User;
  let carol: User;
  let users: User[] = [];
  let roomId: string;
  let otherRoomId: string;

  beforeAll(async () => {
    db = await create();
    server = await startServer(db.url);
    users = await Promise.all(['alice', 'bob', 'carol'].map((name) => signUp(server.url, name)));
    [alice, bob, carol] = users as [User, User, User];
    roomId = (await alice.api.room.create.mutate({ kind: 'private', name: 'files' })).id;
    await alice.api.room.invite.mutate({ roomId, username: bob.username });
    otherRoomId = (await alice.api.room.create.mutate({ kind: 'private', name: 'other' })).id;
  });
  afterAll(async () => {
    for (const user of users) user.close();
    await server?.close();
    await db?.drop();
  });

  const upload = (
    user: User | undefined,
    file: { name: string; type: string; bytes: Uint8Array },
    room = roomId,
  ) => uploadFile(server.url, user?.token, room, file);
  const get = (user: User | undefined, path: string, method = 'GET') =>
    fetchFile(server.url, user?.token, path, { method });
  const lastSeq = async () => (await alice.api.room.byId.query({ roomId })).lastSeq;

  it('sends an image and a PDF: the other member sees them on the message, with a thumbnail, and downloads the exact bytes', async () => {
    const png = await pngOf(1200, 600);
    const image = await upload(alice, { name: 'chart.png', type: 'image/png', bytes: png });
    expect(image.status).toBe(201);
    expect(image.file).toMatchObject({
      name: 'chart.png',
      size: png.byteLength,
      type: 'image/png',
      image: { width: 1200, height: 600 },
    });
    const pdf = await upload(alice, { name: 'Q3 report.pdf', type: 'application/pdf', bytes: PDF });
    expect(pdf.file).toEqual({
      id: pdf.file?.id,
      name: 'Q3 report.pdf',
      size: PDF.byteLength,
      type: 'application/pdf',
    });
    const ids = [image.file?.id ?? '', pdf.file?.id ?? ''];
    await alice.api.message.send.mutate({ roomId, clientMsgId: 'f1', body: '', attachments: ids });

    const page = await bob.api.message.history.query({ roomId });
    const sent = page.messages.at(-1);
    expect(sent?.body).toBe('');
    expect(sent?.attachments).toEqual([image.file, pdf.file]);

    const thumbnail = await get(bob, FILE_ROUTES.thumbnail(ids[0] ?? ''));
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumbnail.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', LIMITS.thumbnailMaxPx, 200]);

    const original = await get(bob, FILE_ROUTES.download(ids[0] ?? ''));
    expect(original.headers.get('content-type')).toBe('image/png');
    expect(sha256(original.bytes)).toBe(sha256(png));

    const document = await get(bob, FILE_ROUTES.download(ids[1] ?? ''));
    expect(document.status).toBe(200);
    expect(document.bytes.equals(PDF)).toBe(true);
    expect(document.headers.get('content-type')).toBe('application/octet-stream');
    expect(document.headers.get('content-disposition')).toBe(
      `attachment; filename="Q3 report.pdf"; filename*=UTF-8''Q3%20report.pdf`,
    );
    expect(document.headers.get('x-content-type-options')).toBe('nosniff');
    expect(document.headers.get('content-security-policy')).toMatch(/^sandbox;/);
  });

  it('keeps a file of many chunks byte for byte', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 12_345);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
    const { file } = await upload(alice, {
      name: 'blob.bin',
      type: 'application/octet-stream',
      bytes,
    });
    expect(file?.size).toBe(bytes.length);
    const answer = await get(alice, FILE_ROUTES.download(file?.id ?? ''));
    expect(answer.headers.get('content-length')).toBe(String(bytes.length));
    expect(sha256(answer.bytes)).toBe(sha256(bytes));
  });

  it('serves HTML, SVG and a page that claims to be a PNG as inert downloads', async () => {
    const script = '<script>parent.document.title="owned"</script>';
    const cases = [
      { name: 'page.html', type: 'text/html', bytes: Buffer.from(`<html>${script}</html>`) },
      {
        name: 'logo.svg',
        type: 'image/svg+xml',
        bytes: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg">${script}</svg>`),
      },
      { name: 'fake.png', type: 'image/png', bytes: Buffer.from(`<html>${script}</html>`) },
    ];
    for (const file of cases) {
      const uploaded = await upload(alice, file);
      expect(uploaded.file?.image).toBeUndefined();
      const answer = await get(alice, FILE_ROUTES.download(uploaded.file?.id ?? ''));
      expect(answer.headers.get('content-type')).toBe('application/octet-stream');
      expect(answer.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(answer.headers.get('content-security-policy')).toMatch(/^sandbox;/);
      const thumbnail = await get(alice, FILE_ROUTES.thumbnail(uploaded.file?.id ?? ''));
      expect([thumbnail.status, thumbnail.appCode]).toEqual([404, 'FILE_NOT_FOUND']);
    }
  });

  it('lets only members of the room fetch a file: not a stranger, a removed member, a revoked session, or nobody', async () => {
    const dave = await signUp(server.url, 'dave');
    await alice.api.room.invite.mutate({ roomId, username: dave.username });
    const { file } = await upload(alice, { name: 'plan.pdf', type: 'application/pdf', bytes: PDF });
    await alice.api.message.send.mutate({
      roomId,
      clientMsgId: 'f-auth',
      body: 'plan',
      attachments: [file?.id ?? ''],
    });
    const path = FILE_ROUTES.download(file?.id ?? '');
    expect((await get(dave, path)).status).toBe(200);
    await alice.api.room.removeMember.mutate({ roomId, userId: dave.user.id });
    expect(await get(dave, path)).toMatchObject({ status: 404, appCode: 'FILE_NOT_FOUND' });
    expect(await get(carol, path)).toMatchObject({ status: 404, appCode: 'FILE_NOT_FOUND' });
    expect(await get(undefined, path)).toMatchObject({ status: 401, appCode: 'UNAUTHENTICATED' });
    // A second session of bob's, revoked from his first device.
    const second = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: bob.username, password: 'correct horse battery' }),
    });
    const { result } = (await second.json()) as {
      result: { data: { token: string; session: { id: string } } };
    };
    const revoked = { token: result.data.token } as User;
    expect((await get(revoked, path)).status).toBe(200);
    await bob.api.auth.revokeSession.mutate({ sessionId: result.data.session.id });
    expect(await get(revoked, path)).toMatchObject({ status: 401, appCode: 'SESSION_REVOKED' });
    // The cookie from another site's page is not the user's say-so.
    const cookie = await fetchFile(server.url, undefined, path, {
      headers: { Cookie: `confab_session=${bob.token}`, Origin: 'https://evil.example' },
    });
    expect(cookie.status).toBe(401);
    dave.close();
  });

  it('keeps an upload that is not sent yet to its uploader, and lets them cancel it', async () => {
    const { file } = await upload(alice, {
      name: 'draft.pdf',
      type: 'application/pdf',
      bytes: PDF,
    });
    const path = FILE_ROUTES.download(file?.id ?? '');
    expect((await get(alice, path)).status).toBe(200);
    expect(await get(bob, path)).toMatchObject({ status: 404, appCode: 'FILE_NOT_FOUND' });
    expect(await get(bob, path, 'DELETE')).toMatchObject({
      status: 404,
      appCode: 'FILE_NOT_FOUND',
    });
    expect((await get(alice, path, 'DELETE')).status).toBe(200);
    expect(await get(alice, path)).toMatchObject({ status: 404, appCode: 'FILE_NOT_FOUND' });
  });

  it('refuses a send whose attachment is not its own unsent upload to that room, and writes nothing', async () => {
    const mine = (await upload(alice, { name: 'a.pdf', type: 'application/pdf', bytes: PDF })).file;
    const bobs = (await upload(bob, { name: 'b.pdf', type: 'application/pdf', bytes: PDF })).file;
    const elsewhere = (
      await upload(alice, { name: 'c.pdf', type: 'application/pdf', bytes: PDF }, otherRoomId)
    ).file;
    const before = await lastSeq();
    const send = (clientMsgId: string, attachments: string[]) =>
      refusal(alice.api.message.send.mutate({ roomId, clientMsgId, body: 'x', attachments }));
    expect((await send('r1', [mine?.id ?? '', bobs?.id ?? ''])).appCode).toBe('FILE_NOT_FOUND');
    expect((await send('r2', [elsewhere?.id ?? ''])).appCode).toBe('FILE_NOT_FOUND');
    expect((await send('r3', ['no-such-file'])).appCode).toBe('FILE_NOT_FOUND');
    expect((await send('r4', [mine?.id ?? '', mine?.id ?? ''])).appCode).toBe('VALIDATION');
    expect(await lastSeq()).toBe(before);
    // A thread reply refused for its attachment leaves its root's reply count as it was.
    const root = await alice.api.message.send.mutate({ roomId, clientMsgId: 'root', body: 'root' });
    const reply = await refusal(
      alice.api.message.send.mutate({
        roomId,
        clientMsgId: 'r-thread',
        body: 'x',
        threadId: root.id,
        attachments: [bobs?.id ?? ''],
      }),
    );
    expect(reply.appCode).toBe('FILE_NOT_FOUND');
    const thread = await alice.api.message.thread.query({ roomId, threadId: root.id });
    expect([thread.root.thread, thread.replies]).toEqual([undefined, []]);
    // Nothing was claimed: the upload still goes with a send, once.
    await alice.api.message.send.mutate({
      roomId,
      clientMsgId: 'r5',
      body: '',
      attachments: [mine?.id ?? ''],
    });
    expect((await send('r6', [mine?.id ?? ''])).appCode).toBe('FILE_NOT_FOUND');
    const empty = await refusal(
      alice.api.message.send.mutate({ roomId, clientMsgId: 'r7', body: '  ' }),
    );
    expect(empty.message).toBe('body: Message is empty');
    const tooMany = await refusal(
      alice.api.message.send.mutate({
        roomId,
        clientMsgId: 'r8',
        body: 'x',
        attachments: Array.from({ length: LIMITS.attachmentsPerMessageMax + 1 }, (_, i) => `f${i}`),
      }),
    );
    expect(tooMany.appCode).toBe('VALIDATION');
  });

  it('deletes a message’s files with it: gone from downloads, history and the log', async () => {
    const { file } = await upload(alice, {
      name: 'x.png',
      type: 'image/png',
      bytes: await pngOf(20, 20),
    });
    const sent = await alice.api.message.send.mutate({
      roomId,
      clientMsgId: 'del-1',
      body: 'soon gone',
      attachments: [file?.id ?? ''],
    });
    await alice.api.message.delete.mutate({ roomId, messageId: sent.id });
    for (const path of [
      FILE_ROUTES.download(file?.id ?? ''),
      FILE_ROUTES.thumbnail(file?.id ?? ''),
    ])
      expect(await get(alice, path)).toMatchObject({ status: 404, appCode: 'FILE_NOT_FOUND' });
    const page = await alice.api.message.history.query({ roomId });
    const tombstone = page.messages.find((m) => m.id === sent.id);
    expect(tombstone?.attachments).toBeUndefined();
    const log = await alice.api.message.eventsAfter.query({ roomId, afterSeq: sent.seq - 1 });
    const created = log.events.find((e) => e.type === 'message.created');
    expect(created?.type === 'message.created' && created.message.attachments).toBeUndefined();
  });

  it('refuses bad uploads with a typed error and stores nothing', async () => {
    const good = { name: 'ok.pdf', type: 'application/pdf', bytes: PDF };
    expect(await upload(carol, good)).toMatchObject({ status: 404, appCode: 'ROOM_NOT_FOUND' });
    expect(await upload(undefined, good)).toMatchObject({
      status: 401,
      appCode: 'UNAUTHENTICATED',
    });
    expect(await upload(alice, { ...good, name: '  ' })).toMatchObject({
      status: 400,
      appCode: 'VALIDATION',
    });
    expect(
      await upload(alice, { ...good, name: 'x'.repeat(LIMITS.fileNameMaxChars + 1) }),
    ).toMatchObject({
      status: 400,
      appCode: 'VALIDATION',
    });
    expect(await upload(alice, { ...good, type: 'not a type' })).toMatchObject({
      status: 400,
      appCode: 'VALIDATION',
    });
    // A path in the name keeps only its last part.
    expect((await upload(alice, { ...good, name: '../../etc/passwd' })).file?.name).toBe('passwd');
    const missingRoom = await fetch(`${server.url}${FILE_ROUTES.upload}?name=x`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'text/plain' },
      body: 'x',
    });
    expect(missingRoom.status).toBe(400);
    const wrongMethod = await get(alice, FILE_ROUTES.upload);
    expect(wrongMethod.status).toBe(405);
    const declaredTooLarge = await fetch(
      `${server.url}${FILE_ROUTES.upload}?roomId=${roomId}&name=big`,
      {
        method: 'PUT',
        headers: { Authorization: `Bearer ${alice.token}` },
      },
    );
    expect(declaredTooLarge.status).toBe(405);
  });

  it('holds at most LIMITS.pendingUploadsPerUserMax uploads waiting to be sent per user', async () => {
    const bytes = Buffer.from('x');
    const fresh = await signUp(server.url, 'uploader');
    await alice.api.room.invite.mutate({ roomId, username: fresh.username });
    for (let i = 0; i < LIMITS.pendingUploadsPerUserMax; i++)
      expect((await upload(fresh, { name: `${i}.txt`, type: 'text/plain', bytes })).status).toBe(
        201,
      );
    const refused = await upload(fresh, { name: 'one-more.txt', type: 'text/plain', bytes });
    expect([refused.status, refused.appCode]).toEqual([429, 'RATE_LIMITED']);
    fresh.close();
  });
});
