import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SendInput } from './inputs.js';
import { SendInputCheck } from './message-fields.js';

/** What a parse decided: the parsed value, or the refusal's paths and messages. */
function verdict(
  result: ReturnType<typeof SendInput.safeParse> | ReturnType<typeof SendInputCheck.safeParse>,
) {
  if (result.success) return { ok: result.data };
  return { refused: result.error.issues.map((i) => [i.path.join('.'), i.message]) };
}

// The SDK checks sends with SendInputCheck (zod/mini, so the browser bundle has no classic zod);
// the server checks them with SendInput. A send one accepts and the other refuses would either be
// queued forever or refused without reaching the server with a different message.
describe('SendInputCheck', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.constantFrom('', ' ', ' hi ', 'x'.repeat(4001), '\u0000', '\uD83D', 'a b', 'web:1.a_B-9'),
  );

  it('accepts and refuses exactly what the server’s SendInput does, with the same messages', () => {
    fc.assert(
      fc.property(fc.record({ roomId: text, clientMsgId: text, body: text }), (input) => {
        expect(verdict(SendInputCheck.safeParse(input))).toEqual(
          verdict(SendInput.safeParse(input)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses alsoInRoom without a threadId like the server, and takes it with one', () => {
    const input = { roomId: 'r1', clientMsgId: 'c1', body: 'hi', alsoInRoom: true };
    expect(verdict(SendInputCheck.safeParse(input))).toEqual({
      refused: [['alsoInRoom', 'alsoInRoom is for thread replies: give a threadId']],
    });
    expect(verdict(SendInput.safeParse(input))).toEqual(verdict(SendInputCheck.safeParse(input)));
    const reply = { ...input, threadId: 'm1', replyToId: 'm0' };
    expect(verdict(SendInputCheck.safeParse(reply))).toEqual({ ok: reply });
    expect(verdict(SendInput.safeParse(reply))).toEqual({ ok: reply });
  });

  it('refuses a missing field like the server', () => {
    const input = { roomId: 'r1', body: 'hi' };
    expect(verdict(SendInputCheck.safeParse(input))).toEqual(verdict(SendInput.safeParse(input)));
    expect(SendInputCheck.safeParse(input).success).toBe(false);
  });
});
