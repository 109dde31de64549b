import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Bounds HTTP/1.1 pipelining: the requests one connection has sent and not yet had answered.
 * Node reads a pipelined request, runs its handler and queues the answer behind the one ahead,
 * and stops reading the connection only once the queued answers' bytes pass its high-water mark.
 * A handler that answers after an await has written nothing by then, so a client that sent
 * requests without reading the answers had every one of them run: one connection pipelining
 * GETs of the web app's page grew the API process past 600 MiB, and each queued answer held the
 * page's file open until the process ran out of descriptors and ended (EMFILE). Browsers and
 * proxies do not pipeline; a connection past the bound is closed.
 */
export function createPipeliningGuard(max: number) {
  const unanswered = new WeakMap<Socket, number>();
  return {
    /** Counts the request until its answer is done; false (the connection closed) past the bound. */
    admit(req: IncomingMessage, res: ServerResponse): boolean {
      const socket = req.socket;
      const count = (unanswered.get(socket) ?? 0) + 1;
      if (count > max) {
        // The rest of what Node read in the same chunk still comes here, and is dropped too.
        socket.destroy();
        return false;
      }
      unanswered.set(socket, count);
      res.once('close', () => {
        const left = (unanswered.get(socket) ?? 1) - 1;
        if (left <= 0) unanswered.delete(socket);
        else unanswered.set(socket, left);
      });
      return true;
    },
  };
}
