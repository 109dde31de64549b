import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { Agent } from 'undici';
import { loadUndici } from '../lazy-modules.js';
import { isReservedAddress } from './addresses.js';

/** A destination's host resolved to an address no outbound request may reach. */
export class RefusedAddressError extends Error {
  readonly code = 'ERR_CONFAB_REFUSED_ADDRESS';
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to ${address}, a loopback, private or reserved address`);
    this.name = 'RefusedAddressError';
  }
}

/** Whether `error` is, or was caused by, a RefusedAddressError (fetch wraps it as `cause`). */
export function isRefusedAddress(error: unknown): error is Error {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    if (e instanceof RefusedAddressError) return true;
  }
  return false;
}

/**
 * The socket-level lookup: resolves with `resolve`, refuses the connection when any address is
 * reserved (a name that mixes public and internal addresses is a DNS rebinding attempt, or a
 * mistake), and hands the checked addresses to the socket, which connects to one of them. That
 * is the pinning: the address connected to is the address checked, with no second resolution
 * between check and connect (no time-of-check/time-of-use gap).
 */
export function checkedLookup(
  resolve: (hostname: string) => Promise<LookupAddress[]>,
  allowPrivateAddresses: boolean,
): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolve(hostname).then(
      (resolved) => {
        const family =
          options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const addresses = family ? resolved.filter((a) => a.family === family) : resolved;
        const first = addresses[0];
        if (!first) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = 'ENOTFOUND';
          callback(error, '');
          return;
        }
        const refused = addresses.find((a) => isReservedAddress(a.address));
        if (refused && !allowPrivateAddresses) {
          callback(new RefusedAddressError(hostname, refused.address), '');
          return;
        }
        // With autoSelectFamily (on by default since Node 20) the socket asks for all of them.
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/**
 * The undici Agent every push and webhook request goes through (as the `dispatcher` of undici's
 * own fetch: Node's global fetch ignores an Agent of another undici version). Its connections
 * resolve names with checkedLookup. IP-literal hosts never reach a lookup (the socket connects
 * to them as they are), so callers must check those themselves (see isInternalHost).
 */
async function createGuardedAgent(options: {
  lookup: (hostname: string) => Promise<LookupAddress[]>;
  allowPrivateAddresses: boolean;
}): Promise<Agent> {
  const { Agent } = await loadUndici();
  return new Agent({
    connect: { lookup: checkedLookup(options.lookup, options.allowPrivateAddresses) },
  });
}

/**
 * A guarded agent made at its first use, undici loaded with it: most servers never send a
 * request. A failed load is tried again at the next use.
 */
export function lazyGuardedAgent(options: Parameters<typeof createGuardedAgent>[0]): {
  agent(): Promise<Agent>;
  /** Closes the agent's kept-alive connections, if it was made. */
  close(): Promise<void>;
} {
  let made: Promise<Agent> | undefined;
  return {
    agent() {
      made ??= createGuardedAgent(options).catch((error: unknown) => {
        made = undefined;
        throw error;
      });
      return made;
    },
    async close() {
      // A load that failed left no connections to close.
      await made?.then(
        (agent) => agent.close(),
        () => undefined,
      );
    },
  };
}
