/**
 * clientMsgIds the SDK makes: UUID version 7 (RFC 9562), time-ordered. The server keys its
 * idempotency index by clientMsgId first, so ids that grow with time are written at the index's
 * end: a group commit of many senders' messages then writes a page or two of it instead of one
 * per sender (bench/RESULTS.md). Any unique string still works as a clientMsgId; these are also
 * unique across devices (62 random bits in each id, beside the time and the counter).
 *
 * Layout: 48 bits of Unix time in ms, the version (7), 12 bits of a counter that starts at a
 * random value below 2048 in each new millisecond (ids made in one millisecond still sort in the
 * order they were made), the variant (10), 62 random bits.
 */

let lastMs = 0;
let counter = 0;

/** A new time-ordered clientMsgId, in UUID text form. */
export function newClientMsgId(now: number = Date.now()): string {
  // One draw per id: bytes 6-7 seed the counter of a new millisecond, 8-15 are the random tail.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const seed = (((bytes[6] ?? 0) << 8) | (bytes[7] ?? 0)) & 0x7ff;
  let ms = Math.max(now, lastMs);
  if (ms > lastMs) counter = seed;
  else if (++counter > 0xfff) {
    // 4096 in one millisecond: borrow the next one (the clock catches up).
    ms += 1;
    counter = seed;
  }
  lastMs = ms;
  // 48-bit timestamp, big-endian (ms / 2^8 stays exact: below 2^53).
  let t = ms;
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
