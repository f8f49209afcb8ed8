/** The warehouse module's only door: pick waves, pick tasks, the associate's queue and scan confirmation. */
export { createPickWave, getPickWaveOrThrow, listPickWaves, assignPickWave, PICK_WAVE_ORDERS_DEFAULT, PICK_WAVE_ORDERS_MAX, WAVE_ORDER_STATUSES } from './pick-waves.service.ts';
export type { PickWave, PickWaveDetail, CreatedPickWave, CreatePickWaveInput, PickWaveStatus } from './pick-waves.service.ts';
export { listPickTasks, listPickTasksPage, getPickTaskOrThrow, nextPickTask, pickedNotShipped } from './pick-tasks.service.ts';
export type { PickTaskFilter } from './pick-tasks.service.ts';
export { confirmPickTask } from './pick-confirm.service.ts';
export type { ConfirmPickInput, PickConfirmation } from './pick-confirm.service.ts';
export { PICK_TASK_STATUSES } from './pick-tasks.queries.ts';
export type { PickTask, PickTaskStatus, WaveProgress } from './pick-tasks.queries.ts';
export { planPicks, compareWalk, waveableQty } from './rules/pick-path.rules.ts';
export { warehouseSchemas, PickTaskSchema, PickWaveSchema, PickWaveDetailSchema } from './warehouse.schemas.ts';
export { warehousePickingRoutes } from './warehouse.routes.ts';
