import { expect, it } from 'vitest';
import { newId, newTimeOrderedId } from './crypto.js';

it('ids are 16 random bytes in base64url, never repeated across refills of the byte pool', () => {
  const ids = Array.from({ length: 10_000 }, () => newId()); // 160 KB: 40 refills
  for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(new Set(ids).size).toBe(ids.length);
});

it('time-ordered ids sort as text in the order of their times, then differ by 12 random bytes', () => {
  const times = [0, 1, 35, 36, 1_700_000_000_000, 1_700_000_000_001, 4_102_444_800_000];
  const ids = times.map((at) => newTimeOrderedId(at));
  for (const id of ids) expect(id).toMatch(/^[0-9a-z]{9}[A-Za-z0-9_-]{16}$/);
  expect([...ids].sort()).toEqual(ids);
  expect(newTimeOrderedId(5)).not.toBe(newTimeOrderedId(5));
});
