import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { actorRef, today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, invariant, type ErrorCode } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PAYMENT_APPLICATIONS_MAX } from '../../platform/limits.ts';
import { minorFromDb } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getCustomerOrThrow } from '../partners/index.ts';

/**
 * Cash application: money moves from a CREDIT open item (an unapplied payment, a credit memo,
 * a negative opening balance) to DEBIT open items (invoices, positive opening balances). The
 * debit item's open amount falls toward 0 and the credit item's rises toward 0 by the same
 * amount, so Σ open items — and therefore the identity Σ open items = GL accounts receivable —
 * does not move: an application is AR against AR and posts nothing to the ledger.
 *
 * Concurrency: every open item an application touches is locked FOR NO KEY UPDATE in
 * open_item_id order, in one statement, before any amount is read; two payments applied to
 * the same invoice at once therefore run one after the other and the second sees what the
 * first left open (never an over-application). Target invoice headers are locked FOR SHARE
 * first (lock order: document headers before anything else), so a concurrent void either
 * finishes before we read its status or waits for us.
 */

export interface ApplicationTargetInput {
  /** Exactly one of openItemId and documentNumber. */
  openItemId?: string | undefined;
  /** An invoice or opening-balance document number, e.g. INV-000012. */
  documentNumber?: string | undefined;
  amountMinor: number;
}

export interface AppliedApplication {
  applicationId: string;
  sourceOpenItemId: string;
  openItemId: string;
  documentType: string;
  documentNumber: string;
  amountMinor: number;
  /** What the target still has open after this application. */
  openMinorAfter: number;
  appliedOn: string;
}

export interface ApplyCreditInput {
  customerId: string;
  sourceOpenItemId: string;
  /** Set when the source is a payment's open item (stored on each application row). */
  paymentId: string | null;
  targets: ApplicationTargetInput[];
  /** Business date of the application; default today in the tenant's zone. */
  appliedOn?: string;
}

interface LockedOpenItem {
  openItemId: string;
  customerId: string;
  documentType: string;
  documentNumber: string;
  amountMinor: number;
  openMinor: number;
}

const DEBIT_DOCUMENT_TYPES = ['invoice', 'opening_balance'] as const;

/**
 * Applies a credit item to debit items in the caller's transaction. Checks, in precedence order:
 * shape (VALIDATION_FAILED), existence (OPEN_ITEM_NOT_FOUND), ownership
 * (OPEN_ITEM_CUSTOMER_MISMATCH), roles (OPEN_ITEM_NOT_APPLICABLE), voided invoices
 * (INVOICE_VOIDED), then amounts (APPLICATION_EXCEEDS_OPEN per target,
 * APPLICATION_EXCEEDS_PAYMENT / APPLICATION_EXCEEDS_CREDIT for the total). Any error leaves
 * nothing written (the caller's transaction rolls back).
 */
export async function applyCreditToDebits(tx: Tx, ctx: OperationContext, input: ApplyCreditInput): Promise<AppliedApplication[]> {
  validateTargets(input.targets);
  const targetIds = await resolveTargetIds(tx, ctx, input.customerId, input.targets);
  if (new Set(targetIds).size !== targetIds.length) throw invalid('applications', 'name each open item once');
  if (targetIds.includes(input.sourceOpenItemId)) throw new AppError('OPEN_ITEM_NOT_APPLICABLE', 'an open item cannot be applied to itself');

  await lockVoidableInvoiceHeaders(tx, ctx, targetIds);
  const locked = await lockOpenItems(tx, ctx, [input.sourceOpenItemId, ...targetIds]);

  const source = locked.get(input.sourceOpenItemId);
  if (!source) throw new AppError('OPEN_ITEM_NOT_FOUND', `open item ${input.sourceOpenItemId} does not exist`);
  if (source.customerId !== input.customerId) throw new AppError('OPEN_ITEM_CUSTOMER_MISMATCH', `open item ${source.documentNumber} belongs to another customer`);
  if (source.amountMinor >= 0) throw new AppError('OPEN_ITEM_NOT_APPLICABLE', `${source.documentType} ${source.documentNumber} is not a credit and cannot be applied to other items`);

  const targets = targetIds.map((id, index) => {
    const item = locked.get(id);
    invariant(item, 'a resolved open item exists while it is locked');
    if (item.customerId !== input.customerId) {
      throw new AppError('OPEN_ITEM_CUSTOMER_MISMATCH', `${item.documentType} ${item.documentNumber} belongs to another customer`, [
        { field: `applications.${index}`, message: 'belongs to another customer' },
      ]);
    }
    if (item.amountMinor <= 0) {
      throw new AppError('OPEN_ITEM_NOT_APPLICABLE', `${item.documentType} ${item.documentNumber} is a credit; only invoices and opening balances take applications`, [
        { field: `applications.${index}`, message: 'is not a debit item' },
      ]);
    }
    return { item, amountMinor: input.targets[index]!.amountMinor, index };
  });

  const voided = await voidedInvoiceNumbers(tx, ctx, targets.filter((t) => t.item.documentType === 'invoice').map((t) => t.item.documentNumber));
  for (const target of targets) {
    if (voided.has(target.item.documentNumber) && target.item.documentType === 'invoice') {
      throw new AppError('INVOICE_VOIDED', `invoice ${target.item.documentNumber} is voided and takes no payment`, [
        { field: `applications.${target.index}`, message: 'the invoice is voided' },
      ]);
    }
  }
  for (const target of targets) {
    if (target.amountMinor > target.item.openMinor) {
      throw new AppError(
        'APPLICATION_EXCEEDS_OPEN',
        `${target.item.documentType} ${target.item.documentNumber} has ${target.item.openMinor} open; ${target.amountMinor} cannot be applied`,
        [{ field: `applications.${target.index}.amountMinor`, message: `is more than the ${target.item.openMinor} open` }],
      );
    }
  }
  const totalMinor = targets.reduce((sum, target) => sum + target.amountMinor, 0);
  const availableMinor = -source.openMinor;
  if (totalMinor > availableMinor) {
    const code: ErrorCode = source.documentType === 'payment' ? 'APPLICATION_EXCEEDS_PAYMENT' : 'APPLICATION_EXCEEDS_CREDIT';
    throw new AppError(code, `${source.documentType} ${source.documentNumber} has ${availableMinor} unapplied; ${totalMinor} cannot be applied`);
  }
  if (targets.length === 0) return [];

  const appliedOn = input.appliedOn ?? today(ctx);
  const createdAt = ctx.clock.now();
  const createdBy = actorRef(ctx.actor);
  const applied: AppliedApplication[] = [];
  for (const target of targets) {
    await tx
      .updateTable('receivable_open_items')
      .set({ open_minor: sql`open_minor - ${target.amountMinor}` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('open_item_id', '=', target.item.openItemId)
      .execute();
    applied.push({
      applicationId: newId(),
      sourceOpenItemId: source.openItemId,
      openItemId: target.item.openItemId,
      documentType: target.item.documentType,
      documentNumber: target.item.documentNumber,
      amountMinor: target.amountMinor,
      openMinorAfter: target.item.openMinor - target.amountMinor,
      appliedOn,
    });
  }
  await tx
    .updateTable('receivable_open_items')
    .set({ open_minor: sql`open_minor + ${totalMinor}` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('open_item_id', '=', source.openItemId)
    .execute();
  await tx
    .insertInto('payment_applications')
    .values(
      applied.map((application) => ({
        tenant_id: ctx.tenantId,
        application_id: application.applicationId,
        payment_id: input.paymentId,
        source_open_item_id: application.sourceOpenItemId,
        open_item_id: application.openItemId,
        amount_minor: application.amountMinor,
        applied_on: appliedOn,
        created_by: createdBy,
        created_at: createdAt,
      })),
    )
    .execute();

  const sourceOpenAfter = source.openMinor + totalMinor;
  await audit(tx, ctx, {
    action: 'receivable_open_item.apply',
    entityType: 'receivable_open_item',
    entityId: source.openItemId,
    before: { documentType: source.documentType, documentNumber: source.documentNumber, openMinor: source.openMinor },
    after: {
      documentType: source.documentType,
      documentNumber: source.documentNumber,
      openMinor: sourceOpenAfter,
      applications: applied.map((a) => ({ openItemId: a.openItemId, documentNumber: a.documentNumber, amountMinor: a.amountMinor, openMinorAfter: a.openMinorAfter })),
    },
  });
  await appendEvent(tx, ctx, {
    eventType: 'payment.applied',
    aggregateType: source.documentType === 'payment' ? 'payment' : 'receivable_open_item',
    aggregateId: input.paymentId ?? source.openItemId,
    payload: {
      customerId: input.customerId,
      paymentId: input.paymentId,
      sourceOpenItemId: source.openItemId,
      sourceDocumentType: source.documentType,
      sourceDocumentNumber: source.documentNumber,
      unappliedMinor: String(-sourceOpenAfter),
      applications: applied.map((a) => ({
        applicationId: a.applicationId,
        openItemId: a.openItemId,
        documentType: a.documentType,
        documentNumber: a.documentNumber,
        amountMinor: String(a.amountMinor),
        openMinorAfter: String(a.openMinorAfter),
      })),
      appliedOn,
    },
  });
  return applied;
}

/** POST /v1/customers/:customerId/applications: any credit item of the customer to its debit items. */
export async function applyCustomerCredit(
  tx: Tx,
  ctx: OperationContext,
  customerId: string,
  input: { sourceOpenItemId: string; targets: ApplicationTargetInput[] },
): Promise<{ sourceOpenItemId: string; unappliedMinor: number; applications: AppliedApplication[] }> {
  await getCustomerOrThrow(tx, ctx, customerId);
  if (input.targets.length === 0) throw invalid('targets', 'names at least one open item');
  // A payment's item is applied on behalf of the payment, so its applications keep the payment id.
  const payment = await tx
    .selectFrom('receivable_open_items as o')
    .innerJoin('customer_payments as p', (join) => join.onRef('p.tenant_id', '=', 'o.tenant_id').onRef('p.payment_number', '=', 'o.document_number'))
    .select('p.payment_id')
    .where('o.tenant_id', '=', ctx.tenantId)
    .where('o.open_item_id', '=', input.sourceOpenItemId)
    .where('o.document_type', '=', 'payment')
    .executeTakeFirst();
  const applications = await applyCreditToDebits(tx, ctx, {
    customerId,
    sourceOpenItemId: input.sourceOpenItemId,
    paymentId: payment?.payment_id ?? null,
    targets: input.targets,
  });
  const source = await tx
    .selectFrom('receivable_open_items')
    .select('open_minor')
    .where('tenant_id', '=', ctx.tenantId)
    .where('open_item_id', '=', input.sourceOpenItemId)
    .executeTakeFirstOrThrow();
  return { sourceOpenItemId: input.sourceOpenItemId, unappliedMinor: -minorFromDb(source.open_minor), applications };
}

function validateTargets(targets: ApplicationTargetInput[]): void {
  if (targets.length > PAYMENT_APPLICATIONS_MAX) throw invalid('applications', `at most ${PAYMENT_APPLICATIONS_MAX} open items at once`);
  targets.forEach((target, index) => {
    const field = `applications.${index}`;
    if ((target.openItemId === undefined) === (target.documentNumber === undefined)) throw invalid(field, 'names exactly one of openItemId and documentNumber');
    if (!Number.isSafeInteger(target.amountMinor) || target.amountMinor <= 0) throw invalid(`${field}.amountMinor`, 'is a positive integer of minor units');
  });
}

/**
 * Open item ids for the targets, in request order. A document number is looked up among debit
 * items of the whole tenant, preferring the customer's own, so that another customer's invoice
 * is reported as OPEN_ITEM_CUSTOMER_MISMATCH rather than "not found".
 */
async function resolveTargetIds(tx: Tx, ctx: OperationContext, customerId: string, targets: ApplicationTargetInput[]): Promise<string[]> {
  const ids = targets.flatMap((t) => (t.openItemId !== undefined ? [t.openItemId] : []));
  const numbers = targets.flatMap((t) => (t.documentNumber !== undefined ? [t.documentNumber] : []));
  const byId = new Set<string>();
  if (ids.length > 0) {
    if (ids.some((id) => !UUID_PATTERN.test(id))) throw invalid('applications', 'openItemId is a uuid');
    const rows = await tx.selectFrom('receivable_open_items').select('open_item_id').where('tenant_id', '=', ctx.tenantId).where('open_item_id', 'in', ids).execute();
    for (const row of rows) byId.add(row.open_item_id);
  }
  const byNumber = new Map<string, Array<{ id: string; customerId: string }>>();
  if (numbers.length > 0) {
    const rows = await tx
      .selectFrom('receivable_open_items')
      .select(['open_item_id', 'document_number', 'customer_id'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('document_number', 'in', numbers)
      .where('document_type', 'in', [...DEBIT_DOCUMENT_TYPES])
      .execute();
    for (const row of rows) {
      const list = byNumber.get(row.document_number) ?? [];
      list.push({ id: row.open_item_id, customerId: row.customer_id });
      byNumber.set(row.document_number, list);
    }
  }
  return targets.map((target, index) => {
    if (target.openItemId !== undefined) {
      if (!byId.has(target.openItemId)) {
        throw new AppError('OPEN_ITEM_NOT_FOUND', `open item ${target.openItemId} does not exist`, [{ field: `applications.${index}.openItemId`, message: 'does not exist' }]);
      }
      return target.openItemId;
    }
    const candidates = byNumber.get(target.documentNumber!) ?? [];
    const own = candidates.filter((c) => c.customerId === customerId);
    const chosen = own.length > 0 ? own : candidates;
    if (chosen.length === 0) {
      throw new AppError('OPEN_ITEM_NOT_FOUND', `no invoice or opening balance numbered ${target.documentNumber}`, [
        { field: `applications.${index}.documentNumber`, message: 'does not exist' },
      ]);
    }
    if (chosen.length > 1) throw invalid(`applications.${index}.documentNumber`, 'names more than one open item; use openItemId');
    return chosen[0]!.id;
  });
}

/**
 * FOR SHARE on the invoice headers behind the targets, in invoice_id order: a void (which
 * locks its invoice for update) either commits before we read the status or waits for us.
 */
async function lockVoidableInvoiceHeaders(tx: Tx, ctx: OperationContext, openItemIds: string[]): Promise<void> {
  if (openItemIds.length === 0) return;
  await sql`
    select i.invoice_id from invoices i
    where i.tenant_id = ${ctx.tenantId}
      and i.invoice_number in (
        select o.document_number from receivable_open_items o
        where o.tenant_id = ${ctx.tenantId} and o.document_type = 'invoice'
          and o.open_item_id in (${sql.join(openItemIds)}))
    order by i.invoice_id
    for share of i`.execute(tx);
}

/** One statement, rows locked in open_item_id order (the sort runs below the row locks). */
async function lockOpenItems(tx: Tx, ctx: OperationContext, openItemIds: string[]): Promise<Map<string, LockedOpenItem>> {
  if (!UUID_PATTERN.test(openItemIds[0]!)) throw invalid('sourceOpenItemId', 'is a uuid');
  const rows = await tx
    .selectFrom('receivable_open_items')
    .select(['open_item_id', 'customer_id', 'document_type', 'document_number', 'amount_minor', 'open_minor'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('open_item_id', 'in', openItemIds)
    .orderBy('open_item_id')
    .forNoKeyUpdate()
    .execute();
  return new Map(
    rows.map((row) => [
      row.open_item_id,
      {
        openItemId: row.open_item_id,
        customerId: row.customer_id,
        documentType: row.document_type,
        documentNumber: row.document_number,
        amountMinor: minorFromDb(row.amount_minor),
        openMinor: minorFromDb(row.open_minor),
      },
    ]),
  );
}

async function voidedInvoiceNumbers(tx: Tx, ctx: OperationContext, invoiceNumbers: string[]): Promise<Set<string>> {
  if (invoiceNumbers.length === 0) return new Set();
  const rows = await tx
    .selectFrom('invoices')
    .select('invoice_number')
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_number', 'in', invoiceNumbers)
    .where('status', '=', 'voided')
    .execute();
  return new Set(rows.map((row) => row.invoice_number));
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}`, [{ field, message }]);
}
