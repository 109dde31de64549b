import { readFile } from 'node:fs/promises';

/** Bytes this process has read through read(2) and friends, sockets included (`rchar`). */
async function bytesRead(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8');
  const match = /^rchar:\s*(\d+)$/m.exec(io);
  if (!match?.[1]) throw new Error('/proc/self/io has no rchar');
  return Number(match[1]);
}

/**
 * Starts counting what the load generator reads; read() gives the bytes since. In a workload
 * whose subscribers run in this process, nearly all of it is their WebSocket frames (headers
 * included) as each system puts them on the wire: the bytes a delivery costs the network.
 */
export async function startReadMeter(): Promise<{ read(): Promise<number> }> {
  const start = await bytesRead();
  return { read: async () => (await bytesRead()) - start };
}
