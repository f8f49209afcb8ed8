import { sql, type Selectable } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { actorRef, today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { SupplierPayments } from '../../platform/db/schema.generated.ts';
import { memoInTransaction } from '../../platform/db/transaction-memo.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { MAX_INPUT_MINOR } from '../../platform/limits.ts';
import { minorFromDb } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getTenantOrThrow } from '../access/index.ts';
import { postJournalEntry } from '../ledger/index.ts';
import { getSupplierOrThrow, isBusinessDate } from '../partners/index.ts';

/**
 * Supplier payments (DOMAIN.md, procure to pay step 4): ONE transaction — Dr accounts payable /
 * Cr cash for the amount, and applications that reduce the AP open items of posted supplier
 * invoices. Every payment is fully applied (Σ applications = amount): there are no unapplied
 * supplier credits yet, so Σ open items = − GL accounts payable holds at every commit.
 *
 * Concurrency: the open items named are locked FOR NO KEY UPDATE in open_item_id order, in one
 * statement, and only then are their open amounts read and checked; two payments racing for one
 * invoice run one after the other and the second sees what the first left open.
 */

export const SUPPLIER_PAYMENT_APPLICATIONS_MAX = 200;

export interface SupplierPaymentApplicationInput {
  supplierInvoiceId: string;
  amountMinor: number;
}

export interface RecordSupplierPaymentInput {
  /** SPAY- number taken before the transaction. */
  paymentNumber: string;
  supplierId: string;
  /** Default today in the tenant's zone; never in the future. */
  paymentDate?: string | undefined;
  amountMinor: number;
  reference?: string | null | undefined;
  applications: SupplierPaymentApplicationInput[];
}

export interface SupplierPaymentApplication {
  supplierInvoiceId: string;
  invoiceNumber: string;
  supplierInvoiceNumber: string | null;
  amountMinor: number;
  invoiceOpenMinor: number;
}

export interface SupplierPayment {
  supplierPaymentId: string;
  paymentNumber: string;
  supplierId: string;
  paymentDate: string;
  currency: string;
  amountMinor: number;
  reference: string | null;
  journalEntryId: string;
  createdBy: string;
  createdAt: Date;
}

export interface SupplierPaymentDetail extends SupplierPayment {
  applications: SupplierPaymentApplication[];
}

export async function recordSupplierPayment(tx: Tx, ctx: OperationContext, input: RecordSupplierPaymentInput): Promise<SupplierPaymentDetail> {
  invariant(/^SPAY-\d+$/.test(input.paymentNumber), 'supplier payment numbers come from the supplier_payment series');
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0 || input.amountMinor > MAX_INPUT_MINOR) throw invalid('/amountMinor', 'is a positive integer of minor units');
  const todayDate = today(ctx);
  const paymentDate = input.paymentDate ?? todayDate;
  if (!isBusinessDate(paymentDate)) throw invalid('/paymentDate', 'is a date (YYYY-MM-DD)');
  if (paymentDate > todayDate) throw invalid('/paymentDate', `is not after today (${todayDate})`);
  const reference = input.reference?.trim() || null;
  if (reference !== null && reference.length > 100) throw invalid('/reference', 'is at most 100 characters');
  if (input.applications.length === 0) throw invalid('/applications', 'names at least one supplier invoice');
  if (input.applications.length > SUPPLIER_PAYMENT_APPLICATIONS_MAX) throw invalid('/applications', `has at most ${SUPPLIER_PAYMENT_APPLICATIONS_MAX} entries`);
  const seen = new Set<string>();
  let appliedMinor = 0;
  for (const [index, application] of input.applications.entries()) {
    if (!Number.isSafeInteger(application.amountMinor) || application.amountMinor <= 0 || application.amountMinor > MAX_INPUT_MINOR) {
      throw invalid(`/applications/${index}/amountMinor`, 'is a positive integer of minor units');
    }
    if (seen.has(application.supplierInvoiceId)) throw invalid(`/applications/${index}/supplierInvoiceId`, 'names an invoice twice');
    seen.add(application.supplierInvoiceId);
    appliedMinor += application.amountMinor;
  }
  if (appliedMinor !== input.amountMinor) {
    throw new AppError('SUPPLIER_PAYMENT_NOT_FULLY_APPLIED', `the applications add up to ${appliedMinor}, the payment is ${input.amountMinor}`, [{ field: '/applications', message: 'Σ ≠ amountMinor' }]);
  }

  const supplier = await getSupplierOrThrow(tx, ctx, input.supplierId);
  const functionalCurrency = await memoInTransaction(tx, 'tenant:currency', async () => (await getTenantOrThrow(tx, ctx.tenantId)).functionalCurrency);
  if (supplier.currency !== functionalCurrency) throw new AppError('CURRENCY_NOT_SUPPORTED', `the supplier is paid in ${supplier.currency}; only ${functionalCurrency} is supported`);

  // The invoices must exist and be the supplier's; their open items are then locked in id order.
  const invoiceIds = input.applications.map((application) => application.supplierInvoiceId);
  const invoices = await tx
    .selectFrom('supplier_invoices')
    .select(['supplier_invoice_id', 'invoice_number', 'supplier_id', 'status'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('supplier_invoice_id', 'in', invoiceIds)
    .execute();
  const invoiceById = new Map(invoices.map((invoice) => [invoice.supplier_invoice_id, invoice]));
  for (const [index, application] of input.applications.entries()) {
    const invoice = invoiceById.get(application.supplierInvoiceId);
    const field = [{ field: `/applications/${index}/supplierInvoiceId`, message: 'not payable' }];
    if (!invoice) throw new AppError('SUPPLIER_INVOICE_NOT_FOUND', `no supplier invoice ${application.supplierInvoiceId}`, field);
    if (invoice.supplier_id !== supplier.supplierId) throw new AppError('SUPPLIER_PAYMENT_INVOICE_OF_OTHER_SUPPLIER', `supplier invoice ${invoice.invoice_number} is not from ${supplier.code}`, field);
    if (invoice.status !== 'posted') throw new AppError('SUPPLIER_PAYMENT_INVOICE_NOT_OPEN', `supplier invoice ${invoice.invoice_number} is ${invoice.status}`, field);
  }
  const { rows: openItems } = await sql<{ open_item_id: string; document_id: string; document_number: string; supplier_document_number: string | null; open_minor: string }>`
    select open_item_id, document_id, document_number, supplier_document_number, open_minor from payable_open_items
    where tenant_id = ${ctx.tenantId} and document_type = 'supplier_invoice' and document_id in (${sql.join(invoiceIds)})
    order by open_item_id for no key update`.execute(tx);
  const itemByInvoice = new Map(openItems.map((item) => [item.document_id, item]));
  for (const [index, application] of input.applications.entries()) {
    const item = itemByInvoice.get(application.supplierInvoiceId);
    invariant(item, 'a posted supplier invoice has its open item');
    const openMinor = minorFromDb(item.open_minor);
    if (application.amountMinor > openMinor) {
      throw new AppError('SUPPLIER_PAYMENT_OVER_APPLIED', `supplier invoice ${item.document_number} has ${openMinor} open; ${application.amountMinor} is more`, [
        { field: `/applications/${index}/amountMinor`, message: 'more than open' },
      ]);
    }
  }

  const supplierPaymentId = newId();
  const entry = await postJournalEntry(tx, ctx, {
    entryDate: paymentDate,
    sourceType: 'supplier_payment',
    sourceId: supplierPaymentId,
    sourceNumber: input.paymentNumber,
    description: `Supplier payment ${input.paymentNumber} to ${supplier.code}`,
    lines: [
      { account: 'accounts_payable', debitMinor: input.amountMinor },
      { account: 'cash', creditMinor: input.amountMinor },
    ],
  });
  invariant(entry, 'a positive payment posts an entry');
  await tx
    .insertInto('supplier_payments')
    .values({
      tenant_id: ctx.tenantId,
      supplier_payment_id: supplierPaymentId,
      payment_number: input.paymentNumber,
      supplier_id: supplier.supplierId,
      payment_date: paymentDate,
      currency: supplier.currency,
      amount_minor: input.amountMinor,
      reference,
      journal_entry_id: entry.entryId,
      created_by: actorRef(ctx.actor),
      created_at: ctx.clock.now(),
    })
    .execute();
  for (const application of input.applications) {
    const item = itemByInvoice.get(application.supplierInvoiceId)!;
    await tx
      .updateTable('payable_open_items')
      .set((eb) => ({ open_minor: eb('open_minor', '-', String(application.amountMinor)) }))
      .where('tenant_id', '=', ctx.tenantId)
      .where('open_item_id', '=', item.open_item_id)
      .execute();
  }
  await tx
    .insertInto('supplier_payment_applications')
    .values(
      input.applications.map((application) => ({
        tenant_id: ctx.tenantId,
        supplier_payment_id: supplierPaymentId,
        open_item_id: itemByInvoice.get(application.supplierInvoiceId)!.open_item_id,
        amount_minor: application.amountMinor,
        applied_on: paymentDate,
      })),
    )
    .execute();
  const payment = await getSupplierPaymentOrThrow(tx, ctx, supplierPaymentId);
  await audit(tx, ctx, {
    action: 'supplier_payment.create',
    entityType: 'supplier_payment',
    entityId: supplierPaymentId,
    before: null,
    after: { paymentNumber: input.paymentNumber, supplierId: supplier.supplierId, paymentDate, amountMinor: input.amountMinor, reference, applications: payment.applications },
  });
  await appendEvent(tx, ctx, {
    eventType: 'supplier_payment.made',
    aggregateType: 'supplier_payment',
    aggregateId: supplierPaymentId,
    payload: {
      supplierPaymentId,
      paymentNumber: input.paymentNumber,
      supplierId: supplier.supplierId,
      paymentDate,
      amountMinor: String(input.amountMinor),
      reference,
      applications: payment.applications.map((application) => ({ ...application, amountMinor: String(application.amountMinor), invoiceOpenMinor: String(application.invoiceOpenMinor) })),
    },
  });
  return payment;
}

export async function getSupplierPaymentOrThrow(tx: Tx, ctx: OperationContext, supplierPaymentId: string): Promise<SupplierPaymentDetail> {
  const row = await tx.selectFrom('supplier_payments').selectAll().where('tenant_id', '=', ctx.tenantId).where('supplier_payment_id', '=', supplierPaymentId).executeTakeFirst();
  if (!row) throw new AppError('SUPPLIER_PAYMENT_NOT_FOUND', `no supplier payment ${supplierPaymentId}`);
  const applications = await tx
    .selectFrom('supplier_payment_applications as a')
    .innerJoin('payable_open_items as o', (join) => join.onRef('o.tenant_id', '=', 'a.tenant_id').onRef('o.open_item_id', '=', 'a.open_item_id'))
    .select(['o.document_id', 'o.document_number', 'o.supplier_document_number', 'a.amount_minor', 'o.open_minor'])
    .where('a.tenant_id', '=', ctx.tenantId)
    .where('a.supplier_payment_id', '=', supplierPaymentId)
    .orderBy('o.document_number')
    .execute();
  return {
    ...toPayment(row),
    applications: applications.map((application) => ({
      supplierInvoiceId: application.document_id,
      invoiceNumber: application.document_number,
      supplierInvoiceNumber: application.supplier_document_number,
      amountMinor: minorFromDb(application.amount_minor),
      invoiceOpenMinor: minorFromDb(application.open_minor),
    })),
  };
}

export interface SupplierPaymentFilter {
  supplierId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export async function listSupplierPayments(tx: Tx, ctx: OperationContext, page: PageRequest, filter: SupplierPaymentFilter = {}): Promise<Page<SupplierPayment>> {
  let query = tx.selectFrom('supplier_payments').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.supplierId !== undefined) query = query.where('supplier_id', '=', filter.supplierId);
  if (filter.from !== undefined) query = query.where('payment_date', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('payment_date', '<=', filter.to);
  if (page.after) query = query.where('supplier_payment_id', '>', page.after);
  const rows = await query.orderBy('supplier_payment_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toPayment), page, (payment) => payment.supplierPaymentId);
}

function toPayment(row: Selectable<SupplierPayments>): SupplierPayment {
  return {
    supplierPaymentId: row.supplier_payment_id,
    paymentNumber: row.payment_number,
    supplierId: row.supplier_id,
    paymentDate: row.payment_date,
    currency: row.currency,
    amountMinor: minorFromDb(row.amount_minor),
    reference: row.reference,
    journalEntryId: row.journal_entry_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field.replace(/^\//, '')} ${message}`, [{ field, message }]);
}
