import { DEMO_BRANDS, type DemoItem } from './demo-catalog.data.ts';
import { centsString } from './rules/seeded-random.ts';

/**
 * Who sells the demo distributor what: each brand is bought from one supplier, with the
 * supplier's own part numbers, the item's cost, the supplier's lead time, and the minimum
 * order quantity and pack size a purchasing manager orders in. Pure data and a pure
 * derivation; the seed writes it through purchasing's createSupplierItem, and `qm demo`
 * reads it back through GET /v1/suppliers/:id/items when it places purchase orders.
 */

export interface DemoSupplierTerms {
  /** Supplier code (DEMO_SUPPLIERS) → the brands it sells, its part-number prefix and lead time. */
  brands: string[];
  partPrefix: string;
  leadTimeDays: number;
}

export const DEMO_SUPPLIER_TERMS: Record<string, DemoSupplierTerms> = {
  'V-BRIGHTWAY': { brands: ['Brightway', 'CleanPro'], partPrefix: 'BSP', leadTimeDays: 5 },
  'V-SHIPRITE': { brands: ['ShipRite', 'PackMaster'], partPrefix: 'SRM', leadTimeDays: 10 },
  'V-GUARDLINE': { brands: ['GuardLine', 'SafeCore'], partPrefix: 'GLS', leadTimeDays: 7 },
  'V-BOLTWELL': { brands: ['Boltwell', 'IronGrip'], partPrefix: 'BFC', leadTimeDays: 14 },
  'V-VOLTEDGE': { brands: ['VoltEdge', 'Lumina'], partPrefix: 'VEW', leadTimeDays: 7 },
  'V-RIDGE': { brands: ['Morning Ridge', 'Prairie Pantry', 'ServeWell'], partPrefix: 'MRF', leadTimeDays: 3 },
};

/**
 * The supplier whose bank details `qm demo` enters (sealed with the tenant key, read back
 * masked; docs/purchasing.md): fictional, shaped like a US account and ABA routing number.
 */
export const DEMO_SUPPLIER_BANK = { supplierCode: 'V-BRIGHTWAY', accountHolder: 'Brightway Sanitation Products LLC', accountNumber: '000123456789', routing: '111000614' };

export interface DemoSupplierItem {
  supplierCode: string;
  supplierPartNumber: string;
  cost: string;
  leadTimeDays: number;
  minOrderQty: string;
  packSize: string;
}

/** Cheap items (under 5.00 each) are sold by suppliers in at least four packs. */
const CHEAP_ITEM_CENTS = 500;
const CHEAP_ITEM_PACKS_MIN = 4;

/**
 * The supplier item of a demo item: the brand's supplier; part number = prefix + brand code +
 * the item reference of its GTIN (unique per brand, and each brand has one supplier); pack
 * size = the item's largest selling unit (a case of 12 is bought as a case of 12), else 1.
 */
export function demoSupplierItemOf(item: DemoItem): DemoSupplierItem {
  const brandCode = DEMO_BRANDS.find((brand) => brand.name === item.brand)?.code;
  if (!brandCode) throw new Error(`invariant failed: unknown demo brand ${item.brand}`);
  const entry = Object.entries(DEMO_SUPPLIER_TERMS).find(([, terms]) => terms.brands.includes(item.brand));
  if (!entry) throw new Error(`invariant failed: no demo supplier sells ${item.brand}`);
  const [supplierCode, terms] = entry;
  const reference = item.gtin.slice(-6, -1);
  const packSize = item.units.reduce((largest, unit) => Math.max(largest, Number(unit.factor)), 1);
  const packs = item.costCents < CHEAP_ITEM_CENTS ? CHEAP_ITEM_PACKS_MIN : 1;
  return {
    supplierCode,
    supplierPartNumber: `${terms.partPrefix}-${brandCode}${reference}`,
    cost: centsString(item.costCents),
    leadTimeDays: terms.leadTimeDays,
    minOrderQty: String(packSize * packs),
    packSize: String(packSize),
  };
}
