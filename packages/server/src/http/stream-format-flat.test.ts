import {
  expandEvent,
  type FlatEvent,
  flatEvent,
  type PresenceState,
  type StreamEvent,
  slimEvent,
} from '@confab/contracts';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import { syncedLiveStreams, unmodifiedLinks } from '../__tests__/live-links.js';
import { rawSubscription } from '../__tests__/raw-subscription.js';
import { serverForSuite, signUp } from '../__tests__/server.js';

const FORMAT_3 = { format: 3 };

/** What a frame's result carries: format 1's tracked envelope, format 2's or 3's event. */
const dataOf = (frame: string): unknown =>
  (JSON.parse(frame) as { result: { data: unknown } }).result.data;

describe('stream format 3: events.live with format 3', () => {
  const server = serverForSuite();

  it("writes a message flat, with its clientMsgId only on its author's devices, and loses nothing else", async () => {
    const ann = await signUp(server.url, 'ann');
    const bob = await signUp(server.url, 'bob');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'flat' });
    await bob.api.room.join.mutate({ roomId: room.id });
    const tracked = await rawSubscription(server.url, bob.token, 'events.onEvent', room.id);
    const format2 = await rawSubscription(server.url, bob.token, 'events.live', room.id);
    const annFlat = await rawSubscription(server.url, ann.token, 'events.live', room.id, FORMAT_3);
    const bobFlat = await rawSubscription(server.url, bob.token, 'events.live', room.id, FORMAT_3);
    await Promise.all([tracked, format2, annFlat, bobFlat].map((s) => s.next('sync')));
    const clientMsgId = crypto.randomUUID();
    const body = `1:${'x'.repeat(118)}`;
    await ann.api.message.send.mutate({ roomId: room.id, clientMsgId, body });

    const event = (dataOf(await tracked.next('message.created')) as { data: StreamEvent }).data;
    const live = await format2.next('message.created');
    const toAnn = await annFlat.next('message.created');
    const toBob = await bobFlat.next('message.created');
    expect(JSON.parse(toAnn)).toEqual({ id: 1, result: { data: flatEvent(event, true) } });
    expect(JSON.parse(toBob)).toEqual({ id: 1, result: { data: flatEvent(event, false) } });
    if (event.type !== 'message.created') throw new Error('not a message');
    // The message's fields sit beside the envelope's; only the author's devices get the key.
    expect(dataOf(toAnn)).toEqual({
      type: 'message.created',
      roomId: room.id,
      seq: event.seq,
      at: event.at,
      id: event.message.id,
      authorId: ann.user.id,
      clientMsgId,
      body,
    });
    const { clientMsgId: _key, ...withoutKey } = dataOf(toAnn) as Record<string, unknown>;
    expect(dataOf(toBob)).toEqual(withoutKey);
    // Expanded, the author's copy is format 1's event; everyone else's lacks only the key.
    expect(expandEvent(dataOf(toAnn) as FlatEvent)).toEqual(event);
    const { clientMsgId: _same, ...message } = event.message;
    expect(expandEvent(dataOf(toBob) as FlatEvent)).toEqual({ ...event, message });
    // Fewer bytes than format 2: no `"message":{…}` around the fields, no key for others.
    expect(Buffer.byteLength(toBob)).toBe(
      Buffer.byteLength(live) - `"message":{}`.length - `,"clientMsgId":"${clientMsgId}"`.length,
    );
    for (const s of [tracked, format2, annFlat, bobFlat]) s.close();
    ann.close();
    bob.close();
  });

  it("serializes an event once for its author's devices and once for everyone else's", async () => {
    const ann = await signUp(server.url, 'ann');
    const bob = await signUp(server.url, 'bob');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'twice' });
    await bob.api.room.join.mutate({ roomId: room.id });
    const devices = await Promise.all(
      [ann, ann, bob, bob].map((user) =>
        rawSubscription(server.url, user.token, 'events.live', room.id, FORMAT_3),
      ),
    );
    await Promise.all(devices.map((d) => d.next('sync')));
    const stringify = vi.spyOn(JSON, 'stringify');
    await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: 'c1', body: 'to four' });
    const frames = await Promise.all(devices.map((d) => d.next('message.created')));
    const ofTheEvent = stringify.mock.calls.filter(
      ([value]) => (value as { type?: string } | null)?.type === 'message.created',
    );
    stringify.mockRestore();
    // Once for the room's log in the store, once for ann's two devices, once for bob's two.
    expect(ofTheEvent).toHaveLength(3);
    expect(frames[0]).toBe(frames[1]);
    expect(frames[2]).toBe(frames[3]);
    expect(frames[0]).not.toBe(frames[2]);
    for (const d of devices) d.close();
    ann.close();
    bob.close();
  });

  it("writes the presence snapshot as the ids of who is online and who is away when asked (snapshot: 'ids'), whole otherwise", async () => {
    const ann = await signUp(server.url, 'ann');
    const bob = await signUp(server.url, 'bob');
    const cy = await signUp(server.url, 'cy');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'who is here' });
    await bob.api.room.join.mutate({ roomId: room.id });
    await cy.api.room.join.mutate({ roomId: room.id });
    // Bob and Cy have a device each; Cy's is idle (away).
    const bobDevice = await rawSubscription(
      server.url,
      bob.token,
      'events.live',
      room.id,
      FORMAT_3,
    );
    const cyDevice = await rawSubscription(server.url, cy.token, 'events.live', room.id, FORMAT_3);
    await Promise.all([bobDevice, cyDevice].map((d) => d.next('sync')));
    await cy.api.presence.setActive.mutate({ active: false });

    const tracked = await rawSubscription(server.url, ann.token, 'events.onEvent', room.id);
    const ids = await rawSubscription(server.url, ann.token, 'events.live', room.id, {
      ...FORMAT_3,
      snapshot: 'ids',
    });
    // What an SDK from before `snapshot` asks (a browser tab left open across a deploy).
    const whole = await rawSubscription(server.url, ann.token, 'events.live', room.id, FORMAT_3);
    const format1 = (dataOf(await tracked.next('presence.snapshot')) as { data: StreamEvent }).data;
    const asIds = dataOf(await ids.next('presence.snapshot'));
    expect(asIds).toEqual({ type: 'presence.snapshot', online: [bob.user.id], away: [cy.user.id] });
    expect(dataOf(await whole.next('presence.snapshot'))).toEqual(format1);
    // Expanded: format 1's people (in format 1 they come in the order presence holds them;
    // expanded, those online come first).
    const byId = (users: PresenceState[]) =>
      [...users].sort((x, y) => x.userId.localeCompare(y.userId));
    const expanded = expandEvent(asIds as FlatEvent);
    if (format1.type !== 'presence.snapshot' || expanded.type !== 'presence.snapshot')
      throw new Error('not a snapshot');
    expect(byId(expanded.users)).toEqual(
      byId([
        { userId: bob.user.id, status: 'online', lastSeenAt: null },
        { userId: cy.user.id, status: 'away', lastSeenAt: null },
      ]),
    );
    expect(byId(expanded.users)).toEqual(byId(format1.users));
    for (const s of [bobDevice, cyDevice, tracked, ids, whole]) s.close();
    for (const user of [ann, bob, cy]) user.close();
  });

  it('works with the unmodified wsLink and httpSubscriptionLink, and refuses a format it does not know', async () => {
    const ann = await signUp(server.url, 'ann');
    const room = await ann.api.room.create.mutate({ kind: 'private', name: 'links' });
    const { socket, overWs, overSse } = unmodifiedLinks(server.url, ann.token);
    const input = { cursors: { [room.id]: 1 }, resume: true, format: 3 as const };
    const streams = await syncedLiveStreams([overWs, overSse], input);
    const sent = await ann.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'links-1',
      body: 'to both links',
    });
    const [ws, sse] = await Promise.all(streams);
    expect(ws?.event).toEqual({
      type: 'message.created',
      roomId: room.id,
      seq: sent.seq,
      at: sent.createdAt,
      id: sent.id,
      authorId: ann.user.id,
      clientMsgId: 'links-1',
      body: 'to both links',
    });
    expect(sse?.event).toEqual(ws?.event);
    ws?.stop();
    sse?.stop();

    const refusal = (api: typeof overWs) =>
      new Promise<unknown>((resolve) => {
        const unknownFormat = { ...input, format: 4 } as unknown as typeof input;
        api.events.live.subscribe(unknownFormat, { onData: () => {}, onError: resolve });
      });
    for (const api of [overWs, overSse]) {
      const refused = await refusal(api);
      expect(refused).toBeInstanceOf(TRPCClientError);
      expect(refused).toMatchObject({ data: { appCode: 'VALIDATION', path: 'events.live' } });
    }
    await socket.close();
    ann.close();
  });

  it('is format 2 when the input names no format (what a client from before format 3 asks)', async () => {
    const ann = await signUp(server.url, 'ann');
    const room = await ann.api.room.create.mutate({ kind: 'private', name: 'older client' });
    const tracked = await rawSubscription(server.url, ann.token, 'events.onEvent', room.id);
    const older = await rawSubscription(server.url, ann.token, 'events.live', room.id);
    await Promise.all([tracked.next('sync'), older.next('sync')]);
    await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: 'c-old', body: 'hi' });
    const event = (dataOf(await tracked.next('message.created')) as { data: StreamEvent }).data;
    expect(dataOf(await older.next('message.created'))).toEqual(slimEvent(event));
    tracked.close();
    older.close();
    ann.close();
  });
});
