import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { fixedClock, systemContext, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { translateDatabaseError } from '../../platform/errors.ts';
import { closePeriod, postJournalEntry, postManualJournalEntry, reverseJournalEntry } from './index.ts';

/**
 * Real parallel connections (each withTenant is its own transaction on its own pooled
 * connection): postings racing a period close, and reversals racing each other.
 */

const clock = fixedClock('2026-12-10T15:00:00Z');
const testDb = useTestDatabase();
let tenant: TestTenant;

function inTenant<T>(fn: (tx: Tx, ctx: OperationContext) => Promise<T>): Promise<T> {
  return testDb().db.withTenant({ tenantId: tenant.tenantId }, (tx) => fn(tx, systemContext(tenant.tenantId, 'test', { clock })));
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return translateDatabaseError(error)?.code ?? (error as { code?: string }).code ?? String(error);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  tenant = await createTestTenant(testDb().db);
});

describe('closing a period while postings are in flight', () => {
  it('waits for a posting that holds the period, then closes; the posting committed before it', async () => {
    let releasePosting!: () => void;
    const postingMayCommit = new Promise<void>((resolve) => (releasePosting = resolve));
    let posted!: () => void;
    const postingInserted = new Promise<void>((resolve) => (posted = resolve));
    const posting = inTenant(async (tx, ctx) => {
      await postJournalEntry(tx, ctx, { entryDate: '2026-09-15', sourceType: 'test', sourceId: 'in-flight', description: 'in flight', lines: [{ account: 'cash', debitMinor: 7 }, { account: 'revenue', creditMinor: 7 }] });
      posted();
      await postingMayCommit;
    });
    await postingInserted;
    let closedAt = 0;
    const closing = inTenant((tx, ctx) => closePeriod(tx, ctx, '2026-09')).then(() => (closedAt = Date.now()));
    await sleep(300);
    // The close is still waiting for the posting's FOR KEY SHARE lock.
    expect(closedAt).toBe(0);
    const committedAt = Date.now();
    releasePosting();
    await posting;
    await closing;
    expect(closedAt).toBeGreaterThanOrEqual(committedAt);
    const { rows } = await testDb().admin.query(`select count(*)::int as n from journal_entries where tenant_id = $1 and period = '2026-09'`, [tenant.tenantId]);
    expect(rows[0].n).toBe(1);
    expect(await outcome(inTenant((tx, ctx) => postJournalEntry(tx, ctx, { entryDate: '2026-09-30', sourceType: 'test', sourceId: 'late', description: 'late', lines: [{ account: 'cash', debitMinor: 1 }, { account: 'revenue', creditMinor: 1 }] })))).toBe('PERIOD_CLOSED');
  });

  it('lets every posting racing a close either commit before it or be refused, never land in the closed period', async () => {
    const period = '2026-08';
    // Wave A is in flight when the close arrives (each holds its transaction open, as a real
    // business event does while it writes the rest); wave B starts while or after the close
    // waits. Without the fair advisory lock of migration 0017 every posting of both waves got
    // in: share lockers overtook the waiting close until the stream ran dry.
    const starts = [...Array.from({ length: 10 }, (_, i) => i * 3), ...Array.from({ length: 10 }, (_, i) => 150 + i * 40), 1500];
    const postings = starts.map((startMs, index) =>
      (async () => {
        await sleep(startMs);
        return outcome(
          inTenant(async (tx, ctx) => {
            await postJournalEntry(tx, ctx, { entryDate: '2026-08-20', sourceType: 'race', sourceId: `p-${index}`, description: 'racing a close', lines: [{ account: 'cash', debitMinor: 100 }, { account: 'revenue', creditMinor: 100 }] });
            await sleep(60);
          }),
        );
      })(),
    );
    const close = (async () => {
      await sleep(30);
      return inTenant(async (tx, ctx) => {
        const closed = await closePeriod(tx, ctx, period);
        // Holding the period lock: every posting that got in has committed by now.
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from journal_entries where period = ${period}`.execute(tx);
        return { closed, entriesAtClose: rows[0]!.n };
      });
    })();
    const results = await Promise.all(postings);
    const { closed, entriesAtClose } = await close;
    expect(closed.status).toBe('closed');
    expect(results.every((result) => result === 'ok' || result === 'PERIOD_CLOSED')).toBe(true);
    const committed = results.filter((result) => result === 'ok').length;
    expect(committed).toBeGreaterThan(0);
    expect(results.filter((result) => result === 'PERIOD_CLOSED').length).toBeGreaterThan(0);
    // Exactly the successful postings landed, and all of them before the close committed.
    const { rows } = await testDb().admin.query(`select count(*)::int as n from journal_entries where tenant_id = $1 and period = $2`, [tenant.tenantId, period]);
    expect(rows[0].n).toBe(committed);
    expect(entriesAtClose).toBe(committed);
  });
});

describe('reversals racing each other', () => {
  it('lets exactly one of two concurrent reversals of an entry commit; the other is JOURNAL_ENTRY_ALREADY_REVERSED', async () => {
    const entry = await inTenant((tx, ctx) =>
      postManualJournalEntry(tx, ctx, { description: 'to reverse', lines: [{ accountCode: '6000', debitMinor: 300 }, { accountCode: '1000', creditMinor: 300 }] }),
    );
    const results = await Promise.all(
      [1, 2, 3].map((n) => outcome(inTenant((tx, ctx) => reverseJournalEntry(tx, ctx, entry.entryId, { reason: `attempt ${n}` })))),
    );
    expect(results.filter((result) => result === 'ok')).toHaveLength(1);
    expect(results.filter((result) => result === 'JOURNAL_ENTRY_ALREADY_REVERSED')).toHaveLength(2);
    const { rows } = await testDb().admin.query(`select count(*)::int as n from journal_entries where tenant_id = $1 and reverses_entry_id = $2`, [tenant.tenantId, entry.entryId]);
    expect(rows[0].n).toBe(1);
  });
});

