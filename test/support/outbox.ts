import type { Database } from '../../src/platform/db/index.ts';
import { systemContext, type OperationContext } from '../../src/platform/context.ts';
import { newId } from '../../src/platform/ids.ts';
import type { OutboxDelivery, OutboxEvent, OutboxHandler } from '../../src/platform/outbox/index.ts';

/** Creates a tenant row and returns a system context for it. */
export async function createTestTenant(db: Database, label = 'tenant'): Promise<OperationContext> {
  const tenantId = newId();
  await db.withTenant({ tenantId }, (tx) => tx.insertInto('tenants').values({ tenant_id: tenantId, name: `${label} ${tenantId}` }).execute());
  return systemContext(tenantId, 'test');
}

export interface Received {
  delivery: OutboxDelivery;
  event: OutboxEvent;
}

/**
 * A handler of kind 'test' that records every call, and can be told to fail
 * or wait per call. `behave` returns undefined to succeed, an Error to fail,
 * or a promise to wait on before succeeding.
 */
export function recordingHandler(
  behave: (delivery: OutboxDelivery, event: OutboxEvent) => Error | Promise<void> | undefined = () => undefined,
  kind = 'test',
): OutboxHandler & { calls: Received[]; successes: Received[] } {
  const calls: Received[] = [];
  const successes: Received[] = [];
  return {
    kind,
    calls,
    successes,
    async deliver(delivery, event) {
      calls.push({ delivery, event });
      const behaviour = behave(delivery, event);
      if (behaviour instanceof Error) throw behaviour;
      if (behaviour) await behaviour;
      successes.push({ delivery, event });
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
