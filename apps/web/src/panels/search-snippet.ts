import type { SearchSegment } from '@confab/contracts';

/** Characters shown before the first match when a long body is cut. */
const LEAD_CHARS = 60;

/**
 * The part of a long body worth showing: from a little before its first match, at most
 * `maxChars` long, marked with an ellipsis where it was cut. Bodies run to 4,000 characters,
 * and a match near the end must not be clipped out of sight.
 */
export function snippet(segments: readonly SearchSegment[], maxChars = 280): SearchSegment[] {
  const total = segments.reduce((n, s) => n + s.text.length, 0);
  if (total <= maxChars) return [...segments];
  let offset = 0;
  let firstMatch = 0;
  for (const s of segments) {
    if (s.match) {
      firstMatch = offset;
      break;
    }
    offset += s.text.length;
  }
  const start = Math.max(0, Math.min(firstMatch - LEAD_CHARS, total - maxChars));
  const end = start + maxChars;
  const out: SearchSegment[] = [];
  let at = 0;
  for (const s of segments) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + s.text.length);
    if (from < to) out.push({ text: s.text.slice(from - at, to - at), match: s.match });
    at += s.text.length;
  }
  if (start > 0) out.unshift({ text: '…', match: false });
  if (end < total) out.push({ text: '…', match: false });
  return out;
}
