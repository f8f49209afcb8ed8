import { Type } from '@sinclair/typebox';
import { defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { quotePrices } from './price-quote.service.ts';
import { PriceQuoteRequestSchema, PriceQuoteSchema } from './pricing.schema.ts';

export const priceQuoteRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/price-quotes',
    summary: 'Price lines for a customer and ship-to, with the explanation and tax',
    description:
      'Prices each line exactly as an order line would be priced on the date (default: today in the tenant’s time zone): ' +
      'contract → customer price list → matrix discount → base list, the best quantity break reached, tax per line from the ship-to’s jurisdiction and the item’s tax class. ' +
      'Nothing is stored. A line without a price fails the quote with NO_PRICE naming the line.',
    tags: ['pricing'],
    permission: 'pricing:read',
    status: 200,
    body: PriceQuoteRequestSchema,
    response: Type.Ref(PriceQuoteSchema),
    handler: (tx, ctx, { body }) => quotePrices(tx, ctx, body),
  }),
];
