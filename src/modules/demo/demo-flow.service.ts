import type { FastifyInstance } from 'fastify';
import { createApiKey, listTenants, revokeApiKey } from '../access/index.ts';
import { getPurchasingSettings } from '../purchasing/index.ts';
import { verifyBooks, type BooksVerification } from '../reporting/index.ts';
import { systemContext, type OperationContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { configuredKeyring } from '../../platform/crypto/index.ts';
import { Dec } from '../../platform/money.ts';
import { ALL_PERMISSIONS } from '../../platform/permissions.ts';
import { demoApi, type DemoApi } from './demo-api.client.ts';
import { entriesOf, fulfilOrders, type FulfilmentState } from './demo-fulfilment.service.ts';
import type { ApiBalance, ApiCustomer, ApiInvoice, ApiItem, ApiOrder, ApiPayment, ApiShipTo, ApiWarehouse, DemoRun, OrderTrail, StockArrival } from './demo-trail.types.ts';
import { generateDemoItems } from './demo-catalog.data.ts';
import { DEMO_TENANT } from './demo-partners.data.ts';
import { procureBackorders } from './demo-procurement.service.ts';
import { scarceItem, splitItem, stockedItem, totalAvailable, type StockView } from './rules/demo-scenarios.rules.ts';
import { centsString, seededRandom } from './rules/seeded-random.ts';
import { DEMO_SEED, seedDemo } from './seed-demo.service.ts';

/**
 * `qm demo`: a batch of orders through the whole flow on the demo tenant — capture, price,
 * credit (a hold and its release), allocation (two orders backordered on one item, a split
 * across two warehouses), procure to pay for the backorders (purchase orders with a second
 * approver above the threshold, `qm verify`, a receipt by scan that releases the backorders,
 * `qm verify` again, putaway by scan), a wave picked by scan (with a short pick), cartons with
 * SSCCs, ship confirmation (entered and computed freight), invoices, postings, a full and a
 * partial payment — then the `qm verify` identities.
 *
 * Why through the HTTP API (buildApp + app.inject) and not the module services: the issue
 * asks the demo to show the product as an integration sees it (DESIGN promise 4, API-first).
 * Every step is a real request with an API key made for the run: routes, validation,
 * permissions and idempotency keys included. Each request is its own transaction, as in
 * production; the books are checked at the end through the same function as `qm verify`.
 */

export interface DemoResult {
  run: DemoRun;
  books: BooksVerification;
}

/** Units each backorder scenario orders beyond what is available of its item (the first and the second order). */
const BACKORDER_QTY_FIRST = 4;
const BACKORDER_QTY_SECOND = 3;

/** How many times a stock arrival is repeated when older backorders (oldest first) took it. */
const ARRIVALS_PER_LINE_MAX = 5;

export async function runDemoFlow(db: Database, app: FastifyInstance, options: { log?: (message: string) => void } = {}): Promise<DemoResult> {
  const log = options.log ?? (() => undefined);
  let tenant = (await listTenants(db)).find((candidate) => candidate.name === DEMO_TENANT.name);
  let seeded = false;
  if (!tenant) {
    log(`seeding the demo tenant "${DEMO_TENANT.name}" first`);
    await seedDemo(db);
    seeded = true;
    tenant = (await listTenants(db)).find((candidate) => candidate.name === DEMO_TENANT.name)!;
  }
  const ctx = systemContext(tenant.tenantId, 'qm-demo', { timeZone: tenant.timeZone });
  const runId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const { apiKey, secret } = await db.withTenant(ctx, (tx) => createApiKey(tx, ctx, { name: `qm demo ${runId}`, permissions: [ALL_PERMISSIONS] }));
  try {
    // The second actor of the run: it may only read and approve purchase orders, so the
    // segregation of duties above the approval threshold is shown with two real credentials.
    const approver = await db.withTenant(ctx, (tx) => createApiKey(tx, ctx, { name: `qm demo ${runId} approver`, permissions: ['purchasing:read', 'purchasing:approve'] }));
    try {
      const { approvalThresholdMinor } = await db.withTenant(ctx, (tx) => getPurchasingSettings(tx, ctx));
      const purchasing: Purchasing = {
        approver: demoApi(app, approver.secret, `${runId}-approver`),
        approverKeyId: approver.apiKey.apiKeyId,
        approvalThresholdMinor,
        canSeal: keyringAvailable(),
        verify: () => db.withTenant(ctx, (tx) => verifyBooks(tx, ctx)),
      };
      const run = await runOrders(demoApi(app, secret, runId), `api_key:${apiKey.apiKeyId}`, tenant.name, seeded, purchasing, log);
      const books = await db.withTenant(ctx, (tx) => verifyBooks(tx, ctx));
      return { run, books };
    } finally {
      await revokeRunKey(db, ctx, approver.apiKey.apiKeyId);
    }
  } finally {
    // The keys were for this run only; revoked, they open nothing afterwards.
    await revokeRunKey(db, ctx, apiKey.apiKeyId);
  }
}

/** What the procurement step needs beyond the run's own key. */
interface Purchasing {
  approver: DemoApi;
  approverKeyId: string;
  approvalThresholdMinor: number;
  canSeal: boolean;
  verify: () => Promise<BooksVerification>;
}

/** Whether sealed fields can be written: `qm` commands load the master key lazily, and a DATABASE_URL server without QM_MASTER_KEY has none. */
function keyringAvailable(): boolean {
  try {
    configuredKeyring();
    return true;
  } catch {
    return false;
  }
}

async function revokeRunKey(db: Database, ctx: OperationContext, apiKeyId: string): Promise<void> {
  await db.withTenant(ctx, (tx) => revokeApiKey(tx, ctx, apiKeyId));
}

interface Customers {
  get(code: string): Promise<{ customer: ApiCustomer; shipToId: string }>;
}

async function runOrders(api: DemoApi, actor: string, tenantName: string, seeded: boolean, purchasing: Purchasing, log: (message: string) => void): Promise<DemoRun> {
  const warehouses = await api.list<ApiWarehouse>('/v1/warehouses');
  const items = await api.list<ApiItem>('/v1/items');
  const run: DemoRun = {
    tenantName,
    seeded,
    orders: [],
    waves: [],
    procurement: null,
    warehouses: new Map(warehouses.map((warehouse) => [warehouse.warehouseId, warehouse.code])),
    items: new Map(items.map((item) => [item.itemId, item])),
  };
  const warehouseId = (code: string) => warehouses.find((warehouse) => warehouse.code === code)!.warehouseId;
  const view: StockView = { items, warehouses, balances: await api.list<ApiBalance>('/v1/stock-balances') };
  const costs = new Map(generateDemoItems(seededRandom(DEMO_SEED)).map((item) => [item.sku, item.costCents]));
  const unitCostOf = (item: ApiItem) => centsString(costs.get(item.sku) ?? 100);
  const used = new Set<string>();
  const customers: Customers = {
    get: async (code) => {
      const customer = (await api.list<ApiCustomer>('/v1/customers', { search: code })).find((candidate) => candidate.code === code);
      if (!customer) throw new Error(`invariant failed: the demo tenant has no customer ${code}`);
      const shipTos = await api.list<ApiShipTo>(`/v1/customers/${customer.customerId}/ship-tos`);
      return { customer, shipToId: shipTos[0]!.shipToId };
    },
  };

  /** An item with stock to sell; when earlier runs sold it all, a stock adjustment replenishes first. */
  const stocked = async (warehouseCode: string, qty: number, accept: (item: ApiItem) => boolean = () => true): Promise<ApiItem> => {
    let item = stockedItem(view, warehouseCode, qty, used, accept);
    if (!item) {
      item = stockedItem(view, warehouseCode, 0, used, accept) ?? stockedItem(view, warehouseCode, 0, used)!;
      await api.post('/v1/stock-adjustments', { itemId: item.itemId, warehouseId: warehouseId(warehouseCode), qty: String(qty * 10), unitCost: unitCostOf(item), reason: 'qm demo: replenishment' }, { idempotent: true });
      log(`replenished ${qty * 10} × ${item.sku} in ${warehouseCode}`);
    }
    used.add(item.itemId);
    return item;
  };

  const trails = new Map<string, OrderTrail>();
  const place = async (scenario: string, customerCode: string, lines: Array<{ item: ApiItem; qty: string }>): Promise<OrderTrail> => {
    const { customer, shipToId } = await customers.get(customerCode);
    const draft = await api.post<ApiOrder>(
      '/v1/sales-orders',
      { customerId: customer.customerId, shipToId, customerPo: `DEMO-${scenario.split(' ')[0]!.toUpperCase()}`, lines: lines.map((line) => ({ sku: line.item.sku, qty: line.qty })) },
      { idempotent: true },
    );
    const atConfirm = await api.post<ApiOrder>(`/v1/sales-orders/${draft.orderId}/confirm`, {}, { idempotent: true });
    // The hold scenario's customer is held by design. Any other customer held here is held by
    // earlier demo runs (their unpaid invoices age past due after a month): the demo releases
    // it too, as a credit controller would, and the trail shows the hold and the release.
    const afterRelease =
      atConfirm.status === 'on_hold'
        ? await api.post<ApiOrder>(`/v1/sales-orders/${draft.orderId}/release-hold`, { note: 'qm demo: released by the credit controller' }, { idempotent: true })
        : null;
    const trail: OrderTrail = { scenario, customer: { code: customer.code, name: customer.name }, atConfirm, afterRelease, arrivals: [], allocated: afterRelease ?? atConfirm, picks: [], shipments: [], payments: [], final: afterRelease ?? atConfirm };
    trails.set(draft.orderId, trail);
    run.orders.push(trail);
    log(`${atConfirm.orderNumber} ${scenario}: ${atConfirm.status}`);
    return trail;
  };

  /** Stock arrives for a backordered line (POST /v1/stock-adjustments releases backorders, oldest order first). */
  const arrive = async (trail: OrderTrail, lineId: string, warehouseCode: string): Promise<void> => {
    const afterPicking = trail.picks.length > 0;
    for (let attempt = 0; attempt < ARRIVALS_PER_LINE_MAX; attempt++) {
      const order = await api.get<ApiOrder>(`/v1/sales-orders/${trail.atConfirm.orderId}`);
      const line = order.lines.find((candidate) => candidate.lineId === lineId)!;
      if (new Dec(line.qtyBackordered).lte(0)) return;
      const item = run.items.get(line.itemId)!;
      const result = await api.post<{ backordersReleased: Array<{ orderId: string; lineId: string; qty: string }> }>(
        '/v1/stock-adjustments',
        { itemId: item.itemId, warehouseId: warehouseId(warehouseCode), qty: line.qtyBackordered, unitCost: unitCostOf(item), reason: 'qm demo: supplier delivery' },
        { idempotent: true },
      );
      const released = result.backordersReleased.filter((row) => row.lineId === lineId).reduce((sum, row) => sum.plus(row.qty), new Dec(0));
      const arrival: StockArrival = { sku: item.sku, warehouseCode, qty: line.qtyBackordered, unitCost: unitCostOf(item), releasedQty: released.toString(), afterPicking };
      trail.arrivals.push(arrival);
    }
    throw new Error(`invariant failed: ${ARRIVALS_PER_LINE_MAX} stock arrivals did not release the backorder of ${trail.atConfirm.orderNumber}`);
  };

  // 1. A credit hold: Sooner Facility Management has an invoice past due beyond its (zero) tolerance.
  const hold = await place('credit hold released', 'C1005', [
    { item: await stocked('OKC', 10), qty: '4' },
    { item: await stocked('OKC', 10), qty: '6' },
  ]);
  if (hold.atConfirm.status !== 'on_hold' || !hold.afterRelease) throw new Error(`invariant failed: ${hold.atConfirm.orderNumber} was not held (${hold.atConfirm.status})`);

  // 2. Backorders: an item nobody can ship today (else the scarcest one, ordered beyond what is
  // available), ordered first by C1001 next to a contract-priced line, then by C1020: two
  // orders wait on one item, released oldest first by the purchase order's receipt below.
  const short = scarceItem(view, used);
  if (!short) throw new Error('invariant failed: no demo item can be backordered');
  used.add(short.itemId);
  const backorder = await place('backorder released', 'C1001', [
    { item: await stocked('DAL', 12, (item) => item.sku.startsWith('JAN-BW-')), qty: '12' },
    { item: short, qty: totalAvailable(view, short.itemId).plus(BACKORDER_QTY_FIRST).floor().toString() },
  ]);
  view.balances = await api.list<ApiBalance>('/v1/stock-balances');
  const secondInLine = await place('backorder, second in line', 'C1020', [{ item: short, qty: totalAvailable(view, short.itemId).plus(BACKORDER_QTY_SECOND).floor().toString() }]);
  for (const trail of [backorder, secondInLine]) {
    const line = (trail.afterRelease ?? trail.atConfirm).lines.find((candidate) => candidate.itemId === short.itemId);
    if (!line || new Dec(line.qtyBackordered).lte(0)) throw new Error(`invariant failed: ${trail.atConfirm.orderNumber} backordered nothing`);
  }

  // 3. A split: a line neither Dallas nor Houston can fill alone, for a customer that allows split warehouses.
  let split = splitItem(view, 'DAL', 'HOU', used);
  if (!split) {
    const item = await stocked('DAL', 1);
    await api.post('/v1/stock-adjustments', { itemId: item.itemId, warehouseId: warehouseId('HOU'), qty: '3', unitCost: unitCostOf(item), reason: 'qm demo: replenishment' }, { idempotent: true });
    view.balances = await api.list<ApiBalance>('/v1/stock-balances');
    split = splitItem(view, 'DAL', 'HOU', new Set([...used].filter((id) => id !== item.itemId)));
    if (!split) throw new Error('invariant failed: no item can be split across DAL and HOU');
  }
  used.add(split.item.itemId);
  const splitTrail = await place('split across warehouses', 'C1007', [{ item: split.item, qty: split.qty }]);

  // 4. A short pick: the associate finds half of the first task's quantity in the bin.
  const shortTrail = await place('short pick', 'C1013', [{ item: await stocked('DAL', 20, (item) => item.category === 'fasteners' || item.category === 'electrical'), qty: '8' }]);

  // 5–6. Plain orders that show pricing and tax: a hospital on its GPO list, an exempt school district.
  await place('healthcare pricing, ship complete', 'C1002', [
    { item: await stocked('DAL', 10, (item) => item.category === 'safety'), qty: '5' },
    { item: await stocked('DAL', 10, (item) => item.category === 'janitorial'), qty: '3' },
  ]);
  await place('tax exempt', 'C1004', [{ item: await stocked('DAL', 15, (item) => item.category === 'breakroom' || item.category === 'janitorial'), qty: '12' }]);

  // Procure to pay for what is backordered: POs, approval, verify, receipt by scan (releases the backorders), verify, putaway.
  log('purchase orders for the backorders');
  run.procurement = await procureBackorders({ api, ...purchasing, run, trails, warehouseId: warehouseId('DAL'), log });

  for (const [orderId, trail] of trails) trail.allocated = await api.get<ApiOrder>(`/v1/sales-orders/${orderId}`);

  const state: FulfilmentState = {
    api,
    actor,
    run,
    trails,
    shortPick: { orderId: shortTrail.atConfirm.orderId, lineId: shortTrail.atConfirm.lines[0]!.lineId, done: false },
    enteredFreight: { orderId: splitTrail.atConfirm.orderId, warehouseId: warehouseId('DAL'), freightMinor: 1850 },
    packable: new Map(),
  };
  log('waves, picking and shipping');
  await fulfilOrders(state, [...trails.keys()]);

  // The short pick's remainder was backordered (or re-tasked and already shipped): stock arrives, a second wave ships it.
  const again: string[] = [];
  for (const [orderId, trail] of trails) {
    const order = await api.get<ApiOrder>(`/v1/sales-orders/${orderId}`);
    for (const line of order.lines.filter((candidate) => new Dec(candidate.qtyBackordered).gt(0))) {
      await arrive(trail, line.lineId, trail.picks.find((pick) => pick.sku === run.items.get(line.itemId)?.sku)?.warehouseCode ?? 'DAL');
      again.push(orderId);
    }
  }
  if (again.length > 0) await fulfilOrders(state, [...new Set(again)]);

  log('payments');
  await pay(api, hold, 'full', 'ach');
  await pay(api, backorder, 'partial', 'check');
  await pay(api, splitTrail, 'full', 'wire');

  for (const [orderId, trail] of trails) trail.final = await api.get<ApiOrder>(`/v1/sales-orders/${orderId}`);
  return run;
}

/** A payment for the order's invoices: all of what is open, or half of it (a partial payment). */
async function pay(api: DemoApi, trail: OrderTrail, kind: 'full' | 'partial', method: string): Promise<void> {
  const invoices = await Promise.all(trail.shipments.map((shipment) => api.get<ApiInvoice>(`/v1/invoices/${shipment.invoice.invoiceId}`)));
  const applications = invoices.map((invoice) => ({ documentNumber: invoice.invoiceNumber, amountMinor: kind === 'full' ? invoice.openMinor : Math.floor(invoice.openMinor / 2) }));
  const amountMinor = applications.reduce((sum, application) => sum + application.amountMinor, 0);
  const payment = await api.post<ApiPayment>(
    '/v1/payments',
    { customerId: trail.atConfirm.customerId, amountMinor, method, reference: `${method.toUpperCase()}-${trail.atConfirm.orderNumber}`, applications },
    { idempotent: true },
  );
  const entries = await entriesOf(api, 'payment', payment.paymentId);
  const after = await Promise.all(invoices.map((invoice) => api.get<ApiInvoice>(`/v1/invoices/${invoice.invoiceId}`)));
  trail.payments.push({
    payment,
    kind,
    invoiceNumbers: invoices.map((invoice) => invoice.invoiceNumber),
    entry: entries[0] ?? null,
    openAfterMinor: after.reduce((sum, invoice) => sum + invoice.openMinor, 0),
  });
}
