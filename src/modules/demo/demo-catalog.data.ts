import { gtinCheckDigit } from '../catalog/index.ts';
import type { SeededRandom } from './rules/seeded-random.ts';

/**
 * The demo distributor's catalog: product lines of a Texas/Oklahoma janitorial-and-packaging
 * distributor, expanded into items by variant and brand. Pure data and a pure generator; the
 * seed service writes the result through catalog's createItem.
 */

interface Brand {
  name: string;
  code: string;
  /** A (fictional) GS1 company prefix: 6 digits for GTIN-12 (UPC-A), 7 for GTIN-13. */
  gs1Prefix: string;
}

interface ProductLine {
  name: string;
  variants: string[];
  /** The attribute that the variant names (size, color, …). */
  variantAttribute: string;
  attributes?: Record<string, string>;
  brands: string[];
  /** Selling units beside the stocking unit EA, with EA per unit. */
  units: Array<[unit: string, factor: number]>;
  costCents: [min: number, max: number];
  weightGrams: [min: number, max: number];
  taxClass?: 'standard' | 'food' | 'medical';
}

interface Category {
  name: string;
  code: string;
  lines: ProductLine[];
}

export const DEMO_BRANDS: Brand[] = [
  { name: 'Brightway', code: 'BW', gs1Prefix: '081234' },
  { name: 'CleanPro', code: 'CP', gs1Prefix: '072468' },
  { name: 'ShipRite', code: 'SR', gs1Prefix: '063579' },
  { name: 'PackMaster', code: 'PM', gs1Prefix: '4006381' },
  { name: 'GuardLine', code: 'GL', gs1Prefix: '054321' },
  { name: 'SafeCore', code: 'SC', gs1Prefix: '5012345' },
  { name: 'Boltwell', code: 'BO', gs1Prefix: '045678' },
  { name: 'IronGrip', code: 'IG', gs1Prefix: '036912' },
  { name: 'VoltEdge', code: 'VE', gs1Prefix: '027384' },
  { name: 'Lumina', code: 'LU', gs1Prefix: '8712345' },
  { name: 'Morning Ridge', code: 'MR', gs1Prefix: '018765' },
  { name: 'Prairie Pantry', code: 'PP', gs1Prefix: '019876' },
  { name: 'ServeWell', code: 'SW', gs1Prefix: '067890' },
];

export const DEMO_CATEGORIES: Category[] = [
  {
    name: 'janitorial',
    code: 'JAN',
    lines: [
      { name: 'Trash can liner', variants: ['24x33 13 gal 0.6 mil', '33x39 33 gal 1.1 mil', '38x58 60 gal 1.5 mil', '40x46 45 gal 0.9 mil', '43x48 56 gal 1.3 mil', '24x24 10 gal 6 mic'], variantAttribute: 'size', attributes: { pack: 'box of 250' }, brands: ['Brightway', 'CleanPro'], units: [['CA', 4]], costCents: [1400, 4200], weightGrams: [3500, 11000] },
      { name: 'Paper towel', variants: ['hardwound 8in x 800ft white', 'hardwound 8in x 600ft natural', 'multifold 9.2x9.4 white', 'c-fold 10x13 white'], variantAttribute: 'style', brands: ['Brightway'], units: [['CA', 12]], costCents: [250, 600], weightGrams: [900, 1800] },
      { name: 'Toilet tissue', variants: ['2-ply 500 sheets', '1-ply 1000 sheets', 'jumbo roll 9in 2-ply'], variantAttribute: 'style', brands: ['Brightway'], units: [['CA', 96]], costCents: [45, 420], weightGrams: [120, 1100] },
      { name: 'All-purpose cleaner', variants: ['1 qt spray', '1 gal', '5 gal pail'], variantAttribute: 'size', brands: ['Brightway', 'CleanPro'], units: [['CA', 12]], costCents: [290, 5400], weightGrams: [1000, 20000] },
      { name: 'Glass cleaner', variants: ['19 oz aerosol', '1 qt spray', '1 gal'], variantAttribute: 'size', brands: ['CleanPro'], units: [['CA', 12]], costCents: [310, 1250], weightGrams: [600, 4100] },
      { name: 'Disinfectant', variants: ['lemon 1 gal', 'fresh 1 gal', 'neutral quat 1 gal', 'wipes 80 ct'], variantAttribute: 'style', brands: ['CleanPro'], units: [['CA', 4]], costCents: [650, 1900], weightGrams: [900, 4200] },
      { name: 'Mop head', variants: ['cotton 16 oz', 'cotton 24 oz', 'rayon 24 oz', 'microfiber wet 18in', 'microfiber dust 24in'], variantAttribute: 'style', brands: ['Brightway'], units: [['CA', 12]], costCents: [320, 990], weightGrams: [250, 700] },
      { name: 'Floor finish', variants: ['high-gloss 5 gal', 'low-maintenance 5 gal', 'stripper 5 gal'], variantAttribute: 'style', brands: ['CleanPro'], units: [], costCents: [5200, 9800], weightGrams: [19000, 21000] },
      { name: 'Hand soap', variants: ['foam 1000 ml', 'lotion 1000 ml', 'antibacterial foam 1200 ml', 'gel sanitizer 1000 ml'], variantAttribute: 'style', brands: ['Brightway'], units: [['CA', 6]], costCents: [700, 1600], weightGrams: [1050, 1300] },
      { name: 'Broom', variants: ['angle broom 12in', 'push broom 24in', 'push broom 36in', 'toilet bowl brush'], variantAttribute: 'style', brands: ['Brightway'], units: [['CA', 6]], costCents: [280, 2400], weightGrams: [200, 1800] },
    ],
  },
  {
    name: 'packaging',
    code: 'PKG',
    lines: [
      { name: 'Corrugated box 32 ECT', variants: ['6x6x6', '8x8x8', '10x8x6', '12x12x12', '14x10x8', '16x12x10', '18x18x18', '20x20x20', '24x18x12'], variantAttribute: 'size', brands: ['ShipRite'], units: [['BN', 25]], costCents: [28, 240], weightGrams: [90, 900] },
      { name: 'Packing tape', variants: ['1.88in x 55yd clear', '1.88in x 110yd clear', '2.83in x 110yd clear', '1.88in x 55yd tan', '1.88in x 110yd tan'], variantAttribute: 'size', brands: ['ShipRite', 'PackMaster'], units: [['CA', 36]], costCents: [110, 390], weightGrams: [150, 420] },
      { name: 'Stretch film', variants: ['18in x 1500ft 80ga', '18in x 1500ft 60ga', '20in x 5000ft machine', '5in x 1000ft bundling'], variantAttribute: 'size', brands: ['PackMaster'], units: [['CA', 4]], costCents: [420, 6200], weightGrams: [700, 16000] },
      { name: 'Bubble wrap', variants: ['3/16in x 12in x 175ft', '1/2in x 24in x 250ft', '3/16in x 24in x 750ft'], variantAttribute: 'size', brands: ['PackMaster'], units: [], costCents: [1200, 4800], weightGrams: [1100, 5200] },
      { name: 'Poly mailer', variants: ['6x9', '10x13', '12x15.5', '14.5x19'], variantAttribute: 'size', attributes: { pack: 'pack of 100' }, brands: ['ShipRite'], units: [['CA', 10]], costCents: [650, 2400], weightGrams: [600, 2800] },
      { name: 'Void fill', variants: ['kraft roll 36in x 900ft', 'kraft roll 24in x 1200ft', 'packing peanuts 14 cu ft'], variantAttribute: 'style', brands: ['ShipRite'], units: [], costCents: [2400, 5600], weightGrams: [2200, 22000] },
      { name: 'Shipping label', variants: ['4x6 thermal roll 250', '2x1 thermal roll 1300', '4x6 fanfold 500', '8.5x11 laser 100 sheets'], variantAttribute: 'style', brands: ['PackMaster'], units: [['CA', 12]], costCents: [380, 1900], weightGrams: [300, 1500] },
      { name: 'Strapping', variants: ['poly 1/2in x 7200ft', 'poly 5/8in x 6000ft', 'steel seals 1/2in box 1000'], variantAttribute: 'size', brands: ['PackMaster'], units: [], costCents: [2600, 6400], weightGrams: [5000, 14000] },
    ],
  },
  {
    name: 'safety',
    code: 'SAF',
    lines: [
      { name: 'Nitrile exam gloves 4 mil', variants: ['S', 'M', 'L', 'XL'], variantAttribute: 'size', attributes: { material: 'nitrile', pack: 'box of 100' }, brands: ['GuardLine', 'SafeCore'], units: [['CA', 10]], costCents: [520, 880], weightGrams: [480, 620] },
      { name: 'Safety glasses', variants: ['clear', 'smoke', 'amber', 'clear anti-fog', 'indoor/outdoor mirror'], variantAttribute: 'lens', brands: ['GuardLine'], units: [['BX', 12]], costCents: [120, 480], weightGrams: [25, 45] },
      { name: 'Hi-vis vest class 2', variants: ['M', 'L', 'XL', '2XL', '3XL'], variantAttribute: 'size', attributes: { color: 'lime' }, brands: ['SafeCore'], units: [['CA', 50]], costCents: [290, 610], weightGrams: [120, 220] },
      { name: 'Hard hat type I', variants: ['white', 'yellow', 'orange', 'blue', 'red'], variantAttribute: 'color', brands: ['SafeCore'], units: [['CA', 12]], costCents: [640, 980], weightGrams: [380, 420] },
      { name: 'Ear plugs', variants: ['foam uncorded 200 pr', 'foam corded 100 pr', 'reusable corded 100 pr'], variantAttribute: 'style', brands: ['GuardLine'], units: [['CA', 10]], costCents: [1500, 3900], weightGrams: [300, 900] },
      { name: 'Respirator', variants: ['N95 box of 20', 'N95 valved box of 10', 'half-face M', 'half-face L'], variantAttribute: 'style', brands: ['GuardLine'], units: [['CA', 12]], costCents: [1250, 2900], weightGrams: [200, 450] },
      { name: 'First aid', variants: ['kit 25 person', 'kit 50 person', 'bandages 1x3 100 ct', 'eye wash 16 oz', 'burn gel 4 oz', 'gauze pads 4x4 25 ct'], variantAttribute: 'style', brands: ['SafeCore'], units: [['CA', 12]], costCents: [240, 5200], weightGrams: [80, 2400], taxClass: 'medical' },
      { name: 'Work gloves', variants: ['cut A2 M', 'cut A2 L', 'cut A2 XL', 'leather driver M', 'leather driver L', 'leather driver XL'], variantAttribute: 'style', brands: ['GuardLine'], units: [['PK', 12]], costCents: [310, 890], weightGrams: [90, 180] },
    ],
  },
  {
    name: 'fasteners',
    code: 'FAS',
    lines: [
      { name: 'Hex bolt grade 5 zinc', variants: ['1/4-20 x 1', '1/4-20 x 2', '5/16-18 x 1.5', '3/8-16 x 1', '3/8-16 x 2', '3/8-16 x 3', '1/2-13 x 2', '1/2-13 x 3'], variantAttribute: 'size', attributes: { material: 'steel', finish: 'zinc' }, brands: ['Boltwell', 'IronGrip'], units: [['BX', 50]], costCents: [6, 58], weightGrams: [9, 120] },
      { name: 'Hex nut grade 5 zinc', variants: ['1/4-20', '5/16-18', '3/8-16', '1/2-13'], variantAttribute: 'size', attributes: { material: 'steel', finish: 'zinc' }, brands: ['IronGrip'], units: [['BX', 100]], costCents: [2, 14], weightGrams: [3, 18] },
      { name: 'Flat washer SAE zinc', variants: ['1/4', '5/16', '3/8', '1/2'], variantAttribute: 'size', attributes: { material: 'steel', finish: 'zinc' }, brands: ['IronGrip'], units: [['BX', 100]], costCents: [1, 9], weightGrams: [2, 11] },
      { name: 'Lag screw zinc', variants: ['1/4 x 2', '1/4 x 3', '3/8 x 3', '3/8 x 4'], variantAttribute: 'size', attributes: { material: 'steel', finish: 'zinc' }, brands: ['Boltwell'], units: [['BX', 50]], costCents: [9, 42], weightGrams: [15, 70] },
      { name: 'Deck screw coated', variants: ['#8 x 1-5/8', '#8 x 2', '#9 x 2-1/2', '#10 x 3'], variantAttribute: 'size', attributes: { material: 'steel', finish: 'coated' }, brands: ['Boltwell'], units: [['BX', 100]], costCents: [3, 9], weightGrams: [3, 9] },
      { name: 'Machine screw stainless', variants: ['#6-32 x 1/2', '#8-32 x 3/4', '#10-24 x 1', '#10-32 x 1'], variantAttribute: 'size', attributes: { material: 'stainless' }, brands: ['IronGrip'], units: [['BX', 100]], costCents: [4, 16], weightGrams: [1, 5] },
      { name: 'Wedge anchor', variants: ['1/4 x 2-1/4', '3/8 x 3', '1/2 x 4-1/4'], variantAttribute: 'size', attributes: { material: 'steel', finish: 'zinc' }, brands: ['Boltwell'], units: [['BX', 50]], costCents: [18, 96], weightGrams: [12, 110] },
      { name: 'Sheet metal screw', variants: ['#8 x 1/2', '#10 x 3/4', '#12 x 1'], variantAttribute: 'size', attributes: { material: 'steel', finish: 'zinc' }, brands: ['IronGrip'], units: [['BX', 100]], costCents: [2, 7], weightGrams: [1, 4] },
    ],
  },
  {
    name: 'electrical',
    code: 'ELE',
    lines: [
      { name: 'LED A19 bulb', variants: ['60W eq 2700K', '60W eq 5000K', '100W eq 2700K', '100W eq 5000K'], variantAttribute: 'style', brands: ['Lumina'], units: [['CA', 24]], costCents: [110, 260], weightGrams: [50, 80] },
      { name: 'LED T8 tube', variants: ['4ft 18W 4000K', '4ft 18W 5000K', '2ft 9W 4000K'], variantAttribute: 'style', brands: ['Lumina'], units: [['CA', 25]], costCents: [290, 520], weightGrams: [150, 300] },
      { name: 'Extension cord', variants: ['16/3 25ft', '14/3 50ft', '12/3 50ft', '12/3 100ft'], variantAttribute: 'size', brands: ['VoltEdge'], units: [['CA', 6]], costCents: [950, 6200], weightGrams: [900, 5400] },
      { name: 'Cable tie', variants: ['4in natural', '8in natural', '8in black UV', '11in black UV', '14in black UV'], variantAttribute: 'size', attributes: { pack: 'bag of 100' }, brands: ['VoltEdge'], units: [['CA', 50]], costCents: [90, 640], weightGrams: [40, 420] },
      { name: 'Wire connector', variants: ['yellow', 'red', 'orange', 'blue'], variantAttribute: 'color', attributes: { pack: 'jar of 100' }, brands: ['VoltEdge'], units: [['CA', 12]], costCents: [490, 1150], weightGrams: [150, 300] },
      { name: 'Electrical tape 3/4in x 60ft', variants: ['black', 'red', 'white', 'green'], variantAttribute: 'color', brands: ['VoltEdge'], units: [['PK', 10]], costCents: [45, 110], weightGrams: [60, 70] },
      { name: 'Alkaline battery', variants: ['AA 24 pk', 'AAA 24 pk', 'C 12 pk', 'D 12 pk', '9V 12 pk'], variantAttribute: 'size', brands: ['Lumina'], units: [['CA', 6]], costCents: [780, 2300], weightGrams: [300, 1700] },
      { name: 'Power strip', variants: ['6 outlet 6ft', '6 outlet 15ft', '12 outlet rack mount'], variantAttribute: 'style', brands: ['VoltEdge'], units: [['CA', 10]], costCents: [620, 4100], weightGrams: [400, 1900] },
      { name: 'NM-B building wire', variants: ['14/2 250ft', '12/2 250ft', '10/2 100ft'], variantAttribute: 'size', brands: ['VoltEdge'], units: [], costCents: [7400, 16800], weightGrams: [7000, 12500] },
    ],
  },
  {
    name: 'breakroom',
    code: 'BRK',
    lines: [
      { name: 'Coffee', variants: ['medium roast 2.5 oz 42 ct', 'dark roast 12 oz ground', 'decaf 2.5 oz 42 ct', 'medium roast pods 96 ct', 'breakfast blend pods 96 ct'], variantAttribute: 'style', brands: ['Morning Ridge'], units: [['CA', 6]], costCents: [690, 4200], weightGrams: [350, 3000], taxClass: 'food' },
      { name: 'Sweeteners and creamer', variants: ['sugar packets 2000 ct', 'creamer cups 180 ct', 'powdered creamer 22 oz', 'sweetener pink 1000 ct', 'sweetener yellow 1000 ct'], variantAttribute: 'style', brands: ['Prairie Pantry'], units: [['CA', 6]], costCents: [540, 2100], weightGrams: [620, 5000], taxClass: 'food' },
      { name: 'Bottled water', variants: ['16.9 oz 24 pk', '8 oz 24 pk'], variantAttribute: 'size', brands: ['Prairie Pantry'], units: [['PL', 84]], costCents: [290, 420], weightGrams: [5200, 12800], taxClass: 'food' },
      { name: 'Snacks', variants: ['granola bar 48 ct', 'trail mix 1.5 oz 48 ct', 'pretzels 1 oz 60 ct'], variantAttribute: 'style', brands: ['Prairie Pantry'], units: [['CA', 4]], costCents: [1400, 2600], weightGrams: [1300, 2400], taxClass: 'food' },
      { name: 'Disposable cup', variants: ['hot cup 8 oz 1000', 'hot cup 12 oz 1000', 'cold cup 16 oz 1000', 'lid 8 oz 1000', 'lid 12-20 oz 1000'], variantAttribute: 'size', brands: ['ServeWell'], units: [], costCents: [2900, 7600], weightGrams: [4000, 9000] },
      { name: 'Tableware', variants: ['plate 9in 500', 'bowl 12 oz 1000', 'fork medium 1000', 'knife medium 1000', 'spoon medium 1000', 'napkin 1-ply 6000'], variantAttribute: 'style', brands: ['ServeWell'], units: [], costCents: [1900, 6400], weightGrams: [2500, 9500] },
      { name: 'Stir stick wood 7.5in', variants: ['box of 10000'], variantAttribute: 'pack', brands: ['ServeWell'], units: [], costCents: [1800, 2400], weightGrams: [3000, 3500] },
    ],
  },
];

export interface DemoItem {
  sku: string;
  description: string;
  gtin: string;
  brand: string;
  category: string;
  attributes: Record<string, string>;
  weightKg: string;
  taxClass: string;
  stockingUnit: 'EA';
  units: Array<{ unit: string; factor: string }>;
  /** What the distributor pays per EA, in cents: the opening stock's unit cost. */
  costCents: number;
  /** The base list price per EA, in cents (cost plus a 35–60 % margin on cost). */
  listCents: number;
}

/** A GTIN from a GS1 company prefix and an item reference: 12 digits (UPC-A) or 13 (EAN-13) with the check digit. */
export function demoGtin(gs1Prefix: string, itemReference: number): string {
  // A 6-digit prefix + 5-digit reference = 11 digits → GTIN-12; a 7-digit prefix → GTIN-13.
  const body = `${gs1Prefix}${String(itemReference).padStart(5, '0')}`;
  return `${body}${gtinCheckDigit(body)}`;
}

/** 1250 g → "1.250" (kg, three decimals), from integers. */
function kilograms(grams: number): string {
  return `${Math.floor(grams / 1000)}.${String(grams % 1000).padStart(3, '0')}`;
}

/** Every demo item, in a stable order; the same `random` seed gives the same catalog. */
export function generateDemoItems(random: SeededRandom): DemoItem[] {
  const brands = new Map(DEMO_BRANDS.map((brand) => [brand.name, brand]));
  const nextReference = new Map<string, number>();
  const items: DemoItem[] = [];
  for (const category of DEMO_CATEGORIES) {
    let sequence = 1000;
    for (const line of category.lines) {
      for (const brandName of line.brands) {
        const brand = brands.get(brandName);
        if (!brand) throw new Error(`invariant failed: unknown demo brand ${brandName}`);
        for (const variant of line.variants) {
          sequence += 1;
          const reference = (nextReference.get(brand.name) ?? 10000) + 1;
          nextReference.set(brand.name, reference);
          const costCents = random.int(line.costCents[0], line.costCents[1]);
          const marginPercent = random.int(35, 60);
          const grams = random.int(line.weightGrams[0], line.weightGrams[1]);
          items.push({
            sku: `${category.code}-${brand.code}-${sequence}`,
            description: `${brand.name} ${line.name}, ${variant}`,
            gtin: demoGtin(brand.gs1Prefix, reference),
            brand: brand.name,
            category: category.name,
            attributes: { ...line.attributes, [line.variantAttribute]: variant },
            weightKg: kilograms(grams),
            taxClass: line.taxClass ?? 'standard',
            stockingUnit: 'EA',
            units: line.units.map(([unit, factor]) => ({ unit, factor: String(factor) })),
            costCents,
            listCents: Math.max(costCents + 1, Math.round((costCents * (100 + marginPercent)) / 100)),
          });
        }
      }
    }
  }
  return items;
}
