import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { fixedClock, systemContext, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { translateDatabaseError } from '../../platform/errors.ts';
import { postJournalEntry } from './index.ts';

const clock = fixedClock('2026-12-10T15:00:00Z');
const testDb = useTestDatabase();
let tenant: TestTenant;

function inTenant<T>(fn: (tx: Tx, ctx: OperationContext) => Promise<T>): Promise<T> {
  return testDb().db.withTenant({ tenantId: tenant.tenantId }, (tx) => fn(tx, systemContext(tenant.tenantId, 'test', { clock })));
}

async function databaseErrorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return translateDatabaseError(error)?.code ?? String(error);
  }
  return undefined;
}

beforeAll(async () => {
  tenant = await createTestTenant(testDb().db);
});

describe('journal posting', () => {
  it('seeds the standard chart of accounts with every tenant', async () => {
    const roles = await inTenant((tx) => tx.selectFrom('accounts').select('system_role').where('system_role', 'is not', null).execute());
    expect(roles.map((row) => row.system_role).sort()).toContain('inventory');
    expect(roles).toHaveLength(15);
  });

  it('posts a balanced entry into the month of its date, creating the period open', async () => {
    const entry = await inTenant((tx, ctx) =>
      postJournalEntry(tx, ctx, {
        sourceType: 'test',
        sourceId: 'balanced',
        description: 'cash sale',
        lines: [
          { account: 'cash', debitMinor: 11625 },
          { account: 'revenue', creditMinor: 10000 },
          { account: 'sales_tax_payable', creditMinor: 725 },
          { account: 'freight_income', creditMinor: 900 },
          { account: 'cogs', debitMinor: 0 },
        ],
      }),
    );
    expect(entry?.lines).toHaveLength(4);
    const period = await inTenant((tx) => tx.selectFrom('fiscal_periods').selectAll().where('period', '=', '2026-12').executeTakeFirstOrThrow());
    expect(period.status).toBe('open');
  });

  it('is refused by the database at commit when lines written past the service do not balance', async () => {
    const code = await databaseErrorCode(
      inTenant(async (tx, ctx) => {
        const entry = await postJournalEntry(tx, ctx, { sourceType: 'test', sourceId: 'x', description: 'x', lines: [{ account: 'cash', debitMinor: 1 }, { account: 'revenue', creditMinor: 1 }] });
        const revenue = entry!.lines[1]!.accountId;
        await sql`insert into journal_lines (tenant_id, entry_id, line_number, account_id, debit_minor, credit_minor, transaction_currency, transaction_amount_minor)
          values (${ctx.tenantId}, ${entry!.entryId}, 3, ${revenue}, 0, 5, 'USD', -5)`.execute(tx);
      }),
    );
    expect(code).toBe('JOURNAL_ENTRY_UNBALANCED');
    const count = await inTenant((tx) => tx.selectFrom('journal_entries').select((eb) => eb.fn.countAll<string>().as('n')).where('source_id', '=', 'x').executeTakeFirstOrThrow());
    expect(Number(count.n)).toBe(0);
  });

  it('refuses an entry dated in a closed period with PERIOD_CLOSED', async () => {
    await inTenant(async (tx, ctx) => {
      await sql`insert into fiscal_periods (tenant_id, period, starts_on, ends_on, status) values (${ctx.tenantId}, '2026-10', '2026-10-01', '2026-10-31', 'closed')`.execute(tx);
    });
    const code = await databaseErrorCode(
      inTenant((tx, ctx) =>
        postJournalEntry(tx, ctx, { entryDate: '2026-10-15', sourceType: 'test', sourceId: 'closed', description: 'late', lines: [{ account: 'cash', debitMinor: 1 }, { account: 'revenue', creditMinor: 1 }] }),
      ),
    );
    expect(code).toBe('PERIOD_CLOSED');
  });

  it('keeps posted lines immutable for the application role', async () => {
    const code = await databaseErrorCode(inTenant((tx) => sql`update journal_lines set memo = 'changed'`.execute(tx)));
    expect(code).not.toBeUndefined();
  });
});
