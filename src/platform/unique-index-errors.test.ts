import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { translateDatabaseError } from './errors.ts';

/**
 * Two requests can race past a service's duplicate check (e.g. two supplier invoices with one
 * supplier number on unrelated purchase orders: nothing locks them against each other); the
 * unique index then refuses the second, and it must get the code the check gives, not CONFLICT.
 */
const testDb = useTestDatabase();

const MAPPED = [
  ['supplier_invoices_supplier_number', 'SUPPLIER_INVOICE_DUPLICATE'],
  ['supplier_items_part_number', 'SUPPLIER_PART_NUMBER_TAKEN'],
] as const;

describe('a unique index refusing a request that raced past the service check', () => {
  it.each(MAPPED)('%s → %s', async (index, code) => {
    const { rows } = await testDb().admin.query('select indexdef from pg_indexes where indexname = $1', [index]);
    expect(rows[0]?.indexdef).toMatch(/CREATE UNIQUE INDEX/);
    const error = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505', constraint: index });
    expect(translateDatabaseError(error)?.code).toBe(code);
  });

  it('any other unique violation stays a generic CONFLICT', () => {
    const error = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'invoices_tenant_id_invoice_number_key' });
    expect(translateDatabaseError(error)?.code).toBe('CONFLICT');
  });
});
