import { Type } from '@sinclair/typebox';
import { defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { DecimalString, Uuid } from '../../platform/http/common.schema.ts';
import { parseDecimal } from '../../platform/money.ts';
import { adjustStock, StockMovementSchema } from '../inventory/index.ts';
import { lockBackorderedOrders, releaseBackorders } from './sales-allocation.service.ts';

/**
 * POST /v1/stock-adjustments: a cross-module business event (DESIGN §3) owned by
 * sales. The adjustment and the backorder release it makes possible commit
 * together, or neither does. Lock order (§2a): the headers of the orders that may
 * be served are locked first, then adjustStock locks the balance, then the release
 * locks the balances it draws from (in key order; the adjusted one is already ours).
 */

const StockAdjustmentBody = Type.Object(
  {
    itemId: Uuid,
    warehouseId: Uuid,
    binId: Type.Optional(Uuid),
    qty: DecimalString,
    unitCost: Type.Optional(DecimalString),
    reason: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false, examples: [{ itemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c47', qty: '24', unitCost: '1.46', reason: 'found in cycle count' }] },
);

const StockAdjustmentResult = Type.Object(
  {
    movement: Type.Ref(StockMovementSchema),
    backordersReleased: Type.Array(Type.Object({ orderId: Uuid, lineId: Uuid, qty: DecimalString }), {
      description: 'Backordered order lines that the added stock allocated, oldest order first',
    }),
  },
  { additionalProperties: false },
);

export const stockArrivalRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/stock-adjustments',
    summary: 'Adjust stock (with a reason and a unit cost); added stock releases backorders',
    description: 'A positive quantity needs a unitCost and allocates backorders of the item, oldest order first, in the same transaction.',
    tags: ['inventory'],
    permission: 'inventory:adjust',
    idempotent: true,
    body: StockAdjustmentBody,
    response: StockAdjustmentResult,
    handler: async (tx, ctx, { body }) => {
      const arriving = parseDecimal(body.qty, '/qty').gt(0);
      if (arriving) await lockBackorderedOrders(tx, ctx, { itemId: body.itemId });
      const movement = await adjustStock(tx, ctx, body);
      const released = arriving ? await releaseBackorders(tx, ctx, { itemId: body.itemId, warehouseId: body.warehouseId }) : { allocated: [] };
      return { movement, backordersReleased: released.allocated };
    },
  }),
];
