import type { ColumnType, Generated } from 'kysely';

/**
 * Table types for Kysely. Kept beside db/migrations and checked against the
 * live schema by src/platform/db/schema.test.ts, which fails when a column
 * exists on one side only.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface TenantsTable {
  tenant_id: string;
  name: string;
  functional_currency: Generated<string>;
  time_zone: Generated<string>;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  status: Generated<'active' | 'suspended'>;
  created_at: DefaultedTimestamp;
}

export interface ApiKeysTable {
  tenant_id: string;
  api_key_id: string;
  name: string;
  display_prefix: string;
  key_hash: Buffer;
  permissions: string[];
  created_by: string;
  created_at: DefaultedTimestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  credential_id: string;
  idempotency_key: string;
  request_method: string;
  request_path: string;
  request_hash: string;
  response_status: number | null;
  response_body: Json | null;
  created_at: DefaultedTimestamp;
}

export interface AuditLogTable {
  tenant_id: string;
  audit_id: string;
  occurred_at: Timestamp;
  actor_type: string;
  actor_id: string;
  action: string;
  entity_type: string;
  entity_id: string;
  changes: Json | null;
  request_id: string | null;
  source_address: string | null;
  /** Computed by a trigger on insert; any value given is replaced. */
  row_hash: ColumnType<Buffer, Buffer | undefined, never>;
}

export interface AuditSealsTable {
  tenant_id: string;
  seq: ColumnType<string, string | number | bigint, never>;
  audit_id: string;
  row_hash: Buffer;
  chain_hash: Buffer;
  sealed_at: DefaultedTimestamp;
}

export interface TenantDataKeysTable {
  tenant_id: string;
  key_version: number;
  wrapped_key: Buffer;
  master_key_id: string;
  created_at: DefaultedTimestamp;
}

export interface OutboxEventsTable {
  tenant_id: string;
  event_id: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: Json;
  occurred_at: Timestamp;
  request_id: string | null;
}

export interface OutboxDeliveriesTable {
  tenant_id: string;
  delivery_id: string;
  event_id: string;
  consumer: string;
  aggregate_key: string;
  status: Generated<'pending' | 'delivered' | 'dead'>;
  attempts: Generated<number>;
  max_attempts: number;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  leased_by: string | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  created_at: DefaultedTimestamp;
}

export interface OutboxSubscriptionsTable {
  tenant_id: string;
  consumer: string;
  event_types: string[];
  max_attempts: number;
  active: Generated<boolean>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface NumberSeriesTable {
  tenant_id: string;
  series: string;
  prefix: string;
  gapless: boolean;
  next_value: ColumnType<string, string | number | bigint | undefined, string | number | bigint>;
}

export interface DB {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_log: AuditLogTable;
  audit_seals: AuditSealsTable;
  tenant_data_keys: TenantDataKeysTable;
  outbox_events: OutboxEventsTable;
  outbox_deliveries: OutboxDeliveriesTable;
  outbox_subscriptions: OutboxSubscriptionsTable;
  number_series: NumberSeriesTable;
}
