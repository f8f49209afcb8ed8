import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { buildApp } from '../../app.ts';
import { formatDemoRun, runDemoFlow, type DemoResult } from './index.ts';

/**
 * `qm demo` against the test database: the demo tenant is seeded by the run itself (as on a
 * fresh data directory), every scenario the issue names shows in the trail, the books agree,
 * and a second run on the same tenant works too (new orders; stock found or replenished).
 */

const testDb = useTestDatabase();
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ db: testDb().db });
});
afterAll(async () => {
  await app?.close();
});

/** GS1 mod-10: weights 3, 1, 3, … from the rightmost data digit. */
function gs1CheckDigitOk(code: string): boolean {
  const digits = [...code].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((total, digit, index) => total + digit * (index % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

function expectEveryScenario(result: DemoResult): void {
  const { run, books } = result;
  const by = (scenario: string) => run.orders.find((trail) => trail.scenario === scenario)!;

  const hold = by('credit hold released');
  expect(hold.atConfirm.status).toBe('on_hold');
  expect(hold.atConfirm.holdReasons).toContain('past_due');
  expect(hold.afterRelease?.creditStatus).toBe('released');
  expect(hold.final.status).toBe('shipped');

  const backorder = by('backorder released');
  expect(backorder.atConfirm.lines.some((line) => Number(line.qtyBackordered) > 0)).toBe(true);
  expect(backorder.arrivals.reduce((sum, arrival) => sum + Number(arrival.releasedQty), 0)).toBeGreaterThan(0);
  expect(backorder.allocated.lines.every((line) => Number(line.qtyBackordered) === 0)).toBe(true);
  expect(backorder.final.status).toBe('shipped');

  const split = by('split across warehouses');
  expect(split.shipments).toHaveLength(2);
  expect(new Set(split.shipments.map((shipment) => shipment.warehouseCode)).size).toBe(2);
  expect(split.shipments.map((shipment) => shipment.shipment.freightSource).sort()).toEqual(['computed', 'entered']);

  const short = by('short pick');
  const shortPick = short.picks.find((pick) => Number(pick.qtyShort) > 0)!;
  expect(shortPick).toBeDefined();
  expect(shortPick.continuations > 0 || Number(shortPick.backorderedQty) > 0).toBe(true);
  expect(short.final.status).toBe('shipped');
  expect(short.final.lines.every((line) => line.qtyShipped === line.qtyBase || Number(line.qtyShipped) === Number(line.qtyBase))).toBe(true);

  // A wave across several orders, picked by following the queue.
  expect(run.waves.some((wave) => wave.orderNumbers.length >= 3)).toBe(true);

  const cartons = run.orders.flatMap((trail) => trail.shipments.flatMap((shipment) => shipment.shipment.cartons));
  expect(cartons.length).toBeGreaterThanOrEqual(run.orders.length);
  for (const carton of cartons) {
    expect(carton.sscc).toMatch(/^[0-9]{18}$/);
    expect(gs1CheckDigitOk(carton.sscc)).toBe(true);
  }
  for (const trail of run.orders) {
    for (const shipment of trail.shipments) {
      const lines = [shipment.costEntry!, ...shipment.invoiceEntries].flatMap((entry) => entry.lines);
      expect(lines.reduce((sum, line) => sum + line.debitMinor - line.creditMinor, 0)).toBe(0);
      expect(shipment.invoice.invoiceNumber).toMatch(/^INV-/);
    }
  }

  const partial = run.orders.flatMap((trail) => trail.payments).find((payment) => payment.kind === 'partial')!;
  expect(partial.payment.appliedMinor).toBeGreaterThan(0);
  expect(partial.openAfterMinor).toBeGreaterThan(0);
  const full = run.orders.flatMap((trail) => trail.payments).find((payment) => payment.kind === 'full')!;
  expect(full.openAfterMinor).toBe(0);

  expect(books.ok).toBe(true);
  expect(books.identities.every((identity) => identity.ok)).toBe(true);
}

describe('qm demo flow', () => {
  it('seeds the demo tenant, runs every scenario through the API, and the books agree; a second run works too', async () => {
    const first = await runDemoFlow(testDb().db, app);
    expect(first.run.seeded).toBe(true);
    expectEveryScenario(first);
    const text = formatDemoRun(first.run, first.books).join('\n');
    expect(text).toContain('SHORT');
    expect(text).toContain('hold released');
    expect(text).toMatch(/SSCC \d{18}/);
    expect(text).toContain('qm verify: ok');

    const second = await runDemoFlow(testDb().db, app);
    expect(second.run.seeded).toBe(false);
    expectEveryScenario(second);
    const firstNumbers = new Set(first.run.orders.map((trail) => trail.final.orderNumber));
    expect(second.run.orders.some((trail) => firstNumbers.has(trail.final.orderNumber))).toBe(false);
  }, 240_000);
});
