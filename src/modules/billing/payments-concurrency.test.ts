import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant } from '../../../test/support/tenants.ts';
import { fixedClock } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { applyCustomerCredit, applyPayment, recordPayment } from './index.ts';
import { arIdentity, inTenant, newCustomer, openItem, openMinorOf, paymentNumber, type BillingWorld } from './payments.fixtures.ts';

/**
 * Payments race for the same invoices on real parallel connections (each withTenant call takes
 * its own pooled connection). The open items are locked in open_item_id order, so the
 * transactions run one after another on the rows they share: no over-application, no deadlock,
 * and no 40P01/40001 reaches a caller (withTenant would retry one; none should happen).
 */

const clock = fixedClock('2026-12-10T15:00:00Z');
const testDb = useTestDatabase();
let world: BillingWorld;

beforeAll(async () => {
  const tenant = await createTestTenant(testDb().db);
  world = { db: testDb().db, admin: testDb().admin, tenantId: tenant.tenantId, timeZone: 'UTC', clock };
});

type Outcome = { ok: true } | { ok: false; code: string };
async function outcome(promise: Promise<unknown>): Promise<Outcome> {
  try {
    await promise;
    return { ok: true };
  } catch (error) {
    // Anything but a business refusal (a deadlock, a serialization failure, a bug) fails the test.
    if (error instanceof AppError) return { ok: false, code: error.code };
    throw error;
  }
}

async function appliedTo(openItemId: string): Promise<number> {
  const { rows } = await testDb().admin.query('select coalesce(sum(amount_minor), 0)::bigint as s from payment_applications where open_item_id = $1', [openItemId]);
  return Number(rows[0].s);
}

describe('concurrent payments', () => {
  it('never over-apply one invoice: 12 payments of 1,000 race for 5,000 open', async () => {
    const customer = await newCustomer(world);
    const invoice = await openItem(world, customer.customerId, { amountMinor: 5_000 });
    const numbers = await Promise.all(Array.from({ length: 12 }, () => paymentNumber(world)));
    const outcomes = await Promise.all(
      numbers.map((number) =>
        outcome(
          inTenant(world, (tx, ctx) =>
            recordPayment(tx, ctx, { paymentNumber: number, customerId: customer.customerId, amountMinor: 1_000, method: 'ach', applications: [{ openItemId: invoice.openItemId, amountMinor: 1_000 }] }),
          ),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(5);
    expect(outcomes.filter((o) => !o.ok)).toEqual(Array.from({ length: 7 }, () => ({ ok: false, code: 'APPLICATION_EXCEEDS_OPEN' })));
    expect(await openMinorOf(world, invoice.openItemId)).toBe(0);
    expect(await appliedTo(invoice.openItemId)).toBe(5_000);
    const { openItemsMinor, glArMinor } = await arIdentity(world);
    expect(openItemsMinor).toBe(glArMinor);
  });

  it('apply crossing sets of invoices in opposite orders without deadlock or over-application', async () => {
    const customer = await newCustomer(world);
    const invoices = await Promise.all([1, 2, 3, 4].map(() => openItem(world, customer.customerId, { amountMinor: 3_000 })));
    // Unapplied payments first, then every application at once: each names all four invoices, half in reverse order.
    const payments = [];
    for (let index = 0; index < 10; index++) {
      const number = await paymentNumber(world);
      payments.push(await inTenant(world, (tx, ctx) => recordPayment(tx, ctx, { paymentNumber: number, customerId: customer.customerId, amountMinor: 2_000, method: 'wire' })));
    }
    const outcomes = await Promise.all(
      payments.map((payment, index) => {
        const order = index % 2 === 0 ? invoices : [...invoices].reverse();
        const targets = order.map((invoice) => ({ openItemId: invoice.openItemId, amountMinor: 500 }));
        // Half through the payment route, half through the customer route: both lock the same rows.
        return outcome(
          inTenant(world, async (tx, ctx) => {
            if (index % 4 < 2) await applyPayment(tx, ctx, payment.paymentId, targets);
            else await applyCustomerCredit(tx, ctx, customer.customerId, { sourceOpenItemId: payment.openItemId, targets });
          }),
        );
      }),
    );
    // 4 invoices × 3,000 = 12,000 open; each success takes 2,000: six succeed, the rest find too little open.
    expect(outcomes.filter((o) => o.ok)).toHaveLength(6);
    for (const o of outcomes) if (!o.ok) expect(o.code).toBe('APPLICATION_EXCEEDS_OPEN');
    for (const invoice of invoices) {
      expect(await openMinorOf(world, invoice.openItemId)).toBe(0);
      expect(await appliedTo(invoice.openItemId)).toBe(3_000);
    }
    // Σ applied per payment never exceeds its amount, and every payment item stays within [−amount, 0].
    for (const payment of payments) {
      const open = await openMinorOf(world, payment.openItemId);
      expect(open === 0 || open === -2_000).toBe(true);
    }
    const { openItemsMinor, glArMinor } = await arIdentity(world);
    expect(openItemsMinor).toBe(glArMinor);
  });

  it('one payment applied twice at once never applies more than the payment', async () => {
    const customer = await newCustomer(world);
    const a = await openItem(world, customer.customerId, { amountMinor: 5_000 });
    const b = await openItem(world, customer.customerId, { amountMinor: 5_000 });
    const number = await paymentNumber(world);
    const payment = await inTenant(world, (tx, ctx) => recordPayment(tx, ctx, { paymentNumber: number, customerId: customer.customerId, amountMinor: 3_000, method: 'check' }));
    const outcomes = await Promise.all(
      [a, b, a, b].map((invoice) => outcome(inTenant(world, (tx, ctx) => applyPayment(tx, ctx, payment.paymentId, [{ openItemId: invoice.openItemId, amountMinor: 2_000 }])))),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const o of outcomes) if (!o.ok) expect(o.code).toBe('APPLICATION_EXCEEDS_PAYMENT');
    expect(await openMinorOf(world, payment.openItemId)).toBe(-1_000);
    expect((await appliedTo(a.openItemId)) + (await appliedTo(b.openItemId))).toBe(2_000);
  });
});
