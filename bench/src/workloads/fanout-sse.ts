import { confabFixture } from '../drivers/confab.js';
import { connectConfabSseDevices } from '../drivers/confab-sse.js';
import { measureSaturation } from './saturation.js';
import type { Workload } from './types.js';

/**
 * Confab's fan-out at saturation with its devices on SSE instead of WebSocket: the same room,
 * closed-loop publisher and sizes as `fanout`, each subscriber an `events.live` stream over
 * tRPC's SSE protocol (its own HTTP connection, heartbeats per session). The peers have no SSE
 * path: the ratio columns divide by their WebSocket fan-out.
 */
export const fanoutSse: Workload = {
  name: 'fanout-sse',
  kind: 'shared',
  systems: ['confab'],
  metrics: [
    {
      key: 'sseDeliveriesPerSec',
      label: (c) =>
        `SSE fan-out at saturation, delivered msgs/s (${c.fanout.subscribers} subs; peers: WebSocket) ↑`,
      digits: 0,
      ratio: true,
      peerMetric: { workload: 'fanout', key: 'deliveriesPerSec' },
      loadgenCpuKey: 'sseLoadgenCpuPct',
    },
    {
      key: 'sseServerCpuPct',
      label: () => '  server CPU during SSE fan-out, % of a core',
      digits: 0,
      ratio: false,
    },
    {
      key: 'sseLoadgenCpuPct',
      label: () => '  load generator CPU during SSE fan-out, %',
      digits: 0,
      ratio: false,
    },
  ],
  async run(driver, server, config) {
    const { tokens } = confabFixture();
    const { failure, figures } = await measureSaturation(
      driver,
      server,
      config,
      config.fanout,
      (count, tracker) => connectConfabSseDevices(server.port, count, tokens, tracker),
    );
    return {
      failure,
      metrics: {
        sseDeliveriesPerSec: figures.deliveriesPerSec,
        sseServerCpuPct: figures.serverCpuPct,
        sseLoadgenCpuPct: figures.loadgenCpuPct,
      },
    };
  },
};
