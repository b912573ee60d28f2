/**
 * The store's public types: what `src/monitor`, `src/server`, `src/registry` and
 * `src/auditlog` read and write. Times are epoch milliseconds (integers) everywhere, so
 * both backends keep them exactly and callers never meet driver-specific date types.
 */

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

export type Dialect = "sqlite" | "postgres";

export const MODEL_TASKS = ["binary", "multiclass", "regression"] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

/** Roles of issue 5 section 7; `ingest` tokens are usually scoped to models. */
export const TOKEN_ROLES = [
  "viewer",
  "ingest",
  "data-scientist",
  "ml-engineer",
  "approver",
  "admin",
] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Default window size of a model: 5 minutes (issue 5 section 2). */
export const DEFAULT_WINDOW_SECONDS = 300;

export interface ModelRecord {
  id: number;
  name: string;
  task: ModelTask;
  /** Features with kinds, prediction, optional scores and target; shape owned by src/monitor. */
  schema: JsonValue;
  windowSeconds: number;
  /** Monitor settings; shape owned by src/monitor. */
  monitors: JsonValue;
  createdAt: number;
  updatedAt: number;
}

export interface NewModel {
  name: string;
  task: ModelTask;
  schema: JsonValue;
  windowSeconds?: number;
  monitors?: JsonValue;
}

export interface ModelPatch {
  task?: ModelTask;
  schema?: JsonValue;
  windowSeconds?: number;
  monitors?: JsonValue;
}

export interface VersionRecord {
  id: number;
  modelId: number;
  version: string;
  metadata: JsonValue;
  createdAt: number;
}

export interface NewVersion {
  version: string;
  metadata?: JsonValue;
}

export interface ReferenceProfileRecord {
  modelId: number;
  versionId: number;
  /** Opaque bytes produced by src/sketch. */
  data: Uint8Array;
  /** Baseline metrics computed from the reference (when it had targets and predictions). */
  baseline: JsonValue | null;
  createdAt: number;
  updatedAt: number;
}

export interface WindowKey {
  modelId: number;
  versionId: number;
  /** Window start, epoch ms. */
  windowStart: number;
}

export interface WindowProfileRecord extends WindowKey {
  /** Opaque bytes produced by src/sketch. */
  data: Uint8Array;
  /** Sum of the `eventCount` given to each merge. */
  eventCount: number;
  createdAt: number;
  updatedAt: number;
  /** When the window was evaluated and closed; null while open. */
  closedAt: number | null;
  /**
   * Deferred profiles: the profile counts exactly the window's events with seq <= countedSeq;
   * null when it counts every committed event of the window.
   */
  countedSeq: number | null;
}

/**
 * Computes the new profile from the stored one (undefined when the window has none yet).
 * May be called twice in one merge (once with undefined, then with the row a concurrent
 * writer created first), so it must not have side effects.
 */
export type MergeFn = (current: Uint8Array | undefined) => Uint8Array | Promise<Uint8Array>;

export interface PredictionEventInput {
  /** Caller's event id, unique per model; a repeated id is ignored (idempotent ingest). */
  id: string;
  versionId: number;
  /** Event time, epoch ms. */
  timestamp: number;
  /** Start of the window the event belongs to, epoch ms (computed by the caller). */
  windowStart: number;
  /** The event as received: features, prediction, scores, latency, error. */
  payload: JsonValue;
}

export interface PredictionEventRecord extends PredictionEventInput {
  modelId: number;
  /** Store-assigned, increasing in insertion order; use it to page (`afterSeq`). */
  seq: number;
  receivedAt: number;
}

export interface InsertEventsResult {
  /** Events newly stored. */
  inserted: number;
  /** Events whose id was already stored for the model (or repeated in the batch). */
  duplicates: number;
}

/**
 * An event whose payload the caller already serialized (ingest keeps the JSON text it
 * received): stored verbatim, so it must be valid JSON text; the store does not re-check it.
 */
export type SerializedEventInput = Omit<PredictionEventInput, "payload"> & { payloadJson: string };

export interface InsertEventIdsResult extends InsertEventsResult {
  /**
   * Ids newly stored, in the order given (an id repeated in the batch counts once, for its
   * first occurrence): the events a caller may count, every other one was already there.
   */
  insertedIds: string[];
  /** The seq given to each of insertedIds (same order). */
  insertedSeqs: number[];
}

export interface EventQuery {
  versionId?: number;
  windowStart?: number;
  /** Event time range [from, to), epoch ms. */
  from?: number;
  to?: number;
  /** Only events with seq greater than this (paging). */
  afterSeq?: number;
  /** Default 1000. */
  limit?: number;
}

export interface LabelInput {
  /** The prediction event id this label belongs to; the event may arrive later. */
  id: string;
  label: JsonValue;
  /** Label time, epoch ms. */
  timestamp: number;
}

export interface LabelRecord {
  value: JsonValue;
  timestamp: number;
  receivedAt: number;
}

export interface InsertLabelsResult {
  inserted: number;
  /** Labels that replaced an earlier label of the same id. */
  updated: number;
  /** Windows holding predictions that these labels belong to (to recompute performance). */
  windows: WindowKey[];
}

export interface LabeledEvent {
  event: PredictionEventRecord;
  label: LabelRecord | null;
}

export interface MetricPoint {
  modelId: number;
  /** null for model-level series (not tied to one version). */
  versionId: number | null;
  windowStart: number;
  name: string;
  /** e.g. { feature: "age", method: "ks" }; stored canonically (sorted keys). */
  labels?: Record<string, string>;
  /** NaN is stored as SQL NULL and read back as NaN. */
  value: number;
}

export interface MetricRecord extends Required<MetricPoint> {
  updatedAt: number;
}

export interface MetricQuery {
  modelId: number;
  name?: string;
  /** A number for one version, null for model-level series, undefined for all. */
  versionId?: number | null;
  /** Window start range [from, to), epoch ms. */
  from?: number;
  to?: number;
  /** Every given label must match exactly (other labels may be present). */
  labels?: Record<string, string>;
  /** Default 10000. */
  limit?: number;
}

export interface TokenRecord {
  id: number;
  name: string;
  role: TokenRole;
  /** Model names the token may touch; null means every model. */
  modelScope: string[] | null;
  /** First hex characters of the token's sha256, safe to show in listings. */
  hashPrefix: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface NewToken {
  name: string;
  role: TokenRole;
  modelScope?: string[] | null;
}

export interface CreatedToken {
  /** The raw token: shown once, never stored. */
  token: string;
  record: TokenRecord;
}

export interface AuditInput {
  actor: string;
  action: string;
  subject: string;
  details?: JsonValue;
  /** Defaults to now. */
  time?: number;
}

export interface AuditEntry {
  sequence: number;
  time: number;
  actor: string;
  action: string;
  subject: string;
  details: JsonValue;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  afterSequence?: number;
  subject?: string;
  actor?: string;
  action?: string;
  /** Time range [from, to), epoch ms. */
  from?: number;
  to?: number;
  /** Default 1000. */
  limit?: number;
}

export interface AuditHead {
  /** 0 when the log is empty. */
  sequence: number;
  /** GENESIS_HASH when the log is empty. */
  hash: string;
}
