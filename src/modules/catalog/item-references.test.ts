import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { systemContext, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { createCustomer, type Customer } from '../partners/index.ts';
import { createItem, createItemReference, resolveItemOrThrow, setItemActive, unitFactorOrThrow, type Item } from './index.ts';

const testDb = useTestDatabase();
let app: FastifyInstance;
let tenant: TestTenant;
let item: Item;
let customer: Customer;

function inTenant<T>(fn: (tx: Tx, ctx: OperationContext) => Promise<T>, tenantId = tenant.tenantId): Promise<T> {
  return testDb().db.withTenant({ tenantId }, (tx) => fn(tx, systemContext(tenantId, 'test')));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'no error';
}

beforeAll(async () => {
  app = await buildApp({ db: testDb().db });
  tenant = await createTestTenant(testDb().db);
  item = await inTenant((tx, ctx) =>
    createItem(tx, ctx, { sku: 'TWL-100', description: 'Hand towels', gtin: '036000291452', stockingUnit: 'EA', units: [{ unit: 'CA', factor: '12' }] }),
  );
  customer = await inTenant((tx, ctx) => createCustomer(tx, ctx, { code: 'ACME', name: 'Acme' }));
});
afterAll(async () => {
  await app?.close();
});

describe('resolveItemOrThrow', () => {
  it.each([
    ['by item id', () => ({ itemId: item.itemId })],
    ['by SKU', () => ({ sku: 'TWL-100' })],
    ['by GTIN as stored (UPC-A)', () => ({ gtin: '036000291452' })],
    ['by the same GTIN written as GTIN-14', () => ({ gtin: '00036000291452' })],
    ['by SKU with the customer passed along', () => ({ sku: 'TWL-100', customerId: customer.customerId })],
  ])('finds the item %s', async (_name, ref) => {
    const found = await inTenant((tx, ctx) => resolveItemOrThrow(tx, ctx, ref()));
    expect(found.itemId).toBe(item.itemId);
    expect(found.units).toEqual([
      { unit: 'EA', factor: '1' },
      { unit: 'CA', factor: '12' },
    ]);
  });

  it("finds the item by the customer's part number, and only for that customer", async () => {
    await inTenant((tx, ctx) => createItemReference(tx, ctx, customer.customerId, { customerPartNumber: 'ACME/77-1', sku: 'TWL-100', unit: 'CA' }));
    const found = await inTenant((tx, ctx) => resolveItemOrThrow(tx, ctx, { customerId: customer.customerId, customerPartNumber: 'ACME/77-1' }));
    expect(found.itemId).toBe(item.itemId);
    const otherCustomer = await inTenant((tx, ctx) => createCustomer(tx, ctx, { code: 'OTHER', name: 'Other' }));
    expect(await codeOf(inTenant((tx, ctx) => resolveItemOrThrow(tx, ctx, { customerId: otherCustomer.customerId, customerPartNumber: 'ACME/77-1' })))).toBe(
      'ITEM_NOT_FOUND',
    );
  });

  it.each([
    ['an unknown SKU', { sku: 'NOPE' }, 'ITEM_NOT_FOUND'],
    ['an unknown GTIN', { gtin: '4006381333931' }, 'ITEM_NOT_FOUND'],
    ['a malformed GTIN', { gtin: '1234' }, 'ITEM_NOT_FOUND'],
    ['an unknown part number', { customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45', customerPartNumber: 'X' }, 'ITEM_NOT_FOUND'],
    ['no reference', {}, 'VALIDATION_FAILED'],
    ['two references', { sku: 'TWL-100', gtin: '036000291452' }, 'VALIDATION_FAILED'],
    ['a part number without its customer', { customerPartNumber: 'ACME/77-1' }, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_name, ref, code) => {
    expect(await codeOf(inTenant((tx, ctx) => resolveItemOrThrow(tx, ctx, ref)))).toBe(code);
  });

  it('refuses an inactive item with ITEM_INACTIVE, by every kind of reference', async () => {
    const retired = await inTenant((tx, ctx) => createItem(tx, ctx, { sku: 'OLD-1', description: 'Retired', gtin: '96385074', stockingUnit: 'EA' }));
    await inTenant((tx, ctx) => createItemReference(tx, ctx, customer.customerId, { customerPartNumber: 'OLD', itemId: retired.itemId }));
    await inTenant((tx, ctx) => setItemActive(tx, ctx, retired.itemId, false));
    for (const ref of [{ itemId: retired.itemId }, { sku: 'OLD-1' }, { gtin: '96385074' }, { customerId: customer.customerId, customerPartNumber: 'OLD' }]) {
      expect(await codeOf(inTenant((tx, ctx) => resolveItemOrThrow(tx, ctx, ref)))).toBe('ITEM_INACTIVE');
    }
  });

  it("does not see another tenant's item", async () => {
    const other = await createTestTenant(testDb().db);
    expect(await codeOf(inTenant((tx, ctx) => resolveItemOrThrow(tx, ctx, { itemId: item.itemId }), other.tenantId))).toBe('ITEM_NOT_FOUND');
    expect(await codeOf(inTenant((tx, ctx) => resolveItemOrThrow(tx, ctx, { sku: 'TWL-100' }), other.tenantId))).toBe('ITEM_NOT_FOUND');
  });
});

describe('unitFactorOrThrow', () => {
  it('gives the stocking units per unit: 1 for the stocking unit, 12 for the case', () => {
    expect(unitFactorOrThrow(item, 'EA')).toBe('1');
    expect(unitFactorOrThrow(item, 'CA')).toBe('12');
  });

  it('refuses a unit the item has no conversion for (UNIT_NOT_CONVERTIBLE, 422)', () => {
    let error: unknown;
    try {
      unitFactorOrThrow(item, 'PL');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNIT_NOT_CONVERTIBLE');
    expect((error as AppError).status).toBe(422);
  });
});

describe('customer item references over HTTP', () => {
  it('maps, lists and deletes a part number, each change audited', async () => {
    const url = `/v1/customers/${customer.customerId}/item-references`;
    const created = await app.inject({ method: 'POST', url, headers: bearer(tenant.adminKey), payload: { customerPartNumber: 'HT 100', itemId: item.itemId } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ customerId: customer.customerId, customerPartNumber: 'HT 100', itemId: item.itemId, sku: 'TWL-100', unit: null });
    const duplicate = await app.inject({ method: 'POST', url, headers: bearer(tenant.adminKey), payload: { customerPartNumber: 'HT 100', sku: 'TWL-100' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('ITEM_REFERENCE_TAKEN');
    const badUnit = await app.inject({ method: 'POST', url, headers: bearer(tenant.adminKey), payload: { customerPartNumber: 'HT 101', sku: 'TWL-100', unit: 'PL' } });
    expect(badUnit.statusCode).toBe(422);
    expect(badUnit.json().code).toBe('UNIT_NOT_CONVERTIBLE');

    const listed = await app.inject({ method: 'GET', url, headers: bearer(tenant.adminKey) });
    expect(listed.json().data.map((ref: { customerPartNumber: string }) => ref.customerPartNumber)).toContain('HT 100');
    expect(listed.json().data.map((ref: { customerPartNumber: string }) => ref.customerPartNumber)).not.toContain('HT 101');

    const deleted = await app.inject({ method: 'DELETE', url: `${url}/${encodeURIComponent('HT 100')}`, headers: bearer(tenant.adminKey) });
    expect(deleted.statusCode).toBe(200);
    const again = await app.inject({ method: 'DELETE', url: `${url}/${encodeURIComponent('HT 100')}`, headers: bearer(tenant.adminKey) });
    expect(again.json().code).toBe('ITEM_REFERENCE_NOT_FOUND');
    const audited = await testDb().admin.query(`select action from audit_log where entity_id = $1 order by audit_id`, [`${customer.customerId}/HT 100`]);
    expect(audited.rows.map((row) => row.action)).toEqual(['item_reference.create', 'item_reference.delete']);
  });

  it("answers 404 for another tenant's customer", async () => {
    const other = await createTestTenant(testDb().db);
    const url = `/v1/customers/${customer.customerId}/item-references`;
    const listed = await app.inject({ method: 'GET', url, headers: bearer(other.adminKey) });
    expect(listed.statusCode).toBe(404);
    expect(listed.json().code).toBe('CUSTOMER_NOT_FOUND');
    const created = await app.inject({ method: 'POST', url, headers: bearer(other.adminKey), payload: { customerPartNumber: 'X', sku: 'TWL-100' } });
    expect(created.statusCode).toBe(404);
  });
});
