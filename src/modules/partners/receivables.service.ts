import { sql, type Selectable } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { today as todayOf, type OperationContext } from '../../platform/context.ts';
import type { DB, Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { minorFromDb } from '../../platform/money.ts';
import { postJournalEntry } from '../ledger/index.ts';
import { getCustomerOrThrow } from './customers.service.ts';
import { isUniqueViolation } from './partners.queries.ts';
import { addDays, daysPastDue, isBusinessDate } from './rules/business-dates.ts';

/**
 * Receivable open items: what each customer owes, document by document. Billing will
 * write them (invoices, credit memos, payments reducing open_minor); until it exists,
 * createReceivableOpenItem is the documented internal API (docs/receivables-open-items.md)
 * for tests and the demo. The credit check reads them through receivablesExposure.
 *
 * Amounts are signed from the customer's side: an invoice is positive (they owe us), a
 * credit memo negative (we owe them); open_minor moves towards 0 as items are settled.
 */

export type OpenItemDocumentType = 'invoice' | 'credit_memo' | 'opening_balance';

export interface ReceivableOpenItem {
  openItemId: string;
  customerId: string;
  documentType: OpenItemDocumentType;
  documentNumber: string;
  documentDate: string;
  dueDate: string;
  currency: string;
  amountMinor: number;
  openMinor: number;
}

export interface CreateReceivableOpenItemInput {
  customerId: string;
  documentType: OpenItemDocumentType;
  documentNumber: string;
  documentDate: string;
  /** Defaults to documentDate + the customer's payment terms. */
  dueDate?: string;
  amountMinor: number;
  /** Defaults to amountMinor (nothing paid yet). */
  openMinor?: number;
}

export async function createReceivableOpenItem(tx: Tx, ctx: OperationContext, input: CreateReceivableOpenItemInput): Promise<{ openItemId: string }> {
  const customer = await getCustomerOrThrow(tx, ctx, input.customerId);
  for (const field of ['documentDate', 'dueDate'] as const) {
    const value = input[field];
    if (value !== undefined && !isBusinessDate(value)) throw invalid(field, 'is not a date (YYYY-MM-DD)');
  }
  if (!/^\S.{0,63}$/.test(input.documentNumber)) throw invalid('documentNumber', 'is 1 to 64 characters');
  const dueDate = input.dueDate ?? addDays(input.documentDate, customer.paymentTermsDays);
  if (dueDate < input.documentDate) throw invalid('dueDate', 'must not be before documentDate');
  const amountMinor = input.amountMinor;
  const openMinor = input.openMinor ?? amountMinor;
  if (!Number.isSafeInteger(amountMinor) || amountMinor === 0) throw invalid('amountMinor', 'must be a non-zero integer of minor units');
  if (input.documentType === 'invoice' && amountMinor < 0) throw invalid('amountMinor', 'an invoice is positive');
  if (input.documentType === 'credit_memo' && amountMinor > 0) throw invalid('amountMinor', 'a credit memo is negative');
  if (!Number.isSafeInteger(openMinor) || Math.sign(openMinor) === -Math.sign(amountMinor) || Math.abs(openMinor) > Math.abs(amountMinor)) {
    throw invalid('openMinor', 'lies between 0 and amountMinor');
  }
  const openItemId = newId();
  const item: ReceivableOpenItem = {
    openItemId,
    customerId: customer.customerId,
    documentType: input.documentType,
    documentNumber: input.documentNumber,
    documentDate: input.documentDate,
    dueDate,
    currency: customer.currency,
    amountMinor,
    openMinor,
  };
  try {
    await tx
      .insertInto('receivable_open_items')
      .values({
        tenant_id: ctx.tenantId,
        open_item_id: openItemId,
        customer_id: item.customerId,
        document_type: item.documentType,
        document_number: item.documentNumber,
        document_date: item.documentDate,
        due_date: item.dueDate,
        currency: item.currency,
        amount_minor: amountMinor,
        open_minor: openMinor,
        created_at: ctx.clock.now(),
      })
      .execute();
  } catch (error) {
    // PostgreSQL truncates generated constraint names to 63 characters.
    if (isUniqueViolation(error, 'receivable_open_items_tenant_id_document_type_document_numb_key')) {
      throw new AppError('OPEN_ITEM_DOCUMENT_TAKEN', `an open item for ${input.documentType} ${input.documentNumber} already exists`);
    }
    throw error;
  }
  // The GL follows the open items (Σ open_minor = AR, checked by qm verify): an imported
  // balance is what is still open, posted on the import date against opening balance
  // equity (a document date in an already closed period must not refuse the import).
  const postedMinor = Math.abs(openMinor);
  await postJournalEntry(tx, ctx, {
    sourceType: 'open_item',
    sourceId: openItemId,
    sourceNumber: item.documentNumber,
    description: `Opening receivable ${item.documentType} ${item.documentNumber}`,
    lines:
      openMinor > 0
        ? [
            { account: 'accounts_receivable', debitMinor: postedMinor },
            { account: 'opening_balance_equity', creditMinor: postedMinor },
          ]
        : [
            { account: 'opening_balance_equity', debitMinor: postedMinor },
            { account: 'accounts_receivable', creditMinor: postedMinor },
          ],
  });
  await audit(tx, ctx, { action: 'receivable_open_item.create', entityType: 'receivable_open_item', entityId: openItemId, before: null, after: { ...item } });
  return { openItemId };
}

/**
 * What the customer owes on `today` (a business date in the tenant's zone): the sum of every
 * open item's open amount (credit memos reduce it), and how many days the oldest open debit
 * item is past its due date. Credit memos and settled items are never "past due".
 */
export async function receivablesExposure(tx: Tx, ctx: OperationContext, customerId: string, today: string): Promise<{ openMinor: number; maxDaysPastDue: number }> {
  const row = await tx
    .selectFrom('receivable_open_items')
    .select([
      sql<string>`coalesce(sum(open_minor), 0)`.as('open_minor'),
      sql<string | null>`min(due_date) filter (where open_minor > 0 and document_type <> 'credit_memo')`.as('oldest_due'),
    ])
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .where('open_minor', '<>', '0')
    .executeTakeFirstOrThrow();
  return { openMinor: minorFromDb(row.open_minor), maxDaysPastDue: row.oldest_due === null ? 0 : daysPastDue(row.oldest_due, today) };
}

export async function listReceivableOpenItems(
  tx: Tx,
  ctx: OperationContext,
  customerId: string,
  page: PageRequest,
  filter: { open?: boolean } = {},
): Promise<Page<ReceivableOpenItem & { daysPastDue: number }>> {
  await getCustomerOrThrow(tx, ctx, customerId);
  let query = tx.selectFrom('receivable_open_items').selectAll().where('tenant_id', '=', ctx.tenantId).where('customer_id', '=', customerId);
  if (page.after) query = query.where('open_item_id', '>', page.after);
  if (filter.open !== undefined) query = query.where('open_minor', filter.open ? '<>' : '=', '0');
  const rows = await query.orderBy('open_item_id').limit(page.limit + 1).execute();
  const today = todayOf(ctx);
  return toPage(
    rows.map((row) => {
      const item = toOpenItem(row);
      const pastDue = item.openMinor > 0 && item.documentType !== 'credit_memo' ? daysPastDue(item.dueDate, today) : 0;
      return { ...item, daysPastDue: pastDue };
    }),
    page,
    (item) => item.openItemId,
  );
}

function toOpenItem(row: Selectable<DB['receivable_open_items']>): ReceivableOpenItem {
  return {
    openItemId: row.open_item_id,
    customerId: row.customer_id,
    documentType: row.document_type as OpenItemDocumentType,
    documentNumber: row.document_number,
    documentDate: row.document_date,
    dueDate: row.due_date,
    currency: row.currency,
    amountMinor: minorFromDb(row.amount_minor),
    openMinor: minorFromDb(row.open_minor),
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}`, [{ field, message }]);
}
