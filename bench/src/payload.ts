/** The room every workload uses on the peers (Confab uses the room its fixture created). */
export const PEER_ROOM = 'bench';

/**
 * A message body: the publisher's index, a colon, then filler up to `chars` characters.
 * The index is how a subscriber tells which message it got.
 */
export function makeBody(index: number, chars: number): string {
  const head = `${index}:`;
  return head + 'x'.repeat(Math.max(0, chars - head.length));
}

/** The index in a body made by makeBody, or -1. */
export function indexOfBody(body: string): number {
  const colon = body.indexOf(':');
  if (colon < 1) return -1;
  const index = Number(body.slice(0, colon));
  return Number.isInteger(index) && index >= 0 ? index : -1;
}

/** What a peer server delivers: one message of the room, stamped with the room's seq. */
export interface PeerMessage {
  type: 'message';
  room: string;
  seq: number;
  from: string;
  at: number;
  body: string;
}

/** What a publisher asks a peer server to post. */
export interface PublishRequest {
  room: string;
  from: string;
  body: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The seq and body of a PeerMessage, or undefined when `value` is not one. */
export function readPeerMessage(value: unknown): { seq: number; body: string } | undefined {
  if (!isRecord(value) || value.type !== 'message') return undefined;
  const { seq, body } = value;
  return typeof seq === 'number' && typeof body === 'string' ? { seq, body } : undefined;
}
