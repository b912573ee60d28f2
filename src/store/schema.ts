/**
 * Table shapes as Kysely sees them. Columns are portable types only: integers (epoch ms,
 * ids), double precision, text (JSON is stored as canonical text so both backends return
 * the exact bytes the audit hash was computed over), and bytes (blob / bytea).
 */
import type { ColumnType, Generated } from "kysely";

export interface ModelsTable {
  id: Generated<number>;
  name: string;
  task: string;
  schema_json: string;
  window_seconds: number;
  monitors_json: string;
  created_at: number;
  updated_at: number;
}

export interface ModelVersionsTable {
  id: Generated<number>;
  model_id: number;
  version: string;
  metadata_json: string;
  created_at: number;
}

export interface ReferenceProfilesTable {
  version_id: number;
  model_id: number;
  data: Uint8Array;
  baseline_json: string | null;
  created_at: number;
  updated_at: number;
}

export interface WindowProfilesTable {
  model_id: number;
  version_id: number;
  window_start: number;
  data: Uint8Array;
  event_count: number;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  /** Deferred profiles: the last event seq counted; null = every committed event. */
  counted_seq: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface PredictionEventsTable {
  seq: Generated<number>;
  model_id: number;
  event_id: string;
  version_id: number;
  ts: number;
  window_start: number;
  payload_json: string;
  received_at: number;
}

export interface LabelsTable {
  model_id: number;
  event_id: string;
  value_json: string;
  ts: number;
  received_at: number;
}

export interface MetricsTable {
  id: Generated<number>;
  model_id: number;
  /** 0 stands for "no version" so the unique key works (NULLs are distinct in SQL). */
  version_id: number;
  window_start: number;
  name: string;
  labels_json: string;
  value: number | null;
  updated_at: number;
}

/**
 * The latest point of each series (model, version, name, labels): the row of `metrics` with
 * the greatest window_start, kept up to date by putMetrics in the same transaction, so that
 * status, /metrics and the scheduler read one row per series instead of the whole history.
 */
export interface MetricLatestTable {
  model_id: number;
  version_id: number;
  name: string;
  labels_json: string;
  window_start: number;
  value: number | null;
  updated_at: number;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  role: string;
  model_scope_json: string | null;
  token_hash: string;
  hash_prefix: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface AuditLogTable {
  sequence: number;
  time: number;
  actor: string;
  action: string;
  subject: string;
  details_json: string;
  prev_hash: string;
  hash: string;
}

/** One row (id = 1) holding the chain head; locking it serializes appends. */
export interface AuditHeadTable {
  id: number;
  sequence: number;
  hash: string;
}

export interface Database {
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  reference_profiles: ReferenceProfilesTable;
  window_profiles: WindowProfilesTable;
  prediction_events: PredictionEventsTable;
  labels: LabelsTable;
  metrics: MetricsTable;
  metric_latest: MetricLatestTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
}
