// A load-client process: holds a share of the max-devices workload's devices, so that no
// process (this one, the runner) passes the per-process open-file limit. Forked by pool.ts;
// speaks the protocol of ipc.ts.
import type { SystemName } from '../config.js';
import { connectConfabDevices } from '../drivers/confab-device.js';
import { rawWsDriver } from '../drivers/raw-ws.js';
import { socketIoDriver } from '../drivers/socketio.js';
import { trpcNaiveDriver } from '../drivers/trpc-naive.js';
import type { Connections, Sink } from '../drivers/types.js';
import { Tracker } from '../workloads/tracker.js';
import { type FromLoadClient, isToLoadClient, type ToLoadClient } from './ipc.js';

type Connect = Extract<ToLoadClient, { type: 'connect' }>;

/** Each system's devices, as its driver connects them (Confab's need the fixture's tokens). */
const SUBSCRIBE: Record<SystemName, (request: Connect, sink: Sink) => Promise<Connections>> = {
  confab: (r, sink) =>
    connectConfabDevices(r.port, r.count, r.tokens, sink, r.firstToken, r.localAddress),
  'raw-ws': (r, sink) => rawWsDriver.subscribe({ port: r.port }, r.count, sink),
  socketio: (r, sink) => socketIoDriver.subscribe({ port: r.port }, r.count, sink),
  'trpc-naive': (r, sink) => trpcNaiveDriver.subscribe({ port: r.port }, r.count, sink),
};

const reply = (message: FromLoadClient) => process.send?.(message);
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The devices of each connect request, with their own integrity tracker. */
const groups: { tracker: Tracker; devices: Connections }[] = [];

async function verify(messages: number, timeoutMs: number): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (const { tracker } of groups) {
    await tracker.waitCompleted(messages, Math.max(0, deadline - performance.now()));
    tracker.verify(messages);
    if (tracker.failure) return tracker.failure;
  }
  return groups.length === 0 ? 'no devices connected' : undefined;
}

/** When each of `messages` messages reached the last device of every group. */
function completedAt(messages: number): number[] {
  return Array.from({ length: messages }, (_, i) =>
    groups.reduce((last, g) => Math.max(last, g.tracker.completedAtMs.get(i) ?? Number.NaN), 0),
  );
}

async function handle(request: ToLoadClient): Promise<void> {
  if (request.type === 'connect') {
    const tracker = new Tracker(request.count, request.messages);
    try {
      groups.push({ tracker, devices: await SUBSCRIBE[request.system](request, tracker) });
      reply({ type: 'connected', failure: tracker.failure });
    } catch (error) {
      reply({ type: 'connected', failure: describe(error) });
    }
  } else if (request.type === 'verify') {
    const failure = await verify(request.messages, request.timeoutMs);
    reply({ type: 'verified', failure, completedAtMs: completedAt(request.messages) });
  } else {
    const closing = groups.splice(0);
    await Promise.all(closing.map((g) => g.devices.close()));
    reply({ type: 'closed' });
  }
}

if (!process.send) throw new Error('Run this file through the bench (it needs IPC)');
process.on('message', (message: unknown) => {
  if (isToLoadClient(message)) void handle(message);
});
// The runner stopped it (pool.ts disconnects, then signals) or went away.
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
