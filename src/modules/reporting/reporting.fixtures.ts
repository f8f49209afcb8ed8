/** Test fixtures for the books' identities. */

/** A balanced entry Dr inventory / Cr cash written as the database owner, past every service. */
export async function insertStrayInventoryEntry(admin: { query: (text: string, values: unknown[]) => Promise<unknown> }, tenantId: string, amountMinor: number): Promise<void> {
  await admin.query(
    `with e as (
       insert into journal_entries (tenant_id, entry_id, entry_date, period, source_type, source_id, description, currency, posted_at, posted_by)
       values ($1, gen_random_uuid(), current_date, to_char(current_date, 'YYYY-MM'), 'stray', 'stray', 'inventory without a movement', 'USD', now(), 'owner')
       returning tenant_id, entry_id)
     insert into journal_lines (tenant_id, entry_id, line_number, account_id, debit_minor, credit_minor, transaction_currency, transaction_amount_minor)
     select e.tenant_id, e.entry_id, x.n, a.account_id, x.debit, x.credit, 'USD', x.debit - x.credit
     from e, (values (1, 'inventory', $2::bigint, 0::bigint), (2, 'cash', 0::bigint, $2::bigint)) as x (n, role, debit, credit)
     join accounts a on a.system_role = x.role
     where a.tenant_id = $1`,
    [tenantId, amountMinor],
  );
}
