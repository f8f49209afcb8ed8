import { Type } from '@sinclair/typebox';
import { Uuid } from '../../platform/http/common.schema.ts';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { invariant } from '../../platform/errors.ts';
import { apAging } from './ap-aging.service.ts';
import {
  ApAgingQuery,
  ApAgingReportSchema,
  CreateSupplierInvoiceBody,
  CreateSupplierPaymentBody,
  RejectSupplierInvoiceBody,
  SupplierInvoiceHeaderSchema,
  SupplierInvoiceListQuery,
  SupplierInvoiceSchema,
  SupplierPaymentDetailSchema,
  SupplierPaymentListQuery,
  SupplierPaymentSchema,
} from './payables.schemas.ts';
import { getSupplierInvoiceOrThrow, listSupplierInvoices } from './supplier-invoices.queries.ts';
import { approveSupplierInvoice, createSupplierInvoice, rejectSupplierInvoice, rematchSupplierInvoice } from './supplier-invoices.service.ts';
import { getSupplierPaymentOrThrow, listSupplierPayments, recordSupplierPayment } from './supplier-payments.service.ts';

const tags = ['payables'];
const InvoiceParams = Type.Object({ supplierInvoiceId: Uuid });
const InvoiceRef = Type.Ref(SupplierInvoiceSchema);

export const supplierInvoiceRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/supplier-invoices',
    summary: 'Enter a supplier invoice: matched three ways and posted, or held with its reasons',
    description:
      'ONE transaction under the PO header locks. Within tenants.settings.purchasing.priceTolerancePercent (default 2) and qtyTolerancePercent (default 0) it posts: ' +
      'Dr GRNI (received value at PO price), Dr/Cr purchase price variance, Dr freight expense / Cr accounts payable, and an AP open item (event supplier_invoice.posted). ' +
      'Otherwise it is held (PRICE_VARIANCE_ABOVE_TOLERANCE, QTY_EXCEEDS_RECEIVED, NOT_RECEIVED per line; event supplier_invoice.held) and nothing posts.',
    tags,
    permission: 'payables:write',
    idempotent: true,
    documentNumber: 'supplier_invoice',
    body: CreateSupplierInvoiceBody,
    response: InvoiceRef,
    handler: async (tx, ctx, { body, documentNumber }) => {
      invariant(documentNumber, 'the create route declares documentNumber');
      return { status: 201, body: await createSupplierInvoice(tx, ctx, { ...body, invoiceNumber: documentNumber }) };
    },
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/supplier-invoices',
    summary: 'List supplier invoices (headers, oldest first)',
    tags,
    permission: 'payables:read',
    query: SupplierInvoiceListQuery,
    item: Type.Ref(SupplierInvoiceHeaderSchema),
    handler: (tx, ctx, { query, page }) => listSupplierInvoices(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/supplier-invoices/:supplierInvoiceId',
    summary: 'A supplier invoice with its lines, match result and journal entry',
    tags,
    permission: 'payables:read',
    params: InvoiceParams,
    response: InvoiceRef,
    handler: (tx, ctx, { params }) => getSupplierInvoiceOrThrow(tx, ctx, params.supplierInvoiceId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/supplier-invoices/:supplierInvoiceId/approve',
    summary: 'Approve a held supplier invoice: price holds are released (variance to PPV) and it posts',
    description: 'A quantity not yet received cannot be approved (SUPPLIER_INVOICE_QTY_NOT_RECEIVED, 409): receive it, then rematch. Audited with the holds released.',
    tags,
    permission: 'payables:approve',
    idempotent: true,
    status: 200,
    params: InvoiceParams,
    response: InvoiceRef,
    handler: (tx, ctx, { params }) => approveSupplierInvoice(tx, ctx, params.supplierInvoiceId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/supplier-invoices/:supplierInvoiceId/rematch',
    summary: 'Match a held supplier invoice again (e.g. after more receipts); it posts when it now passes',
    tags,
    permission: 'payables:write',
    idempotent: true,
    status: 200,
    params: InvoiceParams,
    response: InvoiceRef,
    handler: (tx, ctx, { params }) => rematchSupplierInvoice(tx, ctx, params.supplierInvoiceId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/supplier-invoices/:supplierInvoiceId/reject',
    summary: 'Reject a held supplier invoice, with a reason (its supplier number may be entered again)',
    tags,
    permission: 'payables:approve',
    idempotent: true,
    status: 200,
    params: InvoiceParams,
    body: RejectSupplierInvoiceBody,
    response: InvoiceRef,
    handler: (tx, ctx, { params, body }) => rejectSupplierInvoice(tx, ctx, params.supplierInvoiceId, body.reason),
  }),
];

export const supplierPaymentRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/supplier-payments',
    summary: 'Pay a supplier: Dr accounts payable / Cr cash, applied to posted supplier invoices',
    description: 'Σ applications must equal amountMinor (SUPPLIER_PAYMENT_NOT_FULLY_APPLIED); more than an invoice has open is SUPPLIER_PAYMENT_OVER_APPLIED. Partial payments are fine.',
    tags,
    permission: 'payables:payments',
    idempotent: true,
    documentNumber: 'supplier_payment',
    body: CreateSupplierPaymentBody,
    response: Type.Ref(SupplierPaymentDetailSchema),
    handler: async (tx, ctx, { body, documentNumber }) => {
      invariant(documentNumber, 'the create route declares documentNumber');
      return { status: 201, body: await recordSupplierPayment(tx, ctx, { ...body, paymentNumber: documentNumber }) };
    },
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/supplier-payments',
    summary: 'List supplier payments (oldest first)',
    tags,
    permission: 'payables:read',
    query: SupplierPaymentListQuery,
    item: Type.Ref(SupplierPaymentSchema),
    handler: (tx, ctx, { query, page }) => listSupplierPayments(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/supplier-payments/:supplierPaymentId',
    summary: 'A supplier payment with its applications',
    tags,
    permission: 'payables:read',
    params: Type.Object({ supplierPaymentId: Uuid }),
    response: Type.Ref(SupplierPaymentDetailSchema),
    handler: (tx, ctx, { params }) => getSupplierPaymentOrThrow(tx, ctx, params.supplierPaymentId),
  }),
];

export const apAgingRoutes: RouteSpec[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/reports/ap-aging',
    summary: 'Accounts payable aging',
    description: "Open supplier invoices per supplier by days past due on asOf (default: today in the tenant's time zone): current, 1–30, 31–60, 61–90, over 90. The total equals − the GL accounts payable balance.",
    tags,
    permission: 'payables:read',
    query: ApAgingQuery,
    response: Type.Ref(ApAgingReportSchema),
    handler: (tx, ctx, { query }) => apAging(tx, ctx, query),
  }),
];

export const payablesRoutes: RouteSpec[] = [...supplierInvoiceRoutes, ...supplierPaymentRoutes, ...apAgingRoutes];
