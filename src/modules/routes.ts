import type { RouteSpec } from '../platform/http/define-route.ts';
import { apiKeyRoutes } from './access/index.ts';
import { salesOrderRoutes, stockArrivalRoutes } from './sales/index.ts';

/** Every module's routes, declared with defineRoute; buildApp registers them. */
export const moduleRoutes: RouteSpec[] = [...apiKeyRoutes, ...salesOrderRoutes, ...stockArrivalRoutes];
