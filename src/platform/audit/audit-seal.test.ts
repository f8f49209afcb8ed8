import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createDatabase, type Database } from '../db/index.ts';
import { audit, sealAuditLog, startAuditSealer, verifyAuditLog } from './index.ts';
import { createTestTenant, testContext, writeAuditRows } from './audit.fixtures.ts';

const testDb = useTestDatabase();

interface SealRow {
  seq: string;
  audit_id: string;
  row_hash: Buffer;
  chain_hash: Buffer;
  log_row_hash: Buffer;
}

async function sealsOf(tenantId: string): Promise<SealRow[]> {
  const { rows } = await testDb().admin.query<SealRow>(
    `select s.seq, s.audit_id, s.row_hash, s.chain_hash, a.row_hash as log_row_hash
     from audit_seals s join audit_log a using (tenant_id, audit_id)
     where s.tenant_id = $1 order by s.seq`,
    [tenantId],
  );
  return rows;
}

/** The chain as documented in 0002, recomputed here independently of the sealer's code. */
function expectValidChain(seals: SealRow[]): void {
  let previous: Buffer = Buffer.alloc(32);
  seals.forEach((seal, index) => {
    expect(seal.seq).toBe(String(index + 1));
    expect(seal.row_hash.equals(seal.log_row_hash)).toBe(true);
    const expected = createHash('sha256').update(Buffer.concat([previous, seal.row_hash])).digest();
    expect(seal.chain_hash.toString('hex')).toBe(expected.toString('hex'));
    previous = seal.chain_hash;
  });
}

async function sealEverything(db: Database, batchSize?: number): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await sealAuditLog(db, { batchSize });
    if (sealed === 0) return total;
    total += sealed;
  }
}

describe('sealAuditLog', () => {
  it('chains committed rows per tenant in audit_id order, continuing the chain on later passes', async () => {
    const { db } = testDb();
    const tenantA = await createTestTenant(db);
    const tenantB = await createTestTenant(db);
    const idsA = await writeAuditRows(db, tenantA, 5);
    const idsB = await writeAuditRows(db, tenantB, 3);
    expect(await sealEverything(db)).toBeGreaterThanOrEqual(8);
    expect(await sealAuditLog(db)).toBe(0);

    const sealsA = await sealsOf(tenantA);
    expect(sealsA.map((seal) => seal.audit_id)).toEqual(idsA);
    expectValidChain(sealsA);
    expectValidChain(await sealsOf(tenantB));
    expect((await sealsOf(tenantB)).map((seal) => seal.audit_id)).toEqual(idsB);

    const later = await writeAuditRows(db, tenantA, 2);
    await sealEverything(db);
    const extended = await sealsOf(tenantA);
    expect(extended.map((seal) => seal.audit_id)).toEqual([...idsA, ...later]);
    expectValidChain(extended);
    expect(await verifyAuditLog(db, tenantA)).toEqual({ ok: true, rows: 7, sealed: 7, unsealed: 0 });
  });

  it('seals at most batchSize rows of a tenant per pass', async () => {
    const { db } = testDb();
    await sealEverything(db);
    const tenantId = await createTestTenant(db);
    await writeAuditRows(db, tenantId, 5);
    expect(await sealAuditLog(db, { batchSize: 2 })).toBe(2);
    expect(await sealAuditLog(db, { batchSize: 2 })).toBe(2);
    expect(await sealAuditLog(db, { batchSize: 2 })).toBe(1);
    expect(await sealAuditLog(db, { batchSize: 2 })).toBe(0);
    expectValidChain(await sealsOf(tenantId));
  });

  it('neither waits for nor seals an uncommitted row, and seals it after a newer one once it commits', async () => {
    const { db } = testDb();
    const tenantId = await createTestTenant(db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let announce!: (id: string) => void;
    const written = new Promise<string>((resolve) => (announce = resolve));
    const slowWriter = db.withTenant({ tenantId }, async (tx) => {
      const id = await audit(tx, testContext(tenantId), { action: 'item.update', entityType: 'item', entityId: 'slow', after: { qty: 1 } });
      announce(id);
      await gate;
      return id;
    });
    const olderId = await written;
    const [newerId] = await writeAuditRows(db, tenantId, 1);

    await sealEverything(db);
    expect((await sealsOf(tenantId)).map((seal) => seal.audit_id)).toEqual([newerId]);

    release();
    await slowWriter;
    await sealEverything(db);
    const seals = await sealsOf(tenantId);
    expect(olderId < newerId!).toBe(true);
    expect(seals.map((seal) => seal.audit_id)).toEqual([newerId, olderId]);
    expectValidChain(seals);
    expect(await verifyAuditLog(db, tenantId)).toEqual({ ok: true, rows: 2, sealed: 2, unsealed: 0 });
  });

  it('produces one consistent chain when two sealers run concurrently', async () => {
    const { db, appUrl } = testDb();
    const tenants = [await createTestTenant(db), await createTestTenant(db)];
    const written = [await writeAuditRows(db, tenants[0]!, 300), await writeAuditRows(db, tenants[1]!, 120)];
    // Two processes' worth of sealers: separate pools, real parallel connections, small batches.
    const sealers = [createDatabase({ appUrl, poolSize: 2 }), createDatabase({ appUrl, poolSize: 2 })];
    try {
      const totals = await Promise.all(sealers.map((sealer) => sealEverything(sealer, 7)));
      expect(totals[0]! + totals[1]!).toBe(420);
    } finally {
      await Promise.all(sealers.map((sealer) => sealer.close()));
    }
    for (const [index, tenantId] of tenants.entries()) {
      const seals = await sealsOf(tenantId);
      expect(seals.map((seal) => seal.audit_id).sort()).toEqual([...written[index]!].sort());
      expectValidChain(seals);
      expect(await verifyAuditLog(db, tenantId)).toMatchObject({ ok: true, sealed: written[index]!.length });
    }
  });
});

describe('startAuditSealer', () => {
  it('seals new rows in the background and stops when asked', async () => {
    const { db } = testDb();
    const tenantId = await createTestTenant(db);
    const messages: string[] = [];
    const sealer = startAuditSealer(db, { intervalMs: 20, log: (message) => messages.push(message) });
    try {
      await writeAuditRows(db, tenantId, 3);
      const deadline = Date.now() + 20_000;
      while ((await sealsOf(tenantId)).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      await sealer.stop();
    }
    expectValidChain(await sealsOf(tenantId));
    expect((await sealsOf(tenantId)).length).toBe(3);
    expect(messages).toEqual([]);

    // Stopped means stopped: a row written now stays unsealed.
    await writeAuditRows(db, tenantId, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await verifyAuditLog(db, tenantId)).toEqual({ ok: true, rows: 4, sealed: 3, unsealed: 1 });
  });
});
