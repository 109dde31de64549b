import { type FileInfo, LIMITS } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { canSend, finishedFiles, refusalOf, type Upload, uploadsReducer } from './uploads';

const uploading = (key: string, size = 100): Upload => ({
  key,
  name: `${key}.bin`,
  size,
  state: 'uploading',
  sent: 0,
});
const info = (id: string): FileInfo => ({ id, name: `${id}.bin`, size: 100, type: 'x/y' });

describe('uploadsReducer', () => {
  it('follows each upload from progress to done or failed, in the order attached', () => {
    let state = uploadsReducer([], { type: 'added', uploads: [uploading('a'), uploading('b')] });
    state = uploadsReducer(state, { type: 'progress', key: 'a', sent: 40 });
    state = uploadsReducer(state, { type: 'failed', key: 'b', error: 'File is too large' });
    expect(state.map((u) => [u.key, u.state, u.sent, u.error])).toEqual([
      ['a', 'uploading', 40, undefined],
      ['b', 'failed', 0, 'File is too large'],
    ]);
    state = uploadsReducer(state, { type: 'done', key: 'a', file: info('fa') });
    expect(state[0]).toMatchObject({ state: 'done', sent: 100, file: info('fa') });
  });

  it('ignores a progress event that arrives after the upload finished', () => {
    let state = uploadsReducer([], { type: 'added', uploads: [uploading('a')] });
    state = uploadsReducer(state, { type: 'done', key: 'a', file: info('fa') });
    state = uploadsReducer(state, { type: 'progress', key: 'a', sent: 10 });
    expect(state[0]).toMatchObject({ state: 'done', sent: 100 });
  });

  it('removes one chip, or all once the message is sent', () => {
    let state = uploadsReducer([], {
      type: 'added',
      uploads: [uploading('a'), uploading('b'), uploading('c')],
    });
    state = uploadsReducer(state, { type: 'removed', key: 'b' });
    expect(state.map((u) => u.key)).toEqual(['a', 'c']);
    expect(uploadsReducer(state, { type: 'cleared' })).toEqual([]);
  });
});

describe('finishedFiles and canSend', () => {
  const state = [
    { ...uploading('a'), state: 'done', file: info('f2') },
    { ...uploading('b'), state: 'failed', error: 'no' },
    { ...uploading('c'), state: 'done', file: info('f1') },
  ] satisfies Upload[];

  it('sends the finished files in the order they were attached', () => {
    expect(finishedFiles(state).map((f) => f.id)).toEqual(['f2', 'f1']);
  });

  it('allows a send with text or a finished file, never while one is uploading', () => {
    expect(canSend([], '')).toBe(false);
    expect(canSend([], '  ')).toBe(false);
    expect(canSend([], 'hi')).toBe(true);
    expect(canSend(state, '')).toBe(true);
    expect(canSend([{ ...uploading('d'), state: 'failed' }], '')).toBe(false);
    expect(canSend([...state, uploading('d')], 'hi')).toBe(false);
  });
});

describe('refusalOf', () => {
  const file = (name: string, size = 10) => ({ name, size });

  it(`refuses more than ${LIMITS.attachmentsPerMessageMax} files per message, counting those attached`, () => {
    const ten = Array.from({ length: LIMITS.attachmentsPerMessageMax }, (_, i) => file(`${i}`));
    expect(refusalOf([], ten)).toBeNull();
    expect(refusalOf([], [...ten, file('x')])).toBe('A message can carry at most 10 files');
    const attached = [uploading('a'), uploading('b')];
    expect(refusalOf(attached, ten.slice(2))).toBeNull();
    expect(refusalOf(attached, ten.slice(1))).toBe('A message can carry at most 10 files');
    // A failed upload will not be sent: it leaves room for another.
    expect(refusalOf([{ ...uploading('a'), state: 'failed' }], ten)).toBeNull();
  });

  it('refuses a file over the size limit by name, and passes one exactly at it', () => {
    expect(refusalOf([], [file('ok.bin', LIMITS.fileMaxBytes)])).toBeNull();
    expect(refusalOf([], [file('a.txt'), file('video.mp4', LIMITS.fileMaxBytes + 1)])).toBe(
      '“video.mp4” is larger than 50 MB',
    );
  });

  it('refuses a name longer than the server keeps, counting characters as it does', () => {
    expect(refusalOf([], [file(`${'n'.repeat(LIMITS.fileNameMaxChars - 4)}.txt`)])).toBeNull();
    // Emoji are two UTF-16 units each but one character: 200 of them are allowed.
    expect(refusalOf([], [file('🙂'.repeat(LIMITS.fileNameMaxChars))])).toBeNull();
    // The path the browser might pass along is not part of the name.
    expect(refusalOf([], [file(`C:\\${'d'.repeat(300)}\\a.txt`)])).toBeNull();
    const long = `${'n'.repeat(LIMITS.fileNameMaxChars)}.txt`;
    expect(refusalOf([], [file(long)])).toBe(
      `The name of “${long.slice(0, 40)}…” is longer than ${LIMITS.fileNameMaxChars} characters`,
    );
  });
});
