/** The billing module's only door: invoices and credit memos; payments, cash application and AR aging. */

// ── Invoices and credit memos (shipping + invoicing) ──────────────────────────────────────────
export { createInvoiceForShipment, getInvoiceOrThrow, listInvoices, voidInvoice, findInvoiceForShipment } from './invoices.service.ts';
export type { InvoiceShipmentInput, InvoiceFilter } from './invoices.service.ts';
export type { Invoice, InvoiceHeader, InvoiceLine, JournalEntryRef } from './invoices.queries.ts';
export { createCreditMemo, getCreditMemoOrThrow, listCreditMemos } from './credit-memos.service.ts';
export type { CreditMemo, CreditMemoLine, CreateCreditMemoInput } from './credit-memos.service.ts';
export { billLine, freightTaxMinor } from './rules/invoice-amounts.rules.ts';
export { invoiceRoutes, creditMemoRoutes, invoiceSchemas } from './invoices.routes.ts';
// ── end invoices and credit memos ─────────────────────────────────────────────────────────────
