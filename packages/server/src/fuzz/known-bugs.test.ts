import { describe, expect, it } from 'vitest';
import { send } from './client.js';
import { useFuzzFixture } from './fixture.js';
import { KNOWN_BUGS } from './known-bugs.js';
import { checkHttpAnswer, checkWsFrame, OracleError } from './oracles.js';

/** The oracles themselves: each rejects what it is there to catch. */
describe('fuzz oracles', () => {
  const answer = (status: number, body: unknown) => ({
    status,
    contentType: 'application/json',
    body: JSON.stringify(body),
  });
  const typed = { error: { message: 'no', code: -32600, data: { appCode: 'ROOM_NOT_FOUND' } } };
  const internal = { error: { message: 'x', code: -32603, data: { appCode: 'INTERNAL' } } };

  it('passes results and typed errors, single or batched', () => {
    checkHttpAnswer(answer(200, { result: { data: 1 } }));
    checkHttpAnswer(answer(404, typed));
    checkHttpAnswer(answer(207, [{ result: {} }, typed]));
    checkWsFrame(JSON.stringify({ id: 1, ...typed }));
    checkWsFrame('PONG');
  });

  it('fails a 500, an INTERNAL or untyped error, and JSON that is not', () => {
    expect(() => checkHttpAnswer(answer(500, typed))).toThrow(OracleError);
    expect(() => checkHttpAnswer(answer(400, internal))).toThrow(/INTERNAL/);
    expect(() => checkHttpAnswer(answer(400, { error: { message: 'x', data: {} } }))).toThrow(
      /untyped/,
    );
    expect(() => checkHttpAnswer({ ...answer(200, {}), body: '{' })).toThrow(/not/);
    expect(() => checkWsFrame('{"id":1}')).toThrow(/neither/);
    expect(() => checkWsFrame('hello')).toThrow(/not JSON/);
  });
});

/**
 * Each known bug's minimal counterexample, as `it.fails` while it is listed in KNOWN_BUGS; once
 * fixed, an `it` that keeps it fixed.
 */
describe('fuzz: bugs the fuzzer found', () => {
  const fx = useFuzzFixture();

  it('lists each bug once', () => {
    expect(new Set(KNOWN_BUGS.map((b) => b.id)).size).toBe(KNOWN_BUGS.length);
  });

  const appCodeOf = (body: string) =>
    (JSON.parse(body) as { error: { data: { appCode: string } } }).error.data.appCode;

  // Found as untyped-trpc-codes: the error formatter mapped no appCode for METHOD_NOT_SUPPORTED.
  it('a GET to a mutation is refused with a typed error (405)', async () => {
    const answer = await send(fx.url, { method: 'GET', path: '/trpc/auth.register', headers: {} });
    expect(answer.status).toBe(405);
    expect(appCodeOf(answer.body)).not.toBe('INTERNAL');
  });

  // ...nor UNSUPPORTED_MEDIA_TYPE (tRPC labelled it text/plain): other methods are refused first.
  it('a PATCH with a body and no Content-Type is refused with a typed JSON error (405)', async () => {
    const answer = await send(fx.url, {
      method: 'PATCH',
      path: '/trpc/auth.register',
      headers: {},
      body: '{}',
    });
    expect(answer.status).toBe(405);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(appCodeOf(answer.body)).not.toBe('INTERNAL');
  });
});
