/**
 * The wire shapes the demo reads (the subset of the API's response schemas it uses) and the
 * trail it records per order. The trail is data, printed by demo-trail.printer.ts and
 * asserted on by the tests, so that what the demo claims is what the API answered.
 */

export interface ApiItem { itemId: string; sku: string; description: string; gtin: string | null; weightKg: string | null; active: boolean; category: string | null }
export interface ApiWarehouse { warehouseId: string; code: string }
export interface ApiBalance { itemId: string; warehouseId: string; onHand: string; reserved: string; available: string }
export interface ApiCustomer { customerId: string; code: string; name: string }
export interface ApiShipTo { shipToId: string; code: string }
export interface ApiPriceCandidate { rule: string; reference: string; unitPrice: string | null; applies: boolean; reason: string }
export interface ApiOrderLine {
  lineId: string; lineNumber: number; itemId: string; customerPartNumber: string | null; unit: string; qty: string; qtyBase: string; unitPrice: string;
  priceRule: string; priceExplanation: { winner: ApiPriceCandidate }; lineAmountMinor: number; taxClass: string; jurisdictionCode: string; taxRate: string;
  taxExemptCertificate: string | null; taxMinor: number; qtyAllocated: string; qtyBackordered: string; qtyCancelled: string; qtyShipped: string;
  reservations: Array<{ warehouseId: string; qty: string }>;
}
export interface ApiOrder {
  orderId: string; orderNumber: string; customerId: string; status: string; creditStatus: string; holdReasons: string[];
  subtotalMinor: number; taxMinor: number; totalMinor: number; revision: number; lines: ApiOrderLine[];
}
export interface ApiPickTask {
  taskId: string; waveId: string; waveNumber: string; warehouseId: string; orderId: string; orderNumber: string; lineId: string; itemId: string; sku: string;
  gtin: string | null; binCode: string; pickSequence: number; qtyToPick: string; qtyPicked: string; qtyShort: string; qtyRemaining: string; status: string;
}
export interface ApiCreatedWave { waveId: string; waveNumber: string; tasks: ApiPickTask[]; unplaced: Array<{ orderId: string; qty: string }> }
export interface ApiPickConfirmation { task: ApiPickTask; continuations: ApiPickTask[]; backorderedQty: string; waveStatus: string }
export interface ApiCarton { cartonId: string; sscc: string; weightKg: string | null; lines: Array<{ lineId: string; itemId: string; qty: string }> }
export interface ApiShipment {
  shipmentId: string; shipmentNumber: string; orderId: string; warehouseId: string; status: string; carrier: string | null; service: string | null;
  trackingNumber: string | null; freightMinor: number | null; freightSource: 'entered' | 'computed' | null; shipDate: string | null;
  cartons: ApiCarton[]; lines: Array<{ lineId: string; qtyShipped: string; costMinor: number }>;
  invoice: { invoiceId: string; invoiceNumber: string; totalMinor: number } | null;
}
export interface ApiJournalLine { accountCode: string; accountName?: string; account?: string; debitMinor: number; creditMinor: number }
export interface ApiJournalEntry { entryId: string; entryDate: string; sourceType: string; sourceNumber: string | null; description: string; lines: ApiJournalLine[] }
export interface ApiInvoice {
  invoiceId: string; invoiceNumber: string; invoiceDate: string; dueDate: string; subtotalMinor: number; taxMinor: number; freightMinor: number;
  freightTaxMinor: number; totalMinor: number; openMinor: number; journalEntries: Array<{ entryId: string }>;
}
export interface ApiPayment { paymentId: string; paymentNumber: string; amountMinor: number; appliedMinor: number; unappliedMinor: number; method: string; reference: string | null }

/** One pick confirmation, as the associate did it. */
export interface PickStep {
  waveNumber: string; warehouseCode: string; binCode: string; pickSequence: number; sku: string; scanned: string;
  qtyPicked: string; qtyShort: string; continuations: number; backorderedQty: string;
}

export interface ShipmentTrail {
  shipment: ApiShipment;
  warehouseCode: string;
  costEntry: ApiJournalEntry | null;
  invoice: ApiInvoice;
  invoiceEntries: ApiJournalEntry[];
}

export interface PaymentTrail { payment: ApiPayment; invoiceNumbers: string[]; kind: 'full' | 'partial'; entry: ApiJournalEntry | null; openAfterMinor: number }

export interface StockArrival { sku: string; warehouseCode: string; qty: string; unitCost: string; releasedQty: string; afterPicking: boolean }

export interface OrderTrail {
  scenario: string;
  customer: { code: string; name: string };
  /** The order as confirmation left it (credit result, first allocation). */
  atConfirm: ApiOrder;
  /** Set when a credit hold was released. */
  afterRelease: ApiOrder | null;
  arrivals: StockArrival[];
  /** The order when every allocation of the run was done, before the first wave. */
  allocated: ApiOrder;
  picks: PickStep[];
  shipments: ShipmentTrail[];
  payments: PaymentTrail[];
  /** The order at the end of the run. */
  final: ApiOrder;
}

export interface DemoRun {
  tenantName: string;
  seeded: boolean;
  orders: OrderTrail[];
  waves: Array<{ waveNumber: string; warehouseCode: string; orderNumbers: string[]; tasks: number }>;
  warehouses: Map<string, string>;
  items: Map<string, ApiItem>;
}
