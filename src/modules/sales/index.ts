/** The sales module's only door: orders, credit check, allocation, backorders, and their routes. */
export { createSalesOrder, getSalesOrderOrThrow, listSalesOrders, cancelSalesOrder } from './sales-orders.service.ts';
export type { CreateSalesOrderInput, SalesOrderFilter } from './sales-orders.service.ts';
export type { SalesOrder, SalesOrderHeader, SalesOrderLine } from './sales-orders.queries.ts';
export { confirmSalesOrder, releaseSalesOrderHold } from './sales-confirm.service.ts';
export { allocateSalesOrder, releaseBackorders, lockBackorderedOrders, findBackorderedOrderIds } from './sales-allocation.service.ts';
export { listBackorderDemand } from './backorder-demand.queries.ts';
export type { BackorderDemandLine } from './backorder-demand.queries.ts';
export { reviseSalesOrder } from './sales-revisions.service.ts';
export type { ReviseSalesOrderInput } from './sales-revisions.service.ts';
export type { OrderLineInput } from './sales-lines.service.ts';
export { decideCredit } from './rules/credit.rules.ts';
export type { CreditDecision, CreditInput, HoldReason } from './rules/credit.rules.ts';
export { planAllocation, warehousePreference } from './rules/allocation.rules.ts';
export type { AllocationPlan, AllocationPolicy } from './rules/allocation.rules.ts';
export { ORDER_STATUSES, CREDIT_EXPOSURE_STATUSES } from './rules/order-status.rules.ts';
export type { OrderStatus } from './rules/order-status.rules.ts';
export { salesOrderRoutes, salesSchemas } from './sales-orders.routes.ts';
export { stockArrivalRoutes } from './stock-arrival.routes.ts';
export {
  lockSalesOrderForShipping,
  readSalesOrderForShipping,
  recordShippedQuantities,
  addInvoicedMinor,
  lockSalesOrderHeader,
  SHIPPABLE_STATUSES,
} from './sales-fulfilment.service.ts';
export type { OrderForShipping } from './sales-fulfilment.service.ts';
/** For the warehouse (and shipping): lock order step 1 on several headers, in id order. */
export { lockOrderHeaders } from './sales-orders.queries.ts';
export { ALLOCATION_STATUSES, FULFILMENT_STATUSES } from './rules/order-status.rules.ts';
