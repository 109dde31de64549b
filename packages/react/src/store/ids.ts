/**
 * A fresh idempotency key for a send. `crypto.randomUUID` exists only in secure contexts (HTTPS,
 * localhost); on plain HTTP from another host the same 122 random bits come from getRandomValues.
 */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
