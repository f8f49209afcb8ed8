import type { RouteSpec } from '../platform/http/define-route.ts';
import { apiKeyRoutes } from './access/index.ts';
import { creditMemoRoutes, invoiceRoutes, paymentsRoutes } from './billing/index.ts';
import { catalogRoutes } from './catalog/index.ts';
import { inventoryRoutes } from './inventory/index.ts';
import { ledgerRoutes } from './ledger/index.ts';
import { partnersRoutes } from './partners/index.ts';
import { payablesRoutes } from './payables/index.ts';
import { pricingRoutes } from './pricing/index.ts';
import { purchasingRoutes } from './purchasing/index.ts';
import { booksRoutes } from './reporting/index.ts';
import { replenishmentRoutes } from './replenishment/index.ts';
import { salesOrderRoutes, stockArrivalRoutes } from './sales/index.ts';
import { shippingRoutes } from './shipping/index.ts';
import { warehousePickingRoutes } from './warehouse/index.ts';

/** Every module's routes, declared with defineRoute; buildApp registers them. */
export const moduleRoutes: RouteSpec[] = [
  ...apiKeyRoutes,
  ...catalogRoutes,
  ...partnersRoutes,
  ...pricingRoutes,
  ...inventoryRoutes,
  ...salesOrderRoutes,
  ...stockArrivalRoutes,
  ...paymentsRoutes,
  ...shippingRoutes,
  ...invoiceRoutes,
  ...creditMemoRoutes,
  ...ledgerRoutes,
  ...booksRoutes,
  ...warehousePickingRoutes,
  ...purchasingRoutes,
  ...payablesRoutes,
  ...replenishmentRoutes,
];
