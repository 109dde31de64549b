import { expandEvent, type LiveEvent, type StreamEvent, slimEvent } from '@confab/contracts';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import { syncedLiveStreams, unmodifiedLinks } from '../__tests__/live-links.js';
import { rawSubscription } from '../__tests__/raw-subscription.js';
import { serverForSuite, signUp } from '../__tests__/server.js';
import type { AppRouter } from '../routers/root.js';
import { resumePoints } from '../services/resume-points.js';

describe('stream format 2: events.live', () => {
  const server = serverForSuite();

  it('sends each message untracked and slim: the format 1 event, field for field, in fewer bytes, and keeps no resume point', async () => {
    const ann = await signUp(server.url, 'ann');
    const room = await ann.api.room.create.mutate({ kind: 'private', name: 'formats' });
    const opened = vi.spyOn(resumePoints, 'open');
    const format1 = await rawSubscription(server.url, ann.token, 'events.onEvent', room.id);
    await format1.next('sync');
    const format2 = await rawSubscription(server.url, ann.token, 'events.live', room.id);
    await format2.next('sync');
    // Only the tracked stream is remembered for tRPC's reconnect.
    expect(opened).toHaveBeenCalledTimes(1);
    opened.mockRestore();
    const body = `1:${'x'.repeat(118)}`;
    await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: crypto.randomUUID(), body });

    const tracked = await format1.next('message.created');
    const live = await format2.next('message.created');
    const event = (JSON.parse(tracked) as { result: { data: { data: StreamEvent } } }).result.data
      .data;
    // Format 2's whole frame: tRPC's data result with the slim event, no tracked id, and no
    // `"type":"data"` (optional in tRPC's protocol; its clients read a result without it as data).
    expect(JSON.parse(live)).toEqual({ id: 1, result: { data: slimEvent(event) } });
    expect(expandEvent((JSON.parse(live) as { result: { data: LiveEvent } }).result.data)).toEqual(
      event,
    );
    // 120 characters of body: ~640 bytes in format 1, ~400 in format 2.
    expect(Buffer.byteLength(live)).toBeLessThan(Buffer.byteLength(tracked) * 0.65);
    format1.close();
    format2.close();
    ann.close();
  });

  it('serializes an event once for all the format 2 connections it reaches', async () => {
    const ann = await signUp(server.url, 'ann');
    const room = await ann.api.room.create.mutate({ kind: 'private', name: 'once' });
    const devices = await Promise.all(
      [1, 2, 3].map(() => rawSubscription(server.url, ann.token, 'events.live', room.id)),
    );
    await Promise.all(devices.map((d) => d.next('sync')));
    const stringify = vi.spyOn(JSON, 'stringify');
    await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: 'c1', body: 'to three' });
    const frames = await Promise.all(devices.map((d) => d.next('message.created')));
    const ofTheEvent = stringify.mock.calls.filter(
      ([value]) => (value as { type?: string } | null)?.type === 'message.created',
    );
    stringify.mockRestore();
    // Once for the room's log in the store, once for the three WebSocket frames.
    expect(ofTheEvent).toHaveLength(2);
    expect(new Set(frames).size).toBe(1);
    for (const d of devices) d.close();
    ann.close();
  });

  it('works with the unmodified wsLink and httpSubscriptionLink, and refuses a bad input as format 1 does', async () => {
    const ann = await signUp(server.url, 'ann');
    const room = await ann.api.room.create.mutate({ kind: 'private', name: 'links' });
    const { socket, overWs, overSse } = unmodifiedLinks(server.url, ann.token);
    const input = { cursors: { [room.id]: 1 }, resume: true };
    const streams = await syncedLiveStreams([overWs, overSse], input);
    expect(server.server.stats().sseStreams).toBe(1);
    const sent = await ann.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'links-1',
      body: 'to both links',
    });
    const [ws, sse] = await Promise.all(streams);
    const expected = {
      type: 'message.created',
      roomId: room.id,
      seq: sent.seq,
      actorId: ann.user.id,
      message: {
        roomId: room.id,
        seq: sent.seq,
        authorId: ann.user.id,
        clientMsgId: 'links-1',
        body: 'to both links',
        editedAt: null,
        deletedAt: null,
      },
    };
    if (!ws || !sse) throw new Error('a stream ended without a message');
    expect(expandEvent(ws.event)).toMatchObject(expected);
    expect(sse.event).toEqual(ws.event);
    ws?.stop();
    sse?.stop();

    const refusal = (api: typeof overWs, path: 'live' | 'onEvent') =>
      new Promise<unknown>((resolve) => {
        const input = { cursors: { [room.id]: -5 }, resume: 'yes' } as unknown as {
          cursors: Record<string, number>;
        };
        const handlers = { onData: () => {}, onError: resolve };
        if (path === 'live') api.events.live.subscribe(input, handlers);
        else api.events.onEvent.subscribe(input, handlers);
      });
    for (const api of [overWs, overSse]) {
      const live = await refusal(api, 'live');
      expect(live).toBeInstanceOf(TRPCClientError);
      expect(live).toMatchObject({ data: { appCode: 'VALIDATION', path: 'events.live' } });
      expect((live as TRPCClientError<AppRouter>).message).toBe(
        ((await refusal(api, 'onEvent')) as TRPCClientError<AppRouter>).message,
      );
    }
    await socket.close();
    ann.close();
  });
});
