import { describe, expect, it } from 'vitest';
import { messageGist } from './message-gist.js';

const file = (name: string) => ({ id: name, name, size: 1, type: 'text/plain' });

describe('messageGist', () => {
  it('is the text when there is any, files or not', () => {
    expect(messageGist({ body: 'See attached', attachments: [file('a.pdf')] })).toBe(
      'See attached',
    );
    expect(messageGist({ body: 'plain' })).toBe('plain');
  });

  it('names the file of a message of one file, and counts several', () => {
    expect(messageGist({ body: '', attachments: [file('a.pdf')] })).toBe('📎 a.pdf');
    expect(messageGist({ body: '', attachments: [file('a.pdf'), file('b.png')] })).toBe(
      '📎 2 files',
    );
  });

  it('is the (empty) text of a message without files', () => {
    expect(messageGist({ body: '', attachments: [] })).toBe('');
  });
});
