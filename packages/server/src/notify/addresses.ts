import { BlockList, isIP } from 'node:net';

/*
 * Addresses an outbound request (a Web Push or a webhook) must never reach: a user chooses the
 * URL, and the server POSTs to it from inside the operator's network (SSRF). The lists are the
 * IANA IPv4 and IPv6 Special-Purpose Address Registries (iana.org/assignments/iana-ipv4-special-
 * registry, iana-ipv6-special-registry, as of 2024), every entry of them, including the few
 * marked "globally reachable" (anycast relays, AS112 sinks): none of them is a push service or a
 * webhook receiver. IPv4 multicast (224.0.0.0/4) is in the multicast registry instead.
 */
const IPV4_RESERVED: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network" (RFC 791); 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback (RFC 1122)
  ['169.254.0.0', 16], // link-local, where clouds serve instance metadata (RFC 3927)
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments, DS-Lite, NAT64 discovery (RFC 6890)
  ['192.0.2.0', 24], // TEST-NET-1, documentation (RFC 5737)
  ['192.31.196.0', 24], // AS112-v4 (RFC 7535)
  ['192.52.193.0', 24], // AMT (RFC 7450)
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast (RFC 7526)
  ['192.168.0.0', 16], // private (RFC 1918)
  ['192.175.48.0', 24], // direct delegation AS112 service (RFC 7534)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // TEST-NET-2 (RFC 5737)
  ['203.0.113.0', 24], // TEST-NET-3 (RFC 5737)
  ['224.0.0.0', 4], // multicast (RFC 5771)
  ['240.0.0.0', 4], // reserved (RFC 1112), 255.255.255.255 limited broadcast included
];

/*
 * IPv6 is checked the other way round too: only global unicast (2000::/3, RFC 4291 §2.4) can be
 * a public host, so everything outside it is refused whatever the registry says (unallocated
 * space included). The entries outside 2000::/3 are listed all the same, to name them.
 */
const IPV6_RESERVED: readonly (readonly [string, number])[] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::ffff:0:0', 96], // IPv4-mapped (RFC 4291): ::ffff:127.0.0.1 is loopback over IPv4
  ['::', 96], // deprecated IPv4-compatible (RFC 4291 §2.5.5.1)
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation (RFC 8215)
  ['100::', 64], // discard-only (RFC 6666)
  ['2001::', 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID, AMT… (RFC 2928)
  ['2001:db8::', 32], // documentation (RFC 3849)
  ['2002::', 16], // 6to4 (RFC 3056): embeds any IPv4 address
  ['2620:4f:8000::', 48], // direct delegation AS112 service (RFC 7534)
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // segment routing SIDs (RFC 9602)
  ['fc00::', 7], // unique local (RFC 4193)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local (RFC 3879)
  ['ff00::', 8], // multicast
];

// One list per family: a BlockList also matches IPv4 addresses against its IPv6 rules (as
// IPv4-mapped), and ::/96 would then hold every IPv4 address.
const reservedV4 = new BlockList();
for (const [net, prefix] of IPV4_RESERVED) reservedV4.addSubnet(net, prefix, 'ipv4');
const reservedV6 = new BlockList();
for (const [net, prefix] of IPV6_RESERVED) reservedV6.addSubnet(net, prefix, 'ipv6');

const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

const nat64 = new BlockList();
// The well-known NAT64 prefix (RFC 6052): on a DNS64 network every IPv4-only host has such an
// address, so it is judged by the IPv4 address it carries in its last 32 bits.
nat64.addSubnet('64:ff9b::', 96, 'ipv6');

/** The 8 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = tail[1].split('.').map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * Whether an outbound request must not go to `address`: an IPv4 or IPv6 address (brackets and
 * a zone id are allowed) in a special-purpose, private, loopback, link-local, multicast or
 * otherwise non-public range. Anything that is not an IP address counts as reserved.
 */
export function isReservedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return reservedV4.check(bare, 'ipv4');
  if (family !== 6) return true;
  if (nat64.check(bare, 'ipv6')) {
    const groups = ipv6Groups(bare);
    const high = groups[6] ?? 0;
    const low = groups[7] ?? 0;
    return isReservedAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return !globalUnicast.check(bare, 'ipv6') || reservedV6.check(bare, 'ipv6');
}
