import type pg from 'pg';
import { systemContext, type Clock, type OperationContext } from '../../platform/context.ts';
import type { Database, Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { nextDocumentNumber } from '../../platform/numbering/index.ts';
import { postJournalEntry } from '../ledger/index.ts';
import { createCustomer, createReceivableOpenItem, type Customer } from '../partners/index.ts';

/**
 * Test set-up for payments, cash application and AR aging. Invoices do not exist on this
 * branch: receivables are made with partners.createReceivableOpenItem, exactly as the invoice
 * and credit-memo services make theirs (positive invoice items, negative credit-memo items).
 */

export interface BillingWorld {
  db: Database;
  admin: pg.Pool;
  tenantId: string;
  timeZone: string;
  clock: Clock;
}

export function inTenant<T>(world: BillingWorld, fn: (tx: Tx, ctx: OperationContext) => Promise<T>): Promise<T> {
  return world.db.withTenant({ tenantId: world.tenantId }, (tx) => fn(tx, systemContext(world.tenantId, 'test', { timeZone: world.timeZone, clock: world.clock })));
}

let customerCounter = 0;
export async function newCustomer(world: BillingWorld, terms = 30): Promise<Customer> {
  customerCounter += 1;
  const code = `PAYC${customerCounter}-${world.tenantId.slice(-6)}`;
  return inTenant(world, (tx, ctx) => createCustomer(tx, ctx, { code, name: `Payer ${customerCounter}`, paymentTermsDays: terms }));
}

let documentCounter = 0;
/**
 * An open item with its AR posting. The ledger engineer is making createReceivableOpenItem
 * post Dr AR / Cr opening balance equity itself; until that lands, the fixture posts the same
 * entry when (and only when) none exists for the item, so the AR identity is exact on either side
 * of the merge.
 */
export async function openItem(
  world: BillingWorld,
  customerId: string,
  input: { documentType?: 'invoice' | 'credit_memo' | 'opening_balance'; documentNumber?: string; documentDate?: string; dueDate?: string; amountMinor: number },
): Promise<{ openItemId: string; documentNumber: string }> {
  documentCounter += 1;
  const documentType = input.documentType ?? 'invoice';
  const documentNumber = input.documentNumber ?? `${documentType === 'credit_memo' ? 'TCM' : 'TINV'}-${documentCounter}`;
  return inTenant(world, async (tx, ctx) => {
    const { openItemId } = await createReceivableOpenItem(tx, ctx, {
      customerId,
      documentType,
      documentNumber,
      documentDate: input.documentDate ?? '2026-11-01',
      ...(input.dueDate ? { dueDate: input.dueDate } : {}),
      amountMinor: input.amountMinor,
    });
    const posted = await tx.selectFrom('journal_entries').select('entry_id').where('tenant_id', '=', ctx.tenantId).where('source_id', '=', openItemId).executeTakeFirst();
    if (!posted) {
      const amount = Math.abs(input.amountMinor);
      const debit = input.amountMinor > 0;
      await postJournalEntry(tx, ctx, {
        entryDate: input.documentDate ?? '2026-11-01',
        sourceType: 'open_item',
        sourceId: openItemId,
        sourceNumber: documentNumber,
        description: `test receivable ${documentNumber}`,
        lines: [
          { account: 'accounts_receivable', ...(debit ? { debitMinor: amount } : { creditMinor: amount }) },
          { account: 'opening_balance_equity', ...(debit ? { creditMinor: amount } : { debitMinor: amount }) },
        ],
      });
    }
    return { openItemId, documentNumber };
  });
}

export function paymentNumber(world: BillingWorld): Promise<string> {
  return nextDocumentNumber(world.db, { tenantId: world.tenantId }, 'payment');
}

/** Σ open receivable items and Σ (debit − credit) on the accounts_receivable account, read past RLS. */
export async function arIdentity(world: BillingWorld): Promise<{ openItemsMinor: number; glArMinor: number }> {
  const { rows } = await world.admin.query<{ open_items: string; gl_ar: string }>(
    `select (select coalesce(sum(open_minor), 0) from receivable_open_items where tenant_id = $1) as open_items,
            (select coalesce(sum(l.debit_minor - l.credit_minor), 0)
               from journal_lines l join accounts a on a.tenant_id = l.tenant_id and a.account_id = l.account_id
              where l.tenant_id = $1 and a.system_role = 'accounts_receivable') as gl_ar`,
    [world.tenantId],
  );
  return { openItemsMinor: Number(rows[0]!.open_items), glArMinor: Number(rows[0]!.gl_ar) };
}

/** What a refused request must leave untouched. */
export async function writtenState(world: BillingWorld): Promise<Record<string, unknown>> {
  const { rows } = await world.admin.query(
    `select (select count(*) from customer_payments where tenant_id = $1) as payments,
            (select count(*) from payment_applications where tenant_id = $1) as applications,
            (select count(*) from journal_lines where tenant_id = $1) as journal_lines,
            (select count(*) from outbox_events where tenant_id = $1) as events,
            (select json_object_agg(open_item_id, open_minor order by open_item_id) from receivable_open_items where tenant_id = $1) as open_items`,
    [world.tenantId],
  );
  return rows[0]!;
}

export async function openMinorOf(world: BillingWorld, openItemId: string): Promise<number> {
  const { rows } = await world.admin.query<{ open_minor: string }>('select open_minor from receivable_open_items where open_item_id = $1', [openItemId]);
  return Number(rows[0]!.open_minor);
}

export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'no error';
}
