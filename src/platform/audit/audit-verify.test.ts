import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { sealAuditLog, verifyAuditLog } from './index.ts';
import { createTestTenant, writeAuditRows } from './audit.fixtures.ts';

const testDb = useTestDatabase();

/**
 * A superuser with triggers (and foreign-key enforcement) switched off: the strongest
 * insider short of rewriting the whole chain. Everything verify must catch is done here.
 */
async function tamper(statement: string, params: unknown[]): Promise<void> {
  const client = await testDb().admin.connect();
  try {
    await client.query('set session_replication_role = replica');
    const { rowCount } = await client.query(statement, params);
    expect(rowCount).toBe(1);
  } finally {
    await client.query('reset session_replication_role');
    client.release();
  }
}

/** A tenant with `sealed` rows chained and `unsealed` more written after the last seal. */
async function tenantWithLog(sealed: number, unsealed = 0): Promise<{ tenantId: string; ids: string[] }> {
  const { db } = testDb();
  const tenantId = await createTestTenant(db);
  const ids = await writeAuditRows(db, tenantId, sealed);
  while ((await sealAuditLog(db)) > 0);
  ids.push(...(await writeAuditRows(db, tenantId, unsealed)));
  expect(await verifyAuditLog(db, tenantId)).toEqual({ ok: true, rows: sealed + unsealed, sealed, unsealed });
  return { tenantId, ids };
}

const editChanges = `update audit_log set changes = '{"qty": {"old": 0, "new": 1000}}' where tenant_id = $1 and audit_id = $2`;

describe('verifyAuditLog', () => {
  it("names the row a superuser edited (the first one, when several were edited)", async () => {
    const { tenantId, ids } = await tenantWithLog(6);
    await tamper(editChanges, [tenantId, ids[4]]);
    await tamper(editChanges, [tenantId, ids[2]]);
    expect(await verifyAuditLog(testDb().db, tenantId)).toEqual({
      ok: false,
      auditId: ids[2],
      seq: '3',
      reason: expect.stringMatching(/no longer matches its hash/),
    });
  });

  it('names an edited row even when its row hash was recomputed to match', async () => {
    const { tenantId, ids } = await tenantWithLog(4);
    await tamper(editChanges, [tenantId, ids[1]]);
    await tamper('update audit_log a set row_hash = qm_audit_row_hash(a) where tenant_id = $1 and audit_id = $2', [tenantId, ids[1]]);
    expect(await verifyAuditLog(testDb().db, tenantId)).toMatchObject({
      ok: false,
      auditId: ids[1],
      reason: expect.stringMatching(/differs from the one sealed at seq 2/),
    });
  });

  it("names the row whose seal's chain hash a superuser edited", async () => {
    const { tenantId, ids } = await tenantWithLog(5);
    await tamper('update audit_seals set chain_hash = sha256(chain_hash) where tenant_id = $1 and seq = 4', [tenantId]);
    expect(await verifyAuditLog(testDb().db, tenantId)).toMatchObject({
      ok: false,
      auditId: ids[3],
      seq: '4',
      reason: expect.stringMatching(/chain link at seq 4/),
    });
  });

  it("names the row whose seal's row hash was swapped and the chain re-linked from there", async () => {
    const { tenantId, ids } = await tenantWithLog(3);
    // Sealed row hash and the row agree again, but the next link was computed over the old hash.
    await tamper(editChanges, [tenantId, ids[0]]);
    await tamper('update audit_log a set row_hash = qm_audit_row_hash(a) where tenant_id = $1 and audit_id = $2', [tenantId, ids[0]]);
    await tamper(
      `update audit_seals s set row_hash = a.row_hash, chain_hash = sha256(decode(repeat('00', 32), 'hex') || a.row_hash)
       from audit_log a where a.tenant_id = s.tenant_id and a.audit_id = s.audit_id and s.tenant_id = $1 and s.seq = 1`,
      [tenantId],
    );
    expect(await verifyAuditLog(testDb().db, tenantId)).toMatchObject({
      ok: false,
      auditId: ids[1],
      reason: expect.stringMatching(/chain link at seq 2/),
    });
  });

  it('names the seal after a deleted seal, and a seal whose row was deleted', async () => {
    const { db } = testDb();
    const first = await tenantWithLog(4);
    await tamper('delete from audit_seals where tenant_id = $1 and seq = 2', [first.tenantId]);
    expect(await verifyAuditLog(db, first.tenantId)).toMatchObject({
      ok: false,
      auditId: first.ids[2],
      reason: expect.stringMatching(/seal 3 follows seal 1/),
    });

    const second = await tenantWithLog(4);
    await tamper('delete from audit_log where tenant_id = $1 and audit_id = $2', [second.tenantId, second.ids[1]]);
    expect(await verifyAuditLog(db, second.tenantId)).toMatchObject({
      ok: false,
      auditId: second.ids[1],
      reason: expect.stringMatching(/row sealed at seq 2 is missing/),
    });
  });

  it('names an edited row that is not sealed yet, after checking the whole chain', async () => {
    const { tenantId, ids } = await tenantWithLog(2, 3);
    await tamper(editChanges, [tenantId, ids[3]]);
    expect(await verifyAuditLog(testDb().db, tenantId)).toEqual({
      ok: false,
      auditId: ids[3],
      reason: expect.stringMatching(/not yet sealed/),
    });
  });

  it("judges each tenant by its own rows only, and writes nothing", async () => {
    const { db, admin } = testDb();
    const broken = await tenantWithLog(2);
    const intact = await tenantWithLog(2, 1);
    await tamper(editChanges, [broken.tenantId, broken.ids[0]]);
    expect(await verifyAuditLog(db, broken.tenantId)).toMatchObject({ ok: false, auditId: broken.ids[0] });
    expect(await verifyAuditLog(db, intact.tenantId)).toEqual({ ok: true, rows: 3, sealed: 2, unsealed: 1 });
    const { rows } = await admin.query('select count(*)::int as seals from audit_seals where tenant_id = $1', [intact.tenantId]);
    expect(rows).toEqual([{ seals: 2 }]);
  });

  it('walks the chain and the unsealed rows page by page', async () => {
    const { db } = testDb();
    const { tenantId, ids } = await tenantWithLog(7, 5);
    expect(await verifyAuditLog(db, tenantId, { pageSize: 2 })).toEqual({ ok: true, rows: 12, sealed: 7, unsealed: 5 });
    await tamper(editChanges, [tenantId, ids[11]]);
    expect(await verifyAuditLog(db, tenantId, { pageSize: 2 })).toMatchObject({ ok: false, auditId: ids[11] });
    await tamper('update audit_seals set chain_hash = sha256(chain_hash) where tenant_id = $1 and seq = 6', [tenantId]);
    expect(await verifyAuditLog(db, tenantId, { pageSize: 2 })).toMatchObject({ ok: false, auditId: ids[5], seq: '6' });
  });
});
