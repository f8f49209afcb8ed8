import { Type, type TSchema } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { createCreditMemo, getCreditMemoOrThrow, listCreditMemos } from './credit-memos.service.ts';
import {
  CreateCreditMemoBody,
  CreditMemoHeaderSchema,
  CreditMemoListQuery,
  CreditMemoParams,
  CreditMemoSchema,
  InvoiceHeaderSchema,
  InvoiceListQuery,
  InvoiceParams,
  InvoiceSchema,
  JournalEntryRefSchema,
  VoidInvoiceBody,
} from './invoices.schemas.ts';
import { getInvoiceOrThrow, listInvoices, voidInvoice } from './invoices.service.ts';

/** REST for invoices (/v1/invoices) and credit memos (/v1/credit-memos). Invoices are created only by ship confirmation. */

export const invoiceSchemas: TSchema[] = [JournalEntryRefSchema, InvoiceHeaderSchema, InvoiceSchema, CreditMemoHeaderSchema, CreditMemoSchema];

export const invoiceRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/invoices',
    summary: 'List invoices',
    description: 'Headers, oldest first; filter by customer, order, status and invoice date range (inclusive).',
    tags: ['billing'],
    permission: 'billing:read',
    query: InvoiceListQuery,
    item: Type.Ref(InvoiceHeaderSchema),
    handler: (tx, ctx, { query, page }) => listInvoices(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/invoices/:invoiceId',
    summary: 'Get an invoice with its lines, open amount and journal entries',
    tags: ['billing'],
    permission: 'billing:read',
    params: InvoiceParams,
    response: Type.Ref(InvoiceSchema),
    handler: (tx, ctx, { params }) => getInvoiceOrThrow(tx, ctx, params.invoiceId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/invoices/:invoiceId/void',
    summary: 'Void an invoice nothing has been applied to',
    description: 'A billing correction: the goods stay shipped. Posts the reversing entry, closes the open item, takes the total off the order\'s invoiced amount. INVOICE_NOT_VOIDABLE once a payment or credit touched it.',
    tags: ['billing'],
    permission: 'billing:write',
    idempotent: true,
    status: 200,
    params: InvoiceParams,
    body: VoidInvoiceBody,
    response: Type.Ref(InvoiceSchema),
    handler: (tx, ctx, { params, body }) => voidInvoice(tx, ctx, { invoiceId: params.invoiceId, reason: body.reason }),
  }),
];

export const creditMemoRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/credit-memos',
    summary: 'Issue a credit memo against an invoice',
    description: 'Per invoice line (qty in the invoice\'s unit, at most what is invoiced and not yet credited) and/or freight. Gapless CM- number; a negative open item. With returnToStock the goods come back at the cost they shipped at (Dr Inventory / Cr COGS) and waiting backorders are allocated from them.',
    tags: ['billing'],
    permission: 'billing:write',
    idempotent: true,
    body: CreateCreditMemoBody,
    response: Type.Ref(CreditMemoSchema),
    handler: async (tx, ctx, { body }) => ({ status: 201, body: await createCreditMemo(tx, ctx, body) }),
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/credit-memos',
    summary: 'List credit memos',
    tags: ['billing'],
    permission: 'billing:read',
    query: CreditMemoListQuery,
    item: Type.Ref(CreditMemoHeaderSchema),
    handler: (tx, ctx, { query, page }) => listCreditMemos(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/credit-memos/:creditMemoId',
    summary: 'Get a credit memo with its lines and journal entries',
    tags: ['billing'],
    permission: 'billing:read',
    params: CreditMemoParams,
    response: Type.Ref(CreditMemoSchema),
    handler: (tx, ctx, { params }) => getCreditMemoOrThrow(tx, ctx, params.creditMemoId),
  }),
];
