/**
 * Consumers are plug-ins: a handler delivers one kind of consumer ('webhook',
 * 'edi', 'log', …) and a dispatcher is given the handlers of its process. A
 * delivery is at least once — a worker may die after the consumer received the
 * event but before the result was recorded — so consumers dedupe on eventId.
 */

export interface OutboxDelivery {
  tenantId: string;
  deliveryId: string;
  eventId: string;
  /** '<kind>:<target>', as subscribed. */
  consumer: string;
  kind: string;
  /** The part of consumer after the kind: an endpoint id, a partner, a name. */
  target: string;
  /** '<aggregate type>:<aggregate id>': order is kept per (consumer, aggregateKey). */
  aggregateKey: string;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
  leaseUntil: Date;
  /** The lease token of this claim; results are recorded only under it. */
  leasedBy: string;
}

export interface OutboxEvent {
  tenantId: string;
  eventId: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
  occurredAt: Date;
  requestId: string | null;
}

export interface OutboxHandler {
  kind: string;
  /**
   * Delivers one event to one consumer. Resolving means delivered; throwing
   * means this attempt failed and will be retried with backoff. The signal
   * aborts shortly before the lease lapses (or when the dispatcher gives up
   * waiting); a handler doing I/O should pass it on.
   */
  deliver(delivery: OutboxDelivery, event: OutboxEvent, signal: AbortSignal): Promise<void>;
}

/** Structured log sink; pino's `(fields, message)` signature, so app.log fits. */
export interface OutboxLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLog: OutboxLog = { info: () => {}, warn: () => {}, error: () => {} };
