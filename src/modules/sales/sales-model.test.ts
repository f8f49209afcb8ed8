import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestTenant } from '../../../test/support/tenants.ts';
import { buildApp } from '../../app.ts';
import { systemContext } from '../../platform/context.ts';
import { receiveStock, verifyInventory } from '../inventory/index.ts';
import { planAllocation, stockKey, type AllocationPolicy } from './rules/allocation.rules.ts';
import { planBackorderRelease } from './rules/backorder-release.rules.ts';
import { allocationStatus } from './rules/order-status.rules.ts';
import { lockBackorderedOrders, releaseBackorders } from './sales-allocation.service.ts';
import { addCustomer, addItem, addWarehouse, seedTaxAndPriceList } from './sales.fixtures.ts';

/**
 * Model-based test (issue #4): random sequences of adjust / receive / order / revise /
 * confirm / allocate / cancel run against the real system and against an in-memory
 * model; after every command they must agree on every order's status and line
 * quantities, every reservation and every balance, and the inventory identities must
 * hold (on-hand ≥ 0, reserved ≤ on-hand, reservations sum to reserved, balances =
 * Σ movements — inventory.verifyInventory). The model decides WHERE stock goes with
 * the pure allocation rules (table-tested on their own); what it checks independently
 * is that the services apply those decisions to the database exactly, under every
 * interleaving of commands, and keep the books straight.
 */

const testDb = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildApp({ db: testDb().db });
});
afterAll(async () => {
  await app?.close();
});

const ITEMS = 2;
const WAREHOUSES = 2;
const POLICIES: AllocationPolicy[] = [
  { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: true },
  { allowPartialShipment: false, remainderPolicy: 'backorder', allowSplitWarehouses: false },
  { allowPartialShipment: true, remainderPolicy: 'cancel', allowSplitWarehouses: true },
  { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: false },
];
const ORDERS_MAX = 12;

interface World {
  tenantId: string;
  key: string;
  items: string[];
  /** In allocation preference order (every customer's default is the first). */
  warehouses: string[];
  customers: Array<{ customerId: string; shipToId: string; policy: AllocationPolicy }>;
}

interface ModelLine {
  lineId: string;
  itemId: string;
  qty: number;
  allocated: Map<string, number>;
  backordered: number;
  cancelled: number;
}
interface ModelOrder {
  orderId: string;
  customer: number;
  status: string;
  revision: number;
  lines: ModelLine[];
}
interface Model {
  world: World;
  onHand: Map<string, number>;
  orders: ModelOrder[];
  stats: { attempted: number; succeeded: number };
}

const sumAllocated = (line: ModelLine) => [...line.allocated.values()].reduce((a, b) => a + b, 0);

function reservedAt(model: Model, key: string): number {
  let total = 0;
  for (const order of model.orders) for (const line of order.lines) for (const [warehouseId, qty] of line.allocated) if (stockKey(line.itemId, warehouseId) === key) total += qty;
  return total;
}

function available(model: Model): Map<string, string> {
  const map = new Map<string, string>();
  for (const itemId of model.world.items) {
    for (const warehouseId of model.world.warehouses) {
      const key = stockKey(itemId, warehouseId);
      map.set(key, String((model.onHand.get(key) ?? 0) - reservedAt(model, key)));
    }
  }
  return map;
}

function settle(order: ModelOrder): void {
  order.status = allocationStatus(
    order.lines.map((line) => ({ qtyBase: String(line.qty), qtyAllocated: String(sumAllocated(line)), qtyBackordered: String(line.backordered), qtyCancelled: String(line.cancelled), qtyShipped: '0' })),
  );
}

/** What allocateLockedOrder does: release the order's stock, re-plan its whole open quantity. */
function modelAllocate(model: Model, order: ModelOrder): void {
  for (const line of order.lines) line.allocated = new Map();
  const open = order.lines.filter((line) => line.qty - line.cancelled > 0);
  const plan = planAllocation({
    policy: model.world.customers[order.customer]!.policy,
    warehouseIds: model.world.warehouses,
    lines: open.map((line) => ({ lineId: line.lineId, itemId: line.itemId, qty: String(line.qty - line.cancelled) })),
    available: available(model),
  });
  for (const planned of plan.lines) {
    const line = order.lines.find((l) => l.lineId === planned.lineId)!;
    line.allocated = new Map(planned.reservations.map((r) => [r.warehouseId, Number(r.qty)]));
    line.backordered = Number(planned.backorderQty);
    line.cancelled += Number(planned.cancelQty);
  }
  settle(order);
}

/** What releaseBackorders does for one arriving item. */
function modelRelease(model: Model, itemId: string): void {
  const candidates = model.orders.filter(
    (order) => ['backordered', 'partially_allocated'].includes(order.status) && order.lines.some((line) => line.itemId === itemId && line.backordered > 0),
  );
  const plans = planBackorderRelease(
    candidates.map((order) => {
      const policy = model.world.customers[order.customer]!.policy;
      const held = order.lines.flatMap((line) => [...line.allocated.entries()].filter(([, qty]) => qty > 0).map(([warehouseId]) => warehouseId));
      return {
        orderId: order.orderId,
        orderDate: '2000-01-01',
        policy,
        warehouseIds: !policy.allowSplitWarehouses && held.length > 0 ? [held[0]!] : model.world.warehouses,
        lines: order.lines.filter((line) => line.backordered > 0).map((line) => ({ lineId: line.lineId, itemId: line.itemId, qty: String(line.backordered) })),
      };
    }),
    available(model),
  );
  for (const { orderId, plan } of plans) {
    const order = model.orders.find((o) => o.orderId === orderId)!;
    const released = plan.lines.filter((line) => line.reservations.length > 0);
    if (released.length === 0) continue;
    for (const planned of released) {
      const line = order.lines.find((l) => l.lineId === planned.lineId)!;
      for (const r of planned.reservations) line.allocated.set(r.warehouseId, (line.allocated.get(r.warehouseId) ?? 0) + Number(r.qty));
      line.backordered = Number(planned.backorderQty);
    }
    settle(order);
  }
}

async function request(world: World, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method, url, headers: { ...bearer(world.key), ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
}

async function assertAgrees(model: Model): Promise<void> {
  const { tenantId } = model.world;
  const admin = testDb().admin;
  for (const order of model.orders) {
    const { rows: [header] } = await admin.query('select status, revision from sales_orders where order_id = $1', [order.orderId]);
    expect(header, `order ${order.orderId}`).toMatchObject({ status: order.status, revision: order.revision });
    const { rows: lines } = await admin.query(
      'select line_id, qty_base::int as qty, qty_allocated::int as allocated, qty_backordered::int as backordered, qty_cancelled::int as cancelled from sales_order_lines where order_id = $1 order by line_number',
      [order.orderId],
    );
    expect(lines).toEqual(order.lines.map((line) => ({ line_id: line.lineId, qty: line.qty, allocated: sumAllocated(line), backordered: line.backordered, cancelled: line.cancelled })));
    const { rows: reservations } = await admin.query(
      `select line_id, warehouse_id, sum(qty)::int as qty from reservations where order_id = $1 and status = 'open' group by line_id, warehouse_id`,
      [order.orderId],
    );
    const actual = Object.fromEntries(reservations.map((r) => [`${r.line_id}/${r.warehouse_id}`, r.qty]));
    const expected = Object.fromEntries(order.lines.flatMap((line) => [...line.allocated].filter(([, qty]) => qty > 0).map(([warehouseId, qty]) => [`${line.lineId}/${warehouseId}`, qty])));
    expect(actual).toEqual(expected);
  }
  for (const itemId of model.world.items) {
    for (const warehouseId of model.world.warehouses) {
      const key = stockKey(itemId, warehouseId);
      const { rows } = await admin.query('select on_hand::int as on_hand, reserved::int as reserved from stock_balances where tenant_id = $1 and item_id = $2 and warehouse_id = $3', [tenantId, itemId, warehouseId]);
      const balance = rows[0] ?? { on_hand: 0, reserved: 0 };
      expect(balance, key).toEqual({ on_hand: model.onHand.get(key) ?? 0, reserved: reservedAt(model, key) });
      expect(balance.reserved).toBeLessThanOrEqual(balance.on_hand);
    }
  }
  const problems = await testDb().db.withTenant({ tenantId }, (tx) => verifyInventory(tx, systemContext(tenantId, 'model')));
  expect(problems).toEqual([]);
}

type Cmd = fc.AsyncCommand<Model, World>;

class AdjustStock implements Cmd {
  constructor(readonly item: number, readonly warehouse: number, readonly qty: number) {}
  check = () => true;
  async run(model: Model, world: World) {
    const itemId = world.items[this.item]!;
    const warehouseId = world.warehouses[this.warehouse]!;
    const key = stockKey(itemId, warehouseId);
    const onHand = model.onHand.get(key) ?? 0;
    model.stats.attempted++;
    const response = await request(world, 'POST', '/v1/stock-adjustments', { itemId, warehouseId, qty: String(this.qty), ...(this.qty > 0 ? { unitCost: '2.50' } : {}), reason: 'model' });
    if (onHand + this.qty < 0) {
      expect(response.statusCode, response.body).toBe(409);
      expect(response.json().code).toBe('NEGATIVE_STOCK_REFUSED');
    } else if (onHand + this.qty < reservedAt(model, key)) {
      expect(response.statusCode, response.body).toBe(409);
      expect(response.json().code).toBe('STOCK_RESERVED');
    } else {
      expect(response.statusCode, response.body).toBe(201);
      model.stats.succeeded++;
      model.onHand.set(key, onHand + this.qty);
      if (this.qty > 0) modelRelease(model, itemId);
    }
    await assertAgrees(model);
  }
  toString = () => `adjust(item${this.item}, wh${this.warehouse}, ${this.qty})`;
}

class ReceiveStock implements Cmd {
  constructor(readonly item: number, readonly warehouse: number, readonly qty: number) {}
  check = () => true;
  async run(model: Model, world: World) {
    const itemId = world.items[this.item]!;
    const warehouseId = world.warehouses[this.warehouse]!;
    model.stats.attempted++;
    // What a purchase receipt will do: receive, then release backorders, in one transaction.
    await testDb().db.withTenant({ tenantId: world.tenantId }, async (tx) => {
      const ctx = systemContext(world.tenantId, 'model');
      await lockBackorderedOrders(tx, ctx, { itemId });
      await receiveStock(tx, ctx, { itemId, warehouseId, qty: String(this.qty), unitCost: '3.10', referenceType: 'test_receipt', referenceId: `r-${this.qty}` });
      await releaseBackorders(tx, ctx, { itemId, warehouseId });
    });
    model.stats.succeeded++;
    const key = stockKey(itemId, warehouseId);
    model.onHand.set(key, (model.onHand.get(key) ?? 0) + this.qty);
    modelRelease(model, itemId);
    await assertAgrees(model);
  }
  toString = () => `receive(item${this.item}, wh${this.warehouse}, ${this.qty})`;
}

class CreateOrder implements Cmd {
  constructor(readonly customer: number, readonly lines: Array<{ item: number; qty: number }>) {}
  check = (model: Readonly<Model>) => model.orders.length < ORDERS_MAX;
  async run(model: Model, world: World) {
    const c = world.customers[this.customer]!;
    model.stats.attempted++;
    const response = await request(world, 'POST', '/v1/sales-orders', {
      customerId: c.customerId,
      shipToId: c.shipToId,
      lines: this.lines.map((line) => ({ itemId: world.items[line.item], qty: String(line.qty) })),
    });
    expect(response.statusCode, response.body).toBe(201);
    model.stats.succeeded++;
    const order = response.json();
    model.orders.push({
      orderId: order.orderId,
      customer: this.customer,
      status: 'draft',
      revision: 1,
      lines: order.lines.map((line: { lineId: string; itemId: string; qtyBase: string }) => ({ lineId: line.lineId, itemId: line.itemId, qty: Number(line.qtyBase), allocated: new Map(), backordered: 0, cancelled: 0 })),
    });
    await assertAgrees(model);
  }
  toString = () => `order(c${this.customer}, ${this.lines.map((l) => `item${l.item}×${l.qty}`).join(' ')})`;
}

abstract class OrderCommand implements Cmd {
  constructor(readonly pick: number) {}
  abstract allowed: string[];
  /** Picks among the orders this command applies to, so that few generated commands are skipped. */
  order(model: Readonly<Model>): ModelOrder | undefined {
    const eligible = model.orders.filter((order) => this.allowed.includes(order.status));
    return eligible.length === 0 ? undefined : eligible[this.pick % eligible.length];
  }
  check = (model: Readonly<Model>) => this.order(model) !== undefined;
  abstract run(model: Model, world: World): Promise<void>;
}

const ALLOCATION = ['confirmed', 'allocated', 'partially_allocated', 'backordered'];

class ConfirmOrder extends OrderCommand {
  override allowed = ['draft'];
  override async run(model: Model, world: World) {
    const order = this.order(model)!;
    model.stats.attempted++;
    const response = await request(world, 'POST', `/v1/sales-orders/${order.orderId}/confirm`);
    expect(response.statusCode, response.body).toBe(200);
    model.stats.succeeded++;
    modelAllocate(model, order);
    await assertAgrees(model);
  }
  override toString = () => `confirm(#${this.pick})`;
}

class AllocateOrder extends OrderCommand {
  override allowed = ALLOCATION;
  override async run(model: Model, world: World) {
    const order = this.order(model)!;
    model.stats.attempted++;
    const response = await request(world, 'POST', `/v1/sales-orders/${order.orderId}/allocate`);
    expect(response.statusCode, response.body).toBe(200);
    model.stats.succeeded++;
    modelAllocate(model, order);
    await assertAgrees(model);
  }
  override toString = () => `allocate(#${this.pick})`;
}

class ReviseOrder extends OrderCommand {
  override allowed = ['draft', ...ALLOCATION];
  constructor(pick: number, readonly line: number, readonly qty: number) {
    super(pick);
  }
  override async run(model: Model, world: World) {
    const order = this.order(model)!;
    const open = order.lines.filter((line) => line.cancelled < line.qty);
    const target = open[this.line % open.length]!;
    model.stats.attempted++;
    const response = await request(
      world,
      'POST',
      `/v1/sales-orders/${order.orderId}/revisions`,
      { lines: open.map((line) => ({ lineId: line.lineId, qty: String(line === target ? this.qty : line.qty) })) },
      { 'if-match': `"${order.revision}"` },
    );
    expect(response.statusCode, response.body).toBe(200);
    model.stats.succeeded++;
    order.revision++;
    if (target.qty !== this.qty) {
      target.qty = this.qty;
      target.cancelled = 0;
      target.backordered = 0;
      target.allocated = new Map();
    }
    if (order.status !== 'draft') modelAllocate(model, order);
    await assertAgrees(model);
  }
  override toString = () => `revise(#${this.pick}, line ${this.line} → ${this.qty})`;
}

class CancelOrder extends OrderCommand {
  // Drafts can be cancelled too (the API tests cover it); here cancel acts on orders holding or awaiting stock.
  override allowed = ALLOCATION;
  override async run(model: Model, world: World) {
    const order = this.order(model)!;
    model.stats.attempted++;
    const response = await request(world, 'POST', `/v1/sales-orders/${order.orderId}/cancel`, {});
    expect(response.statusCode, response.body).toBe(200);
    model.stats.succeeded++;
    const freed = [...new Set(order.lines.filter((line) => sumAllocated(line) > 0).map((line) => line.itemId))].sort();
    for (const line of order.lines) {
      line.allocated = new Map();
      line.backordered = 0;
      line.cancelled = line.qty;
    }
    order.status = 'cancelled';
    // The stock it gave back goes to other orders' backorders, item by item in key order.
    for (const itemId of freed) modelRelease(model, itemId);
    await assertAgrees(model);
  }
  override toString = () => `cancel(#${this.pick})`;
}

const item = fc.integer({ min: 0, max: ITEMS - 1 });
const warehouse = fc.integer({ min: 0, max: WAREHOUSES - 1 });
const createOrder = fc
  .tuple(fc.integer({ min: 0, max: POLICIES.length - 1 }), fc.array(fc.record({ item, qty: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 3 }))
  .map(([c, lines]) => new CreateOrder(c, lines));
// Order creation and confirmation are listed twice so that sequences build up enough orders for the other commands to act on.
const commands = [
  fc.tuple(item, warehouse, fc.integer({ min: -4, max: 10 }).filter((qty) => qty !== 0)).map(([i, w, q]) => new AdjustStock(i, w, q)),
  fc.tuple(item, warehouse, fc.integer({ min: 1, max: 8 })).map(([i, w, q]) => new ReceiveStock(i, w, q)),
  createOrder,
  createOrder,
  fc.nat().map((pick) => new ConfirmOrder(pick)),
  fc.nat().map((pick) => new ConfirmOrder(pick)),
  fc.nat().map((pick) => new AllocateOrder(pick)),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 8 })).map(([pick, line, qty]) => new ReviseOrder(pick, line, qty)),
  fc.nat().map((pick) => new CancelOrder(pick)),
];

async function newWorld(): Promise<World> {
  const admin = testDb().admin;
  const tenant = await createTestTenant(testDb().db);
  const { priceListId } = await seedTaxAndPriceList(admin, tenant.tenantId);
  const warehouses = [await addWarehouse(admin, tenant.tenantId, 'W0', 10), await addWarehouse(admin, tenant.tenantId, 'W1', 20)];
  const items = [];
  for (let index = 0; index < ITEMS; index++) items.push((await addItem(admin, tenant.tenantId, priceListId, { sku: `M-${index}`, priceEa: '1.00' })).itemId);
  const customers = [];
  for (const policy of POLICIES) {
    const c = await addCustomer(admin, tenant.tenantId, { defaultWarehouseId: warehouses[0]!, ...policy });
    customers.push({ ...c, policy });
  }
  return { tenantId: tenant.tenantId, key: tenant.adminKey, items, warehouses, customers };
}

describe('sales and inventory against an in-memory model', () => {
  it('agrees with the model after every command, and most generated commands succeed', async () => {
    const totals = { attempted: 0, succeeded: 0 };
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: 'max' }), async (cmds) => {
        const world = await newWorld();
        const model: Model = { world, onHand: new Map(), orders: [], stats: { attempted: 0, succeeded: 0 } };
        await fc.asyncModelRun(() => ({ model, real: world }), cmds);
        totals.attempted += model.stats.attempted;
        totals.succeeded += model.stats.succeeded;
      }),
      { numRuns: 25, seed: 20261203 },
    );
    expect(totals.attempted).toBeGreaterThan(200);
    expect(totals.succeeded / totals.attempted).toBeGreaterThanOrEqual(0.8);
  }, 600_000);
});
