/**
 * The permission catalogue. Every route and operation names one of these;
 * a credential holds a set of them ('*' = every permission, for admin keys).
 * The identity issue maps roles to these; keep names `area:verb`.
 */
export const PERMISSIONS = {
  'tenant:read': 'Read the tenant settings',
  'tenant:write': 'Change the tenant settings',
  'api_keys:read': 'List API keys (never their secrets)',
  'api_keys:write': 'Create and revoke API keys',
  'audit:read': 'Read the audit log',
  'events:read': 'Read the outbox events',
  'catalog:read': 'Read items, units and cross-references',
  'catalog:write': 'Create and change items, units and cross-references',
  'partners:read': 'Read customers, ship-tos and suppliers',
  'partners:write': 'Create and change customers, ship-tos, exemptions, suppliers and tax jurisdictions',
  'pricing:read': 'Read price lists, contracts and discounts; quote prices',
  'pricing:write': 'Change price lists, contract prices and discounts',
  'inventory:read': 'Read warehouses, bins, stock, movements and available-to-promise',
  'inventory:write': 'Create warehouses and bins',
  'inventory:adjust': 'Adjust stock (with a reason and a unit cost)',
  'sales:read': 'Read sales orders',
  'sales:write': 'Create, revise, confirm, allocate and cancel sales orders',
  'sales:release_hold': 'Release a sales order from credit hold',
  'warehouse:read': 'Read pick waves and pick tasks',
  'warehouse:pick': 'Take the next pick task and confirm picks by scan',
  'warehouse:manage': 'Create, assign and cancel pick waves',
  'shipping:read': 'Read shipments and cartons',
  'shipping:write': 'Create shipments, pack cartons and confirm shipments',
  'billing:read': 'Read invoices, credit memos, payments and AR aging',
  'billing:write': 'Issue credit memos and void invoices',
  'billing:payments': 'Record customer payments and apply them to open items',
  'ledger:read': 'Read accounts, journal entries, periods and the trial balance',
  'ledger:post': 'Post manual journal entries and reversals',
  'ledger:close_period': 'Close and reopen fiscal periods',
  'ledger:accounts': 'Add, rename and deactivate accounts of the chart',
  'purchasing:read': 'Read supplier items, purchase orders, receipts and putaway tasks',
  'purchasing:write': 'Maintain supplier items and bank details; create, revise, send, close and cancel purchase orders',
  'purchasing:approve': 'Approve purchase orders (above the tenant threshold, not one\'s own)',
  'purchasing:receive': 'Receive goods against purchase orders by scan and confirm putaway tasks',
  'payables:read': 'Read supplier invoices, supplier payments and the AP aging',
  'payables:write': 'Enter supplier invoices (matched three ways) and rematch held ones',
  'payables:approve': 'Approve (release price holds) or reject held supplier invoices',
  'payables:payments': 'Record supplier payments and apply them to supplier invoices',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = '*';

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}
