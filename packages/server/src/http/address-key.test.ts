import { describe, expect, it } from 'vitest';
import { addressKey } from './address-key.js';

describe('the key of per-address limits', () => {
  it('is an IPv4 address itself, however the socket wrote it', () => {
    expect(addressKey('192.0.2.1', 64)).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1', 64)).toBe('192.0.2.1');
    expect(addressKey('::FFFF:c000:201', 64)).toBe('192.0.2.1');
  });

  it('is the /64 of an IPv6 address, whatever its spelling', () => {
    const key = '2001:db8:0:1:0:0:0:0/64';
    for (const address of [
      '2001:db8:0:1::1',
      '2001:DB8:0:1:ffff:ffff:ffff:ffff',
      '2001:0db8:0000:0001::',
      '2001:db8::1:1:2:3:4',
      '2001:db8:0:1::1.2.3.4',
      '2001:db8:0:1::1%eth0',
    ])
      expect(addressKey(address, 64)).toBe(key);
    expect(addressKey('2001:db8:0:2::1', 64)).toBe('2001:db8:0:2:0:0:0:0/64');
    expect(addressKey('::1', 64)).toBe('0:0:0:0:0:0:0:0/64');
  });

  it('keeps the prefix it is given, to the bit', () => {
    expect(addressKey('2001:db8:abcd:ef01::1', 48)).toBe('2001:db8:abcd:0:0:0:0:0/48');
    expect(addressKey('2001:db8:abcd:ef01::1', 56)).toBe('2001:db8:abcd:ef00:0:0:0:0/56');
    expect(addressKey('2001:db8:abcd:ef01::1', 60)).toBe('2001:db8:abcd:ef00:0:0:0:0/60');
    expect(addressKey('2001:db8:abcd:ef01::1', 128)).toBe('2001:db8:abcd:ef01:0:0:0:1/128');
    expect(addressKey('ffff::', 1)).toBe('8000:0:0:0:0:0:0:0/1');
  });

  it('leaves what is not an address as it is (a proxy header that is not one)', () => {
    for (const text of ['unknown', 'evil', '1.2.3.4:80', '[2001:db8::1]', '2001:db8::1::2'])
      expect(addressKey(text, 64)).toBe(text);
  });
});
