import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createDatabase, type Database } from '../db/index.ts';
import { newId } from '../ids.ts';
import { NUMBER_BLOCK_SIZE } from '../limits.ts';
import { formatDocumentNumber, nextDocumentNumber, nextGaplessNumber } from './index.ts';

const testDb = useTestDatabase();

async function createTenant(db: Database): Promise<string> {
  const tenantId = newId();
  await db.withTenant({ tenantId }, (tx) => tx.insertInto('tenants').values({ tenant_id: tenantId, name: `T ${tenantId}` }).execute());
  return tenantId;
}

async function seriesRow(tenantId: string, series: string) {
  const { rows } = await testDb().admin.query<{ prefix: string; gapless: boolean; next_value: string }>(
    'select prefix, gapless, next_value from number_series where tenant_id = $1 and series = $2',
    [tenantId, series],
  );
  return rows[0];
}

/** Resolves once `count` callers have arrived, so they all go on together. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const allHere = new Promise<void>((resolve) => (release = resolve));
  return () => {
    arrived += 1;
    if (arrived === count) release();
    return allHere;
  };
}

const numberOf = (documentNumber: string) => Number(documentNumber.replace(/^[A-Z]+-/, ''));

describe('formatDocumentNumber', () => {
  it.each([
    ['INV-', 1n, 'INV-000001'],
    ['SO-', 123n, 'SO-000123'],
    ['CM-', 999_999n, 'CM-999999'],
    ['INV-', 1_234_567n, 'INV-1234567'],
  ])('formats %s and %s as %s', (prefix, value, expected) => {
    expect(formatDocumentNumber(prefix, value)).toBe(expected);
  });
});

describe('gapless invoice and credit memo numbers', () => {
  it('numbers each tenant and series from 1, in the caller’s transaction', async () => {
    const { db } = testDb();
    const tenantA = await createTenant(db);
    const tenantB = await createTenant(db);
    const take = (tenantId: string, series: 'invoice' | 'credit_memo') =>
      db.withTenant({ tenantId }, (tx) => nextGaplessNumber(tx, { tenantId }, series));
    expect(await take(tenantA, 'invoice')).toBe('INV-000001');
    expect(await take(tenantA, 'invoice')).toBe('INV-000002');
    expect(await take(tenantA, 'credit_memo')).toBe('CM-000001');
    expect(await take(tenantB, 'invoice')).toBe('INV-000001');
    expect(await seriesRow(tenantA, 'invoice')).toEqual({ prefix: 'INV-', gapless: true, next_value: '3' });
  });

  it('gives a rolled-back transaction’s number to the next invoice', async () => {
    const { db } = testDb();
    const tenantId = await createTenant(db);
    const taken = await db
      .withTenant({ tenantId }, async (tx) => {
        const number = await nextGaplessNumber(tx, { tenantId }, 'invoice');
        throw Object.assign(new Error('posting failed'), { number });
      })
      .catch((error: { number: string }) => error.number);
    expect(taken).toBe('INV-000001');
    expect(await db.withTenant({ tenantId }, (tx) => nextGaplessNumber(tx, { tenantId }, 'invoice'))).toBe('INV-000001');
  });

  it('commits exactly 1..K without gap or duplicate when 40 concurrent transactions take numbers and a quarter roll back', async () => {
    const { appUrl } = testDb();
    const transactions = 40;
    // One connection per transaction: they really run side by side on the server.
    const db = createDatabase({ appUrl, poolSize: transactions, applicationName: 'qm-test-numbering' });
    try {
      const tenantId = await createTenant(db);
      const allStarted = barrier(transactions);
      const outcomes = await Promise.all(
        Array.from({ length: transactions }, (_, index) =>
          db
            .withTenant({ tenantId }, async (tx) => {
              // Every transaction is open (and holds its connection) before any takes a number.
              await sql`select 1`.execute(tx);
              await allStarted();
              const number = await nextGaplessNumber(tx, { tenantId }, 'invoice');
              // Keep the series row locked a little, so the others queue behind it.
              await sql`select pg_sleep(0.01)`.execute(tx);
              if (index % 4 === 0) throw Object.assign(new Error('the business transaction fails after numbering'), { number });
              return { committed: true as const, number };
            })
            .catch((error: { number?: string }) => {
              if (!error.number) throw error;
              return { committed: false as const, number: error.number };
            }),
        ),
      );
      const committed = outcomes.filter((outcome) => outcome.committed).map((outcome) => numberOf(outcome.number));
      const rolledBack = outcomes.filter((outcome) => !outcome.committed).map((outcome) => numberOf(outcome.number));
      const k = transactions - transactions / 4;
      expect(committed).toHaveLength(k);
      expect(rolledBack).toHaveLength(transactions / 4);
      expect([...committed].sort((a, b) => a - b)).toEqual(Array.from({ length: k }, (_, i) => i + 1));
      // The rolled-back transactions really took numbers inside 1..K, which committed ones then reused.
      expect(rolledBack.some((number) => number <= k)).toBe(true);
      expect(await seriesRow(tenantId, 'invoice')).toMatchObject({ next_value: String(k + 1) });
    } finally {
      await db.close();
    }
  });
});

describe('block-allocated document numbers', () => {
  let tenantId: string;
  beforeAll(async () => {
    tenantId = await createTenant(testDb().db);
  });

  it('takes a block from the database once and hands out the rest from memory', async () => {
    const db = createDatabase({ appUrl: testDb().appUrl, poolSize: 2 });
    try {
      expect(await nextDocumentNumber(db, { tenantId }, 'purchase_order')).toBe('PO-000001');
      expect(await seriesRow(tenantId, 'purchase_order')).toEqual({ prefix: 'PO-', gapless: false, next_value: String(1 + NUMBER_BLOCK_SIZE) });
      for (let value = 2; value <= NUMBER_BLOCK_SIZE; value++) {
        expect(await nextDocumentNumber(db, { tenantId }, 'purchase_order')).toBe(formatDocumentNumber('PO-', BigInt(value)));
      }
      expect((await seriesRow(tenantId, 'purchase_order'))!.next_value).toBe(String(1 + NUMBER_BLOCK_SIZE));
      expect(await nextDocumentNumber(db, { tenantId }, 'purchase_order')).toBe(formatDocumentNumber('PO-', BigInt(NUMBER_BLOCK_SIZE + 1)));
      expect((await seriesRow(tenantId, 'purchase_order'))!.next_value).toBe(String(1 + 2 * NUMBER_BLOCK_SIZE));
    } finally {
      await db.close();
    }
  });

  it('never hands out a number twice to concurrent callers in two processes', async () => {
    const { appUrl } = testDb();
    // Two Database instances have separate block caches, like two processes.
    const processes = [createDatabase({ appUrl, poolSize: 5 }), createDatabase({ appUrl, poolSize: 5 })];
    const callsPerProcess = Math.floor(NUMBER_BLOCK_SIZE * 1.5);
    try {
      const numbers = await Promise.all(
        processes.flatMap((db) => Array.from({ length: callsPerProcess }, () => nextDocumentNumber(db, { tenantId }, 'sales_order'))),
      );
      expect(numbers.every((number) => /^SO-\d{6,}$/.test(number))).toBe(true);
      expect(new Set(numbers).size).toBe(numbers.length);
      // Concurrent callers in one process share one allocation: two blocks per process, not one per caller.
      expect((await seriesRow(tenantId, 'sales_order'))!.next_value).toBe(String(1 + 4 * NUMBER_BLOCK_SIZE));
    } finally {
      await Promise.all(processes.map((db) => db.close()));
    }
  });
});
