import type { RouteSpec } from '../../platform/http/define-route.ts';
import { stockRoutes } from './stock.routes.ts';
import { warehouseRoutes } from './warehouses.routes.ts';

/** Every route of the inventory module. POST /v1/stock-adjustments lives in sales (it also releases backorders). */
export const inventoryRoutes: RouteSpec[] = [...warehouseRoutes, ...stockRoutes];
