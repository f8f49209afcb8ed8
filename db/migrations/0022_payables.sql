-- Procure-to-pay, second slice (issue #6 items 5 and 7): supplier invoices matched three ways,
-- the accounts payable subledger, supplier payments. Money in integer minor units of the
-- tenant's functional currency; quantities and prices decimal.

create table supplier_invoices (
  tenant_id uuid not null,
  supplier_invoice_id uuid not null,
  -- Our number (SINV-, block series); the supplier's own number is supplier_invoice_number.
  invoice_number text not null,
  supplier_id uuid not null,
  supplier_invoice_number text not null check (length(supplier_invoice_number) between 1 and 64),
  invoice_date date not null,
  due_date date not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  status text not null check (status in ('held', 'posted', 'rejected')),
  goods_minor bigint not null check (goods_minor >= 0),
  freight_minor bigint not null default 0 check (freight_minor >= 0),
  total_minor bigint not null check (total_minor = goods_minor + freight_minor),
  journal_entry_id uuid,
  revision integer not null default 1,
  created_by text not null,
  created_at timestamptz not null,
  approved_by text,
  approved_at timestamptz,
  posted_at timestamptz,
  rejected_by text,
  rejected_at timestamptz,
  reject_reason text,
  primary key (tenant_id, supplier_invoice_id),
  unique (tenant_id, invoice_number),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, supplier_id),
  check ((status = 'posted') = (journal_entry_id is not null))
);
-- A supplier's invoice number is entered once (case-insensitive). A rejected invoice frees its
-- number: the supplier's corrected invoice usually carries the same one.
create unique index supplier_invoices_supplier_number on supplier_invoices (tenant_id, supplier_id, lower(supplier_invoice_number)) where status <> 'rejected';
create index supplier_invoices_status on supplier_invoices (tenant_id, status, supplier_invoice_id);
create index supplier_invoices_supplier on supplier_invoices (tenant_id, supplier_id, supplier_invoice_id);
call qm_enable_tenant_rls('supplier_invoices');

-- One line per PO line billed. grni_cleared_minor and ppv_minor are set when the invoice posts
-- (0 while held); holds is the latest match result: [{code, detail, amountMinor?, qty?}].
create table supplier_invoice_lines (
  tenant_id uuid not null,
  supplier_invoice_id uuid not null,
  line_number integer not null check (line_number > 0),
  po_id uuid not null,
  po_line_id uuid not null,
  item_id uuid not null,
  qty numeric(18, 6) not null check (qty > 0),
  unit_price numeric(18, 6) not null check (unit_price >= 0),
  amount_minor bigint not null check (amount_minor >= 0),
  po_unit_cost numeric(18, 6) not null check (po_unit_cost >= 0),
  grni_cleared_minor bigint not null default 0 check (grni_cleared_minor >= 0),
  ppv_minor bigint not null default 0,
  holds jsonb not null default '[]'::jsonb check (jsonb_typeof(holds) = 'array'),
  primary key (tenant_id, supplier_invoice_id, line_number),
  foreign key (tenant_id, supplier_invoice_id) references supplier_invoices (tenant_id, supplier_invoice_id),
  foreign key (tenant_id, po_id, po_line_id) references purchase_order_lines (tenant_id, po_id, line_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id)
);
create index supplier_invoice_lines_po_line on supplier_invoice_lines (tenant_id, po_id, po_line_id);
call qm_enable_tenant_rls('supplier_invoice_lines');

-- The payables subledger, the mirror of receivable_open_items: amounts are what we owe, positive;
-- open_minor falls toward 0 as payments are applied. Σ open_minor = − GL accounts payable.
create table payable_open_items (
  tenant_id uuid not null,
  open_item_id uuid not null,
  supplier_id uuid not null,
  document_type text not null check (document_type in ('supplier_invoice')),
  document_id uuid not null,
  document_number text not null,
  supplier_document_number text,
  document_date date not null,
  due_date date not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  amount_minor bigint not null check (amount_minor > 0),
  open_minor bigint not null,
  created_at timestamptz not null,
  primary key (tenant_id, open_item_id),
  unique (tenant_id, document_type, document_id),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, supplier_id),
  -- The last line of defence against over-application under any bug or race.
  check (open_minor between 0 and amount_minor)
);
create index payable_open_items_supplier on payable_open_items (tenant_id, supplier_id) where open_minor <> 0;
call qm_enable_tenant_rls('payable_open_items');

create table supplier_payments (
  tenant_id uuid not null,
  supplier_payment_id uuid not null,
  payment_number text not null,
  supplier_id uuid not null,
  payment_date date not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  amount_minor bigint not null check (amount_minor > 0),
  reference text check (length(reference) between 1 and 100),
  journal_entry_id uuid not null,
  created_by text not null,
  created_at timestamptz not null,
  primary key (tenant_id, supplier_payment_id),
  unique (tenant_id, payment_number),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, supplier_id)
);
create index supplier_payments_supplier on supplier_payments (tenant_id, supplier_id, supplier_payment_id);
call qm_enable_tenant_rls('supplier_payments');

create table supplier_payment_applications (
  tenant_id uuid not null,
  supplier_payment_id uuid not null,
  open_item_id uuid not null,
  amount_minor bigint not null check (amount_minor > 0),
  applied_on date not null,
  primary key (tenant_id, supplier_payment_id, open_item_id),
  foreign key (tenant_id, supplier_payment_id) references supplier_payments (tenant_id, supplier_payment_id),
  foreign key (tenant_id, open_item_id) references payable_open_items (tenant_id, open_item_id)
);
create index supplier_payment_applications_item on supplier_payment_applications (tenant_id, open_item_id);
call qm_enable_tenant_rls('supplier_payment_applications');
revoke update, delete, truncate on supplier_payments, supplier_payment_applications from qm_app;
