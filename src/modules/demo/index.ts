/** The demo distributor (`qm seed-demo`, and `qm serve` on an empty embedded database). */
export { seedDemo, DEMO_SEED } from './seed-demo.service.ts';
export type { DemoSeedResult } from './seed-demo.service.ts';
export { DEMO_TENANT, DEMO_CUSTOMERS, DEMO_WAREHOUSES } from './demo-partners.data.ts';
export { generateDemoItems, demoGtin } from './demo-catalog.data.ts';
export type { DemoItem } from './demo-catalog.data.ts';
export { seededRandom } from './rules/seeded-random.ts';
export { runDemoFlow } from './demo-flow.service.ts';
export type { DemoResult } from './demo-flow.service.ts';
export { formatDemoRun, formatMoney } from './demo-trail.printer.ts';
export { DemoApiError } from './demo-api.client.ts';
export type { DemoRun, OrderTrail, ProcurementTrail, SupplierInvoiceTrail } from './demo-trail.types.ts';
