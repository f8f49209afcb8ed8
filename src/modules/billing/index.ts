/** The billing module's only door: invoices and credit memos; payments, cash application and AR aging. */

// ── Payments, cash application, AR aging (billing/payments*, cash-application*, ar-aging*) ──
export { recordPayment, applyPayment, getPaymentOrThrow, listPayments, PAYMENT_METHODS } from './payments.service.ts';
export type { Payment, PaymentDetail, PaymentApplication, PaymentMethod, RecordPaymentInput, PaymentListFilter } from './payments.service.ts';
export { applyCreditToDebits, applyCustomerCredit } from './cash-application.service.ts';
export type { ApplicationTargetInput, AppliedApplication, ApplyCreditInput } from './cash-application.service.ts';
export { arAging } from './ar-aging.service.ts';
export type { ArAgingReport, AgingAmounts, AgingCustomerRow } from './ar-aging.service.ts';
export { agingBucket, agingColumn, AGING_BUCKETS } from './rules/ar-aging-buckets.ts';
export type { AgingBucket, AgingColumn } from './rules/ar-aging-buckets.ts';
export { paymentSchemas } from './payments.schema.ts';
import type { RouteSpec } from '../../platform/http/define-route.ts';
import { arAgingRoutes } from './ar-aging.routes.ts';
import { paymentRoutes } from './payments.routes.ts';
export const paymentsRoutes: RouteSpec[] = [...paymentRoutes, ...arAgingRoutes];
// ── end payments ──
// ── Invoices and credit memos (shipping + invoicing) ──────────────────────────────────────────
export { createInvoiceForShipment, getInvoiceOrThrow, listInvoices, voidInvoice, findInvoiceForShipment } from './invoices.service.ts';
export type { InvoiceShipmentInput, InvoiceFilter } from './invoices.service.ts';
export type { Invoice, InvoiceHeader, InvoiceLine, JournalEntryRef } from './invoices.queries.ts';
export { createCreditMemo, getCreditMemoOrThrow, listCreditMemos } from './credit-memos.service.ts';
export type { CreditMemo, CreditMemoLine, CreateCreditMemoInput } from './credit-memos.service.ts';
export { billLine, freightTaxMinor } from './rules/invoice-amounts.rules.ts';
export { invoiceRoutes, creditMemoRoutes, invoiceSchemas } from './invoices.routes.ts';
// ── end invoices and credit memos ─────────────────────────────────────────────────────────────
