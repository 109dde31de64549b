import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FILE_ROUTES, LIMITS } from '@confab/contracts';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { builtApiOnSqlite } from '../__tests__/built-api.js';
import { serverForSuite, signUp } from '../__tests__/server.js';

// A full collection before each reading of this process's memory (the flag set at run time, as
// this file alone needs it): heap and buffers held, not garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const held = () => {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** The most memory the process ever held (kernel's high-water mark of its RSS), in bytes. */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kib) * 1024;
}

/**
 * Streams `total` bytes as one upload (chunked: no Content-Length, so the server cannot refuse
 * from the headers) and resolves with the status once the server answers, which may be before
 * the client finished sending; stops sending then. `status` 0: the server closed the connection
 * and the client's write failed (EPIPE) before the answer was read.
 */
function streamUpload(url: string, token: string, roomId: string, total: number) {
  return new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
    const query = new URLSearchParams({ roomId, name: 'huge.bin' });
    const req = request(`${url}${FILE_ROUTES.upload}?${query}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    });
    const block = Buffer.alloc(1024 * 1024, 7);
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += String(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
    });
    // The server closing the connection once it answered is expected, not a failure; so is a
    // write that fails because it closed it first.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET')
        resolve({ status: 0, body: '', sent });
      else reject(error);
    });
    const pump = () => {
      while (!answered && sent < total) {
        sent += block.length;
        if (!req.write(block)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

// A 200 MB upload is refused at LIMITS.fileMaxBytes, and the server's memory does not grow with
// what was sent: it holds one chunk at a time (issue 17's proof, on the built process).
describe('a 200 MB upload', () => {
  const built = builtApiOnSqlite('file-upload-memory');

  it('is refused with FILE_TOO_LARGE, keeps nothing, and the peak memory stays far below the file', async () => {
    const { url, child } = built.api();
    const pid = child.pid ?? 0;
    const alice = await signUp(url, 'alice');
    const roomId = (await alice.api.room.create.mutate({ kind: 'private', name: 'big' })).id;
    const before = peakRss(pid);

    const answer = await streamUpload(url, alice.token, roomId, 200 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { data: { appCode: 'FILE_TOO_LARGE' } },
    });
    // It stopped reading at the limit: the client could not push the whole 200 MB through.
    expect(answer.sent).toBeLessThan(200 * 1024 * 1024);
    const grew = peakRss(pid) - before;
    // Not the 200 MB sent. The peak cannot tell one chunk held from the 50 MiB read: the chunks
    // read and dropped wait as garbage until V8 collects them, which it does by the external
    // memory they add (23-34 MB measured alone, 44.7 and 53.6 MB while the whole suite loaded
    // both cores). What is held at any moment is measured in the server's own process (below).
    expect(grew).toBeLessThan(100 * 1024 * 1024);

    // Declared up front, it is refused from the headers, before a byte of the body is read.
    const declared = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}${FILE_ROUTES.upload}?roomId=${roomId}&name=big.bin`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${alice.token}`,
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(LIMITS.fileMaxBytes + 1),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(declared).toBe(413);

    // Nothing of either was kept: no file row, no chunk.
    const sqlite = new Database(built.db().url, { readonly: true });
    const count = (table: string) =>
      (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    expect([count('files'), count('file_chunks')]).toEqual([0, 0]);
    sqlite.close();
    alice.close();
  }, 120_000);
});

// The same upload at a server in this process, with a full collection before each reading, so
// that what is counted is what the server holds, not garbage waiting to be collected.
describe('a 200 MB upload, what the server holds while it reads', () => {
  const server = serverForSuite();

  it('is one chunk at a time, not what it has read', async () => {
    const alice = await signUp(server.url, 'alice');
    const roomId = (await alice.api.room.create.mutate({ kind: 'private', name: 'big' })).id;
    const before = held();
    let most = before;
    let readings = 0;
    // Every 20 ms while the upload runs (it takes seconds: the server writes each chunk to the
    // database before it reads the next).
    const sampler = setInterval(() => {
      most = Math.max(most, held());
      readings += 1;
    }, 20);
    try {
      const answer = await streamUpload(server.url, alice.token, roomId, 200 * 1024 * 1024);
      // Refused at the limit (the answer, or the connection closed under the client's write:
      // sender and server share this process, so either may come first); it read that far.
      expect([413, 0]).toContain(answer.status);
      expect(answer.sent).toBeGreaterThanOrEqual(LIMITS.fileMaxBytes);
    } finally {
      clearInterval(sampler);
    }
    expect(readings).toBeGreaterThan(10);
    // A chunk (256 KiB), the sockets' buffers and the client's 1 MiB block (this process sends
    // too); a server that kept what it read would hold up to the 50 MiB limit.
    expect(most - before).toBeLessThan(16 * 1024 * 1024);
    alice.close();
  }, 120_000);
});
