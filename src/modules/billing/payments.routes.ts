import { Type } from '@sinclair/typebox';
import { invariant } from '../../platform/errors.ts';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { applyCustomerCredit } from './cash-application.service.ts';
import {
  ApplyCustomerCreditBody,
  ApplyPaymentBody,
  CashApplicationSchema,
  CustomerParams,
  PaymentDetailSchema,
  PaymentListQuery,
  PaymentParams,
  PaymentSchema,
  RecordPaymentBody,
} from './payments.schema.ts';
import { applyPayment, getPaymentOrThrow, listPayments, recordPayment } from './payments.service.ts';

const PaymentDetailRef = Type.Ref(PaymentDetailSchema);

export const paymentRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/payments',
    summary: 'Record a customer payment',
    description:
      'One transaction: the payment, Dr cash / Cr accounts receivable for the whole amount, an unapplied-credit open item for the whole amount, ' +
      'then the applications to invoices (by openItemId or documentNumber). Errors: OPEN_ITEM_NOT_FOUND, OPEN_ITEM_CUSTOMER_MISMATCH, ' +
      'OPEN_ITEM_NOT_APPLICABLE, INVOICE_VOIDED, APPLICATION_EXCEEDS_OPEN, APPLICATION_EXCEEDS_PAYMENT, CURRENCY_NOT_SUPPORTED; nothing is written then.',
    tags: ['billing'],
    permission: 'billing:payments',
    idempotent: true,
    documentNumber: 'payment',
    body: RecordPaymentBody,
    response: PaymentDetailRef,
    handler: async (tx, ctx, { body, documentNumber }) => {
      invariant(documentNumber, 'the create route declares documentNumber');
      return { status: 201, body: await recordPayment(tx, ctx, { ...body, paymentNumber: documentNumber }) };
    },
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/payments',
    summary: 'List customer payments',
    description: 'Oldest first; filter by customer and payment date range (inclusive).',
    tags: ['billing'],
    permission: 'billing:read',
    query: PaymentListQuery,
    item: Type.Ref(PaymentSchema),
    handler: (tx, ctx, { query, page }) => listPayments(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/payments/:paymentId',
    summary: 'Get a payment with its applications and unapplied remainder',
    tags: ['billing'],
    permission: 'billing:read',
    params: PaymentParams,
    response: PaymentDetailRef,
    handler: (tx, ctx, { params }) => getPaymentOrThrow(tx, ctx, params.paymentId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/payments/:paymentId/applications',
    summary: "Apply a payment's unapplied remainder to invoices",
    description: 'Applications move AR to AR and post nothing to the ledger. APPLICATION_EXCEEDS_PAYMENT when more than the unapplied remainder is applied.',
    tags: ['billing'],
    permission: 'billing:payments',
    idempotent: true,
    params: PaymentParams,
    body: ApplyPaymentBody,
    response: PaymentDetailRef,
    handler: (tx, ctx, { params, body }) => applyPayment(tx, ctx, params.paymentId, body.applications),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/customers/:customerId/applications',
    summary: "Apply a customer's credit (credit memo, unapplied payment) to its invoices",
    description: 'APPLICATION_EXCEEDS_CREDIT (or _PAYMENT for a payment) when the targets add up to more than the credit has unapplied.',
    tags: ['billing'],
    permission: 'billing:payments',
    idempotent: true,
    params: CustomerParams,
    body: ApplyCustomerCreditBody,
    response: Type.Ref(CashApplicationSchema),
    handler: (tx, ctx, { params, body }) => applyCustomerCredit(tx, ctx, params.customerId, body),
  }),
];
