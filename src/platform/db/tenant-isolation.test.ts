import { sql } from 'kysely';
import { describe, expect, it, beforeAll } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { newId } from '../ids.ts';

const testDb = useTestDatabase();

describe('tenant isolation by row-level security', () => {
  const tenantA = newId();
  const tenantB = newId();

  beforeAll(async () => {
    const { db } = testDb();
    await db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.insertInto('tenants').values({ tenant_id: tenantA, name: `A ${tenantA}` }).execute(),
    );
    await db.withTenant({ tenantId: tenantB }, (tx) =>
      tx.insertInto('tenants').values({ tenant_id: tenantB, name: `B ${tenantB}` }).execute(),
    );
    for (const tenantId of [tenantA, tenantB]) {
      await db.withTenant({ tenantId }, (tx) =>
        tx.insertInto('number_series').values({ tenant_id: tenantId, series: 'sales_order', prefix: 'SO-', gapless: false }).execute(),
      );
    }
  });

  it("hides tenant B's rows from SELECT under tenant A", async () => {
    const rows = await testDb().db.withTenant({ tenantId: tenantA }, (tx) => tx.selectFrom('number_series').selectAll().execute());
    expect(rows.map((row) => row.tenant_id)).toEqual([tenantA]);
  });

  it("leaves tenant B's rows untouched by UPDATE and DELETE under tenant A", async () => {
    const { db, admin } = testDb();
    await db.withTenant({ tenantId: tenantA }, async (tx) => {
      await tx.updateTable('number_series').set({ prefix: 'HACKED-' }).where('tenant_id', '=', tenantB).execute();
      await tx.deleteFrom('number_series').where('tenant_id', '=', tenantB).execute();
    });
    const { rows } = await admin.query('select prefix from number_series where tenant_id = $1', [tenantB]);
    expect(rows).toEqual([{ prefix: 'SO-' }]);
  });

  it("refuses to insert a row carrying tenant B's id under tenant A", async () => {
    const insert = testDb().db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.insertInto('number_series').values({ tenant_id: tenantB, series: 'invoice', prefix: 'INV-', gapless: true }).execute(),
    );
    await expect(insert).rejects.toMatchObject({ code: '42501' });
  });

  it('returns zero rows without a tenant context', async () => {
    const { appUrl } = testDb();
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: appUrl });
    await client.connect();
    try {
      const { rows } = await client.query('select * from number_series');
      expect(rows).toEqual([]);
      const tenants = await client.query('select * from tenants');
      expect(tenants.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it("serves tenant B's next transaction on a pooled connection that served tenant A with B's rows only", async () => {
    const { appUrl } = testDb();
    const { createDatabase } = await import('./database.ts');
    const single = createDatabase({ appUrl, poolSize: 1 });
    try {
      const pidA = await single.withTenant({ tenantId: tenantA }, async (tx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
        return rows[0]!.pid;
      });
      const seenByB = await single.withTenant({ tenantId: tenantB }, async (tx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
        const series = await tx.selectFrom('number_series').select('tenant_id').execute();
        return { pid: rows[0]!.pid, tenants: series.map((row) => row.tenant_id) };
      });
      expect(seenByB.pid).toBe(pidA);
      expect(seenByB.tenants).toEqual([tenantB]);
      // And after the transaction the setting is gone: the same connection sees nothing.
      const afterwards = await single.withTenant({ tenantId: tenantA }, async () => 'ok');
      expect(afterwards).toBe('ok');
    } finally {
      await single.close();
    }
  });
});
