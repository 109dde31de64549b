import type { ServerHandle } from '../drivers/process.js';

export interface CpuUse {
  seconds: number;
  /** Server process CPU (user + system) over the span, in seconds... */
  serverSeconds: number;
  /** ...and as % of one core. */
  serverPct: number;
  /** This process's (the load generator's) CPU over the span, % of one core. */
  loadgenPct: number;
}

/** Starts measuring now; read() gives the CPU used since, by the server and by this process. */
export async function startCpuMeter(
  server: Pick<ServerHandle, 'cpuMicros'>,
): Promise<{ read(): Promise<CpuUse> }> {
  const server0 = await server.cpuMicros();
  const load0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    async read() {
      const serverMicros = (await server.cpuMicros()) - server0;
      const load = process.cpuUsage(load0);
      const seconds = (performance.now() - t0) / 1000;
      return {
        seconds,
        serverSeconds: serverMicros / 1e6,
        serverPct: serverMicros / 1e4 / seconds,
        loadgenPct: (load.user + load.system) / 1e4 / seconds,
      };
    },
  };
}
