import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Database } from '../db/index.ts';
import { invariant } from '../errors.ts';
import {
  OUTBOX_CLAIM_BATCH_DEFAULT,
  OUTBOX_CLAIM_BATCH_MAX,
  OUTBOX_LEASE_SECONDS_DEFAULT,
  OUTBOX_LEASE_SECONDS_MAX,
  OUTBOX_POLL_INTERVAL_MS_DEFAULT,
  OUTBOX_RECORD_RETRY_MAX,
} from '../limits.ts';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff.ts';
import { silentLog, type OutboxHandler, type OutboxLog } from './handler.ts';
import { claimDeliveries, recordDelivered, recordFailed, type ClaimedDelivery, type RecordOutcome } from './outbox.queries.ts';

/**
 * The outbox dispatcher (DESIGN §2a): claim a batch by lease in one short
 * transaction, deliver outside any transaction, record each result in its own
 * short transaction. Any number of dispatchers may run against one database
 * (`qm worker` processes, and `qm serve` in embedded mode); the claim function
 * guarantees that no two hold a lease on the same delivery and that only the
 * head of each (consumer, aggregate) queue is handed out, so deliveries of one
 * batch may run concurrently without breaking per-aggregate order.
 */

export interface DispatcherOptions {
  db: Database;
  /** One handler per consumer kind; deliveries of other kinds are left for other processes. */
  handlers: OutboxHandler[];
  /** Names this dispatcher in leased_by; unique per process by default. */
  workerId?: string;
  batchSize?: number;
  leaseSeconds?: number;
  /** Idle wait between claims that found less than a full batch. */
  pollIntervalMs?: number;
  backoff?: BackoffPolicy;
  log?: OutboxLog;
}

export interface DispatchResult {
  claimed: number;
  delivered: number;
  /** Failed attempts that will be retried. */
  failed: number;
  /** Failed final attempts. */
  dead: number;
  /** Results not recorded because the lease had passed to another worker, or the database was unreachable. */
  unrecorded: number;
}

export interface Dispatcher {
  readonly workerId: string;
  /** Claims and delivers one batch; resolves when every result is recorded. */
  runOnce(): Promise<DispatchResult>;
  /** Runs batches until stop(). */
  start(): void;
  /** Stops claiming and waits for in-flight deliveries; after graceMs their handlers are aborted. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** Abort a handler this long before its lease lapses, so its failure is still recorded under the lease. */
const LEASE_SAFETY_MARGIN_MS_MAX = 5_000;
const STOP_GRACE_MS_DEFAULT = 20_000;
const ERROR_POLL_MAX_MS = 30_000;
const RECORD_RETRY_BASE_MS = 100;

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const handlers = new Map<string, OutboxHandler>();
  for (const handler of options.handlers) {
    invariant(!handlers.has(handler.kind), `two outbox handlers for kind ${handler.kind}`);
    invariant(/^[a-z][a-z0-9_]{0,39}$/.test(handler.kind), `outbox handler kind ${JSON.stringify(handler.kind)} must be snake_case`);
    handlers.set(handler.kind, handler);
  }
  const kinds = [...handlers.keys()];
  const batchSize = options.batchSize ?? OUTBOX_CLAIM_BATCH_DEFAULT;
  const leaseSeconds = options.leaseSeconds ?? OUTBOX_LEASE_SECONDS_DEFAULT;
  const pollIntervalMs = options.pollIntervalMs ?? OUTBOX_POLL_INTERVAL_MS_DEFAULT;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const log = options.log ?? silentLog;
  const workerId = options.workerId ?? defaultWorkerId();
  invariant(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= OUTBOX_CLAIM_BATCH_MAX, `batch size must be 1 to ${OUTBOX_CLAIM_BATCH_MAX}`);
  invariant(Number.isInteger(leaseSeconds) && leaseSeconds >= 1 && leaseSeconds <= OUTBOX_LEASE_SECONDS_MAX, `lease must be 1 to ${OUTBOX_LEASE_SECONDS_MAX} seconds`);
  invariant(workerId.length >= 1 && workerId.length <= 180, 'worker id must be 1 to 180 characters');

  let claimSeq = 0;
  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  /** Controllers of the handlers in flight, so that stop() can abort them after its grace. */
  const inFlight = new Set<AbortController>();

  async function runOnce(): Promise<DispatchResult> {
    const result: DispatchResult = { claimed: 0, delivered: 0, failed: 0, dead: 0, unrecorded: 0 };
    if (kinds.length === 0) return result;
    // A fresh token per claim fences results: a slow worker whose lease lapsed and was
    // re-claimed (even by this same process) cannot record over the newer attempt.
    const leaseToken = `${workerId}#${++claimSeq}`;
    const claimedAtMs = Date.now();
    const claimed = await claimDeliveries(options.db, { leaseToken, kinds, limit: batchSize, leaseSeconds });
    result.claimed = claimed.length;
    const deadlineMs = claimedAtMs + leaseSeconds * 1000 - Math.min(LEASE_SAFETY_MARGIN_MS_MAX, (leaseSeconds * 1000) / 5);
    const outcomes = await Promise.all(claimed.map((item) => deliverOne(item, deadlineMs)));
    for (const outcome of outcomes) result[outcome] += 1;
    return result;
  }

  async function deliverOne(item: ClaimedDelivery, deadlineMs: number): Promise<'delivered' | 'failed' | 'dead' | 'unrecorded'> {
    const { delivery, event } = item;
    const handler = handlers.get(delivery.kind);
    invariant(handler, `claimed a delivery of kind ${delivery.kind} that this dispatcher has no handler for`);
    const controller = new AbortController();
    inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error('delivery timed out before its lease lapsed')), Math.max(0, deadlineMs - Date.now()));
    let failure: string | undefined;
    try {
      // Race the handler against its signal: a handler that ignores the signal must not
      // hold up the batch, nor make us record after the lease has passed to someone else.
      await Promise.race([handler.deliver(delivery, event, controller.signal), rejectOnAbort(controller.signal)]);
    } catch (error) {
      failure = errorText(error);
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
    }
    const fields = { deliveryId: delivery.deliveryId, tenantId: delivery.tenantId, consumer: delivery.consumer, eventType: event.eventType, attempt: delivery.attempt };
    const dead = failure !== undefined && delivery.attempt >= delivery.maxAttempts;
    const outcome = await recordWithRetry(fields, () =>
      failure === undefined
        ? recordDelivered(options.db, delivery)
        : recordFailed(options.db, delivery, { error: failure, retryDelayMs: retryDelayMs(delivery.attempt, backoff) }),
    );
    if (outcome !== 'recorded') return 'unrecorded';
    if (failure === undefined) return 'delivered';
    if (dead) {
      log.error({ ...fields, error: failure }, 'outbox delivery failed its final attempt and is dead');
      return 'dead';
    }
    log.warn({ ...fields, error: failure }, 'outbox delivery failed; will retry');
    return 'failed';
  }

  /**
   * Recording must survive a dropped connection or a failover: it is retried a
   * few times. If it still fails the lease simply lapses and the delivery is
   * delivered again — at least once, never lost.
   */
  async function recordWithRetry(fields: Record<string, unknown>, record: () => Promise<RecordOutcome>): Promise<RecordOutcome | 'unreachable'> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await record();
        if (outcome === 'lease_lost') log.warn(fields, 'outbox delivery result not recorded: the lease passed to another worker');
        return outcome;
      } catch (error) {
        if (!isTransientDatabaseError(error) || attempt >= OUTBOX_RECORD_RETRY_MAX) {
          log.error({ ...fields, error: errorText(error) }, 'outbox delivery result could not be recorded; it will be redelivered after its lease');
          return 'unreachable';
        }
        await sleep(RECORD_RETRY_BASE_MS * 2 ** (attempt - 1) * (0.5 + Math.random()));
      }
    }
  }

  async function runLoop(): Promise<void> {
    let consecutiveErrors = 0;
    while (!stopping) {
      let fullBatch = false;
      try {
        const result = await runOnce();
        consecutiveErrors = 0;
        fullBatch = result.claimed === batchSize;
        if (result.claimed > 0) log.info({ workerId, ...result }, 'outbox batch');
      } catch (error) {
        consecutiveErrors += 1;
        log.error({ workerId, error: errorText(error) }, 'outbox claim failed');
      }
      if (stopping) break;
      // A full batch suggests more work is waiting: claim again at once.
      if (fullBatch) continue;
      const waitMs = consecutiveErrors > 0 ? Math.min(ERROR_POLL_MAX_MS, pollIntervalMs * 2 ** consecutiveErrors) : pollIntervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    workerId,
    runOnce,
    start() {
      invariant(!loop, 'dispatcher already started');
      stopping = false;
      loop = runLoop();
    },
    async stop(stopOptions = {}) {
      stopping = true;
      wake?.();
      if (!loop) return;
      const grace = setTimeout(() => {
        for (const controller of inFlight) controller.abort(new Error('worker stopping'));
      }, stopOptions.graceMs ?? STOP_GRACE_MS_DEFAULT);
      try {
        await loop;
      } finally {
        clearTimeout(grace);
        loop = undefined;
      }
    },
  };
}

function defaultWorkerId(): string {
  return `${os.hostname().slice(0, 100)}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/** Connection loss, server shutdown or failover: worth retrying on a new connection. */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (TRANSIENT_NODE_CODES.has(code)) return true;
    // 08xxx connection exceptions; 57P01-57P03 admin/crash shutdown, cannot connect now.
    if (/^08/.test(code) || /^57P0[1-3]$/.test(code)) return true;
    return false;
  }
  // node-postgres reports a dropped connection as a plain Error without a code.
  return /connection (terminated|ended|timeout)|Connection terminated|timeout exceeded when trying to connect/i.test(
    (error as Error | null)?.message ?? '',
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
