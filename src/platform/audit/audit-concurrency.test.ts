import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { audit, sealAuditLog, verifyAuditLog } from './index.ts';
import { createTestTenant, testContext } from './audit.fixtures.ts';

const testDb = useTestDatabase();

const WRITERS = 8;
const HOLD_SECONDS = 0.3;

describe('concurrent audited writes in one tenant', () => {
  it('do not serialise on the audit table', async () => {
    const { db } = testDb();
    const tenantId = await createTestTenant(db);
    // One business transaction: an audit row, then work that keeps the transaction open
    // (held on the server, not in Node) until it commits. A chain head or any other
    // per-tenant lock taken by audit() would make these queue behind each other.
    const writer = (index: number) =>
      db.withTenant({ tenantId }, async (tx) => {
        await audit(tx, testContext(tenantId), { action: 'item.update', entityType: 'item', entityId: `item-${index}`, after: { qty: index } });
        await sql`select pg_sleep(${HOLD_SECONDS})`.execute(tx);
      });
    // Open the pool's connections first so that connecting is not part of the measurement.
    await Promise.all(Array.from({ length: WRITERS }, () => db.withTenant({ tenantId }, (tx) => sql`select 1`.execute(tx))));

    const singleStarted = performance.now();
    await writer(-1);
    const singleMs = performance.now() - singleStarted;

    const parallelStarted = performance.now();
    await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));
    const parallelMs = performance.now() - parallelStarted;

    // Serialised, the parallel run would take about WRITERS × singleMs; half of that is a
    // generous bound that a slow machine still meets when the writers truly overlap.
    expect(parallelMs, `one writer ${singleMs.toFixed(0)} ms, ${WRITERS} in parallel ${parallelMs.toFixed(0)} ms`).toBeLessThan((WRITERS * singleMs) / 2);

    while ((await sealAuditLog(db)) > 0);
    expect(await verifyAuditLog(db, tenantId)).toEqual({ ok: true, rows: WRITERS + 1, sealed: WRITERS + 1, unsealed: 0 });
  });
});
