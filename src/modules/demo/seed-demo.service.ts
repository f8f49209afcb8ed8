import { createApiKey, createTenant, listTenants } from '../access/index.ts';
import { updateShippingSettings } from '../shipping/index.ts';
import { createItem, createItemReference, setItemActive, type Item } from '../catalog/index.ts';
import { createBin, createWarehouse, postOpeningStock, type Bin, type Warehouse } from '../inventory/index.ts';
import {
  addDays,
  createCustomer,
  createReceivableOpenItem,
  createShipTo,
  createSupplier,
  createTaxExemption,
  createTaxJurisdiction,
  type Customer,
  type Supplier,
} from '../partners/index.ts';
import { createContractPrice, createMatrixDiscount, createPriceList, setPriceListEntry, type PriceList } from '../pricing/index.ts';
import { systemClock, systemContext, today, type Clock, type OperationContext } from '../../platform/context.ts';
import type { Database, Tx } from '../../platform/db/index.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { ALL_PERMISSIONS } from '../../platform/permissions.ts';
import { createSupplierItem } from '../purchasing/index.ts';
import { generateDemoItems, type DemoItem } from './demo-catalog.data.ts';
import {
  DEMO_BAYS_PER_AISLE,
  DEMO_CUSTOMERS,
  DEMO_JURISDICTIONS,
  DEMO_LEVELS_PER_BAY,
  DEMO_MATRIX_DISCOUNTS,
  DEMO_PRICE_LISTS,
  DEMO_SUPPLIERS,
  DEMO_TENANT,
  DEMO_WAREHOUSES,
} from './demo-partners.data.ts';
import { demoSupplierItemOf } from './demo-suppliers.data.ts';
import { centsString, seededRandom, type SeededRandom } from './rules/seeded-random.ts';

/**
 * `qm seed-demo`: the demo distributor "Demo Distributing" (USD, America/Chicago), written
 * through the modules' own services — so every row is validated, audited and announced in
 * the outbox exactly as if an operator had keyed it — in ONE transaction together with the
 * tenant and its admin key: a crash or a refusal half-way leaves no half-seeded tenant, and
 * a second run finds the tenant and refuses (DEMO_EXISTS) instead of duplicating anything.
 *
 * Deterministic: the catalog, prices, costs and stock come from a seeded generator, so the
 * demo is the same on every machine. Dates (invoices, contracts, certificates) are relative
 * to the seed day in the tenant's zone, so "past due" means past due whenever it is seeded.
 */

export const DEMO_SEED = 20_260_401;

export interface DemoSeedResult {
  tenantId: string;
  tenantName: string;
  /** The demo tenant's admin API key (every permission); shown once. */
  adminKey: string;
  counts: {
    items: number;
    warehouses: number;
    bins: number;
    customers: number;
    shipTos: number;
    suppliers: number;
    supplierItems: number;
    priceListEntries: number;
    contractPrices: number;
    matrixDiscounts: number;
    openItems: number;
    openingMovements: number;
  };
  /** A few names to try the API with (README "Demo data"). */
  examples: { sku: string; backorderedSku: string; customerCode: string };
}

/** DEMO_EXISTS when the demo tenant is already there (the seed never duplicates). */
export async function seedDemo(db: Database, options: { clock?: Clock } = {}): Promise<DemoSeedResult> {
  const clock = options.clock ?? systemClock;
  if ((await listTenants(db)).some((tenant) => tenant.name === DEMO_TENANT.name)) throw demoExists();
  try {
    const { tenant, result } = await createTenant(db, DEMO_TENANT, async (tx, created) => {
      const ctx = systemContext(created.tenantId, 'demo', { timeZone: created.timeZone, clock });
      const key = await createApiKey(tx, ctx, { name: 'demo admin', permissions: [ALL_PERMISSIONS] });
      const seeded = await seedDemoData(tx, ctx, seededRandom(DEMO_SEED));
      return { ...seeded, adminKey: key.secret };
    });
    return { tenantId: tenant.tenantId, tenantName: tenant.name, ...result };
  } catch (error) {
    // Two seeders at once: the loser's tenant insert meets the unique name.
    if (isAppError(error) && error.code === 'TENANT_NAME_TAKEN') throw demoExists();
    throw error;
  }
}

function demoExists(): AppError {
  return new AppError('DEMO_EXISTS', `the demo tenant "${DEMO_TENANT.name}" already exists; nothing was changed`);
}

async function seedDemoData(tx: Tx, ctx: OperationContext, random: SeededRandom): Promise<Omit<DemoSeedResult, 'tenantId' | 'tenantName' | 'adminKey'>> {
  const seedDay = today(ctx);
  // GS1's own example company prefix, so demo cartons get real-looking SSCC-18 labels; a freight
  // tariff of 7.50 + 0.45/kg for customers on prepaid_and_add terms.
  await updateShippingSettings(tx, ctx, { gs1CompanyPrefix: '0614141', freight: { baseMinor: 750, perKgMinor: 45 } });
  for (const jurisdiction of DEMO_JURISDICTIONS) {
    await createTaxJurisdiction(tx, ctx, { ...jurisdiction, rates: [...jurisdiction.rates] });
  }
  const { warehouses, storageBins, binCount } = await seedWarehouses(tx, ctx);
  const suppliers = new Map<string, Supplier>();
  for (const supplier of DEMO_SUPPLIERS) suppliers.set(supplier.code, await createSupplier(tx, ctx, supplier));

  const demoItems = generateDemoItems(random);
  const items: Item[] = [];
  for (const demoItem of demoItems) {
    const { costCents: _cost, listCents: _list, ...input } = demoItem;
    items.push(await createItem(tx, ctx, input));
  }
  const supplierItems = await seedSupplierItems(tx, ctx, suppliers, demoItems, items);

  const priceLists = new Map<string, PriceList>();
  for (const list of DEMO_PRICE_LISTS) priceLists.set(list.code, await createPriceList(tx, ctx, list));
  const priceListEntries = await seedPriceLists(tx, ctx, priceLists, demoItems, items);
  for (const discount of DEMO_MATRIX_DISCOUNTS) {
    await createMatrixDiscount(tx, ctx, { attribute: 'brand', attributeValue: discount.brand, customerTier: discount.tier, discountPercent: discount.percent });
  }

  const { customers, shipTos, openItems } = await seedCustomers(tx, ctx, seedDay, warehouses, priceLists);
  const contractPrices = await seedContracts(tx, ctx, seedDay, customers, demoItems, items);

  // The hospital orders by its own item numbers (EDI 850s carry them).
  const hospital = customers.get('C1002')!;
  for (const [index, item] of items.filter((candidate) => candidate.category === 'safety').slice(0, 6).entries()) {
    await createItemReference(tx, ctx, hospital.customerId, { customerPartNumber: `TMC-${String(40100 + index * 7)}`, itemId: item.itemId });
  }

  const stock = await seedOpeningStock(tx, ctx, random, demoItems, items, warehouses, storageBins);
  // Two discontinued items: deactivated, never deleted; their remaining stock stays visible.
  for (const item of items.slice(-2)) await setItemActive(tx, ctx, item.itemId, false);

  return {
    counts: {
      items: items.length,
      warehouses: warehouses.size,
      bins: binCount,
      customers: customers.size,
      shipTos,
      suppliers: DEMO_SUPPLIERS.length,
      supplierItems,
      priceListEntries,
      contractPrices,
      matrixDiscounts: DEMO_MATRIX_DISCOUNTS.length,
      openItems,
      openingMovements: stock.movements,
    },
    examples: { sku: items[0]!.sku, backorderedSku: stock.outOfStockSkus[0]!, customerCode: 'C1001' },
  };
}

/**
 * Per warehouse: a receiving dock, storage racks (aisle-bay-level) and a packing station.
 * Pick sequences walk the racks in a serpentine (up one aisle, down the next), so a pick
 * list sorted by sequence never doubles back.
 */
async function seedWarehouses(tx: Tx, ctx: OperationContext): Promise<{ warehouses: Map<string, Warehouse>; storageBins: Map<string, Bin[]>; binCount: number }> {
  const warehouses = new Map<string, Warehouse>();
  const storageBins = new Map<string, Bin[]>();
  let binCount = 0;
  for (const spec of DEMO_WAREHOUSES) {
    const warehouse = await createWarehouse(tx, ctx, { code: spec.code, name: spec.name, timeZone: 'America/Chicago', allocationPriority: spec.allocationPriority });
    warehouses.set(spec.code, warehouse);
    await createBin(tx, ctx, warehouse.warehouseId, { code: 'RCV-01', kind: 'receiving', pickSequence: 0 });
    const bins: Bin[] = [];
    for (const [aisleIndex, aisle] of spec.aisles.entries()) {
      for (let step = 0; step < DEMO_BAYS_PER_AISLE; step++) {
        const bay = aisleIndex % 2 === 0 ? step + 1 : DEMO_BAYS_PER_AISLE - step;
        for (let level = 1; level <= DEMO_LEVELS_PER_BAY; level++) {
          const pickSequence = (aisleIndex + 1) * 1000 + (step + 1) * 10 + level;
          bins.push(await createBin(tx, ctx, warehouse.warehouseId, { code: `${aisle}-${String(bay).padStart(2, '0')}-${level}`, kind: 'storage', pickSequence }));
        }
      }
    }
    await createBin(tx, ctx, warehouse.warehouseId, { code: 'PACK-01', kind: 'packing', pickSequence: 99_000 });
    storageBins.set(spec.code, bins);
    binCount += bins.length + 2;
  }
  return { warehouses, storageBins, binCount };
}

/**
 * Every item is bought from its brand's supplier (demo-suppliers.data.ts), so `qm demo` can
 * place a purchase order for whatever is backordered. Bank details are not seeded: sealing
 * needs the master key, and `qm seed-demo` must keep working on a DATABASE_URL server that
 * has none; `qm demo` enters them through the API when a key is configured.
 */
async function seedSupplierItems(tx: Tx, ctx: OperationContext, suppliers: Map<string, Supplier>, demoItems: DemoItem[], items: Item[]): Promise<number> {
  for (const [index, demoItem] of demoItems.entries()) {
    const { supplierCode, ...terms } = demoSupplierItemOf(demoItem);
    await createSupplierItem(tx, ctx, suppliers.get(supplierCode)!.supplierId, { itemId: items[index]!.itemId, ...terms });
  }
  return demoItems.length;
}

/** `cents × percent / 100`, rounded half up, in integers. */
function percentOf(cents: number, percent: number): number {
  return Math.floor((cents * percent + 50) / 100);
}

/**
 * The base list: every item per EA; quantity breaks on every third item (10+ at 97 %, 50+ at
 * 93 %); a case price 5 % under the unit price for items sold by the case or box. The
 * healthcare list prices janitorial and safety items 8 % under base, the schools list
 * janitorial and breakroom items 6 % under.
 */
async function seedPriceLists(tx: Tx, ctx: OperationContext, lists: Map<string, PriceList>, demoItems: DemoItem[], items: Item[]): Promise<number> {
  let entries = 0;
  const set = async (listCode: string, itemId: string, unit: string, minQty: string, cents: number) => {
    await setPriceListEntry(tx, ctx, { priceListId: lists.get(listCode)!.priceListId, itemId, unit, minQty }, { unitPrice: centsString(cents) });
    entries += 1;
  };
  for (const [index, demoItem] of demoItems.entries()) {
    const itemId = items[index]!.itemId;
    await set('BASE', itemId, 'EA', '0', demoItem.listCents);
    if (index % 3 === 0) {
      await set('BASE', itemId, 'EA', '10', percentOf(demoItem.listCents, 97));
      await set('BASE', itemId, 'EA', '50', percentOf(demoItem.listCents, 93));
    }
    for (const unit of demoItem.units) {
      await set('BASE', itemId, unit.unit, '0', percentOf(demoItem.listCents * Number(unit.factor), 95));
    }
    if ((demoItem.category === 'janitorial' || demoItem.category === 'safety') && index % 2 === 0) {
      await set('HEALTHCARE', itemId, 'EA', '0', percentOf(demoItem.listCents, 92));
    }
    if ((demoItem.category === 'janitorial' || demoItem.category === 'breakroom') && index % 3 === 1) {
      await set('SCHOOLS', itemId, 'EA', '0', percentOf(demoItem.listCents, 94));
    }
  }
  return entries;
}

async function seedCustomers(
  tx: Tx,
  ctx: OperationContext,
  seedDay: string,
  warehouses: Map<string, Warehouse>,
  priceLists: Map<string, PriceList>,
): Promise<{ customers: Map<string, Customer>; shipTos: number; openItems: number }> {
  const customers = new Map<string, Customer>();
  let shipTos = 0;
  let openItems = 0;
  for (const spec of DEMO_CUSTOMERS) {
    const customer = await createCustomer(tx, ctx, {
      code: spec.code,
      name: spec.name,
      creditLimitMinor: spec.creditLimitDollars * 100,
      paymentTermsDays: spec.paymentTermsDays,
      pastDueToleranceDays: spec.pastDueToleranceDays,
      customerTier: spec.customerTier,
      priceListId: spec.priceList ? priceLists.get(spec.priceList)!.priceListId : null,
      defaultWarehouseId: warehouses.get(spec.defaultWarehouse)!.warehouseId,
      freightTerms: spec.freightTerms,
      allowPartialShipment: spec.allowPartialShipment,
      remainderPolicy: spec.remainderPolicy,
      allowSplitWarehouses: spec.allowSplitWarehouses,
    });
    customers.set(spec.code, customer);
    for (const address of spec.shipTos) {
      const { defaultWarehouse, ...rest } = address;
      await createShipTo(tx, ctx, customer.customerId, {
        ...rest,
        country: 'US',
        defaultWarehouseId: defaultWarehouse ? warehouses.get(defaultWarehouse)!.warehouseId : null,
      });
      shipTos += 1;
    }
    if (spec.exemption) {
      const validFrom = addDays(seedDay, -spec.exemption.startsDaysAgo);
      await createTaxExemption(tx, ctx, customer.customerId, {
        certificateNumber: spec.exemption.certificateNumber,
        jurisdictionCode: spec.exemption.jurisdictionCode,
        validFrom,
        validTo: addDays(validFrom, spec.exemption.validDays),
      });
    }
    for (const [index, invoice] of (spec.openInvoices ?? []).entries()) {
      await createReceivableOpenItem(tx, ctx, {
        customerId: customer.customerId,
        documentType: 'opening_balance',
        documentNumber: `OB-${spec.code}-${index + 1}`,
        documentDate: addDays(seedDay, -invoice.daysAgo),
        amountMinor: invoice.amountCents,
        openMinor: invoice.amountCents - (invoice.paidCents ?? 0),
      });
      openItems += 1;
    }
  }
  return { customers, shipTos, openItems };
}

/** A few negotiated prices: running ones, one with a minimum quantity, one that expired last week. */
async function seedContracts(tx: Tx, ctx: OperationContext, seedDay: string, customers: Map<string, Customer>, demoItems: DemoItem[], items: Item[]): Promise<number> {
  /** The nth (1-based) item whose SKU starts with `prefix`. */
  const bySku = (prefix: string, nth: number) => {
    const indexes = demoItems.flatMap((item, index) => (item.sku.startsWith(prefix) ? [index] : []));
    const index = indexes[nth - 1];
    if (index === undefined) throw new Error(`invariant failed: no demo item ${nth} with prefix ${prefix}`);
    return { demo: demoItems[index]!, item: items[index]! };
  };
  const contracts = [
    { customer: 'C1001', pick: bySku('JAN-BW-', 1), percent: 85, minQty: '0', from: -60, to: 300, reference: 'LSJ-2026-01' },
    { customer: 'C1001', pick: bySku('JAN-BW-', 5), percent: 88, minQty: '0', from: -60, to: 300, reference: 'LSJ-2026-01' },
    { customer: 'C1011', pick: bySku('PKG-PM-', 1), percent: 86, minQty: '0', from: -30, to: 150, reference: 'HSC-Q2' },
    { customer: 'C1020', pick: bySku('ELE-VE-', 1), percent: 80, minQty: '100', from: -10, to: 355, reference: 'FDC-MSA-7' },
    { customer: 'C1003', pick: bySku('PKG-SR-', 2), percent: 82, minQty: '0', from: -120, to: -7, reference: 'GCP-2025-PROMO' },
  ];
  for (const contract of contracts) {
    await createContractPrice(tx, ctx, {
      customerId: customers.get(contract.customer)!.customerId,
      itemId: contract.pick.item.itemId,
      unit: 'EA',
      minQty: contract.minQty,
      unitPrice: centsString(percentOf(contract.pick.demo.listCents, contract.percent)),
      validFrom: addDays(seedDay, contract.from),
      validTo: addDays(seedDay, contract.to),
      contractReference: contract.reference,
    });
  }
  return contracts.length;
}

/**
 * Opening stock at cost in storage bins. Every 15th item is out of stock everywhere (orders
 * for it backorder); otherwise Dallas stocks almost everything and the branches a subset,
 * so allocation has to choose and sometimes split.
 */
async function seedOpeningStock(
  tx: Tx,
  ctx: OperationContext,
  random: SeededRandom,
  demoItems: DemoItem[],
  items: Item[],
  warehouses: Map<string, Warehouse>,
  storageBins: Map<string, Bin[]>,
): Promise<{ movements: number; outOfStockSkus: string[] }> {
  const stockedPercent: Record<string, number> = { DAL: 95, HOU: 75, OKC: 60 };
  let movements = 0;
  const outOfStockSkus: string[] = [];
  for (const [index, demoItem] of demoItems.entries()) {
    if (index % 15 === 7) {
      outOfStockSkus.push(demoItem.sku);
      continue;
    }
    for (const [code, warehouse] of warehouses) {
      if (!random.chance(stockedPercent[code]!)) continue;
      const bins = storageBins.get(code)!;
      // Cheap, fast movers are stocked deep; expensive ones shallow.
      const qty = demoItem.costCents < 100 ? random.int(500, 5000) : demoItem.costCents < 1500 ? random.int(24, 400) : random.int(3, 60);
      await postOpeningStock(tx, ctx, {
        itemId: items[index]!.itemId,
        warehouseId: warehouse.warehouseId,
        binId: bins[index % bins.length]!.binId,
        qty: String(qty),
        unitCost: centsString(demoItem.costCents),
      });
      movements += 1;
    }
  }
  return { movements, outOfStockSkus };
}
