import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { Dec, decimalString } from '../../platform/money.ts';
import { isUniqueViolation } from './partners.queries.ts';

/**
 * Tax jurisdictions and their rates per item tax class (DESIGN §2b: tax codes by
 * jurisdiction on the ship-to, a tax class on the item). A class with no rate in a
 * jurisdiction is not taxed there. Rates are decimal fractions (0.0725), never floats.
 */

export interface TaxRate {
  taxClass: string;
  rate: string;
}

export interface TaxJurisdiction {
  jurisdictionCode: string;
  name: string;
  freightTaxable: boolean;
  active: boolean;
  rates: TaxRate[];
}

export interface CreateTaxJurisdictionInput {
  jurisdictionCode: string;
  name: string;
  freightTaxable?: boolean;
  rates?: TaxRate[];
}

export async function createTaxJurisdiction(tx: Tx, ctx: OperationContext, input: CreateTaxJurisdictionInput): Promise<TaxJurisdiction> {
  const rates = (input.rates ?? []).map((rate, index) => ({ taxClass: rate.taxClass, rate: checkedRate(rate.rate, `rates.${index}.rate`) }));
  const classes = new Set(rates.map((rate) => rate.taxClass));
  if (classes.size !== rates.length) throw new AppError('VALIDATION_FAILED', 'a tax class is listed twice', [{ field: 'rates', message: 'tax classes must be unique' }]);
  try {
    await tx
      .insertInto('tax_jurisdictions')
      .values({ tenant_id: ctx.tenantId, jurisdiction_code: input.jurisdictionCode, name: input.name.trim(), freight_taxable: input.freightTaxable ?? false })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error, 'tax_jurisdictions_pkey')) throw new AppError('TAX_JURISDICTION_TAKEN', `tax jurisdiction ${input.jurisdictionCode} already exists`);
    throw error;
  }
  if (rates.length > 0) {
    await tx
      .insertInto('tax_rates')
      .values(rates.map((rate) => ({ tenant_id: ctx.tenantId, jurisdiction_code: input.jurisdictionCode, tax_class: rate.taxClass, rate: rate.rate })))
      .execute();
  }
  const jurisdiction = await getTaxJurisdictionOrThrow(tx, ctx, input.jurisdictionCode);
  await audit(tx, ctx, { action: 'tax_jurisdiction.create', entityType: 'tax_jurisdiction', entityId: jurisdiction.jurisdictionCode, before: null, after: auditView(jurisdiction) });
  return jurisdiction;
}

export async function getTaxJurisdictionOrThrow(tx: Tx, ctx: OperationContext, jurisdictionCode: string): Promise<TaxJurisdiction> {
  const row = await tx
    .selectFrom('tax_jurisdictions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('jurisdiction_code', '=', jurisdictionCode)
    .executeTakeFirst();
  if (!row) throw new AppError('TAX_JURISDICTION_NOT_FOUND', `no tax jurisdiction ${jurisdictionCode}`);
  return { ...toJurisdiction(row), rates: (await ratesOf(tx, ctx, [jurisdictionCode])).get(jurisdictionCode) ?? [] };
}

export async function listTaxJurisdictions(tx: Tx, ctx: OperationContext, page: PageRequest, filter: { active?: boolean } = {}): Promise<Page<TaxJurisdiction>> {
  let query = tx.selectFrom('tax_jurisdictions').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (page.after) query = query.where('jurisdiction_code', '>', page.after);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  const rows = await query.orderBy('jurisdiction_code').limit(page.limit + 1).execute();
  const rates = await ratesOf(tx, ctx, rows.map((row) => row.jurisdiction_code));
  return toPage(
    rows.map((row) => ({ ...toJurisdiction(row), rates: rates.get(row.jurisdiction_code) ?? [] })),
    page,
    (jurisdiction) => jurisdiction.jurisdictionCode,
  );
}

/** Sets (creates or changes) the rate of one tax class. Orders already priced keep the rate they stored. */
export async function setTaxRate(tx: Tx, ctx: OperationContext, jurisdictionCode: string, taxClass: string, rateText: string): Promise<TaxJurisdiction> {
  const rate = checkedRate(rateText, 'rate');
  const before = await lockJurisdiction(tx, ctx, jurisdictionCode);
  await tx
    .insertInto('tax_rates')
    .values({ tenant_id: ctx.tenantId, jurisdiction_code: jurisdictionCode, tax_class: taxClass, rate })
    .onConflict((oc) => oc.columns(['tenant_id', 'jurisdiction_code', 'tax_class']).doUpdateSet({ rate }))
    .execute();
  const after = await getTaxJurisdictionOrThrow(tx, ctx, jurisdictionCode);
  await audit(tx, ctx, { action: 'tax_jurisdiction.set_rate', entityType: 'tax_jurisdiction', entityId: jurisdictionCode, before: auditView(before), after: auditView(after) });
  return after;
}

export async function setTaxJurisdictionActive(tx: Tx, ctx: OperationContext, jurisdictionCode: string, active: boolean): Promise<TaxJurisdiction> {
  const before = await lockJurisdiction(tx, ctx, jurisdictionCode);
  if (before.active === active) return before;
  await tx
    .updateTable('tax_jurisdictions')
    .set({ active })
    .where('tenant_id', '=', ctx.tenantId)
    .where('jurisdiction_code', '=', jurisdictionCode)
    .execute();
  const after = await getTaxJurisdictionOrThrow(tx, ctx, jurisdictionCode);
  await audit(tx, ctx, {
    action: active ? 'tax_jurisdiction.reactivate' : 'tax_jurisdiction.deactivate',
    entityType: 'tax_jurisdiction',
    entityId: jurisdictionCode,
    before: auditView(before),
    after: auditView(after),
  });
  return after;
}

/** The rate of a tax class in a jurisdiction, or null when the class is not taxed there. */
export async function taxRateOrNull(tx: Tx, ctx: OperationContext, jurisdictionCode: string, taxClass: string): Promise<string | null> {
  const row = await tx
    .selectFrom('tax_rates')
    .select('rate')
    .where('tenant_id', '=', ctx.tenantId)
    .where('jurisdiction_code', '=', jurisdictionCode)
    .where('tax_class', '=', taxClass)
    .executeTakeFirst();
  return row ? decimalString(row.rate) : null;
}

async function lockJurisdiction(tx: Tx, ctx: OperationContext, jurisdictionCode: string): Promise<TaxJurisdiction> {
  const locked = await tx
    .selectFrom('tax_jurisdictions')
    .select('jurisdiction_code')
    .where('tenant_id', '=', ctx.tenantId)
    .where('jurisdiction_code', '=', jurisdictionCode)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!locked) throw new AppError('TAX_JURISDICTION_NOT_FOUND', `no tax jurisdiction ${jurisdictionCode}`);
  return getTaxJurisdictionOrThrow(tx, ctx, jurisdictionCode);
}

async function ratesOf(tx: Tx, ctx: OperationContext, codes: string[]): Promise<Map<string, TaxRate[]>> {
  const byCode = new Map<string, TaxRate[]>();
  if (codes.length === 0) return byCode;
  const rows = await tx
    .selectFrom('tax_rates')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('jurisdiction_code', 'in', codes)
    .orderBy('jurisdiction_code')
    .orderBy('tax_class')
    .execute();
  for (const row of rows) {
    const rates = byCode.get(row.jurisdiction_code) ?? [];
    rates.push({ taxClass: row.tax_class, rate: decimalString(row.rate) });
    byCode.set(row.jurisdiction_code, rates);
  }
  return byCode;
}

function checkedRate(text: string, field: string): string {
  // The pattern admits only 0 ≤ rate < 1 with at most 6 places (numeric(9, 6)).
  if (!/^0(\.\d{1,6})?$/.test(text)) {
    throw new AppError('VALIDATION_FAILED', `${field} is a fraction from 0 up to (not including) 1 with at most 6 places, e.g. "0.0725"`, [{ field, message: 'is not a valid rate' }]);
  }
  return decimalString(new Dec(text));
}

function toJurisdiction(row: { jurisdiction_code: string; name: string; freight_taxable: boolean; active: boolean }): Omit<TaxJurisdiction, 'rates'> {
  return { jurisdictionCode: row.jurisdiction_code, name: row.name, freightTaxable: row.freight_taxable, active: row.active };
}

/** Rates audited as a map (class → rate), so a changed rate shows as one field change. */
function auditView(jurisdiction: TaxJurisdiction): Record<string, unknown> {
  return { ...jurisdiction, rates: Object.fromEntries(jurisdiction.rates.map((rate) => [rate.taxClass, rate.rate])) };
}
