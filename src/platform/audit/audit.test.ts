import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { isUuidV7 } from '../ids.ts';
import { audit, sealAuditLog } from './index.ts';
import { createTestTenant, testContext, writeAuditRows } from './audit.fixtures.ts';

const testDb = useTestDatabase();

describe('audit(tx, ctx, entry)', () => {
  let tenantId: string;
  beforeAll(async () => {
    tenantId = await createTestTenant(testDb().db);
  });

  it('records actor, action, entity, changed fields, request id, source address and the clock time', async () => {
    const { db, admin } = testDb();
    const ctx = testContext(tenantId, { actor: { type: 'api_key', id: 'key-42' }, requestId: 'req-abc', sourceAddress: '198.51.100.9' });
    const auditId = await db.withTenant({ tenantId }, (tx) =>
      audit(tx, ctx, {
        action: 'api_key.update',
        entityType: 'api_key',
        entityId: 'key-7',
        before: { name: 'old name', permissions: ['a'], key_hash: Buffer.alloc(32, 1) },
        after: { name: 'new name', permissions: ['a'], key_hash: Buffer.alloc(32, 1) },
      }),
    );
    expect(isUuidV7(auditId)).toBe(true);
    const { rows } = await admin.query(
      `select *, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_utc,
              row_hash = qm_audit_row_hash(audit_log) as hash_ok
       from audit_log where tenant_id = $1 and audit_id = $2`,
      [tenantId, auditId],
    );
    expect(rows[0]).toMatchObject({
      actor_type: 'api_key',
      actor_id: 'key-42',
      action: 'api_key.update',
      entity_type: 'api_key',
      entity_id: 'key-7',
      changes: { name: { old: 'old name', new: 'new name' } },
      request_id: 'req-abc',
      source_address: '198.51.100.9',
      occurred_utc: '2025-03-31T23:30:00.123Z',
      hash_ok: true,
    });
  });

  it('stores no changes for an event without before and after (a login, a report read)', async () => {
    const { db, admin } = testDb();
    const auditId = await db.withTenant({ tenantId }, (tx) =>
      audit(tx, testContext(tenantId), { action: 'report.read', entityType: 'report', entityId: 'trial_balance' }),
    );
    const { rows } = await admin.query('select changes from audit_log where audit_id = $1', [auditId]);
    expect(rows).toEqual([{ changes: null }]);
  });

  it('commits with the change it records, and a rolled-back transaction leaves neither', async () => {
    const { db, admin } = testDb();
    const ctx = testContext(tenantId);
    const change = (series: string) =>
      db.withTenant({ tenantId }, async (tx) => {
        await tx.insertInto('number_series').values({ tenant_id: tenantId, series, prefix: 'X-', gapless: false }).execute();
        await audit(tx, ctx, { action: 'number_series.create', entityType: 'number_series', entityId: series, after: { prefix: 'X-' } });
        if (series === 'rolled_back') throw new Error('the business rule refused it after the audit row was written');
      });
    await change('committed');
    await expect(change('rolled_back')).rejects.toThrow(/refused/);
    const audited = await admin.query('select entity_id from audit_log where tenant_id = $1 and action = $2 order by entity_id', [
      tenantId,
      'number_series.create',
    ]);
    expect(audited.rows).toEqual([{ entity_id: 'committed' }]);
    const series = await admin.query('select series from number_series where tenant_id = $1', [tenantId]);
    expect(series.rows).toEqual([{ series: 'committed' }]);
  });

  it('refuses an action that is not entity.verb (a programmer error)', async () => {
    const { db } = testDb();
    const write = db.withTenant({ tenantId }, (tx) => audit(tx, testContext(tenantId), { action: 'Did Stuff', entityType: 'x', entityId: '1' }));
    await expect(write).rejects.toThrow(/invariant failed/);
  });
});

describe('the audit tables are append-only', () => {
  let tenantId: string;
  let auditId: string;
  beforeAll(async () => {
    const { db } = testDb();
    tenantId = await createTestTenant(db);
    [auditId] = (await writeAuditRows(db, tenantId, 2)) as [string];
    expect(await sealAuditLog(db)).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['UPDATE audit_log', `update audit_log set action = 'item.delete'`],
    ['DELETE audit_log', 'delete from audit_log'],
    ['UPDATE audit_seals', `update audit_seals set chain_hash = sha256(chain_hash)`],
    ['DELETE audit_seals', 'delete from audit_seals'],
    ['TRUNCATE audit_log', 'truncate audit_log, audit_seals'],
    ['TRUNCATE audit_seals', 'truncate audit_seals'],
  ])('refuses %s as the application role', async (_name, statement) => {
    const { db } = testDb();
    const attempt = db.withTenant({ tenantId }, (tx) => sql.raw(statement).execute(tx));
    await expect(attempt).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
    await expectAuditRowsIntact();
  });

  it.each([
    ['UPDATE audit_log', `update audit_log set action = 'item.delete'`],
    ['DELETE audit_log', 'delete from audit_log'],
    ['UPDATE audit_seals', `update audit_seals set chain_hash = sha256(chain_hash)`],
    ['DELETE audit_seals', 'delete from audit_seals'],
    ['TRUNCATE', 'truncate audit_log, audit_seals'],
  ])('refuses %s even to the owner, by trigger', async (_name, statement) => {
    const { admin } = testDb();
    await expect(admin.query(statement)).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    await expectAuditRowsIntact();
  });

  it('lets the application role only select and insert on every append-only table', async () => {
    const { admin } = testDb();
    const { rows } = await admin.query<{ table_name: string; privileges: string[] }>(`
      select c.relname as table_name,
             array(select p from unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p
                   where has_table_privilege('qm_app', c.oid, p)) as privileges
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and obj_description(c.oid, 'pg_class') like 'append-only%'
      order by 1`);
    expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(['audit_log', 'audit_seals', 'outbox_events']));
    for (const row of rows) expect({ table: row.table_name, privileges: row.privileges }).toEqual({ table: row.table_name, privileges: ['SELECT', 'INSERT'] });
  });

  async function expectAuditRowsIntact(): Promise<void> {
    const { admin } = testDb();
    const { rows } = await admin.query(
      `select (select count(*)::int from audit_log where tenant_id = $1) as rows,
              (select count(*)::int from audit_seals where tenant_id = $1) as seals,
              (select action from audit_log where audit_id = $2) as action`,
      [tenantId, auditId],
    );
    expect(rows[0]).toEqual({ rows: 2, seals: 2, action: 'item.update' });
  }
});
