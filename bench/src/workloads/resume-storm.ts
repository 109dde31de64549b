import type WebSocket from 'ws';
import { confabFixture } from '../drivers/confab.js';
import { openConfabDevice } from '../drivers/confab-device.js';
import { resumeConfabDevice } from '../drivers/confab-resume.js';
import type { ServerHandle } from '../drivers/process.js';
import { closeSockets, openMany } from '../drivers/ws-util.js';
import { send } from './common.js';
import { rawResumeStorm } from './resume-storm-raw.js';
import { timeStorm } from './storm-timing.js';
import { Tracker } from './tracker.js';
import type { Workload, WorkloadResult } from './types.js';

/** The storm fails if a device has not caught up this long after it began (the SDK never gives up). */
const STORM_TIMEOUT_MS = 180_000;

/**
 * A reconnect storm after a restart: `devices` devices connect (as new devices: each learns its
 * position in the room from its `sync` event), the server stops (SIGTERM) and a new one starts
 * on the same SQLite file, `missed` messages are sent while no device is connected, then every
 * device reconnects at once with its cursor, as the SDK resumes (`cursors` {room: last seq},
 * `resume: true`; an attempt the server has not accepted within 8 s is retried after the SDK's
 * backoff).
 * Figure: seconds from the first reconnect until every device has its `sync` event, having
 * received exactly the missed messages first, in order; also the server CPU used meanwhile, the
 * retries, and the connections the kernel dropped because the listen queue was full.
 * The other systems have no resume; raw `ws` runs its floor instead (resume-storm-raw.ts: the
 * same devices and messages from a bare server's memory). Run once: a storm takes about a
 * minute in all.
 */
export const resumeStorm: Workload = {
  name: 'resume-storm',
  kind: 'own',
  systems: ['confab', 'raw-ws'],
  once: true,
  metrics: [
    {
      key: 'stormSeconds',
      label: (c) =>
        `Resume storm: s until ${c.resumeStorm.devices} devices caught up (${c.resumeStorm.missed} missed msgs each; round 1 only) ↓`,
      digits: 2,
      ratio: true,
      loadgenCpuKey: 'stormLoadgenCpuPct',
    },
    {
      key: 'stormServerCpuSeconds',
      label: () => '  server CPU during the storm, s',
      digits: 2,
      ratio: false,
    },
    {
      key: 'stormLoadgenCpuPct',
      label: () => '  load generator CPU during the storm, %',
      digits: 0,
      ratio: false,
    },
    {
      key: 'stormRetries',
      label: () => '  connection attempts retried (not accepted in 8 s, then backoff, as the SDK)',
      digits: 0,
      ratio: false,
    },
    {
      key: 'stormListenOverflows',
      label: () => '  connections dropped by a full listen queue (kernel count)',
      digits: 0,
      ratio: false,
    },
  ],
  async run(driver, config): Promise<WorkloadResult> {
    if (driver.name === 'raw-ws') return rawResumeStorm(config);
    const { devices, missed } = config.resumeStorm;
    const { roomId, tokens } = confabFixture();
    const tokenOf = (i: number) => tokens[i % tokens.length] ?? '';
    const tracker = new Tracker(devices, missed);
    /** Each device's last seq of the room before the restart. */
    const before = new Float64Array(devices).fill(-1);
    let server: ServerHandle = await driver.start();
    let sockets: WebSocket[] = [];
    let closing = false;
    try {
      sockets = await openMany(devices, (i) =>
        openConfabDevice({
          port: server.port,
          token: tokenOf(i),
          cursors: {},
          resume: false,
          subscriber: i,
          sink: tracker,
          closing: () => closing,
          onSync: (cursors) => {
            before[i] = cursors[roomId] ?? -1;
          },
        }),
      );
      // The restart: the devices lose their connections; none is connected while messages go out.
      closing = true;
      const dropped = closeSockets(sockets);
      await server.stop();
      await dropped;
      sockets = [];
      server = await driver.start();
      const publisher = await driver.publisher(server, tracker);
      for (let i = 0; i < missed; i++) send(publisher, tracker, i, config.bodyChars);
      await publisher.close();
      if (tracker.failed) return { failure: tracker.failure, metrics: {} };

      closing = false;
      for (let i = 0; i < devices; i++) tracker.expectNext(i, (before[i] ?? 0) + 1);
      const live = server;
      return await timeStorm({
        server: live,
        devices,
        tracker,
        missed,
        sockets,
        expectedSeq: (i) => (before[i] ?? 0) + missed,
        start: (i, t0) =>
          resumeConfabDevice({
            port: live.port,
            token: tokenOf(i),
            roomId,
            cursor: before[i] ?? 0,
            subscriber: i,
            sink: tracker,
            closing: () => closing,
            deadline: t0 + STORM_TIMEOUT_MS,
          }),
        retriesOf: (resumed) => resumed.attempts - 1,
      });
    } finally {
      closing = true;
      await closeSockets(sockets);
      await server.stop();
    }
  },
};
