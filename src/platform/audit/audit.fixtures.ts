import { fixedClock, type OperationContext } from '../context.ts';
import type { Database } from '../db/index.ts';
import { newId } from '../ids.ts';
import { audit } from './audit.service.ts';

/** Test helpers shared by the audit tests (not part of the module's public face). */

export async function createTestTenant(db: Database, label = 'Audit'): Promise<string> {
  const tenantId = newId();
  await db.withTenant({ tenantId }, (tx) => tx.insertInto('tenants').values({ tenant_id: tenantId, name: `${label} ${tenantId}` }).execute());
  return tenantId;
}

export function testContext(tenantId: string, overrides: Partial<OperationContext> = {}): OperationContext {
  return {
    tenantId,
    timeZone: 'UTC',
    actor: { type: 'user', id: 'user-1' },
    permissions: new Set(['*']),
    requestId: `req-${newId()}`,
    sourceAddress: '203.0.113.7',
    clock: fixedClock('2025-03-31T23:30:00.123Z'),
    ...overrides,
  };
}

/** Writes n audit rows in one transaction and returns their ids in write order. */
export async function writeAuditRows(db: Database, tenantId: string, n: number): Promise<string[]> {
  const ctx = testContext(tenantId);
  return db.withTenant({ tenantId }, async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(await audit(tx, ctx, { action: 'item.update', entityType: 'item', entityId: `item-${i}`, before: { qty: i }, after: { qty: i + 1 } }));
    }
    return ids;
  });
}
