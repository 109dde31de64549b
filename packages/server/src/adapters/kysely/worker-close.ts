import type { Worker } from 'node:worker_threads';

/**
 * Asks a store's worker thread to finish (its `'close'` message: the worker closes its
 * connection and ends) and waits until it has exited; one still running after `waitMs` is ended
 * by force.
 */
export async function closeWorker(
  worker: Worker,
  exited: Promise<void>,
  waitMs: number,
): Promise<void> {
  worker.postMessage('close');
  const timer = setTimeout(() => void worker.terminate(), waitMs);
  await exited;
  clearTimeout(timer);
}
