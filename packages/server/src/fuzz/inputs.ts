import fc from 'fast-check';
import { appRouter } from '../routers/root.js';
import type { FuzzFixture } from './fixture.js';
import { hostileString, hostileValue } from './values.js';

export type ProcedureType = 'query' | 'mutation' | 'subscription';

export interface ProcedureInfo {
  path: string;
  type: ProcedureType;
  /** The top-level fields of its input schema (none when it takes no input). */
  fields: string[];
}

interface SchemaDef {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  left?: unknown;
  right?: unknown;
  in?: unknown;
}

/** Field names of a zod 4 schema, through defaults, optionals, intersections and pipes. */
function fieldsOf(schema: unknown, depth = 0): string[] {
  const def = (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
  if (!def || depth > 8) return [];
  if (def.shape) return Object.keys(def.shape);
  const parts = [def.innerType, def.left, def.right, def.in].filter((p) => p !== undefined);
  return [...new Set(parts.flatMap((p) => fieldsOf(p, depth + 1)))];
}

/**
 * Every procedure of the router, read at run time (tRPC keeps `_def.procedures` flat, keyed by
 * dotted path), so a procedure added later is fuzzed without touching this suite.
 */
export function listProcedures(): ProcedureInfo[] {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: ProcedureType; inputs?: unknown[] } }
  >;
  return Object.entries(procedures).map(([path, p]) => ({
    path,
    type: p._def.type,
    fields: [...new Set((p._def.inputs ?? []).flatMap((schema) => fieldsOf(schema)))],
  }));
}

/** Short text that passes most text contracts, so the checks behind them are reached too. */
const text = fc.oneof(
  fc.constantFrom('hello', 'Room 1', 'a b c', 'x'),
  fc.string({ maxLength: 12 }),
);

/**
 * Values for a field, by its name: the seeded ids and names (which the fuzzer must not be able
 * to act on), its own, plausible values, and hostile ones. Names not listed get hostile values.
 */
function fieldValues(fx: FuzzFixture): Record<string, fc.Arbitrary<unknown>> {
  const t = fx.targets;
  const mix = (...valid: fc.Arbitrary<unknown>[]) =>
    fc.oneof(...valid.map((arbitrary) => ({ weight: 3, arbitrary })), hostileValue);
  const roomId = mix(fc.constantFrom(...t.roomIds, fx.fuzzer.ownRoomId));
  const userId = mix(fc.constantFrom(...t.userIds, fx.fuzzer.id));
  const username = mix(
    fc.constantFrom(...t.usernames, fx.fuzzer.username),
    fc.stringMatching(/^[a-z0-9_]{3,12}$/),
  );
  const seq = mix(fc.integer({ min: 0, max: 40 }));
  const boolean = mix(fc.boolean());
  const pushUrl = fc.constantFrom(
    'https://push.invalid/x',
    'http://127.0.0.1:9/',
    'file:///etc/passwd',
    'javascript:alert(1)',
  );
  return {
    roomId,
    userId,
    userIds: mix(fc.array(userId, { maxLength: 5 }), fc.constant(Array(501).fill(t.userIds[0]))),
    messageId: mix(fc.constantFrom(...t.messageIds)),
    sessionId: mix(fc.constantFrom(...t.sessionIds)),
    username,
    asUsername: username,
    displayName: mix(text),
    password: mix(fc.constantFrom('correct horse battery', 'short')),
    deviceLabel: mix(text),
    clientMsgId: mix(fc.stringMatching(/^[A-Za-z0-9_:.-]{1,64}$/)),
    body: mix(text),
    name: mix(text),
    topic: mix(text),
    query: mix(text),
    kind: mix(fc.constantFrom('public', 'private', 'direct')),
    role: mix(fc.constantFrom('owner', 'admin', 'member')),
    limit: mix(fc.integer({ min: 1, max: 100 })),
    seq,
    beforeSeq: seq,
    afterSeq: seq,
    // Valid waits stay short: a poll that may wait 25 s is correct, and would only stall a run.
    waitMs: mix(fc.integer({ min: 0, max: 100 })),
    active: boolean,
    resume: boolean,
    muted: boolean,
    level: mix(fc.constantFrom('all', 'mentions', 'none')),
    beforeId: mix(fc.constantFrom(...t.messageIds)),
    // message.search's filters and cursor.
    authorId: userId,
    from: mix(fc.integer({ min: 0, max: 2 ** 45 })),
    to: mix(fc.integer({ min: 0, max: 2 ** 45 })),
    before: mix(fc.constantFrom(...t.messageIds)),
    shareReadReceipts: boolean,
    // Replies, threads and message links.
    replyToId: mix(fc.constantFrom(...t.messageIds)),
    threadId: mix(fc.constantFrom(...t.messageIds)),
    alsoInRoom: boolean,
    // Files a send carries: ids of no upload (refused FILE_NOT_FOUND), repeats, too many.
    attachments: mix(
      fc.array(fc.constantFrom(...t.messageIds, 'f-none', 'f/../x'), { maxLength: 3 }),
      fc.constant(Array(11).fill('f-none')),
    ),
    messageIds: mix(
      fc.array(fc.constantFrom(...t.messageIds), { minLength: 1, maxLength: 5 }),
      fc.constant(Array(101).fill(t.messageIds[0])),
    ),
    // message.react and message.pin.
    emoji: mix(fc.constantFrom('👍', '🇫🇷', '👩🏽‍💻', '1️⃣', '👍👍'), text),
    on: boolean,
    pinned: boolean,
    cursors: mix(
      fc.dictionary(fc.constantFrom(...t.roomIds, fx.fuzzer.ownRoomId), seq, { maxKeys: 4 }),
      fc.dictionary(hostileString, hostileValue, { maxKeys: 3 }),
      fc.constant(Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`r${i}`, 0]))),
    ),
    lastEventId: mix(
      fc.constantFrom(`${t.lobbyId}:3`, `${t.lobbyId}:3~zz.1`, '-x~abc', ':', '~', 'a:b:c~d~e'),
    ),
    pollId: mix(fc.constantFrom('abc.1', 'x.999999999', `${'a'.repeat(40)}.1`, '.', 'a.')),
    endpoint: mix(pushUrl),
    url: mix(pushUrl),
    keys: mix(fc.record({ p256dh: hostileValue, auth: hostileValue })),
    secret: mix(fc.constant('0123456789abcdef0123')),
    webhookId: mix(text),
    data: fc.jsonValue(),
    ['__proto__']: hostileValue,
  };
}

/**
 * An input for `procedure`: an object of its own fields (mostly plausible values, some hostile,
 * sometimes a field missing or one too many), a hostile value, or anything at all.
 */
export function inputFor(fx: FuzzFixture, procedure: ProcedureInfo): fc.Arbitrary<unknown> {
  const values = fieldValues(fx);
  const extraKeys = ['__proto__', 'constructor', 'extra', 'roomId', 'lastEventId'];
  const shaped = fc
    .tuple(
      fc.subarray(procedure.fields, { minLength: Math.max(0, procedure.fields.length - 1) }),
      fc.subarray(extraKeys, { maxLength: 1 }),
    )
    .chain(([fields, extra]) => {
      const keys = [...new Set([...fields, ...extra])];
      return fc
        .tuple(
          ...keys.map(
            (key) => (Object.hasOwn(values, key) ? values[key] : undefined) ?? hostileValue,
          ),
        )
        .map((vals) => {
          // defineProperty: a `__proto__` key must stay an own, serialised property.
          const input: Record<string, unknown> = {};
          for (const [i, key] of keys.entries())
            Object.defineProperty(input, key, { value: vals[i], enumerable: true, writable: true });
          return input;
        });
    });
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 1, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}
