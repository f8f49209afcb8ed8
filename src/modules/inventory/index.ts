/** The inventory module's only door (docs/order-capture-contracts.md). */
export {
  createWarehouse,
  getWarehouseOrThrow,
  listWarehouses,
  listAllocationWarehouses,
  createBin,
  listBins,
  getBinOrThrow,
  defaultReceivingBin,
  packingBin,
  BIN_KINDS,
} from './warehouses.service.ts';
export type { Warehouse, Bin, BinKind, CreateWarehouseInput, CreateBinInput } from './warehouses.service.ts';
export { balanceKey, lockStockBalances, listStockBalances } from './stock-balances.service.ts';
export type { StockBalance, BalanceRef, StockBalanceFilter } from './stock-balances.service.ts';
export { adjustStock, receiveStock, postOpeningStock, listStockMovements, MOVEMENT_TYPES } from './stock-movements.service.ts';
export type {
  StockMovement,
  PostedMovement,
  MovementType,
  AdjustStockInput,
  ReceiveStockInput,
  OpeningStockInput,
  StockMovementFilter,
} from './stock-movements.service.ts';
export { moveStockBetweenBins } from './bin-moves.service.ts';
export { activeHomeBin } from './home-bins.queries.ts';
export { issueReservedStock } from './stock-issues.service.ts';
export type { IssueReservedStockInput } from './stock-issues.service.ts';
export type { MoveStockBetweenBinsInput } from './bin-moves.service.ts';
export { reserveStock, releaseReservations, releaseReservedQty, listOpenReservations } from './reservations.service.ts';
export type { ReserveStockInput } from './reservations.service.ts';
export { availableToPromise } from './atp.service.ts';
export type { AvailableToPromise, AtpPosition } from './atp.service.ts';
export { verifyInventory } from './verify-inventory.service.ts';
export { decideStockChange } from './rules/moving-average.rules.ts';
export type { StockPosition, StockDecision } from './rules/moving-average.rules.ts';
export { inventorySchemas, WarehouseSchema, BinSchema, StockBalanceSchema, StockMovementSchema, AvailableToPromiseSchema } from './inventory.schemas.ts';
export { warehouseRoutes } from './warehouses.routes.ts';
export { stockRoutes } from './stock.routes.ts';
export { inventoryRoutes } from './inventory.routes.ts';
