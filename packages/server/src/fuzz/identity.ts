import fc from 'fast-check';
import type { FuzzFixture } from './fixture.js';

/**
 * Who the fuzzer is: the third user (member of no seeded room), nobody, or a token that was
 * never issued. Never alice or bob: what they may do is not what the oracle forbids.
 */
export type Identity = 'fuzzer' | 'anonymous' | 'junk';
export const identity: fc.Arbitrary<Identity> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('fuzzer' as const) },
  { weight: 1, arbitrary: fc.constantFrom('anonymous' as const, 'junk' as const) },
);

export function tokenOf(fx: FuzzFixture, who: Identity): string | undefined {
  if (who === 'fuzzer') return fx.fuzzer.token;
  return who === 'junk' ? 'not-a-token-\u00e9' : undefined;
}

/** The Authorization header of an identity (none when anonymous). */
export function bearer(fx: FuzzFixture, who: Identity): Record<string, string> {
  const token = tokenOf(fx, who);
  return token ? { Authorization: `Bearer ${token}` } : {};
}
