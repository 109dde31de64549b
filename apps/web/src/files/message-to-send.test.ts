import { LIMITS } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { messageToSend } from './message-to-send';
import type { Upload } from './uploads';

const done: Upload = {
  key: 'a',
  name: 'a.txt',
  size: 1,
  state: 'done',
  sent: 1,
  file: { id: 'f1', name: 'a.txt', size: 1, type: 'text/plain' },
};
const uploading: Upload = { key: 'b', name: 'b.txt', size: 9, state: 'uploading', sent: 3 };
const failed: Upload = { key: 'c', name: 'c.txt', size: 9, state: 'failed', sent: 0, error: 'no' };

describe('messageToSend', () => {
  it('sends trimmed text, with or without files', () => {
    expect(messageToSend('  hi  ', [])).toEqual({ ok: true, body: 'hi' });
    expect(messageToSend('hi', [done])).toEqual({ ok: true, body: 'hi' });
  });

  it('sends files alone with an empty body', () => {
    expect(messageToSend('   ', [done])).toEqual({ ok: true, body: '' });
  });

  it('sends nothing, silently, from an empty box or while a file is uploading', () => {
    expect(messageToSend('', [])).toEqual({ ok: false, error: null });
    expect(messageToSend('', [failed])).toEqual({ ok: false, error: null });
    expect(messageToSend('hi', [done, uploading])).toEqual({ ok: false, error: null });
  });

  it('refuses text the server would refuse, in its words, files or not', () => {
    const long = 'x'.repeat(LIMITS.bodyMaxChars + 1);
    const refusal = {
      ok: false,
      error: `Message is longer than ${LIMITS.bodyMaxChars} characters`,
    };
    expect(messageToSend(long, [])).toEqual(refusal);
    expect(messageToSend(long, [done])).toEqual(refusal);
  });
});
