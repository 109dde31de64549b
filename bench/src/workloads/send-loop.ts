import { newClientMsgId } from '@confab/client';
import { type ConfabHttp, numberField } from '../drivers/confab-http.js';
import type { ServerHandle } from '../drivers/process.js';
import { isRecord, makeBody } from '../payload.js';
import { closedLoops, type LoopWindow } from './closed-loop.js';
import { sleep } from './common.js';
import { type CpuUse, startCpuMeter } from './cpu-meter.js';

/** One sender: a user (its session token) and the room it sends into. */
export interface Sender {
  token: string;
  roomId: string;
}

export interface SendRun {
  /** Acknowledged sends per second in the measured window. */
  rate: number;
  /** CPU over the measured window. */
  cpu: CpuUse;
  /** Per sender, the seqs acknowledged, in send order. */
  acked: number[][];
  /** Per sender, the clientMsgIds sent, in send order. */
  clientMsgIds: string[][];
}

/** What the loops send through: mutations as one user (`token`), answered with the data. */
export interface Mutations {
  mutation(path: string, input: unknown, token: string): Promise<unknown>;
}

/**
 * Every sender in a closed loop: `message.send` (as the SDK sends: over a WebSocket of the
 * sender's; see confab-ws-calls.ts), await the acknowledgement
 * (the seq, returned once the message is committed), send the next. Counts acknowledgements in
 * the window after the warm-up, and the CPU the server and the load generator used meanwhile.
 */
export async function measureSends(
  calls: Mutations,
  server: Pick<ServerHandle, 'cpuMicros'>,
  senders: readonly Sender[],
  window: LoopWindow,
  bodyChars: number,
): Promise<SendRun> {
  const acked = senders.map((): number[] => []);
  const clientMsgIds = senders.map((): string[] => []);
  const loops = closedLoops(senders.length, window, async (s, k) => {
    const sender = senders[s];
    if (!sender) throw new Error(`No sender ${s}`);
    // Made as the SDK makes them (time-ordered), which is what the server's index expects.
    const clientMsgId = newClientMsgId();
    clientMsgIds[s]?.push(clientMsgId);
    const result = await calls.mutation(
      'message.send',
      { roomId: sender.roomId, clientMsgId, body: makeBody(k, bodyChars) },
      sender.token,
    );
    acked[s]?.push(numberField(result, 'seq'));
  });
  const meter = (async () => {
    await sleep(window.warmupMs);
    const started = await startCpuMeter(server);
    await sleep(window.durationMs);
    return started.read();
  })();
  // Settled together: a failed loop must not leave the meter's rejection unheard, or vice versa.
  const [loopResult, cpu] = await Promise.allSettled([loops, meter]);
  if (loopResult.status === 'rejected') throw loopResult.reason;
  if (cpu.status === 'rejected') throw cpu.reason;
  return { rate: loopResult.value.rate, cpu: cpu.value, acked, clientMsgIds };
}

/** message.eventsAfter pages (at most 500 events each). */
const PAGE = 500;

/** Every event of a room's log, read through the API as a member would. */
async function roomLog(http: ConfabHttp, roomId: string, token: string): Promise<unknown[]> {
  const events: unknown[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await http.query('message.eventsAfter', { roomId, afterSeq, limit: PAGE }, token);
    const batch = isRecord(page) && Array.isArray(page.events) ? page.events : undefined;
    if (!batch) throw new Error('message.eventsAfter: no events array');
    events.push(...batch);
    const last = batch.at(-1);
    if (!isRecord(page) || page.hasMore !== true || !isRecord(last)) return events;
    if (typeof last.seq !== 'number' || last.seq <= afterSeq) throw new Error('eventsAfter stalls');
    afterSeq = last.seq;
  }
}

/**
 * Integrity of a send run, checked against the rooms' logs read back through the API: every
 * acknowledged send has its own seq, each sender's seqs rise in its send order, each room's log
 * holds seqs exactly 1..N with no gap, and its messages are exactly the acknowledged ones, each
 * at the seq its acknowledgement gave. Returns the first problem found.
 */
export async function verifySends(
  http: ConfabHttp,
  senders: readonly Sender[],
  run: SendRun,
): Promise<string | undefined> {
  const expected = new Map<string, Map<number, string>>();
  for (const [s, sender] of senders.entries()) {
    const seqs = run.acked[s] ?? [];
    const ids = run.clientMsgIds[s] ?? [];
    if (seqs.length !== ids.length) return `sender ${s}: ${ids.length} sent, ${seqs.length} acked`;
    let room = expected.get(sender.roomId);
    if (!room) {
      room = new Map();
      expected.set(sender.roomId, room);
    }
    for (const [k, seq] of seqs.entries()) {
      const previous = seqs[k - 1];
      if (previous !== undefined && seq <= previous)
        return `sender ${s}: send ${k} got seq ${seq} after ${previous}`;
      if (room.has(seq)) return `seq ${seq} acknowledged to two sends`;
      room.set(seq, ids[k] ?? '');
    }
  }
  for (const [roomId, bySeq] of expected) {
    const reader = senders.find((s) => s.roomId === roomId)?.token ?? '';
    const log = await roomLog(http, roomId, reader);
    let created = 0;
    for (const [i, event] of log.entries()) {
      if (!isRecord(event) || event.seq !== i + 1)
        return `room ${roomId}: event ${i + 1} of the log has seq ${isRecord(event) ? event.seq : '?'}`;
      if (event.type !== 'message.created') continue;
      created += 1;
      const message = event.message;
      const clientMsgId = isRecord(message) ? message.clientMsgId : undefined;
      if (bySeq.get(i + 1) !== clientMsgId)
        return `room ${roomId}: seq ${i + 1} holds ${String(clientMsgId)}, not the send acknowledged with it`;
    }
    if (created !== bySeq.size)
      return `room ${roomId}: ${created} messages in the log, ${bySeq.size} acknowledged`;
  }
  return undefined;
}
