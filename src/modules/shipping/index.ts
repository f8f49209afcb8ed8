/** The shipping module's only door: shipments, cartons (SSCC-18), packing, ship confirmation, shipping settings. */
export { createShipment, getShipmentOrThrow, listShipments, addCarton, packCartonLine, removeCartonLine, cancelShipment } from './shipments.service.ts';
export type { ShipmentFilter, PackCartonLineInput } from './shipments.service.ts';
export type { Shipment, ShipmentHeader, Carton, CartonLine, ShipmentLine, ShipmentStatus } from './shipments.queries.ts';
export { confirmShipment, shipConfirmFaults, SHIP_CONFIRM_STEPS } from './ship-confirm.service.ts';
export type { ConfirmShipmentInput } from './ship-confirm.service.ts';
export { getShippingSettings, updateShippingSettings } from './shipping-settings.service.ts';
export type { ShippingSettings, UpdateShippingSettingsInput } from './shipping-settings.service.ts';
export { buildSscc, gs1CheckDigit, isValidSscc } from './rules/sscc.rules.ts';
export { computeFreightMinor, DEFAULT_FREIGHT_TARIFF } from './rules/freight.rules.ts';
export type { FreightTariff } from './rules/freight.rules.ts';
export { shippingRoutes, shippingSchemas } from './shipping.routes.ts';
