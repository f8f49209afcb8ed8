/** The payables module's only door: supplier invoices matched three ways, the AP subledger, supplier payments, AP aging. */
export { createSupplierInvoice, approveSupplierInvoice, rematchSupplierInvoice, rejectSupplierInvoice, SUPPLIER_INVOICE_LINES_MAX } from './supplier-invoices.service.ts';
export type { CreateSupplierInvoiceInput, SupplierInvoiceLineInput } from './supplier-invoices.service.ts';
export { getSupplierInvoiceOrThrow, listSupplierInvoices, SUPPLIER_INVOICE_STATUSES } from './supplier-invoices.queries.ts';
export type { SupplierInvoice, SupplierInvoiceHeader, SupplierInvoiceLine, SupplierInvoiceStatus, SupplierInvoiceFilter } from './supplier-invoices.queries.ts';
export { matchInvoiceLine, HOLD_CODES, QTY_HOLD_CODES } from './rules/three-way-match.rules.ts';
export type { HoldCode, MatchHold, MatchLineInput, MatchLineResult } from './rules/three-way-match.rules.ts';
export { recordSupplierPayment, getSupplierPaymentOrThrow, listSupplierPayments } from './supplier-payments.service.ts';
export type { RecordSupplierPaymentInput, SupplierPayment, SupplierPaymentDetail, SupplierPaymentApplication } from './supplier-payments.service.ts';
export { apAging } from './ap-aging.service.ts';
export type { ApAgingReport, ApAgingAmounts, ApAgingSupplierRow } from './ap-aging.service.ts';
export { payablesSchemas } from './payables.schemas.ts';
export { payablesRoutes } from './payables.routes.ts';
