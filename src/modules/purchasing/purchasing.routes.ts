import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { Uuid } from '../../platform/http/common.schema.ts';
import { expectedRevision, withEtag } from '../../platform/http/revision.ts';
import { invariant } from '../../platform/errors.ts';
import {
  approvePurchaseOrder,
  cancelPurchaseOrder,
  closePurchaseOrder,
  createPurchaseOrder,
  getPurchaseOrderOrThrow,
  listPurchaseOrders,
  revisePurchaseOrder,
  sendPurchaseOrder,
} from './purchase-orders.service.ts';
import {
  CancelPutawayBody,
  ConfirmPutawayBody,
  CreatePurchaseOrderBody,
  CreateReceiptBody,
  CreateSupplierItemBody,
  PurchaseOrderHeaderSchema,
  PurchaseOrderListQuery,
  PurchaseOrderSchema,
  PutawayTaskSchema,
  ReceiptSchema,
  RevisePurchaseOrderBody,
  SupplierBankDetailsBody,
  SupplierBankDetailsSchema,
  SupplierItemSchema,
  UpdateSupplierItemBody,
} from './purchasing.schemas.ts';
import { cancelPutawayTask, confirmPutawayTask, listPutawayTasks, nextPutawayTask } from './putaway.service.ts';
import { postReceipt } from './receipts.service.ts';
import { createSupplierItem, getSupplierBankDetailsOrThrow, listSupplierItems, setSupplierBankDetails, updateSupplierItem } from './supplier-items.service.ts';

const tags = ['purchasing'];
const SupplierParams = Type.Object({ supplierId: Uuid });
const SupplierItemParams = Type.Object({ supplierId: Uuid, itemId: Uuid });
const PoParams = Type.Object({ purchaseOrderId: Uuid });
const PoRef = Type.Ref(PurchaseOrderSchema);

export const supplierItemRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/suppliers/:supplierId/items',
    summary: 'Record an item the supplier sells: part number, cost, lead time, minimum and pack size',
    tags,
    permission: 'purchasing:write',
    idempotent: true,
    params: SupplierParams,
    body: CreateSupplierItemBody,
    response: Type.Ref(SupplierItemSchema),
    handler: async (tx, ctx, { params, body }) => ({ status: 201, ...withEtag(await createSupplierItem(tx, ctx, params.supplierId, body)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/suppliers/:supplierId/items',
    summary: 'The supplier\'s items, by part number',
    tags,
    permission: 'purchasing:read',
    params: SupplierParams,
    query: Type.Object({ active: Type.Optional(Type.Boolean()) }),
    response: Type.Object({ data: Type.Array(Type.Ref(SupplierItemSchema)) }),
    handler: async (tx, ctx, { params, query }) => ({ data: await listSupplierItems(tx, ctx, params.supplierId, query) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/suppliers/:supplierId/items/:itemId',
    summary: 'Change a supplier item (If-Match)',
    tags,
    permission: 'purchasing:write',
    params: SupplierItemParams,
    body: UpdateSupplierItemBody,
    response: Type.Ref(SupplierItemSchema),
    handler: async (tx, ctx, { params, body, headers }) =>
      withEtag(await updateSupplierItem(tx, ctx, { ...params, ...body, expectedRevision: expectedRevision(headers['if-match']) })),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/suppliers/:supplierId/bank-details',
    summary: 'Set the supplier\'s bank details (sealed with the tenant key; read back masked)',
    tags,
    permission: 'purchasing:write',
    params: SupplierParams,
    body: SupplierBankDetailsBody,
    response: Type.Ref(SupplierBankDetailsSchema),
    handler: (tx, ctx, { params, body }) => setSupplierBankDetails(tx, ctx, params.supplierId, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/suppliers/:supplierId/bank-details',
    summary: 'The supplier\'s bank details, masked',
    tags,
    permission: 'purchasing:read',
    params: SupplierParams,
    response: Type.Ref(SupplierBankDetailsSchema),
    handler: (tx, ctx, { params }) => getSupplierBankDetailsOrThrow(tx, ctx, params.supplierId),
  }),
];

function poAction(path: string, summary: string, permission: 'purchasing:write' | 'purchasing:approve', run: typeof approvePurchaseOrder, description?: string): RouteSpec {
  return defineRoute({
    method: 'POST',
    path: `/v1/purchase-orders/:purchaseOrderId/${path}`,
    summary,
    ...(description ? { description } : {}),
    tags,
    permission,
    idempotent: true,
    status: 200,
    params: PoParams,
    response: PoRef,
    handler: async (tx, ctx, { params }) => withEtag(await run(tx, ctx, { purchaseOrderId: params.purchaseOrderId })),
  });
}

export const purchaseOrderRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/purchase-orders',
    summary: 'Create a purchase order (draft)',
    description: 'Unit costs default to the supplier item\'s cost. In the tenant\'s functional currency only.',
    tags,
    permission: 'purchasing:write',
    idempotent: true,
    documentNumber: 'purchase_order',
    body: CreatePurchaseOrderBody,
    response: PoRef,
    handler: async (tx, ctx, { body, documentNumber }) => {
      invariant(documentNumber, 'the create route declares documentNumber');
      return { status: 201, ...withEtag(await createPurchaseOrder(tx, ctx, { ...body, poNumber: documentNumber })) };
    },
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/purchase-orders',
    summary: 'List purchase orders (headers, oldest first)',
    tags,
    permission: 'purchasing:read',
    query: PurchaseOrderListQuery,
    item: Type.Ref(PurchaseOrderHeaderSchema),
    handler: (tx, ctx, { query, page }) => listPurchaseOrders(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/purchase-orders/:purchaseOrderId',
    summary: 'A purchase order with its lines',
    tags,
    permission: 'purchasing:read',
    params: PoParams,
    response: PoRef,
    handler: async (tx, ctx, { params }) => withEtag(await getPurchaseOrderOrThrow(tx, ctx, params.purchaseOrderId)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/purchase-orders/:purchaseOrderId/revisions',
    summary: 'Revise a draft or approved purchase order (If-Match); an approved order goes back to draft',
    tags,
    permission: 'purchasing:write',
    status: 200,
    params: PoParams,
    body: RevisePurchaseOrderBody,
    response: PoRef,
    handler: async (tx, ctx, { params, body, headers }) =>
      withEtag(await revisePurchaseOrder(tx, ctx, { purchaseOrderId: params.purchaseOrderId, expectedRevision: expectedRevision(headers['if-match']), ...body })),
  }),
  poAction('approve', 'Approve a draft purchase order', 'purchasing:approve', approvePurchaseOrder, 'Above tenants.settings.purchasing.approvalThresholdMinor the approver must not be the creator (PO_APPROVER_IS_CREATOR, 403).'),
  poAction('send', 'Send an approved purchase order to the supplier (event purchase_order.sent)', 'purchasing:write', sendPurchaseOrder),
  poAction('close', 'Close a purchase order: what has not arrived is no longer expected', 'purchasing:write', closePurchaseOrder),
  poAction('cancel', 'Cancel a purchase order nothing was received against', 'purchasing:write', cancelPurchaseOrder),
];

export const receivingRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/receipts',
    summary: 'Receive goods against a purchase order by scan',
    description:
      'ONE transaction: stock into the receiving bin at the PO cost (Dr Inventory / Cr GRNI), the PO lines and status, backorders of the items ' +
      'released oldest first, putaway tasks, events receipt.posted. Over-receipt beyond tenants.settings.purchasing.overReceiptTolerancePercent (default 0) is refused.',
    tags,
    permission: 'purchasing:receive',
    idempotent: true,
    documentNumber: 'receipt',
    body: CreateReceiptBody,
    response: Type.Ref(ReceiptSchema),
    handler: async (tx, ctx, { body, documentNumber }) => {
      invariant(documentNumber, 'the create route declares documentNumber');
      return { status: 201, body: await postReceipt(tx, ctx, { ...body, receiptNumber: documentNumber }) };
    },
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/putaway-tasks',
    summary: 'List putaway tasks',
    tags,
    permission: 'purchasing:read',
    query: Type.Object({
      warehouseId: Type.Optional(Uuid),
      receiptId: Type.Optional(Uuid),
      itemId: Type.Optional(Uuid),
      status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done'), Type.Literal('cancelled')])),
      assignedTo: Type.Optional(Type.String({ maxLength: 100 })),
    }),
    item: Type.Ref(PutawayTaskSchema),
    handler: (tx, ctx, { query, page }) => listPutawayTasks(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/putaway-tasks/next',
    summary: 'My next putaway task (claims the oldest unassigned one when I have none)',
    tags,
    permission: 'purchasing:receive',
    query: Type.Object({ warehouseId: Type.Optional(Uuid) }),
    response: Type.Object({ task: Type.Union([Type.Ref(PutawayTaskSchema), Type.Null()]) }),
    handler: async (tx, ctx, { query }) => ({ task: await nextPutawayTask(tx, ctx, query) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/putaway-tasks/:taskId/confirm',
    summary: 'Confirm a putaway by scanning the storage bin and the item',
    tags,
    permission: 'purchasing:receive',
    idempotent: true,
    status: 200,
    params: Type.Object({ taskId: Uuid }),
    body: ConfirmPutawayBody,
    response: Type.Ref(PutawayTaskSchema),
    handler: (tx, ctx, { params, body }) => confirmPutawayTask(tx, ctx, { taskId: params.taskId, ...body }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/putaway-tasks/:taskId/cancel',
    summary: 'Cancel the open remainder of a putaway task (qtyPutAway is kept; nothing moves)',
    description: 'For a task whose from-bin no longer holds its remainder (fromBinShort). Audited; event putaway_task.cancelled. Errors: PUTAWAY_TASK_NOT_FOUND, PUTAWAY_TASK_NOT_OPEN.',
    tags,
    permission: 'purchasing:receive',
    idempotent: true,
    status: 200,
    params: Type.Object({ taskId: Uuid }),
    body: CancelPutawayBody,
    response: Type.Ref(PutawayTaskSchema),
    handler: (tx, ctx, { params, body }) => cancelPutawayTask(tx, ctx, { taskId: params.taskId, reason: body.reason }),
  }),
];

export const purchasingRoutes: RouteSpec[] = [...supplierItemRoutes, ...purchaseOrderRoutes, ...receivingRoutes];
