import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer } from '../../../test/support/tenants.ts';
import { buildApp } from '../../app.ts';
import { Dec } from '../../platform/money.ts';
import { newId } from '../../platform/ids.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { createPurchaseOrder, postReceipt } from '../purchasing/index.ts';
import { payablesCommands } from './books-model.payables.ts';
import { putawayCommands } from './books-model.putaway.ts';
import { FREIGHT_TARIFF, FREIGHT_TERMS, POLICIES, assertBooks, clock, inWorld, key, newWorld, sum, writtenState, type Model, type ModelInvoice, type ModelOrder, type World } from './books-model.fixtures.ts';

/**
 * Model-based test of the whole flow (issue #5): order capture extended with wave,
 * pick (full, partial, short, a wrong scan), pack and ship (entered or computed
 * freight, an over-pack refused), pay (full, partial, across invoices, unapplied,
 * over-applied, on a voided invoice), credit memo (one unit, the rest, too much,
 * freight) and void, purchase receipts, supplier invoices (exact, partial, price within
 * tolerance, price beyond it then approved, more than received then rejected, a duplicate
 * number refused), supplier payments (full, partial, over-applied) and putaway of receipts
 * that landed in the receiving bin (full, partial, two confirmations at once, more than
 * is left, the receiving bin or another item scanned; books-model.putaway.ts) — random sequences on the real database. After EVERY command
 * every `qm verify` identity holds, inventory value is exactly 0 wherever quantity
 * is 0 and never negative, and the database agrees with the model's own count of
 * stock, picks, shipments, invoices, applications and credits
 * (books-model.fixtures.ts, assertBooks). A command the system refuses with a 4xx
 * must leave every row count and sum as it was (writtenState).
 *
 * Size: 15 runs × up to 80 commands, a fresh tenant per run — about 20 s alone (30 s in the full suite) on the
 * 2-core machine; the seed is fixed so a failure replays (fast-check prints the
 * shrunk sequence).
 */

const testDb = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
});
afterAll(async () => {
  await app?.close();
});

const ORDERS_MAX = 8;
const RUNS = 15;
const COMMANDS_MAX = 80;
const ENTERED_FREIGHT_MINOR = 733;
const CARTON_WEIGHT_KG = '1.5';

async function request(world: World, method: 'GET' | 'POST', url: string, payload?: unknown) {
  // Every POST here takes an Idempotency-Key except packing, which refuses one (an upsert needs no deduplication).
  const idempotent = method === 'POST' && !url.startsWith('/v1/cartons/');
  const headers = { ...bearer(world.key), ...(idempotent ? { 'idempotency-key': newId() } : {}) };
  return app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
}

type Response = Awaited<ReturnType<typeof request>>;

async function rows(world: World, text: string, values: unknown[] = []) {
  return (await testDb().admin.query(text, [world.tenantId, ...values])).rows;
}

/** A 4xx with one of the codes, and nothing written. */
async function expectRefused(model: Model, response: Response, codes: string[], before: Record<string, string>): Promise<void> {
  expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, response.body).toBeLessThan(500);
  expect(codes, response.body).toContain(response.json().code);
  expect(response.body).not.toMatch(/\bat .*\.ts:\d+/);
  expect(await writtenState(testDb, model.world.tenantId)).toEqual(before);
  model.stats.refused++;
}

const snapshot = (model: Model) => writtenState(testDb, model.world.tenantId);

function count(model: Model, name: string): void {
  model.stats.attempted++;
  model.stats.byCommand[name] = (model.stats.byCommand[name] ?? 0) + 1;
}

type Cmd = fc.AsyncCommand<Model, World>;

class AdjustStock implements Cmd {
  constructor(readonly item: number, readonly warehouse: number, readonly qty: number, readonly unitCost: string) {}
  check = () => true;
  async run(model: Model, world: World) {
    count(model, 'adjust');
    const itemId = world.items[this.item]!.itemId;
    const warehouseId = world.warehouses[this.warehouse]!;
    const onHand = model.onHand.get(key(itemId, warehouseId)) ?? 0;
    const before = await snapshot(model);
    const response = await request(world, 'POST', '/v1/stock-adjustments', {
      itemId, warehouseId, binId: world.storageBins[this.warehouse]!.binId, qty: String(this.qty), ...(this.qty > 0 ? { unitCost: this.unitCost } : {}), reason: 'model',
    });
    if (response.statusCode === 201) {
      expect(onHand + this.qty, 'stock taken below zero').toBeGreaterThanOrEqual(0);
      model.onHand.set(key(itemId, warehouseId), onHand + this.qty);
      model.stats.succeeded++;
    } else {
      // Refused below zero, below what is reserved, or below what the bin holds (goods picked into packing).
      await expectRefused(model, response, ['NEGATIVE_STOCK_REFUSED', 'STOCK_RESERVED', 'BIN_STOCK_SHORT'], before);
    }
    await assertBooks(testDb, model);
  }
  toString = () => `adjust(item${this.item}, wh${this.warehouse}, ${this.qty} @ ${this.unitCost})`;
}

/** One supplier per model tenant, made on the first receipt. */
async function modelSupplier(tx: Tx, ctx: OperationContext): Promise<string> {
  const existing = await tx.selectFrom('suppliers').select('supplier_id').where('tenant_id', '=', ctx.tenantId).where('code', '=', 'MODEL-SUP').executeTakeFirst();
  if (existing) return existing.supplier_id;
  const supplierId = newId();
  await tx.insertInto('suppliers').values({ tenant_id: ctx.tenantId, supplier_id: supplierId, code: 'MODEL-SUP', name: 'Model supplier', currency: 'USD' }).execute();
  return supplierId;
}

class ReceiveStock implements Cmd {
  constructor(readonly item: number, readonly warehouse: number, readonly qty: number, readonly unitCost: string, readonly toReceiving = false) {}
  check = () => true;
  async run(model: Model, world: World) {
    count(model, 'receive');
    const itemId = world.items[this.item]!.itemId;
    const warehouseId = world.warehouses[this.warehouse]!;
    // A purchase receipt: a PO for the quantity, received by scanning the SKU into the storage
    // bin, or into the receiving bin to be put away (books-model.putaway.ts); stock, GRNI and the
    // backorder release commit together (purchasing.postReceipt).
    const binId = (this.toReceiving ? world.receivingBins : world.storageBins)[this.warehouse]!.binId;
    const { purchaseOrderId, putawayTaskIds } = await inWorld(testDb, world, async (tx, ctx) => {
      const supplierId = await modelSupplier(tx, ctx);
      const po = await createPurchaseOrder(tx, ctx, { poNumber: `PO-M${newId().slice(-10)}`, supplierId, warehouseId, lines: [{ itemId, qty: String(this.qty), unitCost: this.unitCost }] });
      await tx.updateTable('purchase_orders').set({ status: 'sent' }).where('tenant_id', '=', ctx.tenantId).where('po_id', '=', po.purchaseOrderId).execute();
      const receipt = await postReceipt(tx, ctx, { receiptNumber: `RCV-M${newId().slice(-10)}`, purchaseOrderId: po.purchaseOrderId, binId, lines: [{ scan: world.items[this.item]!.sku, qty: String(this.qty) }] });
      return { purchaseOrderId: po.purchaseOrderId, putawayTaskIds: receipt.putawayTaskIds };
    });
    // Only goods that landed in the receiving bin are to put away; a storage bin holds them where they belong.
    expect(putawayTaskIds).toHaveLength(this.toReceiving ? 1 : 0);
    if (this.toReceiving) model.putawayTasks.push({ taskId: putawayTaskIds[0]!, qty: this.qty, putAway: 0, closedShort: false });
    model.purchaseOrders.push({ purchaseOrderId, qty: this.qty, unitCost: this.unitCost, invoicedQty: 0 });
    model.onHand.set(key(itemId, warehouseId), (model.onHand.get(key(itemId, warehouseId)) ?? 0) + this.qty);
    model.stats.succeeded++;
    await assertBooks(testDb, model);
  }
  toString = () => `receive(item${this.item}, wh${this.warehouse}, ${this.qty} @ ${this.unitCost}${this.toReceiving ? ', to RCV-M' : ''})`;
}

class CreateOrder implements Cmd {
  constructor(readonly customer: number, readonly lines: Array<{ item: number; qty: number }>) {}
  check = (model: Readonly<Model>) => model.orders.length < ORDERS_MAX;
  async run(model: Model, world: World) {
    count(model, 'order');
    const c = world.customers[this.customer]!;
    const created = await request(world, 'POST', '/v1/sales-orders', { customerId: c.customerId, shipToId: c.shipToId, lines: this.lines.map((line) => ({ itemId: world.items[line.item]!.itemId, qty: String(line.qty) })) });
    expect(created.statusCode, created.body).toBe(201);
    const confirmed = await request(world, 'POST', `/v1/sales-orders/${created.json().orderId}/confirm`, {});
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    model.orders.push({
      orderId: created.json().orderId,
      customer: this.customer,
      lines: created.json().lines.map((line: { lineId: string; itemId: string; qtyBase: string }) => ({ lineId: line.lineId, itemId: line.itemId, qty: Number(line.qtyBase) })),
      picked: new Map(),
      shipped: new Map(),
    });
    model.stats.succeeded++;
    await assertBooks(testDb, model);
  }
  toString = () => `order(c${this.customer}, ${this.lines.map((l) => `item${l.item}×${l.qty}`).join(' ')})`;
}

const pickedTotal = (order: ModelOrder) => sum(order.picked.values());

class CancelOrder implements Cmd {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.orders.length > 0;
  async run(model: Model, world: World) {
    count(model, 'cancel');
    const order = model.orders[this.pick % model.orders.length]!;
    const before = await snapshot(model);
    const response = await request(world, 'POST', `/v1/sales-orders/${order.orderId}/cancel`, {});
    if (response.statusCode === 200) {
      // Goods already picked (or shipped) cannot be cancelled away.
      expect(pickedTotal(order), 'an order with picks was cancelled').toBe(0);
      model.stats.succeeded++;
    } else {
      await expectRefused(model, response, ['SALES_ORDER_NOT_CANCELLABLE'], before);
    }
    await assertBooks(testDb, model);
  }
  toString = () => `cancel(#${this.pick})`;
}

class Wave implements Cmd {
  constructor(readonly warehouse: number) {}
  check = (model: Readonly<Model>) => model.orders.length > 0;
  async run(model: Model, world: World) {
    count(model, 'wave');
    const before = await snapshot(model);
    const response = await request(world, 'POST', '/v1/waves', { warehouseId: world.warehouses[this.warehouse] });
    if (response.statusCode === 201) model.stats.succeeded++;
    else await expectRefused(model, response, ['NOTHING_TO_PICK'], before);
    await assertBooks(testDb, model);
  }
  toString = () => `wave(wh${this.warehouse})`;
}

type PickMode = 'full' | 'half' | 'short' | 'wrong_item';

class PickTask implements Cmd {
  constructor(readonly pick: number, readonly mode: PickMode) {}
  check = (model: Readonly<Model>) => model.orders.length > 0;
  async run(model: Model, world: World) {
    const tasks = await rows(
      world,
      `select t.task_id, t.order_id, t.line_id, t.item_id, t.warehouse_id, t.bin_id, b.code as bin_code, (t.qty_to_pick - t.qty_picked - t.qty_short)::int as remaining,
              coalesce((select bb.on_hand from bin_balances bb where bb.tenant_id = t.tenant_id and bb.item_id = t.item_id and bb.bin_id = t.bin_id), 0)::int as in_bin
       from pick_tasks t join bins b on b.tenant_id = t.tenant_id and b.bin_id = t.bin_id
       where t.tenant_id = $1 and t.status = 'open' order by t.task_id`,
    );
    if (tasks.length === 0) {
      // Nothing to pick yet: what a lead does first — a wave in one of the warehouses.
      await new Wave(this.pick % model.world.warehouses.length).run(model, world);
      return;
    }
    count(model, `pick_${this.mode}`);
    const task = tasks[this.pick % tasks.length]!;
    const item = world.items.find((i) => i.itemId === task.item_id)!;
    const other = world.items.find((i) => i.itemId !== task.item_id)!;
    const qty = this.mode === 'full' || this.mode === 'wrong_item' ? task.remaining : this.mode === 'half' ? Math.max(1, Math.floor(task.remaining / 2)) : Math.floor(task.remaining / 2);
    const before = await snapshot(model);
    const response = await request(world, 'POST', `/v1/pick-tasks/${task.task_id}/confirm`, {
      binScan: task.bin_code.toLowerCase(), itemScan: this.mode === 'wrong_item' ? other.sku : item.sku, qty: String(qty), ...(this.mode === 'short' ? { short: true } : {}),
    });
    if (this.mode === 'wrong_item') {
      await expectRefused(model, response, ['PICK_ITEM_MISMATCH'], before);
    } else if (this.mode !== 'short' && task.in_bin < qty) {
      await expectRefused(model, response, ['BIN_STOCK_SHORT'], before);
    } else {
      expect(response.statusCode, response.body).toBe(200);
      // A short pick takes what was confirmed, or what the books say the bin holds when that is less.
      const moved = this.mode === 'short' ? Math.min(qty, task.in_bin) : qty;
      const order = model.orders.find((o) => o.orderId === task.order_id)!;
      const at = key(task.line_id, task.warehouse_id);
      order.picked.set(at, (order.picked.get(at) ?? 0) + moved);
      expect(new Dec(response.json().task.qtyPicked).toNumber()).toBeGreaterThanOrEqual(moved);
      model.stats.succeeded++;
    }
    await assertBooks(testDb, model);
  }
  toString = () => `pick(#${this.pick}, ${this.mode})`;
}

class Ship implements Cmd {
  constructor(readonly pick: number, readonly enteredFreight: boolean, readonly weighed: boolean, readonly overpack: boolean) {}
  candidates(model: Readonly<Model>): Array<{ order: ModelOrder; warehouseId: string }> {
    return model.orders.flatMap((order) =>
      model.world.warehouses
        .filter((warehouseId) => order.lines.some((line) => (order.picked.get(key(line.lineId, warehouseId)) ?? 0) > (order.shipped.get(key(line.lineId, warehouseId)) ?? 0)))
        .map((warehouseId) => ({ order, warehouseId })),
    );
  }
  check = (model: Readonly<Model>) => this.candidates(model).length > 0;
  async run(model: Model, world: World) {
    count(model, 'ship');
    const candidates = this.candidates(model);
    const { order, warehouseId } = candidates[this.pick % candidates.length]!;
    const shipment = await request(world, 'POST', '/v1/shipments', { orderId: order.orderId, warehouseId });
    expect(shipment.statusCode, shipment.body).toBe(201);
    const shipmentId = shipment.json().shipmentId;
    const carton = await request(world, 'POST', `/v1/shipments/${shipmentId}/cartons`, this.weighed ? { weightKg: CARTON_WEIGHT_KG } : {});
    expect(carton.statusCode, carton.body).toBe(201);
    const toPack = order.lines
      .map((line) => ({ line, qty: (order.picked.get(key(line.lineId, warehouseId)) ?? 0) - (order.shipped.get(key(line.lineId, warehouseId)) ?? 0) }))
      .filter(({ qty }) => qty > 0);
    if (this.overpack) {
      // Shipping more than was picked is refused and writes nothing.
      const before = await snapshot(model);
      const tooMuch = await request(world, 'POST', `/v1/cartons/${carton.json().cartonId}/lines`, { lineId: toPack[0]!.line.lineId, qty: String(toPack[0]!.qty + 1) });
      await expectRefused(model, tooMuch, ['PACK_EXCEEDS_PICKED'], before);
    }
    for (const { line, qty } of toPack) {
      const packed = await request(world, 'POST', `/v1/cartons/${carton.json().cartonId}/lines`, { lineId: line.lineId, qty: String(qty) });
      expect(packed.statusCode, packed.body).toBe(200);
    }
    const confirmed = await request(world, 'POST', `/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', ...(this.enteredFreight ? { freightMinor: ENTERED_FREIGHT_MINOR } : {}) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    for (const { line, qty } of toPack) {
      order.shipped.set(key(line.lineId, warehouseId), (order.shipped.get(key(line.lineId, warehouseId)) ?? 0) + qty);
      model.onHand.set(key(line.itemId, warehouseId), (model.onHand.get(key(line.itemId, warehouseId)) ?? 0) - qty);
    }
    const invoiceId = confirmed.json().invoice.invoiceId;
    const [invoice] = await rows(world, 'select total_minor::int as total, freight_minor::int as freight from invoices where tenant_id = $1 and invoice_id = $2', [invoiceId]);
    const lines = await rows(world, 'select line_number, order_line_id, qty::int as qty, unit_price::text as price, amount_minor::int as amount from invoice_lines where tenant_id = $1 and invoice_id = $2 order by line_number', [invoiceId]);
    // The invoice bills exactly what shipped, line by line, and the freight the terms (or the clerk) said.
    expect(lines.map((l) => [l.order_line_id, l.qty])).toEqual(toPack.map(({ line, qty }) => [line.lineId, qty]));
    const terms = FREIGHT_TERMS[order.customer]!;
    const computed = terms === 'prepaid_and_add' ? FREIGHT_TARIFF.baseMinor + (this.weighed ? new Dec(CARTON_WEIGHT_KG).times(FREIGHT_TARIFF.perKgMinor).toNumber() : 0) : 0;
    const freightMinor = this.enteredFreight ? ENTERED_FREIGHT_MINOR : computed;
    expect(invoice.freight).toBe(freightMinor);
    model.invoices.push({
      invoiceId,
      invoiceNumber: confirmed.json().invoice.invoiceNumber,
      customer: order.customer,
      totalMinor: invoice.total,
      freightMinor,
      appliedMinor: 0,
      voided: false,
      creditMemos: 0,
      freightCreditedMinor: 0,
      lines: lines.map((l) => ({ lineNumber: l.line_number, qty: l.qty, price: l.price, creditedQty: 0, amountMinor: l.amount, creditedMinor: 0 })),
    });
    model.stats.succeeded++;
    await assertBooks(testDb, model);
  }
  toString = () => `ship(#${this.pick}, ${this.enteredFreight ? 'entered' : 'computed'} freight${this.weighed ? ', weighed' : ''}${this.overpack ? ', over-pack first' : ''})`;
}

type PayMode = 'full' | 'partial' | 'across' | 'unapplied' | 'over' | 'voided';
const openOf = (invoice: ModelInvoice) => (invoice.voided ? 0 : invoice.totalMinor - invoice.appliedMinor);

class Pay implements Cmd {
  constructor(readonly customer: number, readonly mode: PayMode) {}
  // Drawn only when something is owed (or for a payment on account), so that most payments apply to invoices.
  check = (model: Readonly<Model>) => this.mode === 'unapplied' || model.invoices.some((invoice) => openOf(invoice) > 0 || invoice.voided);
  async run(model: Model, world: World) {
    // The payer: among the customers who owe something when any does (else nothing could be applied).
    const owing = [...new Set(model.invoices.filter((invoice) => openOf(invoice) > 0).map((invoice) => invoice.customer))].sort();
    const payer = this.mode !== 'unapplied' && this.mode !== 'voided' && owing.length > 0 ? owing[this.customer % owing.length]! : this.customer;
    const open = model.invoices.filter((invoice) => invoice.customer === payer && openOf(invoice) > 0);
    const voided = model.invoices.find((invoice) => invoice.customer === payer && invoice.voided);
    let mode = this.mode;
    if ((mode === 'full' || mode === 'partial' || mode === 'over') && open.length === 0) mode = 'unapplied';
    if (mode === 'across' && open.length < 2) mode = open.length === 1 ? 'full' : 'unapplied';
    if (mode === 'voided' && !voided) mode = 'unapplied';
    count(model, `pay_${mode}`);
    const applications: Array<{ invoice: ModelInvoice; amountMinor: number }> =
      mode === 'full' ? [{ invoice: open[0]!, amountMinor: openOf(open[0]!) }]
      : mode === 'partial' ? [{ invoice: open[0]!, amountMinor: Math.max(1, Math.floor(openOf(open[0]!) / 2)) }]
      : mode === 'across' ? [{ invoice: open[0]!, amountMinor: openOf(open[0]!) }, { invoice: open[1]!, amountMinor: Math.max(1, Math.floor(openOf(open[1]!) / 3)) }]
      : mode === 'over' ? [{ invoice: open[0]!, amountMinor: openOf(open[0]!) + 1 }]
      : mode === 'voided' ? [{ invoice: voided!, amountMinor: 100 }]
      : [];
    const amountMinor = mode === 'unapplied' ? 1234 : sum(applications.map((a) => a.amountMinor));
    const before = await snapshot(model);
    const response = await request(world, 'POST', '/v1/payments', {
      customerId: world.customers[payer]!.customerId, amountMinor, method: 'ach',
      applications: applications.map((a) => ({ documentNumber: a.invoice.invoiceNumber, amountMinor: a.amountMinor })),
    });
    if (mode === 'over') await expectRefused(model, response, ['APPLICATION_EXCEEDS_OPEN'], before);
    else if (mode === 'voided') await expectRefused(model, response, ['INVOICE_VOIDED'], before);
    else {
      expect(response.statusCode, response.body).toBe(201);
      for (const a of applications) a.invoice.appliedMinor += a.amountMinor;
      const applied = sum(applications.map((a) => a.amountMinor));
      expect({ applied: response.json().appliedMinor, unapplied: response.json().unappliedMinor }).toEqual({ applied, unapplied: amountMinor - applied });
      model.payments.push({ paymentId: response.json().paymentId, openItemId: response.json().openItemId, amountMinor, appliedMinor: applied });
      model.stats.succeeded++;
    }
    await assertBooks(testDb, model);
  }
  toString = () => `pay(c${this.customer}, ${this.mode})`;
}

type CreditMode = 'one' | 'rest' | 'too_much' | 'freight';

class CreditMemo implements Cmd {
  constructor(readonly pick: number, readonly line: number, readonly mode: CreditMode) {}
  check = (model: Readonly<Model>) => model.invoices.length > 0;
  async run(model: Model, world: World) {
    count(model, `credit_${this.mode}`);
    const invoice = model.invoices[this.pick % model.invoices.length]!;
    const line = invoice.lines[this.line % invoice.lines.length]!;
    const remaining = line.qty - line.creditedQty;
    const qty = this.mode === 'too_much' ? remaining + 1 : this.mode === 'rest' ? Math.max(remaining, 1) : 1;
    const freightLeft = invoice.freightMinor - invoice.freightCreditedMinor;
    const freightMinor = this.mode === 'freight' && freightLeft > 0 ? Math.min(250, freightLeft) : 0;
    const before = await snapshot(model);
    const response = await request(world, 'POST', '/v1/credit-memos', {
      invoiceId: invoice.invoiceId, reason: 'model', lines: [{ invoiceLineNumber: line.lineNumber, qty: String(qty) }], ...(freightMinor > 0 ? { freightMinor } : {}),
    });
    if (invoice.voided) await expectRefused(model, response, ['INVOICE_VOIDED'], before);
    else if (qty > remaining) await expectRefused(model, response, ['CREDIT_EXCEEDS_INVOICED'], before);
    else {
      expect(response.statusCode, response.body).toBe(201);
      const memo = response.json();
      const amountMinor = memo.lines[0].amountMinor;
      // Part of a line: half-up(qty × price); the last of it: exactly what is left of its amount.
      expect(amountMinor).toBe(qty === remaining ? line.amountMinor - line.creditedMinor : new Dec(qty).times(line.price).times(100).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber());
      expect(memo.freightMinor).toBe(freightMinor);
      line.creditedQty += qty;
      line.creditedMinor += amountMinor;
      invoice.freightCreditedMinor += freightMinor;
      invoice.creditMemos++;
      model.creditMemos.push({ creditMemoId: memo.creditMemoId, totalMinor: memo.totalMinor });
      model.stats.succeeded++;
    }
    await assertBooks(testDb, model);
  }
  toString = () => `credit(#${this.pick}, line ${this.line}, ${this.mode})`;
}

class VoidInvoice implements Cmd {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.invoices.length > 0;
  async run(model: Model, world: World) {
    count(model, 'void');
    const invoice = model.invoices[this.pick % model.invoices.length]!;
    const before = await snapshot(model);
    const response = await request(world, 'POST', `/v1/invoices/${invoice.invoiceId}/void`, { reason: 'model' });
    if (invoice.voided) await expectRefused(model, response, ['INVOICE_VOIDED'], before);
    else if (invoice.appliedMinor > 0 || invoice.creditMemos > 0) await expectRefused(model, response, ['INVOICE_NOT_VOIDABLE'], before);
    else {
      expect(response.statusCode, response.body).toBe(200);
      invoice.voided = true;
      model.stats.succeeded++;
    }
    await assertBooks(testDb, model);
  }
  toString = () => `void(#${this.pick})`;
}

const item = fc.integer({ min: 0, max: 1 });
const warehouse = fc.integer({ min: 0, max: 1 });
const unitCost = fc.constantFrom('1.46', '0.333333', '2.17');
const customer = fc.integer({ min: 0, max: POLICIES.length - 1 });
const order = fc.tuple(customer, fc.array(fc.record({ item, qty: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 2 })).map(([c, lines]) => new CreateOrder(c, lines));
const pick = fc.tuple(fc.nat(), fc.constantFrom<PickMode>('full', 'full', 'half', 'short', 'wrong_item')).map(([p, mode]) => new PickTask(p, mode));
const ship = fc.tuple(fc.nat(), fc.boolean(), fc.boolean(), fc.boolean()).map(([p, entered, weighed, overpack]) => new Ship(p, entered, weighed, overpack));
const receive = fc.tuple(item, warehouse, fc.integer({ min: 1, max: 6 }), unitCost, fc.boolean()).map(([i, w, q, c, r]) => new ReceiveStock(i, w, q, c, r));
const wave = warehouse.map((w) => new Wave(w));
const pay = fc.tuple(customer, fc.constantFrom<PayMode>('full', 'partial', 'across', 'unapplied', 'over', 'voided')).map(([c, mode]) => new Pay(c, mode));
const credit = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom<CreditMode>('one', 'rest', 'too_much', 'freight')).map(([p, l, mode]) => new CreditMemo(p, l, mode));
/** Weights: an arbitrary listed n times is drawn n times as often, so that sequences reach shipping and billing. */
const weighted = <T>(n: number, arbitrary: T): T[] => Array.from({ length: n }, () => arbitrary);
const harness = { request, rows, snapshot, expectRefused, count, assertBooks: (model: Model) => assertBooks(testDb, model) };
const commands = [
  fc.tuple(item, warehouse, fc.integer({ min: -3, max: 8 }).filter((qty) => qty !== 0), unitCost).map(([i, w, q, c]) => new AdjustStock(i, w, q, c)),
  ...weighted(2, receive),
  ...weighted(3, order),
  fc.nat().map((p) => new CancelOrder(p)),
  ...weighted(2, wave),
  ...weighted(5, pick),
  ...weighted(3, ship),
  ...weighted(3, pay),
  ...weighted(2, credit),
  fc.nat().map((p) => new VoidInvoice(p)),
  ...payablesCommands(harness),
  ...putawayCommands(harness),
];

describe('the books against a model of the whole flow', () => {
  it('keeps every identity after every command, value 0 at quantity 0, and agrees with the model', async () => {
    const totals: Model['stats'] = { attempted: 0, succeeded: 0, refused: 0, byCommand: {} };
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: COMMANDS_MAX, size: 'max' }), async (cmds) => {
        const world = await newWorld(testDb, app);
        const model: Model = { world, onHand: new Map(), orders: [], invoices: [], payments: [], creditMemos: [], purchaseOrders: [], supplierInvoices: [], putawayTasks: [], stats: { attempted: 0, succeeded: 0, refused: 0, byCommand: {} } };
        // Opening stock in both warehouses, at costs that do not divide evenly, so that early orders allocate; half of it
        // still in the receiving bin (first in walk order), so that waves pick from the dock before its putaway.
        for (const [i, w, cost, dock] of [[0, 0, '1.46', true], [1, 0, '0.333333', false], [0, 1, '0.333333', false], [1, 1, '2.17', true]] as const) await new ReceiveStock(i, w, 6, cost, dock).run(model, world);
        await fc.asyncModelRun(() => ({ model, real: world }), cmds);
        totals.attempted += model.stats.attempted;
        totals.succeeded += model.stats.succeeded;
        totals.refused += model.stats.refused;
        for (const [name, n] of Object.entries(model.stats.byCommand)) totals.byCommand[name] = (totals.byCommand[name] ?? 0) + n;
      }),
      { numRuns: RUNS, seed: 20261205 },
    );
    // The run must have reached the back half, not only piled up stock and orders.
    const ran = (...names: string[]) => sum(names.map((name) => totals.byCommand[name] ?? 0));
    const coverage = { ship: ran('ship'), picks: ran('pick_full', 'pick_half'), shortPicks: ran('pick_short'), appliedPayments: ran('pay_full', 'pay_partial', 'pay_across'), credits: ran('credit_one', 'credit_rest', 'credit_freight'), voids: ran('void'),
      supplierInvoices: ran('sinv_exact', 'sinv_partial', 'sinv_price_within'), approvals: ran('sinv_price_beyond'), supplierPayments: ran('spay_full', 'spay_partial'),
      putaways: ran('putaway_full', 'putaway_parallel'), partialPutaways: ran('putaway_partial'), putawayAttempts: ran('putaway_short', 'putaway_too_much', 'putaway_receiving_bin', 'putaway_wrong_item') };
    expect(Object.values(coverage).every((n) => n >= 3), `the back half ran too rarely: ${JSON.stringify(totals.byCommand)}`).toBe(true);
    expect(totals.succeeded).toBeGreaterThan(totals.attempted / 2);
  }, 600_000);
});
