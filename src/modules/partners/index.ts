/** The partners module's only door: customers and their policies, ship-tos, tax, suppliers, receivable open items. */
export {
  createCustomer,
  getCustomerOrThrow,
  getActiveCustomerOrThrow,
  lockCustomerForCredit,
  listCustomers,
  updateCustomer,
  setCustomerActive,
} from './customers.service.ts';
export type { Customer, CreateCustomerInput, UpdateCustomerInput, CustomerPolicyInput, FreightTerms, RemainderPolicy } from './customers.service.ts';
export { createShipTo, getShipToOrThrow, findShipToOrThrow, listShipTos, setShipToActive } from './ship-tos.service.ts';
export type { ShipTo, CreateShipToInput } from './ship-tos.service.ts';
export { createTaxExemption, listTaxExemptions, activeTaxExemption } from './tax-exemptions.service.ts';
export type { TaxExemption, CreateTaxExemptionInput } from './tax-exemptions.service.ts';
export {
  createTaxJurisdiction,
  getTaxJurisdictionOrThrow,
  listTaxJurisdictions,
  setTaxRate,
  setTaxJurisdictionActive,
  taxRateOrNull,
} from './tax-jurisdictions.service.ts';
export type { TaxJurisdiction, TaxRate, CreateTaxJurisdictionInput } from './tax-jurisdictions.service.ts';
export { createSupplier, getSupplierOrThrow, listSuppliers, updateSupplier, setSupplierActive } from './suppliers.service.ts';
export type { Supplier, CreateSupplierInput } from './suppliers.service.ts';
export { createReceivableOpenItem, receivablesExposure, listReceivableOpenItems } from './receivables.service.ts';
export type { ReceivableOpenItem, CreateReceivableOpenItemInput, OpenItemDocumentType } from './receivables.service.ts';
export { addDays, daysBetween, daysPastDue, isBusinessDate } from './rules/business-dates.ts';
export { partnersSchemas, CustomerSchema, ShipToSchema, SupplierSchema, TaxJurisdictionSchema, TaxExemptionSchema, OpenItemSchema } from './partners.schema.ts';

import type { RouteSpec } from '../../platform/http/define-route.ts';
import { customerRoutes } from './customers.routes.ts';
import { supplierRoutes } from './suppliers.routes.ts';
import { taxJurisdictionRoutes } from './tax-jurisdictions.routes.ts';

export const partnersRoutes: RouteSpec[] = [...customerRoutes, ...supplierRoutes, ...taxJurisdictionRoutes];
