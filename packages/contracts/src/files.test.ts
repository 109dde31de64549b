import { describe, expect, it } from 'vitest';
import { cleanFileName, cleanMediaType, FILE_ROUTES } from './file-routes.js';
import { SendInput } from './inputs.js';
import { LIMITS } from './limits.js';
import { SendInputCheck } from './message-fields.js';

describe('file names and types as uploads keep them', () => {
  it('keeps the last path segment of a name, without control characters or surrounding space', () => {
    expect(cleanFileName('report.pdf')).toBe('report.pdf');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\ann\\photo.jpg')).toBe('photo.jpg');
    expect(cleanFileName('  a\u0000b\u001fc.txt\n')).toBe('abc.txt');
    expect(cleanFileName('dir/')).toBe('');
  });

  it('takes a media type as type/subtype, lower-cased without parameters, or refuses it', () => {
    expect(cleanMediaType('Image/PNG')).toBe('image/png');
    expect(cleanMediaType('text/plain; charset=utf-8')).toBe('text/plain');
    expect(
      cleanMediaType('application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    ).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    for (const bad of [undefined, '', 'png', 'text/', '/plain', 'text/plain/x', 'text/pl ain'])
      expect(cleanMediaType(bad)).toBeUndefined();
  });

  it('puts ids into route paths escaped', () => {
    expect(FILE_ROUTES.download('abc')).toBe('/media/files/abc');
    expect(FILE_ROUTES.thumbnail('a/b')).toBe('/media/files/a%2Fb/thumbnail');
  });
});

describe('a send with files', () => {
  const base = { roomId: 'r1', clientMsgId: 'c1' };

  it('may have an empty body when it carries files, and not otherwise', () => {
    for (const schema of [SendInput, SendInputCheck]) {
      expect(schema.safeParse({ ...base, body: '', attachments: ['f1'] }).success).toBe(true);
      const empty = schema.safeParse({ ...base, body: '  ', attachments: [] });
      expect(empty.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        ['body', 'Message is empty'],
      ]);
    }
  });

  it('carries at most LIMITS.attachmentsPerMessageMax files, each an id', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
    for (const schema of [SendInput, SendInputCheck]) {
      expect(
        schema.safeParse({ ...base, body: 'x', attachments: ids(LIMITS.attachmentsPerMessageMax) })
          .success,
      ).toBe(true);
      const many = schema.safeParse({
        ...base,
        body: 'x',
        attachments: ids(LIMITS.attachmentsPerMessageMax + 1),
      });
      expect(many.error?.issues[0]?.message).toBe(
        `A message carries at most ${LIMITS.attachmentsPerMessageMax} files`,
      );
      expect(schema.safeParse({ ...base, body: 'x', attachments: ['not/an id'] }).success).toBe(
        false,
      );
    }
  });
});
