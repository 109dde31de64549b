import type { NewWebhookDelivery, OutboxStore } from '../ports/store.js';
import { newId } from '../services/crypto.js';
import type { PushWindows } from './collapse.js';
import type { ResolvedNotifyConfig } from './config.js';
import type { OutboxPoller } from './outbox.js';
import type { Telemetry } from './telemetry.js';

/** Writes a burst's notifications to the outbox and wakes this node's poller for them. */
export function createOutboxQueue(deps: {
  store: Pick<OutboxStore, 'openPushWindows' | 'enqueueWebhookDeliveries'>;
  poller: Pick<OutboxPoller, 'pending' | 'added' | 'wake' | 'wakeAt'>;
  config: Pick<ResolvedNotifyConfig, 'pushCollapseMs' | 'pushMaxPending' | 'webhookMaxPending'>;
  telemetry: Telemetry;
  now: () => number;
}) {
  const { store, poller, config, telemetry, now } = deps;
  /**
   * Queues a burst's notifications: its push windows (opened or folded into open ones) and its
   * webhook deliveries, each bounded across the cluster (approximately: the counts are read at
   * most once a second).
   */
  return async function enqueue(
    pushes: PushWindows,
    deliveries: NewWebhookDelivery[],
  ): Promise<void> {
    const windows = pushes.updates(now(), config.pushCollapseMs, newId);
    if (windows.length > 0) {
      if (poller.pending('push') + windows.length > config.pushMaxPending) {
        for (const w of windows) {
          telemetry.count('push', 'dropped');
          telemetry.log({
            event: 'push.dropped',
            userId: w.userId,
            roomId: w.roomId,
            reason: 'queue-full',
          });
        }
      } else {
        const opened = await store.openPushWindows(windows);
        poller.added('push', opened);
        telemetry.count('push', 'scheduled', opened);
        const messages = windows.reduce((sum, w) => sum + w.messages, 0);
        telemetry.count('push', 'collapsed', Math.max(0, messages - opened));
        poller.wakeAt(Math.min(...windows.map((w) => w.dueAt)));
      }
    }
    if (deliveries.length > 0) {
      const room = Math.max(0, config.webhookMaxPending - poller.pending('webhook'));
      for (const d of deliveries.slice(room)) {
        telemetry.count('webhooks', 'dropped');
        telemetry.log({
          event: 'webhook.dropped',
          webhookId: d.webhookId,
          deliveryId: d.id,
          reason: 'queue-full',
        });
      }
      const kept = deliveries.slice(0, room);
      if (kept.length > 0) {
        await store.enqueueWebhookDeliveries(kept);
        poller.added('webhook', kept.length);
        poller.wake();
      }
    }
  };
}
