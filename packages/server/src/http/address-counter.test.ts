import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAddressCounter } from './connection-limits.js';

/** A socket as accepted from `address` (never connected: only its peer address is read). */
function socketFrom(address: string): Socket {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: address });
  return socket;
}

describe('the TCP connection cap per address', () => {
  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as its IPv4 one', () => {
    const counter = createAddressCounter(2, 64);
    const admitted = [
      '2001:db8:0:1::1',
      '2001:db8:0:1::2',
      '2001:db8:0:1::3',
      '2001:db8:0:2::1',
    ].map((address) => counter.admit(socketFrom(address)));
    expect(admitted).toEqual([true, true, false, true]);
    expect(counter.count('2001:db8:0:1:0:0:0:0/64')).toBe(2);
    const v4 = ['192.0.2.1', '::ffff:192.0.2.1', '::ffff:192.0.2.1'].map((address) =>
      counter.admit(socketFrom(address)),
    );
    expect(v4).toEqual([true, true, false]);
    expect(counter.count('192.0.2.1')).toBe(2);
  });

  it('frees the slot when the socket closes', async () => {
    const counter = createAddressCounter(1, 64);
    const first = socketFrom('2001:db8::1');
    expect(counter.admit(first)).toBe(true);
    const closed = new Promise((resolve) => first.once('close', resolve));
    first.destroy();
    await closed;
    expect(counter.count('2001:db8:0:0:0:0:0:0/64')).toBe(0);
    expect(counter.admit(socketFrom('2001:db8::2'))).toBe(true);
  });
});
