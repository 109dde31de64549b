import { isIPv4, isIPv6 } from 'node:net';

/** The 16-bit groups of a well-formed IPv6 address (zone removed), an IPv4 tail as two. */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const before = parse(head);
  const after = tail === undefined ? [] : parse(tail);
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/**
 * The key an address's per-address limits count under. An IPv6 host is given a whole /64 (and
 * often more), so a limit per IPv6 address is no limit: an attacker with one /64 has 2^64 of
 * them. Addresses in the same first `ipv6PrefixBits` share a key; an IPv4 address (also written
 * IPv4-mapped, `::ffff:192.0.2.1`, as a dual-stack socket reports it) is its own key. Anything
 * else (a proxy's header that is not an address) is kept as it is.
 */
export function addressKey(address: string, ipv6PrefixBits: number): string {
  const bare = address.split('%')[0] ?? address;
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return address;
  const groups = ipv6Groups(bare);
  if (groups.slice(0, 6).join(':') === '0:0:0:0:0:65535') {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  const masked = groups.map((group, i) => {
    const keep = Math.min(16, Math.max(0, ipv6PrefixBits - i * 16));
    return keep === 0 ? 0 : group & (0xffff << (16 - keep)) & 0xffff;
  });
  return `${masked.map((group) => group.toString(16)).join(':')}/${ipv6PrefixBits}`;
}
