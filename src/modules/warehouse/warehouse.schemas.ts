import { Type, type TSchema } from '@sinclair/typebox';
import { DecimalString, Nullable, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { PICK_TASK_STATUSES } from './pick-tasks.queries.ts';
import { PICK_WAVE_ORDERS_MAX } from './pick-waves.service.ts';

/** The warehouse module's wire shapes; registered with app.addSchema through warehouseSchemas. */

const Qty = Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,6})?$', description: 'Quantity in stocking units, a decimal string', examples: ['4'] });
/** An actor reference as stored on tasks and in audit rows: 'user:…', 'api_key:…' or 'system:…'. */
export const ActorRef = Type.String({ pattern: '^(user|api_key|system):[A-Za-z0-9._:-]{1,120}$', description: "An actor reference: 'user:<id>', 'api_key:<id>' or 'system:<name>'", examples: ['api_key:01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44'] });
const TaskStatus = Type.Union(PICK_TASK_STATUSES.map((status) => Type.Literal(status)));
const WaveStatus = Type.Union([Type.Literal('open'), Type.Literal('completed'), Type.Literal('cancelled')]);

export const PickTaskSchema = Type.Object(
  {
    taskId: Uuid,
    waveId: Uuid,
    waveNumber: Type.String(),
    warehouseId: Uuid,
    orderId: Uuid,
    orderNumber: Type.String(),
    lineId: Uuid,
    lineNumber: Type.Integer(),
    itemId: Uuid,
    sku: Type.String(),
    gtin: Nullable(Type.String()),
    binId: Uuid,
    binCode: Type.String(),
    pickSequence: Type.Integer({ description: 'The bin\'s walk order, copied when the task was made' }),
    qtyToPick: DecimalString,
    qtyPicked: DecimalString,
    qtyShort: DecimalString,
    qtyRemaining: DecimalString,
    status: TaskStatus,
    assignedTo: Nullable(Type.String()),
    continuesTaskId: Nullable(Uuid),
    createdAt: Timestamp,
    pickedAt: Nullable(Timestamp),
    pickedBy: Nullable(Type.String()),
  },
  {
    $id: 'PickTask',
    additionalProperties: false,
    examples: [
      {
        taskId: '01932d6e-9a00-7c1e-9f00-3b5e2a7d1c01',
        waveId: '01932d6e-9a00-7c1e-9f00-3b5e2a7d1c00',
        waveNumber: 'WV-000012',
        warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44',
        orderId: '01932d6e-8f00-7c1e-9f00-3b5e2a7d1c10',
        orderNumber: 'SO-000123',
        lineId: '01932d6e-8f00-7c1e-9f00-3b5e2a7d1c11',
        lineNumber: 1,
        itemId: '01932d6e-8c00-7c1e-9f00-3b5e2a7d1c20',
        sku: 'BOLT-M8',
        gtin: '04006381333931',
        binId: '01932d6e-8b00-7c1e-9f00-3b5e2a7d1c30',
        binCode: 'A-01-1',
        pickSequence: 1010,
        qtyToPick: '12',
        qtyPicked: '0',
        qtyShort: '0',
        qtyRemaining: '12',
        status: 'open',
        assignedTo: 'user:01932d6e-7000-7c1e-9f00-3b5e2a7d1c99',
        continuesTaskId: null,
        createdAt: '2026-12-03T17:00:00.000Z',
        pickedAt: null,
        pickedBy: null,
      },
    ],
  },
);

export const WaveProgressSchema = Type.Object(
  {
    tasksOpen: Type.Integer(),
    tasksPicked: Type.Integer(),
    tasksShort: Type.Integer(),
    qtyToPick: DecimalString,
    qtyPicked: DecimalString,
    qtyShort: DecimalString,
    qtyRemaining: DecimalString,
  },
  { $id: 'PickWaveProgress', additionalProperties: false, examples: [{ tasksOpen: 3, tasksPicked: 1, tasksShort: 0, qtyToPick: '20', qtyPicked: '5', qtyShort: '0', qtyRemaining: '15' }] },
);

const waveProperties = {
  waveId: Uuid,
  waveNumber: Type.String(),
  warehouseId: Uuid,
  status: WaveStatus,
  assignedTo: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAt: Timestamp,
  completedAt: Nullable(Timestamp),
  progress: Type.Ref(WaveProgressSchema),
};

export const PickWaveSchema = Type.Object(waveProperties, {
  $id: 'PickWave',
  additionalProperties: false,
  examples: [
    {
      waveId: '01932d6e-9a00-7c1e-9f00-3b5e2a7d1c00',
      waveNumber: 'WV-000012',
      warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44',
      status: 'open',
      assignedTo: null,
      createdBy: 'user:01932d6e-7000-7c1e-9f00-3b5e2a7d1c98',
      createdAt: '2026-12-03T17:00:00.000Z',
      completedAt: null,
      progress: { tasksOpen: 3, tasksPicked: 1, tasksShort: 0, qtyToPick: '20', qtyPicked: '5', qtyShort: '0', qtyRemaining: '15' },
    },
  ],
});

export const PickWaveDetailSchema = Type.Object(
  { ...waveProperties, tasks: Type.Array(Type.Ref(PickTaskSchema), { description: 'In walk order: pick sequence, bin code, order, line' }) },
  { $id: 'PickWaveDetail', additionalProperties: false },
);

export const CreatedPickWaveSchema = Type.Object(
  {
    ...waveProperties,
    tasks: Type.Array(Type.Ref(PickTaskSchema), { description: 'In walk order: pick sequence, bin code, order, line' }),
    unplaced: Type.Array(
      Type.Object({ orderId: Uuid, lineId: Uuid, itemId: Uuid, qty: DecimalString }, { additionalProperties: false }),
      { description: 'Waveable quantity that no bin holds (stock without a bin cannot be picked): not tasked; a later wave takes it once it is put away' },
    ),
  },
  { $id: 'CreatedPickWave', additionalProperties: false },
);

export const CreatePickWaveBody = Type.Object(
  {
    warehouseId: Uuid,
    orderIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: PICK_WAVE_ORDERS_MAX, description: 'The orders to wave; without it, every waveable order, oldest first' })),
    assignTo: Type.Optional(ActorRef),
    maxOrders: Type.Optional(Type.Integer({ minimum: 1, maximum: PICK_WAVE_ORDERS_MAX, default: 50, description: 'Without orderIds: how many orders, oldest first' })),
  },
  { additionalProperties: false, examples: [{ warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', maxOrders: 20, assignTo: 'user:01932d6e-7000-7c1e-9f00-3b5e2a7d1c99' }] },
);

export const AssignPickWaveBody = Type.Object({ assignee: ActorRef }, { additionalProperties: false, examples: [{ assignee: 'user:01932d6e-7000-7c1e-9f00-3b5e2a7d1c99' }] });

export const NextPickTaskSchema = Type.Object(
  { task: Nullable(Type.Ref(PickTaskSchema)), waveProgress: Nullable(Type.Ref(WaveProgressSchema)) },
  { $id: 'NextPickTask', additionalProperties: false },
);

export const ConfirmPickBody = Type.Object(
  {
    binScan: Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7E ]+$', description: 'The bin code as scanned (case-insensitive)' }),
    itemScan: Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7E ]+$', description: 'The item\'s GTIN or SKU as scanned' }),
    qty: Qty,
    short: Type.Optional(Type.Boolean({ description: 'The bin holds no more: close the task; the remainder is re-tasked from another bin or backordered' })),
  },
  { additionalProperties: false, examples: [{ binScan: 'A-01-1', itemScan: '04006381333931', qty: '12' }, { binScan: 'a-01-1', itemScan: 'BOLT-M8', qty: '7', short: true }] },
);

export const PickConfirmationSchema = Type.Object(
  {
    task: Type.Ref(PickTaskSchema),
    continuations: Type.Array(Type.Ref(PickTaskSchema), { description: 'New tasks for a short pick\'s remainder, from other bins' }),
    backorderedQty: DecimalString,
    waveStatus: WaveStatus,
    waveProgress: Type.Ref(WaveProgressSchema),
  },
  { $id: 'PickConfirmation', additionalProperties: false },
);

export const warehouseSchemas: TSchema[] = [PickTaskSchema, WaveProgressSchema, PickWaveSchema, PickWaveDetailSchema, CreatedPickWaveSchema, NextPickTaskSchema, PickConfirmationSchema];
