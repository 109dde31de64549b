/** What the runner asks a server process over IPC. */
export type ToServer = { type: 'stats'; id: number } | { type: 'gc'; id: number };

/** What a server process tells the runner. */
export type FromServer =
  | { type: 'ready'; port: number }
  /** cpuMicros: process.cpuUsage() user + system; subscribers: -1 when the server cannot tell. */
  | { type: 'stats'; id: number; cpuMicros: number; subscribers: number }
  | { type: 'gc'; id: number };

export function isToServer(value: unknown): value is ToServer {
  if (typeof value !== 'object' || value === null) return false;
  const { type, id } = value as { type?: unknown; id?: unknown };
  return (type === 'stats' || type === 'gc') && typeof id === 'number';
}
