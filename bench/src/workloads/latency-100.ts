import { latencyWorkload } from './latency.js';

/**
 * Latency at 100 msg/s × 1000 subscribers (100,000 deliveries/s): the "no backlog
 * builds" point. On two cores it is near every system's saturation, load generator included,
 * hence the CPU rows: a server near 100% is building a backlog.
 */
export const latency100 = latencyWorkload('latency-100', (c) => c.latency100, { cpuRows: true });
