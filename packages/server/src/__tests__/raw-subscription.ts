import WebSocket from 'ws';

/**
 * A subscription over a bare WebSocket, keeping every frame's text as it came: what a client
 * that reads the wire (or counts its bytes) sees.
 */
export async function rawSubscription(
  url: string,
  token: string,
  path: string,
  roomId: string,
  /** More fields of the stream's input (`format: 3`). */
  extra: Record<string, unknown> = {},
) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/trpc`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const frames: string[] = [];
  let wake: () => void = () => {};
  ws.on('message', (data) => {
    frames.push(String(data));
    wake();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const input = { cursors: { [roomId]: 1 }, resume: true, ...extra };
  ws.send(JSON.stringify({ id: 1, method: 'subscription', params: { path, input } }));
  /** The text of the next frame whose data has `type` (each frame is parsed, as a client does). */
  const next = async (type: string): Promise<string> => {
    for (let seen = 0; ; ) {
      for (; seen < frames.length; seen++) {
        const text = frames[seen] ?? '';
        const parsed = JSON.parse(text) as { result?: { data?: unknown } };
        const data = parsed.result?.data as { type?: string; data?: { type?: string } } | undefined;
        if (data?.type === type || data?.data?.type === type) {
          frames.splice(0, seen + 1);
          return text;
        }
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  return { next, close: () => ws.close() };
}
