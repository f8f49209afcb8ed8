import type { BooksVerification } from '../reporting/index.ts';

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

export interface ApiSupplier { supplierId: string; code: string; name: string }
export interface ApiSupplierItem { supplierId: string; itemId: string; supplierPartNumber: string; cost: string; leadTimeDays: number; minOrderQty: string; packSize: string; active: boolean }
export interface ApiPurchaseOrder {
  purchaseOrderId: string; poNumber: string; supplierId: string; warehouseId: string; status: string; totalMinor: number; expectedDate: string | null;
  createdBy: string; approvedBy: string | null; sentAt: string | null;
  lines: Array<{ lineId: string; lineNumber: number; itemId: string; qty: string; unitCost: string; lineTotalMinor: number; qtyReceived: string; status: string }>;
}
export interface ApiReceipt {
  receiptId: string; receiptNumber: string; purchaseOrderId: string; poNumber: string; poStatus: string; warehouseId: string; receiptDate: string; totalMinor: number;
  lines: Array<{ lineNumber: number; poLineId: string; itemId: string; scan: string; qty: string; unitCost: string; valueMinor: number; binId: string | null }>;
  backordersReleased: Array<{ orderId: string; lineId: string; qty: string }>;
  putawayTaskIds: string[];
}
export interface ApiPutawayTask {
  taskId: string; receiptId: string; warehouseId: string; itemId: string; fromBinCode: string; suggestedBinCode: string | null; qty: string; qtyPutAway: string; qtyRemaining: string; status: string;
}
export interface ApiBin { binId: string; code: string; kind: string; active: boolean }

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

/** Why a purchase order line was ordered: for waiting backorders, or to restock (the order then passes the approval threshold). */
export interface PurchaseLineReason { sku: string; qty: string; supplierPartNumber: string; reason: 'backorders' | 'restock'; backorderedQty: string; minOrderQty: string; packSize: string }

export interface PurchaseOrderTrail {
  /** bankDetails: as GET …/bank-details shows them (masked), null when the supplier has none. */
  supplier: { code: string; name: string; bankDetails: string | null };
  /** The order as sent. */
  purchaseOrder: ApiPurchaseOrder;
  lines: PurchaseLineReason[];
  approvalThresholdMinor: number;
  /** The creator's own approval, refused above the threshold (PO_APPROVER_IS_CREATOR), as the API answered it; null when not tried. */
  creatorRefusal: { status: number; code: string } | null;
  /** 'creator' below the threshold; 'second actor' (the run's approver key) above it. */
  approvedAs: 'creator' | 'second actor';
}

/** A backordered sales order line that a receipt allocated, as POST /v1/receipts reported it (oldest order first). */
export interface ReleasedBackorder { orderId: string; orderNumber: string; lineId: string; sku: string; qty: string }

export interface ReceiptTrail {
  receipt: ApiReceipt;
  scans: Array<{ sku: string; scan: string; scannedAs: 'supplier part number' | 'GTIN' | 'SKU'; qty: string }>;
  released: ReleasedBackorder[];
  putaways: Array<{ sku: string; fromBinCode: string; toBinCode: string; qty: string; status: string }>;
}

/**
 * A supplier invoice entered and matched three ways (PO price × received × invoiced) by
 * matchSupplierInvoices (demo-supplier-invoices.service.ts): one billed within the price
 * tolerance (posted with a variance, then paid), one beyond it (held with its reason).
 */
export interface SupplierInvoiceTrail {
  supplierInvoiceId: string;
  /** Ours (SINV-) and the supplier's. */
  invoiceNumber: string;
  supplierInvoiceNumber: string;
  poNumber: string;
  lineNumber: number;
  qty: string;
  poUnitCost: string;
  unitPrice: string;
  status: 'posted' | 'held';
  totalMinor: number;
  priceVarianceMinor: number;
  holdReason: string | null;
  /** The invoice's journal entry (none while held). */
  entries: ApiJournalEntry[];
  /** The supplier payment that settled a posted invoice. */
  payment: { paymentNumber: string; amountMinor: number; entries: ApiJournalEntry[] } | null;
}

/** Procure to pay for the run's backorders (issue #6 item 8). */
export interface ProcurementTrail {
  /** Accounts payable's bank details for one supplier, sealed through PUT …/bank-details (once per tenant); null when no master key is configured. */
  bankDetails: { supplierCode: string; shown: string; enteredNow: boolean } | null;
  /** The backordered lines the purchase orders were placed for, oldest order first. */
  backorders: Array<{ orderNumber: string; sku: string; qty: string }>;
  purchaseOrders: PurchaseOrderTrail[];
  /** `qm verify` just before the first receipt and just after the last one. */
  verifyBeforeReceipt: BooksVerification;
  receipts: ReceiptTrail[];
  verifyAfterReceipt: BooksVerification;
  supplierInvoices: SupplierInvoiceTrail[];
  /** The run's approver key (purchasing:approve), revoked when the run ends like the run's own key. */
  approverKeyId: string;
}

export interface DemoRun {
  tenantName: string;
  seeded: boolean;
  orders: OrderTrail[];
  waves: Array<{ waveNumber: string; warehouseCode: string; orderNumbers: string[]; tasks: number }>;
  procurement: ProcurementTrail | null;
  warehouses: Map<string, string>;
  items: Map<string, ApiItem>;
}
