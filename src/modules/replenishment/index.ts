/** The replenishment module's only door: ATP by date, replenishment rules and home bins, suggestions, draft POs from them. */
export { atpByDate, ATP_HORIZON_DAYS_DEFAULT, ATP_HORIZON_DAYS_MAX } from './atp-by-date.service.ts';
export type { AtpByDate, AtpByDatePosition } from './atp-by-date.service.ts';
export { putReplenishmentSetting, getReplenishmentSettingOrThrow, deleteReplenishmentSetting, listReplenishmentSettings } from './replenishment-rules.service.ts';
export type { ReplenishmentSetting, ReplenishmentSettingInput, ReplenishmentMethod } from './replenishment-rules.service.ts';
export { listReplenishmentSuggestions } from './suggestions.service.ts';
export type { ReplenishmentSuggestion, SuggestionReason } from './suggestions.service.ts';
export { createReplenishmentPurchaseOrders, countReplenishmentPurchaseOrders, REPLENISHMENT_PURCHASE_ORDERS_MAX } from './replenishment-orders.service.ts';
export type { ReplenishmentRun, ReplenishmentRunInput } from './replenishment-orders.service.ts';
export { buildAtpTimeline } from './rules/atp-timeline.rules.ts';
export { quantityNeeded, chooseSupplier, roundToSupplier } from './rules/replenishment.rules.ts';
export type { ReplenishmentRule } from './rules/replenishment.rules.ts';
export { replenishmentSchemas } from './replenishment.schemas.ts';
export { replenishmentRoutes } from './replenishment.routes.ts';
