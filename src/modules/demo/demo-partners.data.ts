import type { FreightTerms, RemainderPolicy } from '../partners/index.ts';

/**
 * The demo distributor's places and people: warehouses, tax jurisdictions, suppliers and
 * twenty customers whose policies between them cover every credit, tax and allocation case
 * an order desk meets. Written by hand (not generated) so that each customer is a
 * recognisable case in the README: the one on hold, the tax-exempt school district, the one
 * that never takes partial shipments.
 */

export const DEMO_TENANT = { name: 'Demo Distributing', functionalCurrency: 'USD', timeZone: 'America/Chicago' } as const;

export interface DemoWarehouse {
  code: 'DAL' | 'HOU' | 'OKC';
  name: string;
  allocationPriority: number;
  aisles: string[];
}

export const DEMO_WAREHOUSES: DemoWarehouse[] = [
  { code: 'DAL', name: 'Dallas distribution center', allocationPriority: 10, aisles: ['A', 'B', 'C', 'D', 'E'] },
  { code: 'HOU', name: 'Houston branch', allocationPriority: 20, aisles: ['A', 'B', 'C', 'D'] },
  { code: 'OKC', name: 'Oklahoma City branch', allocationPriority: 30, aisles: ['A', 'B', 'C'] },
];
/** Bays per aisle and levels per bay of the storage racks: A-01-1 … */
export const DEMO_BAYS_PER_AISLE = 6;
export const DEMO_LEVELS_PER_BAY = 2;

export const DEMO_JURISDICTIONS = [
  // Texas taxes freight on a taxable sale; food for home consumption and medical supplies are exempt.
  { jurisdictionCode: 'TX-DALLAS', name: 'Dallas, Texas', freightTaxable: true, rates: [{ taxClass: 'standard', rate: '0.0825' }, { taxClass: 'food', rate: '0' }, { taxClass: 'medical', rate: '0' }] },
  { jurisdictionCode: 'TX-HOUSTON', name: 'Houston, Texas', freightTaxable: true, rates: [{ taxClass: 'standard', rate: '0.0825' }, { taxClass: 'food', rate: '0' }, { taxClass: 'medical', rate: '0' }] },
  { jurisdictionCode: 'TX-FORTWORTH', name: 'Fort Worth, Texas', freightTaxable: true, rates: [{ taxClass: 'standard', rate: '0.0825' }, { taxClass: 'food', rate: '0' }, { taxClass: 'medical', rate: '0' }] },
  // Oklahoma: freight separately stated is not taxed; groceries carry local tax only.
  { jurisdictionCode: 'OK-OKC', name: 'Oklahoma City, Oklahoma', freightTaxable: false, rates: [{ taxClass: 'standard', rate: '0.08625' }, { taxClass: 'food', rate: '0.04125' }, { taxClass: 'medical', rate: '0' }] },
] as const;

export const DEMO_SUPPLIERS = [
  { code: 'V-BRIGHTWAY', name: 'Brightway Sanitation Products', paymentTermsDays: 30 },
  { code: 'V-SHIPRITE', name: 'ShipRite Packaging Mills', paymentTermsDays: 45 },
  { code: 'V-GUARDLINE', name: 'GuardLine Safety Supply', paymentTermsDays: 30 },
  { code: 'V-BOLTWELL', name: 'Boltwell Fastener Corp.', paymentTermsDays: 60 },
  { code: 'V-VOLTEDGE', name: 'VoltEdge Electric Wholesale', paymentTermsDays: 30 },
  { code: 'V-RIDGE', name: 'Morning Ridge Foodservice', paymentTermsDays: 15 },
];

export const DEMO_PRICE_LISTS = [
  { code: 'BASE', name: 'Base list 2026', isBase: true },
  { code: 'HEALTHCARE', name: 'Healthcare GPO pricing', isBase: false },
  { code: 'SCHOOLS', name: 'Texas schools co-op pricing', isBase: false },
] as const;

interface DemoAddress {
  code: string;
  name: string;
  addressLine1: string;
  city: string;
  region: string;
  postalCode: string;
  jurisdictionCode: (typeof DEMO_JURISDICTIONS)[number]['jurisdictionCode'];
  defaultWarehouse?: DemoWarehouse['code'];
}

export interface DemoCustomer {
  code: string;
  name: string;
  /** Whole dollars. */
  creditLimitDollars: number;
  paymentTermsDays: number;
  pastDueToleranceDays: number;
  customerTier: 'A' | 'B' | 'C' | null;
  priceList: 'HEALTHCARE' | 'SCHOOLS' | null;
  defaultWarehouse: DemoWarehouse['code'];
  freightTerms: FreightTerms;
  allowPartialShipment: boolean;
  remainderPolicy: RemainderPolicy;
  allowSplitWarehouses: boolean;
  shipTos: DemoAddress[];
  /** Exemption certificate: valid for `validDays` from `startsDaysAgo` days before the seed day. */
  exemption?: { certificateNumber: string; jurisdictionCode: string | null; startsDaysAgo: number; validDays: number };
  /** Open invoices: issued `daysAgo` before the seed day, due after the customer's terms. */
  openInvoices?: Array<{ daysAgo: number; amountCents: number; paidCents?: number }>;
}

const dallas = (code: string, name: string, addressLine1: string, postalCode: string): DemoAddress => ({ code, name, addressLine1, city: 'Dallas', region: 'TX', postalCode, jurisdictionCode: 'TX-DALLAS' });
const houston = (code: string, name: string, addressLine1: string, postalCode: string): DemoAddress => ({ code, name, addressLine1, city: 'Houston', region: 'TX', postalCode, jurisdictionCode: 'TX-HOUSTON', defaultWarehouse: 'HOU' });
const fortWorth = (code: string, name: string, addressLine1: string, postalCode: string): DemoAddress => ({ code, name, addressLine1, city: 'Fort Worth', region: 'TX', postalCode, jurisdictionCode: 'TX-FORTWORTH' });
const okc = (code: string, name: string, addressLine1: string, postalCode: string): DemoAddress => ({ code, name, addressLine1, city: 'Oklahoma City', region: 'OK', postalCode, jurisdictionCode: 'OK-OKC', defaultWarehouse: 'OKC' });

const policy = {
  shipComplete: { allowPartialShipment: false, remainderPolicy: 'backorder', allowSplitWarehouses: false },
  partialBackorder: { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: false },
  partialCancel: { allowPartialShipment: true, remainderPolicy: 'cancel', allowSplitWarehouses: false },
  splitBackorder: { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: true },
} as const;

export const DEMO_CUSTOMERS: DemoCustomer[] = [
  {
    code: 'C1001', name: 'Lone Star Janitorial Services', creditLimitDollars: 50_000, paymentTermsDays: 30, pastDueToleranceDays: 10, customerTier: 'A', priceList: null,
    defaultWarehouse: 'DAL', freightTerms: 'prepaid_and_add', ...policy.splitBackorder,
    shipTos: [dallas('MAIN', 'Main yard', '2400 Commerce St', '75226'), fortWorth('FTW', 'Fort Worth crew base', '901 E Lancaster Ave', '76102'), houston('HOU', 'Houston crew base', '5200 Navigation Blvd', '77011')],
    openInvoices: [{ daysAgo: 12, amountCents: 842_055 }, { daysAgo: 25, amountCents: 311_820 }],
  },
  {
    code: 'C1002', name: 'Trinity Medical Center', creditLimitDollars: 120_000, paymentTermsDays: 45, pastDueToleranceDays: 15, customerTier: 'A', priceList: 'HEALTHCARE',
    defaultWarehouse: 'DAL', freightTerms: 'prepaid', ...policy.shipComplete,
    shipTos: [dallas('MAIN', 'Receiving dock 3', '8200 Walnut Hill Ln', '75231')],
    openInvoices: [{ daysAgo: 20, amountCents: 2_431_000 }, { daysAgo: 38, amountCents: 1_790_240 }],
  },
  {
    code: 'C1003', name: 'Gulf Coast Packaging Co.', creditLimitDollars: 75_000, paymentTermsDays: 30, pastDueToleranceDays: 5, customerTier: 'B', priceList: null,
    defaultWarehouse: 'HOU', freightTerms: 'collect', ...policy.partialBackorder,
    shipTos: [houston('MAIN', 'Plant 1', '12650 Almeda Rd', '77045'), houston('PLANT2', 'Plant 2', '8800 Clinton Dr', '77029')],
    openInvoices: [{ daysAgo: 5, amountCents: 1_250_000 }],
  },
  {
    code: 'C1004', name: 'Red River School District', creditLimitDollars: 60_000, paymentTermsDays: 45, pastDueToleranceDays: 30, customerTier: null, priceList: 'SCHOOLS',
    defaultWarehouse: 'DAL', freightTerms: 'prepaid', ...policy.partialBackorder,
    shipTos: [dallas('ADMIN', 'Central warehouse', '3700 Ross Ave', '75204'), fortWorth('NORTH', 'North campus', '4100 Golden Triangle Blvd', '76244')],
    // Public schools are exempt everywhere: one certificate for every jurisdiction.
    exemption: { certificateNumber: 'TX-01-339-EXEMPT', jurisdictionCode: null, startsDaysAgo: 200, validDays: 900 },
  },
  {
    code: 'C1005', name: 'Sooner Facility Management', creditLimitDollars: 30_000, paymentTermsDays: 30, pastDueToleranceDays: 0, customerTier: 'B', priceList: null,
    defaultWarehouse: 'OKC', freightTerms: 'prepaid_and_add', ...policy.partialCancel,
    shipTos: [okc('MAIN', 'Main office', '620 N Robinson Ave', '73102')],
    // Past due beyond its (zero) tolerance: its next order goes on credit hold.
    openInvoices: [{ daysAgo: 52, amountCents: 487_010 }, { daysAgo: 14, amountCents: 220_000 }],
  },
  {
    code: 'C1006', name: 'Bayou City Restaurants Group', creditLimitDollars: 25_000, paymentTermsDays: 15, pastDueToleranceDays: 7, customerTier: 'C', priceList: null,
    defaultWarehouse: 'HOU', freightTerms: 'prepaid_and_add', ...policy.partialBackorder,
    shipTos: [houston('MIDTOWN', 'Midtown kitchen', '3100 Main St', '77002'), houston('HEIGHTS', 'Heights kitchen', '520 W 19th St', '77008'), houston('GALLERIA', 'Galleria kitchen', '5085 Westheimer Rd', '77056')],
    openInvoices: [{ daysAgo: 9, amountCents: 394_075 }],
  },
  {
    code: 'C1007', name: 'Metroplex Office Parks LLC', creditLimitDollars: 40_000, paymentTermsDays: 30, pastDueToleranceDays: 10, customerTier: 'B', priceList: null,
    defaultWarehouse: 'DAL', freightTerms: 'prepaid', ...policy.splitBackorder,
    shipTos: [dallas('LBJ', 'LBJ Freeway tower', '12700 Park Central Dr', '75251'), fortWorth('FTW', 'Sundance tower', '500 Throckmorton St', '76102')],
  },
  {
    code: 'C1008', name: 'Permian Industrial Supply', creditLimitDollars: 15_000, paymentTermsDays: 30, pastDueToleranceDays: 5, customerTier: 'C', priceList: null,
    defaultWarehouse: 'DAL', freightTerms: 'collect', ...policy.shipComplete,
    shipTos: [fortWorth('MAIN', 'Yard', '3300 Northern Cross Blvd', '76137')],
    // Close to its limit: a larger order trips the credit check.
    openInvoices: [{ daysAgo: 18, amountCents: 960_000 }, { daysAgo: 27, amountCents: 475_000, paidCents: 75_000 }],
  },
  {
    code: 'C1009', name: 'Heartland Senior Living', creditLimitDollars: 35_000, paymentTermsDays: 30, pastDueToleranceDays: 10, customerTier: 'B', priceList: 'HEALTHCARE',
    defaultWarehouse: 'OKC', freightTerms: 'prepaid', ...policy.partialBackorder,
    shipTos: [okc('MAIN', 'Heartland Northwest', '9400 N May Ave', '73120'), dallas('DAL', 'Heartland Preston Hollow', '6300 Forest Ln', '75230')],
  },
  {
    code: 'C1010', name: 'Grace Community Church', creditLimitDollars: 5_000, paymentTermsDays: 30, pastDueToleranceDays: 15, customerTier: null, priceList: null,
    defaultWarehouse: 'DAL', freightTerms: 'prepaid_and_add', ...policy.partialCancel,
    shipTos: [dallas('MAIN', 'Church office', '1810 Ross Ave', '75201')],
    // An expired certificate: its lines are taxed again, and the quote shows no certificate.
    exemption: { certificateNumber: 'TX-NP-20231187', jurisdictionCode: 'TX-DALLAS', startsDaysAgo: 800, validDays: 730 },
  },
  {
    code: 'C1011', name: 'Houston Ship Channel Logistics', creditLimitDollars: 90_000, paymentTermsDays: 45, pastDueToleranceDays: 10, customerTier: 'A', priceList: null,
    defaultWarehouse: 'HOU', freightTerms: 'collect', ...policy.splitBackorder,
    shipTos: [houston('DOCK', 'Terminal dock 12', '111 East Loop N', '77029')],
    openInvoices: [{ daysAgo: 30, amountCents: 2_106_000 }, { daysAgo: 60, amountCents: 530_000 }],
  },
  {
    code: 'C1012', name: 'Prairie Wind Hotels', creditLimitDollars: 45_000, paymentTermsDays: 30, pastDueToleranceDays: 10, customerTier: 'B', priceList: null,
    defaultWarehouse: 'OKC', freightTerms: 'prepaid_and_add', ...policy.splitBackorder,
    shipTos: [okc('BRICK', 'Bricktown hotel', '2 S Mickey Mantle Dr', '73104'), dallas('DAL', 'Love Field hotel', '3300 W Mockingbird Ln', '75235')],
  },
  {
    code: 'C1013', name: 'Cross Timbers Hardware', creditLimitDollars: 20_000, paymentTermsDays: 30, pastDueToleranceDays: 5, customerTier: 'C', priceList: null,
    defaultWarehouse: 'DAL', freightTerms: 'prepaid_and_add', ...policy.partialBackorder,
    shipTos: [fortWorth('MAIN', 'Store 1', '2800 W 7th St', '76107')],
  },
  {
    code: 'C1014', name: 'Magnolia Property Services', creditLimitDollars: 18_000, paymentTermsDays: 30, pastDueToleranceDays: 0, customerTier: 'C', priceList: null,
    defaultWarehouse: 'HOU', freightTerms: 'prepaid', ...policy.shipComplete,
    shipTos: [houston('MAIN', 'Office', '2600 S Shepherd Dr', '77098')],
  },
  {
    code: 'C1015', name: 'North Texas Food Bank Partners', creditLimitDollars: 10_000, paymentTermsDays: 30, pastDueToleranceDays: 30, customerTier: null, priceList: null,
    defaultWarehouse: 'DAL', freightTerms: 'prepaid', ...policy.partialCancel,
    shipTos: [dallas('MAIN', 'Distribution hall', '3677 Mapleshade Ln', '75075')],
  },
  {
    code: 'C1016', name: 'Red Dirt Manufacturing', creditLimitDollars: 55_000, paymentTermsDays: 60, pastDueToleranceDays: 15, customerTier: 'B', priceList: null,
    defaultWarehouse: 'OKC', freightTerms: 'collect', ...policy.partialBackorder,
    shipTos: [okc('PLANT', 'Plant', '4200 SW 29th St', '73119')],
    openInvoices: [{ daysAgo: 40, amountCents: 1_488_030 }],
  },
  {
    code: 'C1017', name: 'Alamo Event Rentals', creditLimitDollars: 12_000, paymentTermsDays: 15, pastDueToleranceDays: 5, customerTier: 'C', priceList: null,
    defaultWarehouse: 'HOU', freightTerms: 'prepaid_and_add', ...policy.partialCancel,
    shipTos: [houston('MAIN', 'Warehouse', '7400 Harwin Dr', '77036')],
    openInvoices: [{ daysAgo: 33, amountCents: 197_500 }],
  },
  {
    code: 'C1018', name: 'Brazos Valley Clinics', creditLimitDollars: 28_000, paymentTermsDays: 30, pastDueToleranceDays: 10, customerTier: 'B', priceList: 'HEALTHCARE',
    defaultWarehouse: 'HOU', freightTerms: 'prepaid', ...policy.shipComplete,
    shipTos: [houston('MAIN', 'Clinic supply room', '6565 Fannin St', '77030')],
  },
  {
    code: 'C1019', name: 'Oak Cliff Charter Academy', creditLimitDollars: 8_000, paymentTermsDays: 30, pastDueToleranceDays: 30, customerTier: null, priceList: 'SCHOOLS',
    defaultWarehouse: 'DAL', freightTerms: 'prepaid', ...policy.partialBackorder,
    shipTos: [dallas('MAIN', 'Front office', '1120 W Jefferson Blvd', '75208')],
  },
  {
    code: 'C1020', name: 'Frontier Data Centers', creditLimitDollars: 150_000, paymentTermsDays: 30, pastDueToleranceDays: 10, customerTier: 'A', priceList: null,
    defaultWarehouse: 'DAL', freightTerms: 'prepaid', ...policy.splitBackorder,
    shipTos: [dallas('DFW1', 'DFW1 campus', '2323 Bryan St', '75201'), okc('OKC1', 'OKC1 campus', '7000 S Council Rd', '73169')],
    openInvoices: [{ daysAgo: 8, amountCents: 3_145_000 }],
  },
];

/** Matrix discounts off the base price, by brand × customer tier (percent). */
export const DEMO_MATRIX_DISCOUNTS: Array<{ brand: string; tier: 'A' | 'B' | 'C'; percent: string }> = [
  { brand: 'Brightway', tier: 'A', percent: '12' },
  { brand: 'Brightway', tier: 'B', percent: '7' },
  { brand: 'CleanPro', tier: 'A', percent: '10' },
  { brand: 'GuardLine', tier: 'A', percent: '9' },
  { brand: 'GuardLine', tier: 'B', percent: '5' },
  { brand: 'ShipRite', tier: 'A', percent: '8' },
  { brand: 'ShipRite', tier: 'B', percent: '4' },
  { brand: 'Boltwell', tier: 'A', percent: '15' },
  { brand: 'Boltwell', tier: 'B', percent: '10' },
  { brand: 'Boltwell', tier: 'C', percent: '5' },
  { brand: 'VoltEdge', tier: 'A', percent: '6' },
];
