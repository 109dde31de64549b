import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { startServer, type TestServer } from '../__tests__/server.js';

const MAX_PIPELINED = 8;
const PAGE = '<!doctype html><title>Confab</title>';

const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: confab\r\n\r\n`;

/**
 * A raw connection to the server: what it has read so far, a wait for more, and everything it
 * read once the server closed it.
 */
async function rawConnection(url: string) {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
  });
  // A reset after the close is how a connection that still had requests in flight ends.
  socket.on('error', () => {});
  const received = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  /** Resolves once what was read passes `test` (checked as each chunk arrives). */
  const readUntil = (test: (text: string) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (test(text) ? resolve() : socket.once('data', check));
      check();
    });
  return { socket, received, readUntil };
}

/** The status lines and content types of the answers in `text`, in order. */
const answersIn = (text: string) =>
  [...text.matchAll(/HTTP\/1\.1 (\d+)[\s\S]*?content-type: ([^\r;]+)/gi)].map(
    ([, status, type]) => `${status} ${type}`,
  );

describe('HTTP/1.1 pipelining', () => {
  let db: TestDatabase;
  let staticDir: string;
  let server: TestServer;
  beforeAll(async () => {
    db = sqliteDatabase();
    staticDir = mkdtempSync(join(tmpdir(), 'confab-pipelining-'));
    writeFileSync(join(staticDir, 'index.html'), PAGE);
    server = await startServer(db.url, {
      staticDir,
      connectionLimits: { maxPipelinedRequests: MAX_PIPELINED },
    });
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('a connection with more requests unanswered than the bound is closed, and the server goes on', async () => {
    // 20,000 GETs of the web app's page sent without reading: before the bound, every one ran,
    // each answer holding the page's file open, until the process ran out of descriptors.
    const { socket, received } = await rawConnection(server.url);
    socket.pause();
    socket.write(request('/').repeat(20_000));
    socket.resume();
    const answers = answersIn(await received);
    expect(answers.length).toBeLessThanOrEqual(MAX_PIPELINED);
    expect(new Set(answers)).toEqual(new Set(answers.length ? ['200 text/html'] : []));

    const after = await fetch(`${server.url}/`);
    expect(after.status).toBe(200);
    expect(await after.text()).toBe(PAGE);
  });

  it('one that pipelines up to the bound gets every answer, in order, and may go on', async () => {
    const { socket, received, readUntil } = await rawConnection(server.url);
    const paths = ['/healthz', '/', '/healthz', '/', '/healthz', '/', '/healthz', '/'];
    expect(paths).toHaveLength(MAX_PIPELINED);
    socket.write(paths.map(request).join(''));
    // Then one more, after those were answered (each answer done frees its place).
    await readUntil((text) => answersIn(text).length === MAX_PIPELINED);
    // Asking the server to close after it (a half-close of ours could race its answer).
    socket.write(`GET /healthz HTTP/1.1\r\nHost: confab\r\nConnection: close\r\n\r\n`);
    const answers = answersIn(await received);
    expect(answers).toEqual([
      ...paths.map((path) => (path === '/' ? '200 text/html' : '200 application/json')),
      '200 application/json',
    ]);
  });
});
