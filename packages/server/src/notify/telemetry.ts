import type { NotificationStats } from '@confab/contracts';
import type { NotifyLogEntry } from './config.js';

type Group = keyof NotificationStats;

/** The notifier's counters (NotificationStats) and its structured log. */
export function createTelemetry(log: (entry: NotifyLogEntry) => void) {
  const stats: NotificationStats = {
    push: { scheduled: 0, collapsed: 0, sent: 0, failed: 0, gone: 0, dropped: 0 },
    webhooks: { attempts: 0, delivered: 0, retried: 0, failed: 0, dropped: 0 },
  };
  return {
    count<G extends Group>(group: G, counter: keyof NotificationStats[G], n = 1): void {
      const counters = stats[group] as Record<string, number>;
      const name = counter as string;
      counters[name] = (counters[name] ?? 0) + n;
    },
    log(entry: NotifyLogEntry): void {
      try {
        log(entry);
      } catch {
        // A broken log sink must not break delivery.
      }
    },
    /** A copy of the counters. */
    snapshot(): NotificationStats {
      return { push: { ...stats.push }, webhooks: { ...stats.webhooks } };
    },
  };
}
export type Telemetry = ReturnType<typeof createTelemetry>;
