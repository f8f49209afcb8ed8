import { sql, type Selectable } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { actorRef, today, type OperationContext } from '../../platform/context.ts';
import type { DB, Tx } from '../../platform/db/index.ts';
import { memoInTransaction } from '../../platform/db/transaction-memo.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { minorFromDb } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getTenantOrThrow } from '../access/index.ts';
import { postJournalEntry } from '../ledger/index.ts';
import { getCustomerOrThrow, isBusinessDate } from '../partners/index.ts';
import { applyCreditToDebits, type ApplicationTargetInput } from './cash-application.service.ts';

/**
 * Customer payments (DOMAIN.md, order to cash step 4). Recording a payment is one business
 * event, one transaction: the payment row; Dr cash / Cr accounts receivable for the whole
 * amount; a NEGATIVE open item of type 'payment' for the whole amount (the customer's money we
 * hold until it is applied); then the applications, which move that credit onto invoices.
 * Because the GL credit to AR and the negative open item are the same amount, Σ open items =
 * GL AR holds at commit whatever part of the payment is applied.
 */

export const PAYMENT_METHODS = ['check', 'ach', 'wire', 'card', 'cash', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface RecordPaymentInput {
  /** PAY- number taken before the transaction (block-allocated series). */
  paymentNumber: string;
  customerId: string;
  amountMinor: number;
  /** Business date; default today in the tenant's zone; never in the future. */
  paymentDate?: string | undefined;
  method: PaymentMethod;
  reference?: string | null | undefined;
  applications?: ApplicationTargetInput[] | undefined;
}

export interface PaymentApplication {
  applicationId: string;
  openItemId: string;
  documentType: string;
  documentNumber: string;
  amountMinor: number;
  appliedOn: string;
  createdAt: Date;
}

export interface Payment {
  paymentId: string;
  paymentNumber: string;
  customerId: string;
  paymentDate: string;
  currency: string;
  amountMinor: number;
  method: PaymentMethod;
  reference: string | null;
  /** The payment's own open item (negative while any of it is unapplied). */
  openItemId: string;
  appliedMinor: number;
  unappliedMinor: number;
  createdAt: Date;
}

export interface PaymentDetail extends Payment {
  applications: PaymentApplication[];
}

export async function recordPayment(tx: Tx, ctx: OperationContext, input: RecordPaymentInput): Promise<PaymentDetail> {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw invalid('amountMinor', 'is a positive integer of minor units');
  if (!PAYMENT_METHODS.includes(input.method)) throw invalid('method', `is one of ${PAYMENT_METHODS.join(', ')}`);
  const todayDate = today(ctx);
  const paymentDate = input.paymentDate ?? todayDate;
  if (!isBusinessDate(paymentDate)) throw invalid('paymentDate', 'is a date (YYYY-MM-DD)');
  if (paymentDate > todayDate) throw invalid('paymentDate', `is not after today (${todayDate})`);
  const reference = input.reference ?? null;
  if (reference !== null && (reference.length < 1 || reference.length > 100)) throw invalid('reference', 'is 1 to 100 characters');
  invariant(/^PAY-\d+$/.test(input.paymentNumber), 'payment numbers come from the payment series');

  const customer = await getCustomerOrThrow(tx, ctx, input.customerId);
  const functionalCurrency = await memoInTransaction(tx, 'tenant:currency', async () => (await getTenantOrThrow(tx, ctx.tenantId)).functionalCurrency);
  if (customer.currency !== functionalCurrency) {
    throw new AppError('CURRENCY_NOT_SUPPORTED', `the customer is billed in ${customer.currency}; only ${functionalCurrency} is supported`);
  }

  const paymentId = newId();
  const openItemId = newId();
  const createdAt = ctx.clock.now();
  await tx
    .insertInto('customer_payments')
    .values({
      tenant_id: ctx.tenantId,
      payment_id: paymentId,
      payment_number: input.paymentNumber,
      customer_id: customer.customerId,
      payment_date: paymentDate,
      currency: customer.currency,
      amount_minor: input.amountMinor,
      method: input.method,
      reference,
      created_by: actorRef(ctx.actor),
      created_at: createdAt,
    })
    .execute();
  await postJournalEntry(tx, ctx, {
    entryDate: paymentDate,
    sourceType: 'payment',
    sourceId: paymentId,
    sourceNumber: input.paymentNumber,
    description: `Payment ${input.paymentNumber} from ${customer.code}`,
    lines: [
      { account: 'cash', debitMinor: input.amountMinor },
      { account: 'accounts_receivable', creditMinor: input.amountMinor },
    ],
  });
  await tx
    .insertInto('receivable_open_items')
    .values({
      tenant_id: ctx.tenantId,
      open_item_id: openItemId,
      customer_id: customer.customerId,
      document_type: 'payment',
      document_number: input.paymentNumber,
      document_date: paymentDate,
      due_date: paymentDate,
      currency: customer.currency,
      amount_minor: -input.amountMinor,
      open_minor: -input.amountMinor,
      created_at: createdAt,
    })
    .execute();
  await audit(tx, ctx, {
    action: 'payment.create',
    entityType: 'payment',
    entityId: paymentId,
    before: null,
    after: { paymentNumber: input.paymentNumber, customerId: customer.customerId, paymentDate, amountMinor: input.amountMinor, method: input.method, reference },
  });
  await appendEvent(tx, ctx, {
    eventType: 'payment.received',
    aggregateType: 'payment',
    aggregateId: paymentId,
    payload: {
      paymentId,
      paymentNumber: input.paymentNumber,
      customerId: customer.customerId,
      paymentDate,
      currency: customer.currency,
      amountMinor: String(input.amountMinor),
      method: input.method,
      reference,
    },
  });
  if (input.applications && input.applications.length > 0) {
    await applyCreditToDebits(tx, ctx, {
      customerId: customer.customerId,
      sourceOpenItemId: openItemId,
      paymentId,
      targets: input.applications,
      appliedOn: paymentDate,
    });
  }
  return getPaymentOrThrow(tx, ctx, paymentId);
}

/** POST /v1/payments/:paymentId/applications: applies (part of) the payment's unapplied remainder. */
export async function applyPayment(tx: Tx, ctx: OperationContext, paymentId: string, targets: ApplicationTargetInput[]): Promise<PaymentDetail> {
  const payment = await getPaymentOrThrow(tx, ctx, paymentId);
  if (targets.length === 0) throw invalid('applications', 'names at least one open item');
  await applyCreditToDebits(tx, ctx, { customerId: payment.customerId, sourceOpenItemId: payment.openItemId, paymentId, targets });
  return getPaymentOrThrow(tx, ctx, paymentId);
}

export async function getPaymentOrThrow(tx: Tx, ctx: OperationContext, paymentId: string): Promise<PaymentDetail> {
  const row = await selectPayments(tx, ctx).where('p.payment_id', '=', paymentId).executeTakeFirst();
  if (!row) throw new AppError('PAYMENT_NOT_FOUND', `payment ${paymentId} does not exist`);
  const applications = await tx
    .selectFrom('payment_applications as a')
    .innerJoin('receivable_open_items as o', (join) => join.onRef('o.tenant_id', '=', 'a.tenant_id').onRef('o.open_item_id', '=', 'a.open_item_id'))
    .select(['a.application_id', 'a.open_item_id', 'o.document_type', 'o.document_number', 'a.amount_minor', 'a.applied_on', 'a.created_at'])
    .where('a.tenant_id', '=', ctx.tenantId)
    .where('a.payment_id', '=', paymentId)
    .orderBy('a.application_id')
    .execute();
  return {
    ...toPayment(row),
    applications: applications.map((a) => ({
      applicationId: a.application_id,
      openItemId: a.open_item_id,
      documentType: a.document_type,
      documentNumber: a.document_number,
      amountMinor: minorFromDb(a.amount_minor),
      appliedOn: a.applied_on,
      createdAt: a.created_at,
    })),
  };
}

export interface PaymentListFilter {
  customerId?: string | undefined;
  /** Payment dates from..to, inclusive. */
  from?: string | undefined;
  to?: string | undefined;
}

export async function listPayments(tx: Tx, ctx: OperationContext, page: PageRequest, filter: PaymentListFilter = {}): Promise<Page<Payment>> {
  let query = selectPayments(tx, ctx);
  if (filter.customerId !== undefined) query = query.where('p.customer_id', '=', filter.customerId);
  if (filter.from !== undefined) query = query.where('p.payment_date', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('p.payment_date', '<=', filter.to);
  if (page.after) query = query.where('p.payment_id', '>', page.after);
  const rows = await query.orderBy('p.payment_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toPayment), page, (payment) => payment.paymentId);
}

function selectPayments(tx: Tx, ctx: OperationContext) {
  return tx
    .selectFrom('customer_payments as p')
    .innerJoin('receivable_open_items as o', (join) =>
      join.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.document_number', '=', 'p.payment_number').on('o.document_type', '=', 'payment'),
    )
    .selectAll('p')
    .select(['o.open_item_id', sql<string>`o.open_minor`.as('open_minor')])
    .where('p.tenant_id', '=', ctx.tenantId);
}

function toPayment(row: Selectable<DB['customer_payments']> & { open_item_id: string; open_minor: string }): Payment {
  const amountMinor = minorFromDb(row.amount_minor);
  const unappliedMinor = -minorFromDb(row.open_minor);
  return {
    paymentId: row.payment_id,
    paymentNumber: row.payment_number,
    customerId: row.customer_id,
    paymentDate: row.payment_date,
    currency: row.currency,
    amountMinor,
    method: row.method as PaymentMethod,
    reference: row.reference,
    openItemId: row.open_item_id,
    appliedMinor: amountMinor - unappliedMinor,
    unappliedMinor,
    createdAt: row.created_at,
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}`, [{ field, message }]);
}
