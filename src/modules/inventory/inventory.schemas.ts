import { Type, type TSchema } from '@sinclair/typebox';
import { BusinessDate, DecimalString, MoneyMinor, Nullable, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { BIN_KINDS } from './warehouses.service.ts';
import { MOVEMENT_TYPES } from './stock-movements.service.ts';

/** The inventory module's wire shapes; registered with app.addSchema through inventorySchemas. */

const WarehouseCode = Type.String({ pattern: '^[A-Z0-9_-]{1,16}$', description: 'Upper-case code, unique in the tenant', examples: ['CHI'] });
const BinCode = Type.String({ pattern: '^[A-Z0-9][A-Z0-9._-]{0,31}$', description: 'Upper-case code, unique in the warehouse', examples: ['A-01-02'] });
const BinKind = Type.Union(BIN_KINDS.map((kind) => Type.Literal(kind)));

export const WarehouseSchema = Type.Object(
  {
    warehouseId: Uuid,
    code: WarehouseCode,
    name: Type.String(),
    timeZone: Type.String({ description: 'IANA time zone of the warehouse' }),
    allocationPriority: Type.Integer({ description: 'Lower first: allocation tries the customer default warehouse, then others by this' }),
    active: Type.Boolean(),
    createdAt: Timestamp,
  },
  {
    $id: 'Warehouse',
    additionalProperties: false,
    examples: [
      {
        warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44',
        code: 'CHI',
        name: 'Chicago DC',
        timeZone: 'America/Chicago',
        allocationPriority: 10,
        active: true,
        createdAt: '2026-12-03T17:00:00.000Z',
      },
    ],
  },
);

export const CreateWarehouseBody = Type.Object(
  {
    code: WarehouseCode,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    allocationPriority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 100 })),
  },
  { additionalProperties: false, examples: [{ code: 'CHI', name: 'Chicago DC', timeZone: 'America/Chicago', allocationPriority: 10 }] },
);

export const BinSchema = Type.Object(
  {
    binId: Uuid,
    warehouseId: Uuid,
    code: BinCode,
    pickSequence: Type.Integer({ description: 'Walk order through the warehouse; pick tasks sort by it' }),
    kind: BinKind,
    active: Type.Boolean(),
  },
  {
    $id: 'Bin',
    additionalProperties: false,
    examples: [{ binId: '01932d6e-9a4b-7c1e-9f00-3b5e2a7d1c45', warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', code: 'A-01-02', pickSequence: 120, kind: 'storage', active: true }],
  },
);

export const CreateBinBody = Type.Object(
  {
    code: BinCode,
    pickSequence: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_000_000_000, default: 0 })),
    kind: Type.Optional(BinKind),
  },
  { additionalProperties: false, examples: [{ code: 'A-01-02', pickSequence: 120, kind: 'storage' }] },
);

export const StockBalanceSchema = Type.Object(
  {
    itemId: Uuid,
    warehouseId: Uuid,
    onHand: DecimalString,
    reserved: DecimalString,
    available: DecimalString,
    valueMinor: MoneyMinor,
  },
  {
    $id: 'StockBalance',
    additionalProperties: false,
    examples: [{ itemId: '01932d6e-0000-7000-8000-000000000010', warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', onHand: '7', reserved: '2', available: '5', valueMinor: 1022 }],
  },
);

export const StockMovementSchema = Type.Object(
  {
    movementId: Uuid,
    itemId: Uuid,
    warehouseId: Uuid,
    binId: Nullable(Uuid),
    movementType: Type.Union(MOVEMENT_TYPES.map((type) => Type.Literal(type))),
    qty: Type.String({ description: 'Signed quantity in the stocking unit' }),
    valueMinor: Type.Integer({ description: 'Signed value in minor units of the functional currency' }),
    unitCost: Nullable(Type.String({ description: 'Cost per unit used: given for increases, the moving average for decreases' })),
    reason: Nullable(Type.String()),
    referenceType: Nullable(Type.String()),
    referenceId: Nullable(Type.String()),
    businessDate: BusinessDate,
    occurredAt: Timestamp,
    actor: Type.String(),
  },
  {
    $id: 'StockMovement',
    additionalProperties: false,
    examples: [
      {
        movementId: '01932d6e-aaaa-7000-8000-000000000001',
        itemId: '01932d6e-0000-7000-8000-000000000010',
        warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44',
        binId: null,
        movementType: 'adjustment',
        qty: '-3',
        valueMinor: -438,
        unitCost: '1.46',
        reason: 'damaged in handling',
        referenceType: null,
        referenceId: null,
        businessDate: '2026-12-03',
        occurredAt: '2026-12-03T17:00:00.000Z',
        actor: 'api_key:01932d6e-0000-7000-8000-000000000001',
      },
    ],
  },
);

const AtpPosition = { onHand: DecimalString, reserved: DecimalString, available: DecimalString };

export const AvailableToPromiseSchema = Type.Object(
  {
    itemId: Uuid,
    warehouses: Type.Array(Type.Object({ warehouseId: Uuid, code: Type.String(), ...AtpPosition }, { additionalProperties: false })),
    total: Type.Object(AtpPosition, { additionalProperties: false }),
  },
  {
    $id: 'AvailableToPromise',
    additionalProperties: false,
    examples: [
      {
        itemId: '01932d6e-0000-7000-8000-000000000010',
        warehouses: [{ warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', code: 'CHI', onHand: '7', reserved: '2', available: '5' }],
        total: { onHand: '7', reserved: '2', available: '5' },
      },
    ],
  },
);

export const inventorySchemas: TSchema[] = [WarehouseSchema, BinSchema, StockBalanceSchema, StockMovementSchema, AvailableToPromiseSchema];
