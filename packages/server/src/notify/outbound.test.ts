import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestPeer } from './__tests__/test-peer.js';
import { type NotifyConfig, type NotifyLogEntry, resolveNotifyConfig } from './config.js';
import { createOutbound } from './outbound.js';
import { createTelemetry } from './telemetry.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A name resolver that knows only `names`, and remembers what it was asked. */
function fakeDns(names: Record<string, string[]>) {
  const asked: string[] = [];
  const lookup = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { lookup, asked };
}

function outboundWith(config: NotifyConfig) {
  const logs: NotifyLogEntry[] = [];
  let now = 1_000_000;
  const outbound = createOutbound({
    config: resolveNotifyConfig({ log: (e) => logs.push(e), ...config }),
    telemetry: createTelemetry((e) => logs.push(e)),
    requestSignal: new AbortController().signal,
    now: () => now,
  });
  cleanup.push(() => outbound.close());
  return {
    outbound,
    logs,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const post = { headers: { 'Content-Type': 'text/plain' }, body: 'hello' };

describe('outbound requests refuse internal addresses', () => {
  it('a name that resolves to 127.0.0.1 is refused before connecting: the peer sees no connection', async () => {
    const peer = await startTestPeer();
    cleanup.push(() => peer.close());
    const dns = fakeDns({ 'push.example.test': ['127.0.0.1'] });
    const { outbound } = outboundWith({ lookup: dns.lookup });

    const result = await outbound.post(`https://push.example.test:${peer.port}/push/x`, post);

    expect(result).toEqual({
      failure: 'refused',
      error: expect.stringContaining(
        'push.example.test resolves to 127.0.0.1, a loopback, private or reserved address',
      ),
      durationMs: expect.any(Number),
    });
    expect(dns.asked).toEqual(['push.example.test']);
    expect(peer.state.connections).toBe(0);
  });

  it('a name with one internal address among public ones is refused (DNS rebinding)', async () => {
    const peer = await startTestPeer();
    cleanup.push(() => peer.close());
    // Both internal here, so that nothing but loopback could ever be contacted by a bug.
    const dns = fakeDns({ 'mixed.example.test': ['127.0.0.2', '::ffff:127.0.0.1'] });
    const { outbound } = outboundWith({ lookup: dns.lookup });
    const result = await outbound.post(`http://mixed.example.test:${peer.port}/`, post);
    expect(result).toMatchObject({ failure: 'refused' });
    expect(peer.state.connections).toBe(0);
  });

  it('IP-literal hosts (which skip the lookup) are refused without a lookup or a connection', async () => {
    const peer = await startTestPeer();
    cleanup.push(() => peer.close());
    const dns = fakeDns({});
    const { outbound } = outboundWith({ lookup: dns.lookup });
    for (const host of [
      '127.0.0.1',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '0x7f.0.0.1',
      'localhost',
    ]) {
      expect(await outbound.post(`http://${host}:${peer.port}/`, post)).toMatchObject({
        failure: 'refused',
        durationMs: 0,
      });
    }
    expect(dns.asked).toEqual([]);
    expect(peer.state.connections).toBe(0);
  });

  it('with allowPrivateAddresses the request connects to the address the lookup gave (the check and the connection use one resolution)', async () => {
    const peer = await startTestPeer({ status: 201 });
    cleanup.push(() => peer.close());
    const dns = fakeDns({ 'push.example.test': ['127.0.0.1'] });
    const { outbound } = outboundWith({ lookup: dns.lookup, allowPrivateAddresses: true });

    const result = await outbound.post(`http://push.example.test:${peer.port}/push/x`, post);

    expect(result).toEqual({ status: 201, durationMs: expect.any(Number) });
    expect(dns.asked).toEqual(['push.example.test']);
    expect(peer.state.requests).toEqual([
      { host: `push.example.test:${peer.port}`, path: '/push/x' },
    ]);
  });

  it('a redirect is not followed: the 302 is the answer, and its target sees nothing', async () => {
    const target = await startTestPeer();
    const redirecting = await startTestPeer({
      status: 302,
      headers: { Location: `${target.origin}/internal` },
    });
    cleanup.push(
      () => target.close(),
      () => redirecting.close(),
    );
    const { outbound } = outboundWith({ allowPrivateAddresses: true });
    expect(await outbound.post(`${redirecting.origin}/hook`, post)).toMatchObject({ status: 302 });
    expect(redirecting.state.requests).toHaveLength(1);
    expect(target.state.connections).toBe(0);
  });
});

describe('outbound requests time out', () => {
  it('a peer that accepts and never answers is cut off after requestTimeoutMs and its connection closed', async () => {
    const peer = await startTestPeer('hold');
    cleanup.push(() => peer.close());
    const { outbound } = outboundWith({ allowPrivateAddresses: true, requestTimeoutMs: 300 });
    const result = await outbound.post(`${peer.origin}/push/x`, post);
    expect(result).toEqual({
      failure: 'timeout',
      error: 'no answer within 300 ms',
      durationMs: expect.any(Number),
    });
    // The client closed the connection: nothing is left waiting on the peer.
    await peer.until((s) => s.abandoned === 1);
    expect(peer.state.inFlight).toBe(0);
  });
});

describe('a failing destination is paused', () => {
  it('after N failures in a row its requests are skipped until the pause ends; each pause after is longer; a success ends it', async () => {
    const peer = await startTestPeer({ status: 503 });
    cleanup.push(() => peer.close());
    const { outbound, logs, advance } = outboundWith({
      allowPrivateAddresses: true,
      destinationFailuresBeforePause: 2,
      destinationPauseBaseMs: 60_000,
      destinationPauseMaxMs: 100_000,
    });
    const send = () => outbound.post(`${peer.origin}/hook`, post);

    expect(await send()).toMatchObject({ status: 503 });
    expect(await send()).toMatchObject({ status: 503 });
    expect(await send()).toEqual({
      failure: 'paused',
      error: 'destination paused for 60000 ms after repeated failures',
      durationMs: 0,
      pausedForMs: 60_000,
    });
    expect(peer.state.requests).toHaveLength(2);

    advance(59_999);
    expect(await send()).toMatchObject({ failure: 'paused', pausedForMs: 1 });
    expect(peer.state.requests).toHaveLength(2);

    // The pause is over: one request goes; it fails, and the next pause is twice as long, capped.
    advance(1);
    expect(await send()).toMatchObject({ status: 503 });
    expect(await send()).toMatchObject({ failure: 'paused', pausedForMs: 100_000 });
    expect(peer.state.requests).toHaveLength(3);

    advance(100_000);
    peer.answer({ status: 201 });
    expect(await send()).toMatchObject({ status: 201 });
    expect(await send()).toMatchObject({ status: 201 });
    expect(peer.state.requests).toHaveLength(5);

    expect(logs.filter((l) => l.event === 'destination.paused')).toEqual([
      { event: 'destination.paused', origin: peer.origin, pauseMs: 60_000, failures: 2 },
      { event: 'destination.paused', origin: peer.origin, pauseMs: 100_000, failures: 3 },
    ]);
  });

  it('a 4xx answer (other than 429) is not a failure of the destination', async () => {
    const peer = await startTestPeer({ status: 400 });
    cleanup.push(() => peer.close());
    const { outbound } = outboundWith({
      allowPrivateAddresses: true,
      destinationFailuresBeforePause: 1,
    });
    for (let i = 0; i < 3; i += 1) {
      expect(await outbound.post(`${peer.origin}/hook`, post)).toMatchObject({ status: 400 });
    }
    expect(peer.state.requests).toHaveLength(3);
  });
});
