/** The catalog module's only door: items, their units, GTINs and customer item cross-references. */
export type { Item, ItemUnit } from './items.queries.ts';
export {
  createItem,
  getItemOrThrow,
  resolveItemOrThrow,
  itemIdOfScan,
  unitFactorOrThrow,
  listItems,
  updateItem,
  setItemActive,
} from './items.service.ts';
export type { CreateItemInput, UpdateItemInput, ItemListFilter, ItemRef } from './items.service.ts';
export { addItemUnit, changeItemUnitFactor } from './item-units.service.ts';
export { createItemReference, listItemReferences, deleteItemReference } from './item-references.service.ts';
export type { ItemReference, CreateItemReferenceInput } from './item-references.service.ts';
export { isValidGtin, gtinCheckDigit, gtinVariants } from './rules/gtin.ts';
export { catalogSchemas, ItemSchema, ItemReferenceSchema } from './catalog.schema.ts';

import type { RouteSpec } from '../../platform/http/define-route.ts';
import { itemReferenceRoutes } from './item-references.routes.ts';
import { itemRoutes } from './items.routes.ts';

export const catalogRoutes: RouteSpec[] = [...itemRoutes, ...itemReferenceRoutes];
