import { Dec } from '../../platform/money.ts';
import type { DemoApi } from './demo-api.client.ts';
import type {
  ApiCreatedWave,
  ApiInvoice,
  ApiItem,
  ApiJournalEntry,
  ApiOrder,
  ApiPickConfirmation,
  ApiPickTask,
  ApiShipment,
  DemoRun,
  OrderTrail,
} from './demo-trail.types.ts';

/**
 * Waves, picking by scan and shipping for a set of the demo's orders, all through the API:
 * one wave per warehouse across the orders, tasks followed from GET /v1/pick-tasks/next and
 * confirmed by scanning bin and item, then a shipment per (order, warehouse) with a carton
 * per line (each with its SSCC-18), packed by line and confirmed with carrier, service and
 * tracking — the one transaction that issues stock, invoices and posts.
 */

export interface FulfilmentState {
  api: DemoApi;
  /** The run's API key as an actor: waves are assigned to it, so its queue holds only the demo's tasks. */
  actor: string;
  run: DemoRun;
  trails: Map<string, OrderTrail>;
  /** The order line whose first pick is confirmed short (half of it, `short: true`). */
  shortPick: { orderId: string; lineId: string; done: boolean } | null;
  /** The (order, warehouse) whose shipment is confirmed with an entered freight charge. */
  enteredFreight: { orderId: string; warehouseId: string; freightMinor: number } | null;
  /** Picked and not yet shipped, per order → warehouse → line (stocking units). */
  packable: Map<string, Map<string, Map<string, Dec>>>;
}

const CARRIERS: Record<string, { carrier: string; service: string }> = {
  DAL: { carrier: 'UPS', service: 'GROUND' },
  HOU: { carrier: 'FEDEX', service: 'FEDEX_GROUND' },
  OKC: { carrier: 'UPS', service: '2ND_DAY_AIR' },
};

/** Waves, picks and ships every open reservation of the orders; each order's trail grows. */
export async function fulfilOrders(state: FulfilmentState, orderIds: string[]): Promise<void> {
  const byWarehouse = new Map<string, string[]>();
  for (const orderId of orderIds) {
    const order = await state.api.get<ApiOrder>(`/v1/sales-orders/${orderId}`);
    const warehouses = new Set(order.lines.flatMap((line) => line.reservations.filter((r) => new Dec(r.qty).gt(0)).map((r) => r.warehouseId)));
    for (const warehouseId of warehouses) byWarehouse.set(warehouseId, [...(byWarehouse.get(warehouseId) ?? []), orderId]);
  }
  const warehouseOrder = [...byWarehouse.keys()].sort((a, b) => codeOf(state, a).localeCompare(codeOf(state, b)));
  for (const warehouseId of warehouseOrder) {
    const waveOrderIds = byWarehouse.get(warehouseId)!;
    const wave = await state.api.post<ApiCreatedWave>('/v1/waves', { warehouseId, orderIds: waveOrderIds, assignTo: state.actor }, { idempotent: true });
    if (wave.unplaced.length > 0) throw new Error(`invariant failed: wave ${wave.waveNumber} left stock without a bin unplaced`);
    state.run.waves.push({
      waveNumber: wave.waveNumber,
      warehouseCode: codeOf(state, warehouseId),
      orderNumbers: [...new Set(wave.tasks.map((task) => task.orderNumber))],
      tasks: wave.tasks.length,
    });
    await pickWave(state, warehouseId, wave);
  }
  for (const orderId of orderIds) {
    for (const [warehouseId, lines] of state.packable.get(orderId) ?? new Map<string, Map<string, Dec>>()) {
      const toShip = [...lines].filter(([, qty]) => qty.gt(0));
      if (toShip.length === 0) continue;
      await shipFromWarehouse(state, orderId, warehouseId, toShip);
      state.packable.get(orderId)!.delete(warehouseId);
    }
  }
}

/** The associate's walk: ask for the next task, scan the bin and the item, confirm. */
async function pickWave(state: FulfilmentState, warehouseId: string, wave: ApiCreatedWave): Promise<void> {
  const open = new Set(wave.tasks.map((task) => task.taskId));
  // Bounded: every confirmation closes a task or shrinks it; continuations of short picks add a few.
  for (let step = 0; open.size > 0; step++) {
    if (step > wave.tasks.length * 4 + 10) throw new Error(`invariant failed: wave ${wave.waveNumber} does not finish`);
    const next = await state.api.get<{ task: ApiPickTask | null }>('/v1/pick-tasks/next', { warehouseId });
    const task = next.task;
    // The queue is the run's own key's: only the waves it made are in it. Anything else would be
    // somebody else's unassigned work, which the demo must not claim.
    if (!task || !open.has(task.taskId)) throw new Error(`invariant failed: the pick queue did not return the demo's task (wave ${wave.waveNumber})`);
    const remaining = new Dec(task.qtyRemaining);
    const short = state.shortPick !== null && !state.shortPick.done && task.orderId === state.shortPick.orderId && task.lineId === state.shortPick.lineId && remaining.gte(2);
    const qty = short ? remaining.div(2).floor() : remaining;
    const scanned = task.gtin ?? task.sku;
    const confirmed = await state.api.post<ApiPickConfirmation>(
      `/v1/pick-tasks/${task.taskId}/confirm`,
      { binScan: task.binCode, itemScan: scanned, qty: qty.toString(), ...(short ? { short: true } : {}) },
      { idempotent: true },
    );
    if (short) state.shortPick!.done = true;
    const picked = new Dec(confirmed.task.qtyPicked).minus(task.qtyPicked);
    addPackable(state, task.orderId, warehouseId, task.lineId, picked);
    if (confirmed.task.status !== 'open') open.delete(task.taskId);
    for (const continuation of confirmed.continuations) open.add(continuation.taskId);
    state.trails.get(task.orderId)?.picks.push({
      waveNumber: task.waveNumber,
      warehouseCode: codeOf(state, warehouseId),
      binCode: task.binCode,
      pickSequence: task.pickSequence,
      sku: task.sku,
      scanned,
      qtyPicked: picked.toString(),
      qtyShort: confirmed.task.qtyShort,
      continuations: confirmed.continuations.length,
      backorderedQty: confirmed.backorderedQty,
    });
  }
}

function addPackable(state: FulfilmentState, orderId: string, warehouseId: string, lineId: string, qty: Dec): void {
  const byWarehouse = state.packable.get(orderId) ?? new Map<string, Map<string, Dec>>();
  const lines = byWarehouse.get(warehouseId) ?? new Map<string, Dec>();
  lines.set(lineId, (lines.get(lineId) ?? new Dec(0)).plus(qty));
  byWarehouse.set(warehouseId, lines);
  state.packable.set(orderId, byWarehouse);
}

async function shipFromWarehouse(state: FulfilmentState, orderId: string, warehouseId: string, lines: Array<[string, Dec]>): Promise<void> {
  const { api } = state;
  const order = await api.get<ApiOrder>(`/v1/sales-orders/${orderId}`);
  const opened = await api.post<ApiShipment>('/v1/shipments', { orderId, warehouseId }, { idempotent: true });
  for (const [lineId, qty] of lines) {
    const line = order.lines.find((candidate) => candidate.lineId === lineId)!;
    const carton = await api.post<{ cartonId: string }>(`/v1/shipments/${opened.shipmentId}/cartons`, { weightKg: cartonWeightKg(state.run.items.get(line.itemId), qty) }, { idempotent: true });
    await api.post(`/v1/cartons/${carton.cartonId}/lines`, { lineId, qty: qty.toString() });
  }
  const code = codeOf(state, warehouseId);
  const entered = state.enteredFreight && state.enteredFreight.orderId === orderId && state.enteredFreight.warehouseId === warehouseId ? state.enteredFreight.freightMinor : undefined;
  const { carrier, service } = CARRIERS[code] ?? { carrier: 'UPS', service: 'GROUND' };
  await api.post(
    `/v1/shipments/${opened.shipmentId}/confirm`,
    { carrier, service, trackingNumber: trackingNumberFor(carrier, opened.shipmentNumber), ...(entered !== undefined ? { freightMinor: entered } : {}) },
    { idempotent: true },
  );
  const shipment = await api.get<ApiShipment>(`/v1/shipments/${opened.shipmentId}`);
  if (!shipment.invoice) throw new Error(`invariant failed: shipment ${shipment.shipmentNumber} was confirmed without an invoice`);
  const invoice = await api.get<ApiInvoice>(`/v1/invoices/${shipment.invoice.invoiceId}`);
  const costEntries = await entriesOf(api, 'shipment', shipment.shipmentId);
  const invoiceEntries = await Promise.all(invoice.journalEntries.map((entry) => api.get<ApiJournalEntry>(`/v1/journal-entries/${entry.entryId}`)));
  state.trails.get(orderId)!.shipments.push({ shipment, warehouseCode: code, costEntry: costEntries[0] ?? null, invoice, invoiceEntries });
}

/** The journal entries a document posted, with their lines. */
export async function entriesOf(api: DemoApi, sourceType: string, sourceId: string): Promise<ApiJournalEntry[]> {
  const summaries = await api.list<{ entryId: string }>('/v1/journal-entries', { sourceType, sourceId });
  return Promise.all(summaries.map((entry) => api.get<ApiJournalEntry>(`/v1/journal-entries/${entry.entryId}`)));
}

/** Σ item weight × qty, three decimals; an item without a weight counts half a kilo (a carton is never weightless). */
function cartonWeightKg(item: ApiItem | undefined, qty: Dec): string {
  const weight = item?.weightKg ? new Dec(item.weightKg).times(qty) : new Dec(0);
  return (weight.gt(0) ? weight : new Dec('0.5')).toFixed(3);
}

/** A carrier-looking tracking number derived from the shipment number (the demo buys no labels). */
function trackingNumberFor(carrier: string, shipmentNumber: string): string {
  const digits = shipmentNumber.replace(/\D/g, '').padStart(8, '0');
  return carrier === 'UPS' ? `1ZDEMO03${digits}` : `7712${digits}`;
}

function codeOf(state: FulfilmentState, warehouseId: string): string {
  return state.run.warehouses.get(warehouseId) ?? warehouseId;
}
