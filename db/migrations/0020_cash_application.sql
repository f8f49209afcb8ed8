-- Cash application, generalised (issue #5, billing: payments).
--
-- 0016 let an application name only a payment. An application moves money from a CREDIT open
-- item (an unapplied payment, document_type 'payment', negative; a credit memo; a negative
-- opening balance) to a DEBIT open item (an invoice, a positive opening balance). The source
-- is now always named; payment_id is set only when the source is a payment, so that "what did
-- payment PAY-000012 pay" stays one indexed lookup.
--
-- Billing wrote no application before this migration (it did not exist), so the new column
-- can be NOT NULL at once; a database holding rows would stop the migration loudly here
-- rather than carry applications without a source.
alter table payment_applications add column source_open_item_id uuid not null;
alter table payment_applications alter column payment_id drop not null;
alter table payment_applications add constraint payment_applications_source_fk
  foreign key (tenant_id, source_open_item_id) references receivable_open_items (tenant_id, open_item_id);
alter table payment_applications add constraint payment_applications_source_is_not_target
  check (source_open_item_id <> open_item_id);
create index payment_applications_source on payment_applications (tenant_id, source_open_item_id);
comment on column payment_applications.source_open_item_id is 'the credit open item the money comes from (payment, credit memo, negative opening balance)';
comment on column payment_applications.open_item_id is 'the debit open item the money settles (invoice, positive opening balance)';
comment on column payment_applications.payment_id is 'set when the source is a payment''s open item';

-- The last line of defence against over-application under any bug or race: an open amount
-- never changes sign and never exceeds the document's amount. (createReceivableOpenItem and
-- the services check the same before they write.)
alter table receivable_open_items add constraint receivable_open_items_open_within_amount
  check (sign(open_minor) in (0, sign(amount_minor)) and abs(open_minor) <= abs(amount_minor));
