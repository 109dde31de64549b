import type WebSocket from 'ws';
import type { ServerHandle } from '../drivers/process.js';
import { listenOverflows } from '../proc.js';
import { startCpuMeter } from './cpu-meter.js';
import type { Tracker } from './tracker.js';
import type { WorkloadResult } from './types.js';

/** What a device that came back resolves with: its socket and the seq it was told it is at. */
export interface Resumed {
  ws: WebSocket;
  syncedAt: number;
}

/**
 * A storm: every device started at once by `start` (given the storm's start time), timed until
 * the last one settled, with the server's CPU and the connections the kernel dropped meanwhile.
 * Each device must have come back at `expectedSeq(i)`; the sockets are pushed to `sockets` (to
 * be closed by the caller) and the tracker checks what each received. `retriesOf` counts the
 * attempts a device needed beyond its first (0 where none are made).
 */
export async function timeStorm<T extends Resumed>(opts: {
  server: ServerHandle;
  devices: number;
  tracker: Tracker;
  missed: number;
  sockets: WebSocket[];
  expectedSeq: (i: number) => number;
  start: (i: number, t0: number) => Promise<T>;
  retriesOf?: (value: T) => number;
}): Promise<WorkloadResult> {
  const { server, tracker } = opts;
  const overflows0 = await listenOverflows();
  const meter = await startCpuMeter(server);
  const t0 = performance.now();
  // All at once, not a few at a time: the storm is the point.
  const resumed = await Promise.allSettled(
    Array.from({ length: opts.devices }, (_, i) => opts.start(i, t0)),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = await meter.read();
  const overflows = (await listenOverflows()) - overflows0;

  let retries = 0;
  for (const [i, r] of resumed.entries()) {
    if (r.status === 'rejected') {
      const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
      tracker.fail(`device ${i} did not resume: ${reason}`);
      continue;
    }
    opts.sockets.push(r.value.ws);
    retries += opts.retriesOf?.(r.value) ?? 0;
    const expected = opts.expectedSeq(i);
    if (r.value.syncedAt !== expected)
      tracker.fail(`device ${i} came back at seq ${r.value.syncedAt}, not ${expected}`);
  }
  tracker.verify(opts.missed);
  return {
    failure: tracker.failure ?? server.exitReason(),
    metrics: {
      stormSeconds: seconds,
      stormServerCpuSeconds: cpu.serverSeconds,
      stormLoadgenCpuPct: cpu.loadgenPct,
      stormRetries: retries,
      stormListenOverflows: overflows,
    },
  };
}
