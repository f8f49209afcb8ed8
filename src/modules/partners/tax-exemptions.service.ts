import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { TAX_EXEMPTIONS_PER_CUSTOMER_MAX } from '../../platform/limits.ts';
import { getCustomerOrThrow } from './customers.service.ts';
import { assertJurisdictionUsable } from './partners.queries.ts';
import { isBusinessDate } from './rules/business-dates.ts';

/**
 * Tax exemption certificates (resale, non-profit…): a certificate exempts the customer in
 * one jurisdiction, or in every jurisdiction when it names none, on the business dates
 * validFrom..validTo inclusive. Expired certificates stay on file: orders priced under
 * them name them.
 */

export interface TaxExemption {
  exemptionId: string;
  customerId: string;
  jurisdictionCode: string | null;
  certificateNumber: string;
  validFrom: string;
  validTo: string;
}

export interface CreateTaxExemptionInput {
  jurisdictionCode?: string | null;
  certificateNumber: string;
  validFrom: string;
  validTo: string;
}

export async function createTaxExemption(tx: Tx, ctx: OperationContext, customerId: string, input: CreateTaxExemptionInput): Promise<TaxExemption> {
  await getCustomerOrThrow(tx, ctx, customerId);
  for (const field of ['validFrom', 'validTo'] as const) {
    if (!isBusinessDate(input[field])) throw new AppError('VALIDATION_FAILED', `${field} is not a calendar date`, [{ field, message: 'is not a date (YYYY-MM-DD)' }]);
  }
  if (input.validTo < input.validFrom) {
    throw new AppError('VALIDATION_FAILED', 'validTo is before validFrom', [{ field: 'validTo', message: 'must not be before validFrom' }]);
  }
  const jurisdictionCode = input.jurisdictionCode ?? null;
  if (jurisdictionCode !== null) await assertJurisdictionUsable(tx, ctx, jurisdictionCode, 'jurisdictionCode');
  const count = await tx
    .selectFrom('customer_tax_exemptions')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  if (Number(count.count) >= TAX_EXEMPTIONS_PER_CUSTOMER_MAX) {
    throw new AppError('VALIDATION_FAILED', `a customer has at most ${TAX_EXEMPTIONS_PER_CUSTOMER_MAX} exemption certificates on file`);
  }
  const exemption: TaxExemption = {
    exemptionId: newId(),
    customerId,
    jurisdictionCode,
    certificateNumber: input.certificateNumber.trim(),
    validFrom: input.validFrom,
    validTo: input.validTo,
  };
  await tx
    .insertInto('customer_tax_exemptions')
    .values({
      tenant_id: ctx.tenantId,
      exemption_id: exemption.exemptionId,
      customer_id: customerId,
      jurisdiction_code: jurisdictionCode,
      certificate_number: exemption.certificateNumber,
      valid_from: exemption.validFrom,
      valid_to: exemption.validTo,
    })
    .execute();
  await audit(tx, ctx, { action: 'tax_exemption.create', entityType: 'tax_exemption', entityId: exemption.exemptionId, before: null, after: { ...exemption } });
  return exemption;
}

export async function listTaxExemptions(tx: Tx, ctx: OperationContext, customerId: string): Promise<TaxExemption[]> {
  await getCustomerOrThrow(tx, ctx, customerId);
  const rows = await tx
    .selectFrom('customer_tax_exemptions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('valid_from')
    .orderBy('exemption_id')
    .limit(TAX_EXEMPTIONS_PER_CUSTOMER_MAX)
    .execute();
  return rows.map((row) => ({
    exemptionId: row.exemption_id,
    customerId: row.customer_id,
    jurisdictionCode: row.jurisdiction_code,
    certificateNumber: row.certificate_number,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  }));
}

/**
 * The certificate that exempts the customer in `jurisdictionCode` on business date `date`,
 * or null. A certificate for that jurisdiction is preferred over an all-jurisdiction one
 * (it is the more specific document to name on the line); among equals the one valid the
 * longest, then the newest, so the choice is deterministic.
 */
export async function activeTaxExemption(
  tx: Tx,
  ctx: OperationContext,
  customerId: string,
  jurisdictionCode: string,
  date: string,
): Promise<{ certificateNumber: string } | null> {
  const row = await tx
    .selectFrom('customer_tax_exemptions')
    .select(['certificate_number', 'jurisdiction_code'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .where((eb) => eb.or([eb('jurisdiction_code', '=', jurisdictionCode), eb('jurisdiction_code', 'is', null)]))
    .where('valid_from', '<=', date)
    .where('valid_to', '>=', date)
    .orderBy((eb) => eb.parens(eb('jurisdiction_code', 'is', null)))
    .orderBy('valid_to', 'desc')
    .orderBy('exemption_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { certificateNumber: row.certificate_number } : null;
}
