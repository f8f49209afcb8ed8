/** The purchasing module's only door: supplier items and bank details, purchase orders, receipts by scan, putaway. */
export { createSupplierItem, getSupplierItemOrThrow, findSupplierItem, listSupplierItems, updateSupplierItem, setSupplierBankDetails, getSupplierBankDetailsOrThrow } from './supplier-items.service.ts';
export type { SupplierItem, SupplierItemInput, MaskedBankDetails } from './supplier-items.service.ts';
export {
  createPurchaseOrder,
  getPurchaseOrderOrThrow,
  listPurchaseOrders,
  revisePurchaseOrder,
  approvePurchaseOrder,
  sendPurchaseOrder,
  cancelPurchaseOrder,
  closePurchaseOrder,
} from './purchase-orders.service.ts';
export type { CreatePurchaseOrderInput, PurchaseOrderLineInput } from './purchase-orders.service.ts';
export type { PurchaseOrder, PurchaseOrderHeader, PurchaseOrderLine } from './purchase-orders.queries.ts';
export { postReceipt, receiptFaults, RECEIPT_STEPS } from './receipts.service.ts';
export type { PostReceiptInput, PostedReceipt } from './receipts.service.ts';
export { listPutawayTasks, nextPutawayTask, confirmPutawayTask, cancelPutawayTask, getPutawayTaskOrThrow } from './putaway.service.ts';
export type { PutawayTask } from './putaway.service.ts';
export { getPurchasingSettings, DEFAULT_APPROVAL_THRESHOLD_MINOR, DEFAULT_OVER_RECEIPT_TOLERANCE_PERCENT, DEFAULT_PRICE_TOLERANCE_PERCENT, DEFAULT_QTY_TOLERANCE_PERCENT } from './purchasing-settings.service.ts';
export type { PurchasingSettings } from './purchasing-settings.service.ts';
export { assertSamePurchaseOrder, lockPurchaseOrderHeadersInOrder, loadLines as loadPurchaseOrderLines } from './purchase-orders.queries.ts';
export type { PurchaseOrderRow, PurchaseOrderLineRow } from './purchase-orders.queries.ts';
export { PURCHASE_ORDER_STATUSES } from './rules/purchase-order.rules.ts';
export type { PurchaseOrderStatus } from './rules/purchase-order.rules.ts';
export { listOpenSupply, listActiveSupplierOffers, COMMITTED_SUPPLY_STATUSES, PLANNED_SUPPLY_STATUSES } from './open-supply.queries.ts';
export type { OpenSupplyLine, SupplierOffer } from './open-supply.queries.ts';
export { purchasingSchemas, PurchaseOrderSchema } from './purchasing.schemas.ts';
export { purchasingRoutes } from './purchasing.routes.ts';
