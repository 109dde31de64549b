/** The content codings Confab sends, in the order it prefers them when a client rates them equal. */
export type Coding = 'br' | 'gzip' | 'identity';

const PREFERENCE: readonly Coding[] = ['br', 'gzip', 'identity'];

/** Each coding named in an `Accept-Encoding` header, with its q-value (RFC 9110 §12.5.3). */
function weights(header: string): Map<string, number> {
  const named = new Map<string, number>();
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName?.trim().toLowerCase();
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() !== 'q') continue;
      const parsed = Number(value?.trim());
      // A malformed weight is not a refusal: treat the coding as merely named.
      q = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 1;
    }
    // A coding named twice keeps its best weight.
    named.set(name, Math.max(named.get(name) ?? 0, q));
  }
  return named;
}

/**
 * The coding to answer with, among `available` (identity is always possible): the one the
 * client weights highest, `br` before `gzip` before identity on a tie. `q=0` refuses a coding;
 * `*` weights every coding not named. Without the header only identity is sent (RFC 9110 allows
 * any coding then, but an old client that sends none may not decode one). When the client
 * refuses identity too and nothing else is available, identity is still sent (the spec's
 * alternative, 415/406, helps no one here).
 */
export function negotiateCoding(
  header: string | string[] | undefined,
  available: readonly Coding[],
): Coding {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text === undefined) return 'identity';
  const named = weights(text);
  const wildcard = named.get('*');
  // Identity is acceptable unless refused, but a client that weighs the codings it names wants
  // one of those: unnamed, identity weighs as little as the least of them (as `negotiator` does).
  const implicitIdentity = Math.min(1, ...[...named.values()].filter((q) => q > 0));
  const weightOf = (coding: Coding): number => {
    const own = named.get(coding);
    if (own !== undefined) return own;
    if (wildcard !== undefined) return wildcard;
    return coding === 'identity' ? implicitIdentity : 0;
  };
  let best: Coding = 'identity';
  let bestWeight = 0;
  for (const coding of PREFERENCE) {
    if (coding !== 'identity' && !available.includes(coding)) continue;
    const weight = weightOf(coding);
    if (weight > bestWeight) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}
