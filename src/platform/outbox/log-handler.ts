import type { OutboxHandler, OutboxLog } from './handler.ts';

/**
 * Consumer kind 'log' ('log:<name>'): writes each event to the process log.
 * A demonstration and diagnostic consumer — subscribe 'log:demo' to see what a
 * tenant emits — and the one handler every process has until webhooks and EDI
 * arrive.
 */
export function logHandler(log: Pick<OutboxLog, 'info'>): OutboxHandler {
  return {
    kind: 'log',
    async deliver(delivery, event) {
      log.info(
        {
          consumer: delivery.consumer,
          tenantId: event.tenantId,
          eventId: event.eventId,
          eventType: event.eventType,
          aggregate: delivery.aggregateKey,
          occurredAt: event.occurredAt.toISOString(),
          attempt: delivery.attempt,
          payload: event.payload,
        },
        'outbox event',
      );
    },
  };
}
