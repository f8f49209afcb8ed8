import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { Uuid } from '../../platform/http/common.schema.ts';
import { confirmPickTask } from './pick-confirm.service.ts';
import { PICK_TASK_STATUSES } from './pick-tasks.queries.ts';
import { listPickTasksPage, nextPickTask } from './pick-tasks.service.ts';
import { assignPickWave, createPickWave, getPickWaveOrThrow, listPickWaves } from './pick-waves.service.ts';
import {
  ActorRef,
  AssignPickWaveBody,
  ConfirmPickBody,
  CreatedPickWaveSchema,
  CreatePickWaveBody,
  NextPickTaskSchema,
  PickConfirmationSchema,
  PickTaskSchema,
  PickWaveDetailSchema,
  PickWaveSchema,
} from './warehouse.schemas.ts';

const tags = ['warehouse'];

export const warehousePickingRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/waves',
    summary: 'Create a pick wave',
    description:
      'Takes the waveable quantity of orders (allocated, partially allocated, picking, partially shipped) in the warehouse — the named orders, or the oldest up to maxOrders — and places it on the bins that hold it, in walk order. Quantity that no bin holds is returned as unplaced. NOTHING_TO_PICK when nothing can be tasked.',
    tags,
    permission: 'warehouse:manage',
    idempotent: true,
    documentNumber: 'pick_wave',
    body: CreatePickWaveBody,
    response: Type.Ref(CreatedPickWaveSchema),
    handler: (tx, ctx, { body, documentNumber }) => createPickWave(tx, ctx, { ...body, waveNumber: documentNumber! }),
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/waves',
    summary: 'List pick waves',
    tags,
    permission: 'warehouse:read',
    query: Type.Object({ warehouseId: Type.Optional(Uuid), status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('completed'), Type.Literal('cancelled')])) }),
    item: Type.Ref(PickWaveSchema),
    handler: (tx, ctx, { query, page }) => listPickWaves(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/waves/:waveId',
    summary: 'A pick wave with its tasks in walk order and its progress',
    tags,
    permission: 'warehouse:read',
    params: Type.Object({ waveId: Uuid }, { additionalProperties: false }),
    response: Type.Ref(PickWaveDetailSchema),
    handler: (tx, ctx, { params }) => getPickWaveOrThrow(tx, ctx, params.waveId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/waves/:waveId/assign',
    summary: 'Assign the wave\'s open tasks to an associate',
    tags,
    permission: 'warehouse:manage',
    params: Type.Object({ waveId: Uuid }, { additionalProperties: false }),
    body: AssignPickWaveBody,
    response: Type.Ref(PickWaveDetailSchema),
    handler: (tx, ctx, { params, body }) => assignPickWave(tx, ctx, { waveId: params.waveId, assignee: body.assignee }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/pick-tasks/next',
    summary: 'My next pick task',
    description:
      'My lowest open task in the warehouse (oldest wave, then walk order); when I have none, the next unassigned open task of the oldest wave is claimed for me (two associates asking at once never get the same task). task is null when nothing is left.',
    tags,
    permission: 'warehouse:pick',
    query: Type.Object({ warehouseId: Uuid }, { additionalProperties: false }),
    response: Type.Ref(NextPickTaskSchema),
    handler: (tx, ctx, { query }) => nextPickTask(tx, ctx, query),
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/pick-tasks',
    summary: 'List pick tasks',
    tags,
    permission: 'warehouse:read',
    query: Type.Object({
      waveId: Type.Optional(Uuid),
      orderId: Type.Optional(Uuid),
      warehouseId: Type.Optional(Uuid),
      status: Type.Optional(Type.Union(PICK_TASK_STATUSES.map((status) => Type.Literal(status)))),
      assignedTo: Type.Optional(ActorRef),
    }),
    item: Type.Ref(PickTaskSchema),
    handler: (tx, ctx, { query, page }) => listPickTasksPage(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/pick-tasks/:taskId/confirm',
    summary: 'Confirm a pick by scanning bin and item',
    description:
      'Moves qty from the task\'s bin to the packing location and adds it to the order line\'s picked quantity. Less than the remainder keeps the task open; short: true closes it with a shortfall that is re-tasked from another bin or backordered. Errors: PICK_BIN_MISMATCH, PICK_ITEM_MISMATCH, PICK_QTY_EXCEEDS_TASK, PICK_TASK_NOT_OPEN, PICK_TASK_ASSIGNED_TO_OTHER, BIN_STOCK_SHORT.',
    tags,
    permission: 'warehouse:pick',
    idempotent: true,
    status: 200,
    params: Type.Object({ taskId: Uuid }, { additionalProperties: false }),
    body: ConfirmPickBody,
    response: Type.Ref(PickConfirmationSchema),
    handler: (tx, ctx, { params, body }) => confirmPickTask(tx, ctx, { taskId: params.taskId, ...body }),
  }),
];
