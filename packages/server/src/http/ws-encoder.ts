import type { Encoder } from '@trpc/server/adapters/ws';

/**
 * tRPC's WebSocket adapter encodes every frame for every connection. A room event fanned out to
 * N devices reaches it N times as the same object (the bus hands one object to every stream), so
 * this encoder serializes each such event once and splices that JSON into each connection's
 * small envelope (`{"id":<subscription>,"result":{"type":"data","data":{"id":"<roomId:seq>",
 * "data":<event>},...}}`). The bytes parse to exactly what JSON.stringify would produce.
 */
const serialized = new WeakMap<object, string>();

// Cannot occur in an envelope: ids are [A-Za-z0-9_:-] and there is no other string there.
const TOKEN = '\u0001confab-event\u0001';
const QUOTED_TOKEN = JSON.stringify(TOKEN);

function isEvent(value: unknown): value is { type: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

export const sharedEventEncoder: Encoder = {
  encode(message) {
    let event: object | undefined;
    const envelope = JSON.stringify(message, function (this: unknown, key, value: unknown) {
      // The tracked payload: { id, data: event } inside result.
      if (
        key === 'data' &&
        event === undefined &&
        isEvent(value) &&
        typeof (this as { id?: unknown }).id === 'string'
      ) {
        event = value;
        return TOKEN;
      }
      return value;
    });
    if (event === undefined) return envelope;
    let json = serialized.get(event);
    if (json === undefined) {
      json = JSON.stringify(event);
      serialized.set(event, json);
    }
    return envelope.replace(QUOTED_TOKEN, () => json);
  },
  decode(data) {
    if (typeof data !== 'string') throw new Error('Confab speaks JSON in text frames');
    return JSON.parse(data);
  },
};
