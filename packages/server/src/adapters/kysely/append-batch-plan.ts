import type { AppendResult, NewMessage } from '../../ports/store.js';

/** A send's idempotency key: its author and clientMsgId. */
export const keyOf = (m: { authorId: string; clientMsgId: string }) =>
  `${m.authorId}\n${m.clientMsgId}`;

/** Each send's answer as far as it is known, and the first send of each clientMsgId. */
export interface BatchPlan {
  /** By index in the batch; undefined for sends not answered yet and repeats within the batch. */
  results: (AppendResult | undefined)[];
  /** The first send of each author + clientMsgId in the batch, by key: later ones repeat it. */
  firstOf: Map<string, number>;
}

/** The first send of each author + clientMsgId in the batch, by key. */
export function firstOfEach(messages: readonly NewMessage[]): Map<string, number> {
  const firstOf = new Map<string, number>();
  for (const [i, m] of messages.entries()) {
    const key = keyOf(m);
    if (!firstOf.has(key)) firstOf.set(key, i);
  }
  return firstOf;
}

/** Every send's answer, once the first of each key has one: a repeat gets what a retry would. */
export function settleBatch(messages: readonly NewMessage[], plan: BatchPlan): AppendResult[] {
  const { results, firstOf } = plan;
  for (const [i, m] of messages.entries()) {
    if (results[i]) continue;
    const first = results[firstOf.get(keyOf(m)) ?? -1];
    results[i] =
      first?.status === 'created' ? { status: 'duplicate', message: first.message } : first;
  }
  return results.map((result) => {
    if (!result) throw new Error('unreachable: every send has a result');
    return result;
  });
}
