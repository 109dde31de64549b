import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiProcess,
  buildApiBundle,
  startApi,
} from '../../server/src/__tests__/api-process.js';
import { checkAndBuild, installExample, packSdkFor } from './__tests__/examples.js';
import { record } from './__tests__/recorder.js';
import { device } from './__tests__/server.js';
import { register } from './auth.js';
import type { ChatClient } from './client.js';

// examples/node-bot as a user runs it: installed outside the workspace from the packed SDK,
// type-checked (its wrong calls must not compile), built with tsc, and run against the built
// API process over a SQLite file, where a person's "!ping" gets the bot's "pong". The two
// browser examples are installed, checked, built and driven by the Playwright suite
// (e2e/examples.config.ts), so each example is installed once per run.

let workdir = '';
let botDir = '';
let bundle: { path: string; remove(): void } | undefined;
let api: ApiProcess | undefined;
let bot: ChildProcess | undefined;
const clients: ChatClient[] = [];

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'confab-examples-'));
  packSdkFor(workdir);
  botDir = installExample(workdir, 'node-bot');
  bundle = await buildApiBundle('examples');
}, 300_000);

afterAll(async () => {
  for (const client of clients) client.close();
  bot?.kill('SIGTERM');
  if (api) {
    api.child.kill('SIGTERM');
    await api.exited;
  }
  bundle?.remove();
  if (workdir) rmSync(workdir, { recursive: true, force: true });
}, 60_000);

/** Resolves with the process's output once a line matches `pattern`; rejects if it exits. */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      if (pattern.test(output)) resolve(output);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`exited (${code}) before ${pattern}:\n${output}`)),
    );
  });
}

describe('examples/node-bot', { timeout: 120_000 }, () => {
  it('type-checks, refuses its wrong calls at compile time, and builds', () => {
    expect(() => checkAndBuild(botDir)).not.toThrow();
  });

  it('answers !ping with pong in a room of a real Confab server, and nothing else', async () => {
    api = await startApi(bundle?.path ?? '', {
      PORT: '0',
      DATABASE_URL: join(workdir, 'confab.db'),
      LOG_LEVEL: 'warn',
    });
    const ada = await register(api.url, {
      username: 'ada',
      displayName: 'Ada',
      password: 'correct horse battery',
    });
    const chat = device(api.url, ada.token);
    clients.push(chat);
    const seen = record(chat);
    await seen.connected();
    const room = await chat.api.room.create.mutate({ kind: 'public', name: 'lobby' });

    bot = spawn(process.execPath, ['dist/bot.js'], {
      cwd: botDir,
      env: {
        PATH: process.env.PATH,
        CONFAB_URL: api.url,
        BOT_USERNAME: 'ping_bot',
        BOT_PASSWORD: 'ping-bot-password',
        BOT_ROOM: 'lobby',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = await waitForLine(bot, /ready: ping_bot answers !ping in \S+/);
    expect(ready).toContain(`in ${room.id}`);
    const members = await chat.api.room.members.query({ roomId: room.id });
    const botId = members.find((m) => m.username === 'ping_bot')?.userId;
    expect(botId).toBeDefined();

    const pongs = () =>
      seen
        .roomEvents(room.id)
        .filter((e) => e.type === 'message.created' && e.message.authorId === botId).length;
    await chat.send({ roomId: room.id, body: '!ping' });
    await seen.until(() => pongs() === 1, 'the first pong', 30_000);
    // Not a ping: no answer. The next ping's pong arrives after it, so an answer to "hello"
    // would show before the second pong.
    await chat.send({ roomId: room.id, body: 'hello' });
    await chat.send({ roomId: room.id, body: '!ping' });
    await seen.until(() => pongs() === 2, 'the second pong', 30_000);

    const said = seen
      .roomEvents(room.id)
      .flatMap((e) =>
        e.type === 'message.created'
          ? [`${e.message.authorId === botId ? 'bot' : 'ada'}: ${e.message.body}`]
          : [],
      );
    expect(said).toEqual(['ada: !ping', 'bot: pong', 'ada: hello', 'ada: !ping', 'bot: pong']);
  });
});
