import { describe, expect, it } from 'vitest';
import { type Coding, negotiateCoding } from './accept-encoding.js';

const BOTH: Coding[] = ['br', 'gzip'];

describe('negotiateCoding', () => {
  it.each([
    // What browsers send: brotli wins over gzip.
    ['gzip, deflate, br, zstd', BOTH, 'br'],
    ['gzip, deflate, br', ['gzip'], 'gzip'],
    ['gzip, deflate, br', [], 'identity'],
    // No header: identity only (an old client may not decode anything).
    [undefined, BOTH, 'identity'],
    ['', BOTH, 'identity'],
    ['identity', BOTH, 'identity'],
    // Weights are honoured over the server's preference...
    ['br;q=0.5, gzip', BOTH, 'gzip'],
    ['br;q=0.9, gzip;q=0.8', BOTH, 'br'],
    ['gzip;q=0.5, identity', BOTH, 'identity'],
    // ...and on a tie the server's order decides: br, gzip, identity.
    ['gzip;q=0.7, br;q=0.7', BOTH, 'br'],
    ['gzip, identity', BOTH, 'gzip'],
    // q=0 refuses.
    ['br;q=0, gzip', BOTH, 'gzip'],
    ['br;q=0, gzip;q=0', BOTH, 'identity'],
    ['br;q=0.000, gzip;Q=0', BOTH, 'identity'],
    // The wildcard weights whatever is not named.
    ['*', BOTH, 'br'],
    ['br;q=0, *', BOTH, 'gzip'],
    ['*;q=0, gzip', BOTH, 'gzip'],
    ['*;q=0', BOTH, 'identity'],
    // Case, spaces, a coding named twice, a malformed weight.
    ['  GZIP ; q=1 ,BR;q=0.1', BOTH, 'gzip'],
    ['br;q=0, br;q=0.2, gzip;q=0.1', BOTH, 'br'],
    ['br;q=abc, gzip;q=0.5', BOTH, 'br'],
    // Identity refused and nothing else available: identity is still what there is.
    ['identity;q=0', [], 'identity'],
    ['identity;q=0', ['gzip'], 'identity'],
    ['identity;q=0, gzip', ['gzip'], 'gzip'],
  ] as const)('%j with %j available answers %s', (header, available, expected) => {
    expect(negotiateCoding(header, available)).toBe(expected);
  });

  it('reads a header repeated over several lines as one list', () => {
    expect(negotiateCoding(['gzip;q=0.2', 'br;q=0.1'], BOTH)).toBe('gzip');
  });
});
