import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/**
 * What a store or bus adapter is handed by the server it serves (`observe`): the server's
 * logger and metrics, so that its lines and counts land with the server's own.
 */
export interface Observer {
  log: Logger;
  metrics: Metrics;
}
