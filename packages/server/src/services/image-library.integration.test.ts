import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtApiOnSqlite } from '../__tests__/built-api.js';
import { pngOf, uploadFile } from '../__tests__/files-http.js';
import { signUp } from '../__tests__/server.js';

/** Whether the process has libvips (sharp's image library) mapped into its memory. */
const hasLibvips = (pid: number) => readFileSync(`/proc/${pid}/maps`, 'utf8').includes('libvips');

// On the built process: a server that has handled no image never loads sharp (about 23 MiB of
// resident memory); the first image loads it and is thumbnailed as before.
describe('the image library', () => {
  const built = builtApiOnSqlite('image-library');

  it('is loaded at the first image, not at start', async () => {
    const api = built.api();
    const pid = api.child.pid ?? 0;
    const ann = await signUp(api.url, 'ann');
    const room = await ann.api.room.create.mutate({ kind: 'private', name: 'pictures' });
    const text = { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('no image') };
    expect((await uploadFile(api.url, ann.token, room.id, text)).status).toBe(201);
    expect(hasLibvips(pid)).toBe(false);

    const png = { name: 'blue.png', type: 'image/png', bytes: await pngOf(40, 30) };
    const uploaded = await uploadFile(api.url, ann.token, room.id, png);
    expect(uploaded.status).toBe(201);
    expect(uploaded.file?.image).toEqual({ width: 40, height: 30 });
    expect(hasLibvips(pid)).toBe(true);
    ann.close();
  });
});
