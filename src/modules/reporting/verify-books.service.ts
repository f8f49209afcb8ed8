import { sql } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { formatMinor, minorFromDb } from '../../platform/money.ts';
import { verifyInventory } from '../inventory/index.ts';
import { accountBalanceSql } from '../ledger/index.ts';

/**
 * The identities that say the books agree with the operations (DESIGN §4, DOMAIN.md),
 * each with both of its sides so that a difference can be read, not just detected.
 * Read-only: run it in any transaction; it never corrects what it finds.
 */

export interface BooksIdentity {
  /** Stable name: 'inventory_value', 'accounts_receivable', 'grni', 'accounts_payable', 'journal_entries_balanced', 'stock_positions'. */
  name: string;
  description: string;
  ok: boolean;
  /** The operational side (stock ledger, open items, …) and the ledger side; minor units or counts. */
  left: { label: string; value: number };
  right: { label: string; value: number };
  /** What is wrong, one line per difference found (empty when ok). */
  problems: string[];
}

export interface BooksVerification {
  ok: boolean;
  identities: BooksIdentity[];
}

/** A limit on the problem lines listed per identity; the count is always complete. */
export const VERIFY_PROBLEMS_LISTED_MAX = 50;

export async function verifyBooks(tx: Tx, ctx: OperationContext): Promise<BooksVerification> {
  const identities: BooksIdentity[] = [];

  // Each identity's two sides are read by ONE statement, so that they come from one
  // snapshot: under READ COMMITTED two statements could straddle a posting's commit
  // and report a difference that never existed.
  const inventory = await sql<{ operational: string; ledger: string }>`
    select
      (select coalesce(sum(value_minor), 0) from stock_movements where tenant_id = ${ctx.tenantId}) as operational,
      (${accountBalanceSql(ctx.tenantId, 'inventory')}) as ledger`.execute(tx);
  identities.push(
    compare(
      'inventory_value',
      'Σ stock movement values = GL inventory balance',
      { label: 'stock ledger value', value: minorFromDb(inventory.rows[0]!.operational) },
      { label: 'GL inventory', value: minorFromDb(inventory.rows[0]!.ledger) },
    ),
  );

  const receivables = await sql<{ operational: string; ledger: string }>`
    select
      (select coalesce(sum(open_minor), 0) from receivable_open_items where tenant_id = ${ctx.tenantId}) as operational,
      (${accountBalanceSql(ctx.tenantId, 'accounts_receivable')}) as ledger`.execute(tx);
  identities.push(
    compare(
      'accounts_receivable',
      'Σ receivable open items = GL accounts receivable',
      { label: 'open items', value: minorFromDb(receivables.rows[0]!.operational) },
      { label: 'GL accounts receivable', value: minorFromDb(receivables.rows[0]!.ledger) },
    ),
  );

  // GRNI is a credit balance: what was received and not yet invoiced, at the PO cost the
  // receipt posted — Σ receipt line values less the GRNI cleared by POSTED supplier invoices
  // (held and rejected ones have posted nothing).
  const grni = await sql<{ operational: string; ledger: string }>`
    select
      (select coalesce(sum(value_minor), 0) from receipt_lines where tenant_id = ${ctx.tenantId})
      - (select coalesce(sum(l.grni_cleared_minor), 0) from supplier_invoice_lines l
           join supplier_invoices i on i.tenant_id = l.tenant_id and i.supplier_invoice_id = l.supplier_invoice_id
          where l.tenant_id = ${ctx.tenantId} and i.status = 'posted') as operational,
      (${accountBalanceSql(ctx.tenantId, 'grni')}) as ledger`.execute(tx);
  identities.push(
    compare(
      'grni',
      'Σ value received − Σ GRNI cleared by posted supplier invoices = GL GRNI (credit) balance',
      { label: 'received not invoiced', value: minorFromDb(grni.rows[0]!.operational) },
      { label: 'GL GRNI', value: 0 - minorFromDb(grni.rows[0]!.ledger) },
    ),
  );

  // Accounts payable is a credit balance: Σ open supplier items (what we owe) = − GL AP.
  const payables = await sql<{ operational: string; ledger: string }>`
    select
      (select coalesce(sum(open_minor), 0) from payable_open_items where tenant_id = ${ctx.tenantId}) as operational,
      (${accountBalanceSql(ctx.tenantId, 'accounts_payable')}) as ledger`.execute(tx);
  identities.push(
    compare(
      'accounts_payable',
      'Σ payable open items = GL accounts payable (credit) balance',
      { label: 'open supplier items', value: minorFromDb(payables.rows[0]!.operational) },
      { label: 'GL accounts payable', value: 0 - minorFromDb(payables.rows[0]!.ledger) },
    ),
  );

  // The database refuses unbalanced entries at commit; this catches rows written around it
  // (a restore, a migration run as the owner with triggers disabled).
  const unbalanced = await sql<{ entry_id: string; lines: string; difference: string }>`
    select e.entry_id, count(l.line_number) as lines, coalesce(sum(l.debit_minor - l.credit_minor), 0) as difference
    from journal_entries e
    left join journal_lines l on l.tenant_id = e.tenant_id and l.entry_id = e.entry_id
    where e.tenant_id = ${ctx.tenantId}
    group by e.entry_id
    having count(l.line_number) < 2 or coalesce(sum(l.debit_minor - l.credit_minor), 0) <> 0
    order by e.entry_id`.execute(tx);
  identities.push({
    name: 'journal_entries_balanced',
    description: 'every journal entry balances (Σ debits = Σ credits, at least two lines)',
    ok: unbalanced.rows.length === 0,
    left: { label: 'unbalanced entries', value: unbalanced.rows.length },
    right: { label: 'expected', value: 0 },
    problems: unbalanced.rows
      .slice(0, VERIFY_PROBLEMS_LISTED_MAX)
      .map((row) => `entry ${row.entry_id}: ${row.lines} lines, debits − credits = ${row.difference}`),
  });

  const stock = await verifyInventory(tx, ctx);
  identities.push({
    name: 'stock_positions',
    description: 'on hand, value and every bin = Σ movements; reserved = Σ open reservations',
    ok: stock.length === 0,
    left: { label: 'stock positions that differ', value: stock.length },
    right: { label: 'expected', value: 0 },
    problems: stock.slice(0, VERIFY_PROBLEMS_LISTED_MAX).map((problem) => `item ${problem.itemId} in warehouse ${problem.warehouseId}: ${problem.problem}`),
  });

  return { ok: identities.every((identity) => identity.ok), identities };
}

function compare(name: string, description: string, left: BooksIdentity['left'], right: BooksIdentity['right']): BooksIdentity {
  const ok = left.value === right.value;
  return { name, description, ok, left, right, problems: ok ? [] : [`${left.label} ${left.value} ≠ ${right.label} ${right.value} (difference ${left.value - right.value})`] };
}

/** Identities whose sides are money (minor units); the others count rows. */
const MONEY_IDENTITIES = new Set(['inventory_value', 'accounts_receivable', 'grni', 'accounts_payable']);

/** One line per identity, both sides shown (money in the tenant's currency): what `qm verify` prints. */
export function formatBooksVerification(result: BooksVerification, currency = 'USD'): string[] {
  const lines: string[] = [];
  for (const identity of result.identities) {
    const show = (value: number) => (MONEY_IDENTITIES.has(identity.name) ? `${formatMinor(value, currency)} ${currency}` : String(value));
    lines.push(`  ${identity.ok ? 'ok  ' : 'DIFF'} ${identity.description}: ${identity.left.label} ${show(identity.left.value)}, ${identity.right.label} ${show(identity.right.value)}`);
    for (const problem of identity.problems) lines.push(`       ${problem}`);
  }
  return lines;
}
