/**
 * The repository: every read and write Vigil makes, implemented once on Kysely for both
 * dialects. A `Repo` is bound either to the store's pool (each write runs in its own
 * transaction) or to one connection inside `transaction(fn)` (everything joins the caller's
 * transaction, so a change and its audit entry commit or roll back together).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { hash, randomBytes, timingSafeEqual } from "node:crypto";
import { CompiledQuery, type Kysely, type Selectable, sql, type Updateable } from "kysely";
import { invalidArgument, VigilError } from "../errors.js";
import { auditEntryHash, canonicalJson } from "./audit-hash.js";
import { isForeignKeyViolation, translateDbError } from "./db-errors.js";
import type {
  ApiTokensTable,
  AuditLogTable,
  Database,
  MetricsTable,
  ModelsTable,
  ModelVersionsTable,
  PredictionEventsTable,
  ReferenceProfilesTable,
  WindowProfilesTable,
} from "./schema.js";
import {
  type AuditEntry,
  type AuditHead,
  type AuditInput,
  type AuditQuery,
  type CreatedToken,
  DEFAULT_WINDOW_SECONDS,
  type Dialect,
  type EventQuery,
  type InsertEventIdsResult,
  type InsertEventsResult,
  type InsertLabelsResult,
  type JsonValue,
  type LabeledEvent,
  type LabelInput,
  type MergeFn,
  type MetricPoint,
  type MetricQuery,
  type MetricRecord,
  MODEL_TASKS,
  type ModelPatch,
  type ModelRecord,
  type NewModel,
  type NewToken,
  type NewVersion,
  type PredictionEventInput,
  type PredictionEventRecord,
  type ReferenceProfileRecord,
  type SerializedEventInput,
  TOKEN_ROLES,
  type TokenRecord,
  type TokenRole,
  type VersionRecord,
  type WindowKey,
  type WindowProfileRecord,
} from "./types.js";

/** What a Repo needs from the opened database; built by openStore. */
export interface Backend {
  readonly dialect: Dialect;
  /** The URL as given (may hold a password): used only to scrub it out of messages. */
  readonly secretUrl: string | undefined;
  readonly db: Kysely<Database>;
  begin(conn: Kysely<Database>): Promise<void>;
  commit(conn: Kysely<Database>): Promise<void>;
  /**
   * Called right after commit(): resolves once the commit is on disk. Awaited after the
   * connection is released, so the next transaction need not wait for the disk (SQLite's
   * WAL sync, src/store/wal-sync.ts). Undefined when commit() is durable by itself.
   */
  durable?: (() => Promise<void>) | undefined;
  rollback(conn: Kysely<Database>): Promise<void>;
  /** Runs before the database is closed. */
  beforeClose?: (() => Promise<void>) | undefined;
}

/** Raw tokens look like `vgl_` + 43 base64url characters (32 random bytes). */
export const TOKEN_PREFIX = "vgl_";
const TOKEN_RE = /^vgl_[A-Za-z0-9_-]{43}$/;
/** Hex characters of the token hash kept in the indexed lookup column. */
const HASH_PREFIX_LENGTH = 12;
/** last_used_at is refreshed at most this often, so verifying a token is usually a read. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Rows per INSERT statement: well below SQLite's 32766 and PostgreSQL's 65535 parameters. */
const ROWS_PER_STATEMENT = 1000;
const IDS_PER_IN_LIST = 500;

// ---- conversions and checks ----------------------------------------------------------

function toBuffer(data: Uint8Array, name: string): Buffer {
  if (!(data instanceof Uint8Array)) throw invalidArgument(name, "a Uint8Array", data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function asBytes(value: Uint8Array): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
}

function parseJson(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}

function checkName(name: unknown, what: string, max = 200): string {
  if (typeof name !== "string" || name.trim() === "" || name.length > max) {
    throw invalidArgument(what, `a non-empty string of at most ${max} characters`, name);
  }
  return name;
}

function checkInt(value: unknown, what: string, min = Number.MIN_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw invalidArgument(what, `an integer >= ${min}`, value);
  }
  return value;
}

function checkTime(value: unknown, what: string): number {
  return checkInt(value, what, 0);
}

function checkTask(task: unknown): asserts task is ModelRecord["task"] {
  if (!MODEL_TASKS.includes(task as ModelRecord["task"])) {
    throw invalidArgument("task", `one of ${MODEL_TASKS.join(", ")}`, task);
  }
}

function checkLabels(labels: unknown, what: string): Record<string, string> {
  if (labels === undefined) return {};
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) {
    throw invalidArgument(what, "an object of string values", labels);
  }
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== "string") throw invalidArgument(`${what}.${k}`, "a string", v);
  }
  return labels as Record<string, string>;
}

function toModel(r: Selectable<ModelsTable>): ModelRecord {
  return {
    id: r.id,
    name: r.name,
    task: r.task as ModelRecord["task"],
    schema: parseJson(r.schema_json),
    windowSeconds: r.window_seconds,
    monitors: parseJson(r.monitors_json),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toVersion(r: Selectable<ModelVersionsTable>): VersionRecord {
  return {
    id: r.id,
    modelId: r.model_id,
    version: r.version,
    metadata: parseJson(r.metadata_json),
    createdAt: r.created_at,
  };
}

function toReference(r: Selectable<ReferenceProfilesTable>): ReferenceProfileRecord {
  return {
    modelId: r.model_id,
    versionId: r.version_id,
    data: asBytes(r.data),
    baseline: r.baseline_json === null ? null : parseJson(r.baseline_json),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toWindow(r: Selectable<WindowProfilesTable>): WindowProfileRecord {
  return {
    modelId: r.model_id,
    versionId: r.version_id,
    windowStart: r.window_start,
    data: asBytes(r.data),
    eventCount: r.event_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
    countedSeq: r.counted_seq ?? null,
  };
}

function toEvent(r: Selectable<PredictionEventsTable>): PredictionEventRecord {
  return {
    seq: r.seq,
    modelId: r.model_id,
    id: r.event_id,
    versionId: r.version_id,
    timestamp: r.ts,
    windowStart: r.window_start,
    payload: parseJson(r.payload_json),
    receivedAt: r.received_at,
  };
}

function toMetric(r: Omit<Selectable<MetricsTable>, "id">): MetricRecord {
  return {
    modelId: r.model_id,
    versionId: r.version_id === 0 ? null : r.version_id,
    windowStart: r.window_start,
    name: r.name,
    labels: JSON.parse(r.labels_json) as Record<string, string>,
    value: r.value === null ? Number.NaN : r.value,
    updatedAt: r.updated_at,
  };
}

function toToken(r: Selectable<ApiTokensTable>): TokenRecord {
  return {
    id: r.id,
    name: r.name,
    role: r.role as TokenRole,
    modelScope: r.model_scope_json === null ? null : (JSON.parse(r.model_scope_json) as string[]),
    hashPrefix: r.hash_prefix,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

function toAudit(r: Selectable<AuditLogTable>): AuditEntry {
  return {
    sequence: r.sequence,
    time: r.time,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    details: parseJson(r.details_json),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const EVENT_COLUMNS = [
  "model_id",
  "event_id",
  "version_id",
  "ts",
  "window_start",
  "payload_json",
  "received_at",
] as const;
const insertEventsCache = new Map<string, string>();

/**
 * A fixed statement for a query the ingest path runs per transaction: Kysely's builder and
 * compiler cost several times the SQLite statement itself. `?` placeholders, numbered for
 * PostgreSQL.
 */
function fixedQuery(dialect: Dialect, text: string, params: readonly unknown[]): CompiledQuery {
  let n = 0;
  return CompiledQuery.raw(dialect === "postgres" ? text.replace(/\?/g, () => `$${++n}`) : text, [
    ...params,
  ]);
}

/**
 * `insert into prediction_events ... on conflict do nothing` for n rows; on PostgreSQL with
 * `returning event_id, seq`. SQLite goes without RETURNING, which cost about 40% of the
 * insert (a result row built per event): see insertEventsReturningIds.
 */
function insertEventsSql(dialect: Dialect, rows: number): string {
  const key = `${dialect}:${rows}`;
  let text = insertEventsCache.get(key);
  if (text !== undefined) return text;
  const width = EVENT_COLUMNS.length;
  const tuples: string[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const marks: string[] = new Array(width);
    for (let c = 0; c < width; c++)
      marks[c] = dialect === "postgres" ? `$${r * width + c + 1}` : "?";
    tuples[r] = `(${marks.join(",")})`;
  }
  text = `insert into prediction_events (${EVENT_COLUMNS.join(", ")}) values ${tuples.join(",")} on conflict (model_id, event_id) do nothing${dialect === "postgres" ? " returning event_id, seq" : ""}`;
  if (insertEventsCache.size >= 16) insertEventsCache.clear();
  insertEventsCache.set(key, text);
  return text;
}

/** sha256 (hex) of a raw API token; only this is stored. */
export function hashToken(token: string): string {
  // The one-shot form: a third of createHash's cost, and it runs on every request.
  return hash("sha256", token, "hex");
}

/**
 * The transaction running in the current async context, to catch `store.x()` called inside
 * `store.transaction(fn)` instead of `tx.x()`: that call would wait for the connection the
 * transaction holds (SQLite: forever) or, on PostgreSQL, commit outside the transaction.
 */
const activeTransaction = new AsyncLocalStorage<{ backend: Backend; open: boolean }>();
/**
 * The check is for our own code, so it runs under the tests (and with
 * VIGIL_CHECK_TRANSACTIONS=1) only: on Node 20 an AsyncLocalStorage, once used, installs
 * promise hooks that tax every promise of the process (bench/README.md, ingest).
 */
const checkTransactionUse =
  process.env.VITEST !== undefined || process.env.VIGIL_CHECK_TRANSACTIONS === "1";

/**
 * Errors thrown by caller code (the fn of transaction, a MergeFn): they pass through
 * unchanged even when they look like driver errors (an HTTP call failing with ECONNRESET).
 */
const callerErrors = new WeakSet<object>();

async function callCaller<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (typeof err === "object" && err !== null) callerErrors.add(err);
    throw err;
  }
}

function translate(err: unknown, operation: string, url: string | undefined): unknown {
  if (typeof err === "object" && err !== null && callerErrors.has(err)) return err;
  return translateDbError(err, operation, url);
}

// ---- the repository ------------------------------------------------------------------

export class Repo {
  /** Set once the transaction this Repo belongs to has ended. */
  private finished = false;

  constructor(
    protected readonly backend: Backend,
    private readonly conn: Kysely<Database>,
    /** True inside `transaction(fn)`. */
    readonly inTransaction: boolean,
  ) {}

  get dialect(): Dialect {
    return this.backend.dialect;
  }

  /**
   * The Kysely handle this repository runs on (the connection of the current transaction
   * inside `transaction(fn)`). For migrations, tests and tools that need raw SQL.
   */
  get kysely(): Kysely<Database> {
    this.assertUsable();
    return this.conn;
  }

  private assertUsable(): void {
    if (this.finished) {
      throw new VigilError("VIGIL_INTERNAL", "The transaction this handle belongs to has ended.");
    }
    if (checkTransactionUse && !this.inTransaction) {
      const active = activeTransaction.getStore();
      if (active?.open && active.backend === this.backend) {
        throw new VigilError(
          "VIGIL_INTERNAL",
          "The store was used directly inside its own transaction(fn); use the tx argument.",
        );
      }
    }
  }

  /**
   * Runs fn in one transaction: everything it does through `tx` commits together or, when
   * fn throws, not at all (the error reaches the caller unchanged). On SQLite the write lock
   * is taken at the start (BEGIN IMMEDIATE, retried without blocking the event loop), so
   * writers on other connections queue instead of failing; on PostgreSQL rows are locked
   * where needed (window merges, the audit head). Nested calls join the outer transaction.
   */
  async transaction<T>(fn: (tx: Repo) => Promise<T>): Promise<T> {
    return this.runTransaction(fn, true);
  }

  /**
   * transaction(fn) for pipelined writers (group commit): resolves as soon as the commit
   * returned and the connection is free, with `durable`, which resolves once the commit is
   * on disk (at once where commit() is durable by itself). The caller may start its next
   * transaction meanwhile but must acknowledge nothing before `durable` resolves. Not
   * nestable: it always opens its own transaction.
   */
  async transactionCommitted<T>(
    fn: (tx: Repo) => Promise<T>,
  ): Promise<{ result: T; durable: Promise<void> }> {
    if (this.inTransaction) {
      throw new VigilError("VIGIL_INTERNAL", "transactionCommitted cannot be nested.");
    }
    let durable: Promise<void> = Promise.resolve();
    const result = await this.runTransaction(fn, true, (d) => {
      durable = d.catch((err: unknown) => {
        throw translate(err, "commit", this.backend.secretUrl);
      });
      durable.catch(() => undefined);
    });
    return { result, durable };
  }

  /**
   * `fromCaller`: fn is caller code, whose errors must pass through untranslated.
   * `onDurable`: takes the durability promise instead of awaiting it here.
   */
  private async runTransaction<T>(
    fn: (tx: Repo) => Promise<T>,
    fromCaller: boolean,
    onDurable?: (durable: Promise<void>) => void,
  ): Promise<T> {
    if (this.inTransaction) return fn(this);
    this.assertUsable();
    const { backend } = this;
    let durable: Promise<void> | undefined;
    try {
      const result = await backend.db.connection().execute(async (conn) => {
        await backend.begin(conn);
        const tx = new Repo(backend, conn, true);
        const marker = { backend, open: true };
        try {
          const body = () => (fromCaller ? callCaller(() => fn(tx)) : fn(tx));
          const result = await (checkTransactionUse ? activeTransaction.run(marker, body) : body());
          await backend.commit(conn);
          durable = backend.durable?.();
          // Awaited below, once the connection is free; never an unhandled rejection.
          durable?.catch(() => undefined);
          return result;
        } catch (err) {
          await backend.rollback(conn).catch(() => undefined);
          throw err;
        } finally {
          tx.finished = true;
          marker.open = false;
        }
      });
      if (durable) {
        if (onDurable) onDurable(durable);
        else await durable;
      }
      return result;
    } catch (err) {
      // Internal writes translate in write(), where the operation's name is known.
      throw fromCaller ? translate(err, "transaction", backend.secretUrl) : err;
    }
  }

  /** A read: driver errors become VigilErrors. */
  private async read<T>(operation: string, fn: (q: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await fn(this.kysely);
    } catch (err) {
      throw translate(err, operation, this.backend.secretUrl);
    }
  }

  /** A write: joins the current transaction or runs in its own. */
  private async write<T>(operation: string, fn: (q: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.runTransaction((tx) => fn(tx.kysely), false);
    } catch (err) {
      throw translate(err, operation, this.backend.secretUrl);
    }
  }

  private get isPg(): boolean {
    return this.backend.dialect === "postgres";
  }

  // ---- models -------------------------------------------------------------------------

  /** Throws VIGIL_ALREADY_EXISTS when the name is taken. */
  async createModel(input: NewModel): Promise<ModelRecord> {
    const name = checkName(input?.name, "model name");
    checkTask(input.task);
    const windowSeconds = checkInt(
      input.windowSeconds ?? DEFAULT_WINDOW_SECONDS,
      "windowSeconds",
      1,
    );
    const schemaJson = canonicalJson(input.schema ?? null);
    const monitorsJson = canonicalJson(input.monitors ?? {});
    const now = Date.now();
    const row = await this.write("createModel", (q) =>
      q
        .insertInto("models")
        .values({
          name,
          task: input.task,
          schema_json: schemaJson,
          window_seconds: windowSeconds,
          monitors_json: monitorsJson,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column("name").doNothing())
        .returningAll()
        .executeTakeFirst(),
    );
    if (!row)
      throw new VigilError("VIGIL_ALREADY_EXISTS", `A model named "${name}" already exists.`);
    return toModel(row);
  }

  async getModel(name: string): Promise<ModelRecord | undefined> {
    const result = await this.read("getModel", (q) =>
      q.executeQuery<Selectable<ModelsTable>>(
        fixedQuery(this.dialect, "select * from models where name = ?", [name]),
      ),
    );
    const row = result.rows[0];
    return row && toModel(row);
  }

  async getModelById(id: number): Promise<ModelRecord | undefined> {
    const row = await this.read("getModelById", (q) =>
      q.selectFrom("models").selectAll().where("id", "=", id).executeTakeFirst(),
    );
    return row && toModel(row);
  }

  /** Like getModel but throws VIGIL_MODEL_NOT_FOUND. */
  async requireModel(name: string): Promise<ModelRecord> {
    const model = await this.getModel(name);
    if (!model) throw new VigilError("VIGIL_MODEL_NOT_FOUND", `No model is named "${name}".`);
    return model;
  }

  async listModels(): Promise<ModelRecord[]> {
    const rows = await this.read("listModels", (q) =>
      q.selectFrom("models").selectAll().orderBy("name").execute(),
    );
    return rows.map(toModel);
  }

  /** Throws VIGIL_MODEL_NOT_FOUND. */
  async updateModel(name: string, patch: ModelPatch): Promise<ModelRecord> {
    const set: Updateable<ModelsTable> = { updated_at: Date.now() };
    if (patch.task !== undefined) {
      checkTask(patch.task);
      set.task = patch.task;
    }
    if (patch.schema !== undefined) set.schema_json = canonicalJson(patch.schema);
    if (patch.monitors !== undefined) set.monitors_json = canonicalJson(patch.monitors);
    if (patch.windowSeconds !== undefined) {
      set.window_seconds = checkInt(patch.windowSeconds, "windowSeconds", 1);
    }
    const row = await this.write("updateModel", (q) =>
      q.updateTable("models").set(set).where("name", "=", name).returningAll().executeTakeFirst(),
    );
    if (!row) throw new VigilError("VIGIL_MODEL_NOT_FOUND", `No model is named "${name}".`);
    return toModel(row);
  }

  // ---- versions -----------------------------------------------------------------------

  /** Throws VIGIL_MODEL_NOT_FOUND, or VIGIL_ALREADY_EXISTS when the version exists. */
  async createVersion(modelId: number, input: NewVersion): Promise<VersionRecord> {
    const version = checkName(input?.version, "version");
    const metadataJson = canonicalJson(input.metadata ?? {});
    const now = Date.now();
    const row = await this.write("createVersion", async (q) => {
      const found = await q.executeQuery(
        fixedQuery(this.backend.dialect, "select id from models where id = ?", [modelId]),
      );
      if (found.rows.length === 0)
        throw new VigilError("VIGIL_MODEL_NOT_FOUND", `No model has id ${modelId}.`);
      return q
        .insertInto("model_versions")
        .values({ model_id: modelId, version, metadata_json: metadataJson, created_at: now })
        .onConflict((oc) => oc.columns(["model_id", "version"]).doNothing())
        .returningAll()
        .executeTakeFirst();
    });
    if (!row) {
      throw new VigilError(
        "VIGIL_ALREADY_EXISTS",
        `Version "${version}" of model ${modelId} already exists.`,
      );
    }
    return toVersion(row);
  }

  async getVersion(modelId: number, version: string): Promise<VersionRecord | undefined> {
    const row = await this.read("getVersion", (q) =>
      q
        .selectFrom("model_versions")
        .selectAll()
        .where("model_id", "=", modelId)
        .where("version", "=", version)
        .executeTakeFirst(),
    );
    return row && toVersion(row);
  }

  async getVersionById(id: number): Promise<VersionRecord | undefined> {
    const row = await this.read("getVersionById", (q) =>
      q.selectFrom("model_versions").selectAll().where("id", "=", id).executeTakeFirst(),
    );
    return row && toVersion(row);
  }

  /** Oldest first. */
  async listVersions(modelId: number): Promise<VersionRecord[]> {
    const rows = await this.read("listVersions", (q) =>
      q
        .selectFrom("model_versions")
        .selectAll()
        .where("model_id", "=", modelId)
        .orderBy("id")
        .execute(),
    );
    return rows.map(toVersion);
  }

  // ---- reference profiles -------------------------------------------------------------

  /** Stores (or replaces) the version's reference profile. Throws VIGIL_VERSION_NOT_FOUND. */
  async putReferenceProfile(
    versionId: number,
    input: { data: Uint8Array; baseline?: JsonValue | null },
  ): Promise<ReferenceProfileRecord> {
    const data = toBuffer(input?.data, "reference profile data");
    const baselineJson =
      input.baseline === undefined || input.baseline === null
        ? null
        : canonicalJson(input.baseline);
    const now = Date.now();
    const row = await this.write("putReferenceProfile", async (q) => {
      const version = await q
        .selectFrom("model_versions")
        .select(["id", "model_id"])
        .where("id", "=", versionId)
        .executeTakeFirst();
      if (!version) {
        throw new VigilError("VIGIL_VERSION_NOT_FOUND", `No model version has id ${versionId}.`);
      }
      return q
        .insertInto("reference_profiles")
        .values({
          version_id: versionId,
          model_id: version.model_id,
          data,
          baseline_json: baselineJson,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.column("version_id").doUpdateSet({
            data,
            baseline_json: baselineJson,
            updated_at: now,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return toReference(row);
  }

  async getReferenceProfile(versionId: number): Promise<ReferenceProfileRecord | undefined> {
    const row = await this.read("getReferenceProfile", (q) =>
      q
        .selectFrom("reference_profiles")
        .selectAll()
        .where("version_id", "=", versionId)
        .executeTakeFirst(),
    );
    return row && toReference(row);
  }

  // ---- window profiles ----------------------------------------------------------------

  /**
   * Atomic read-modify-write of one window's profile: reads the stored bytes, calls fn,
   * writes its result and adds `eventCount` to the window's count, all in one transaction.
   * Concurrent merges of the same window (other connections, other processes) serialize:
   * the row is locked with SELECT ... FOR UPDATE on PostgreSQL (a first insert races through
   * INSERT ... ON CONFLICT DO NOTHING and the loser merges into the winner's row), and the
   * SQLite write lock is held from BEGIN IMMEDIATE. No update is lost.
   */
  async mergeWindowProfile(
    key: WindowKey,
    fn: MergeFn,
    options: { eventCount?: number } = {},
  ): Promise<WindowProfileRecord> {
    const modelId = checkInt(key?.modelId, "modelId", 1);
    const versionId = checkInt(key.versionId, "versionId", 1);
    const windowStart = checkInt(key.windowStart, "windowStart");
    const added = checkInt(options.eventCount ?? 0, "eventCount", 0);
    if (typeof fn !== "function") throw invalidArgument("fn", "a merge function", fn);
    const row = await this.write("mergeWindowProfile", async (q) => {
      const select = () =>
        q
          .selectFrom("window_profiles")
          .selectAll()
          .where("model_id", "=", modelId)
          .where("version_id", "=", versionId)
          .where("window_start", "=", windowStart)
          .$if(this.isPg, (qb) => qb.forUpdate())
          .executeTakeFirst();
      const now = Date.now();
      let current = await select();
      if (!current) {
        const data = toBuffer(await callCaller(() => fn(undefined)), "merged profile");
        const inserted = await q
          .insertInto("window_profiles")
          .values({
            model_id: modelId,
            version_id: versionId,
            window_start: windowStart,
            data,
            event_count: added,
            created_at: now,
            updated_at: now,
            closed_at: null,
          })
          .onConflict((oc) => oc.columns(["model_id", "version_id", "window_start"]).doNothing())
          .returningAll()
          .executeTakeFirst()
          .catch((err: unknown) => {
            if (!isForeignKeyViolation(err)) throw err;
            throw new VigilError(
              "VIGIL_VERSION_NOT_FOUND",
              `No model version has id ${versionId}.`,
            );
          });
        if (inserted) return inserted;
        // Another connection created the row between our read and insert: merge into it.
        current = await select();
        if (!current) {
          throw new VigilError("VIGIL_INTERNAL", "Window profile vanished during a merge.");
        }
      }
      const data = toBuffer(await callCaller(() => fn(asBytes(current!.data))), "merged profile");
      return q
        .updateTable("window_profiles")
        .set({ data, event_count: current.event_count + added, updated_at: now })
        .where("model_id", "=", modelId)
        .where("version_id", "=", versionId)
        .where("window_start", "=", windowStart)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return toWindow(row);
  }

  async getWindowProfile(key: WindowKey): Promise<WindowProfileRecord | undefined> {
    const row = await this.read("getWindowProfile", (q) =>
      q
        .selectFrom("window_profiles")
        .selectAll()
        .where("model_id", "=", key.modelId)
        .where("version_id", "=", key.versionId)
        .where("window_start", "=", key.windowStart)
        .executeTakeFirst(),
    );
    return row && toWindow(row);
  }

  /** Windows of a model ordered by start, then version; `from`/`to` bound the start, [from, to). */
  async listWindowProfiles(
    modelId: number,
    query: { versionId?: number; from?: number; to?: number; open?: boolean } = {},
  ): Promise<WindowProfileRecord[]> {
    const rows = await this.read("listWindowProfiles", (q) =>
      q
        .selectFrom("window_profiles")
        .selectAll()
        .where("model_id", "=", modelId)
        .$if(query.versionId !== undefined, (qb) => qb.where("version_id", "=", query.versionId!))
        .$if(query.from !== undefined, (qb) => qb.where("window_start", ">=", query.from!))
        .$if(query.to !== undefined, (qb) => qb.where("window_start", "<", query.to!))
        .$if(query.open === true, (qb) => qb.where("closed_at", "is", null))
        .$if(query.open === false, (qb) => qb.where("closed_at", "is not", null))
        .orderBy("window_start")
        .orderBy("version_id")
        .execute(),
    );
    return rows.map(toWindow);
  }

  /** Marks a window evaluated; returns false when there is no such window. */
  async closeWindow(key: WindowKey, at: number = Date.now()): Promise<boolean> {
    const closedAt = checkTime(at, "closedAt");
    const result = await this.write("closeWindow", (q) =>
      q
        .updateTable("window_profiles")
        .set({ closed_at: closedAt })
        .where("model_id", "=", key.modelId)
        .where("version_id", "=", key.versionId)
        .where("window_start", "=", key.windowStart)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  // ---- deferred window profiles (src/monitor/deferred-profiles.ts) --------------------

  /** The largest seq among the window's events, below `beforeSeq` when given; 0 when none. */
  async maxWindowEventSeq(key: WindowKey, beforeSeq?: number): Promise<number> {
    const row = await this.read("maxWindowEventSeq", (q) =>
      q
        .selectFrom("prediction_events")
        .select((eb) => eb.fn.max("seq").as("m"))
        .where("model_id", "=", key.modelId)
        .where("version_id", "=", key.versionId)
        .where("window_start", "=", key.windowStart)
        .$if(beforeSeq !== undefined, (qb) => qb.where("seq", "<", beforeSeq!))
        .executeTakeFirst(),
    );
    return Number(row?.m ?? 0);
  }

  /** How many of the window's events have afterSeq < seq <= uptoSeq. */
  async countWindowEvents(key: WindowKey, afterSeq: number, uptoSeq: number): Promise<number> {
    const row = await this.read("countWindowEvents", (q) =>
      q
        .selectFrom("prediction_events")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("model_id", "=", key.modelId)
        .where("version_id", "=", key.versionId)
        .where("window_start", "=", key.windowStart)
        .where("seq", ">", afterSeq)
        .where("seq", "<=", uptoSeq)
        .executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  /**
   * Stores the first profile of a window whose profile is counted with deferral; false (and
   * nothing written) when the window already has one.
   */
  async insertCountedWindow(
    key: WindowKey,
    value: { data: Uint8Array; eventCount: number; countedSeq: number },
  ): Promise<boolean> {
    const now = Date.now();
    const data = toBuffer(value.data, "window profile");
    const eventCount = checkInt(value.eventCount, "eventCount", 0);
    const countedSeq = checkInt(value.countedSeq, "countedSeq", 0);
    const row = await this.write("insertCountedWindow", (q) =>
      q
        .insertInto("window_profiles")
        .values({
          model_id: key.modelId,
          version_id: key.versionId,
          window_start: key.windowStart,
          data,
          event_count: eventCount,
          created_at: now,
          updated_at: now,
          closed_at: null,
          counted_seq: countedSeq,
        })
        .onConflict((oc) => oc.columns(["model_id", "version_id", "window_start"]).doNothing())
        .returning("window_start")
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  /**
   * Compare-and-set of a window's profile: writes data, event count and counted seq (null:
   * the profile counts every committed event) only if the stored counted seq is still
   * `expected`; false (nothing written) otherwise, or when the window has no row.
   */
  async replaceCountedWindow(
    key: WindowKey,
    value: { data: Uint8Array; eventCount: number; countedSeq: number | null },
    expected: number | null,
  ): Promise<boolean> {
    const data = toBuffer(value.data, "window profile");
    const eventCount = checkInt(value.eventCount, "eventCount", 0);
    const countedSeq =
      value.countedSeq === null ? null : checkInt(value.countedSeq, "countedSeq", 0);
    const result = await this.write("replaceCountedWindow", (q) =>
      q
        .updateTable("window_profiles")
        .set({ data, event_count: eventCount, counted_seq: countedSeq, updated_at: Date.now() })
        .where("model_id", "=", key.modelId)
        .where("version_id", "=", key.versionId)
        .where("window_start", "=", key.windowStart)
        .where("counted_seq", expected === null ? "is" : "=", expected)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  /** The window's counted seq without its profile bytes; undefined when it has no row. */
  async getWindowCountedSeq(key: WindowKey): Promise<{ countedSeq: number | null } | undefined> {
    const row = await this.read("getWindowCountedSeq", (q) =>
      q
        .selectFrom("window_profiles")
        .select("counted_seq")
        .where("model_id", "=", key.modelId)
        .where("version_id", "=", key.versionId)
        .where("window_start", "=", key.windowStart)
        .executeTakeFirst(),
    );
    return row && { countedSeq: row.counted_seq ?? null };
  }

  /**
   * Windows with deferred counting whose stored profile lags their raw events (a process
   * stopped before writing what it had counted): key, counted seq and the newest event seq.
   */
  async laggingWindows(): Promise<{ key: WindowKey; countedSeq: number; maxSeq: number }[]> {
    const rows = await this.read("laggingWindows", (q) =>
      q
        .selectFrom("window_profiles as w")
        .select(["w.model_id", "w.version_id", "w.window_start", "w.counted_seq"])
        .select((eb) =>
          eb
            .selectFrom("prediction_events as e")
            .select((e) => e.fn.max("e.seq").as("m"))
            .whereRef("e.model_id", "=", "w.model_id")
            .whereRef("e.version_id", "=", "w.version_id")
            .whereRef("e.window_start", "=", "w.window_start")
            .as("max_seq"),
        )
        .where("w.counted_seq", "is not", null)
        .execute(),
    );
    const out: { key: WindowKey; countedSeq: number; maxSeq: number }[] = [];
    for (const r of rows) {
      const countedSeq = Number(r.counted_seq);
      const maxSeq = Number(r.max_seq ?? 0);
      if (maxSeq > countedSeq) {
        out.push({
          key: { modelId: r.model_id, versionId: r.version_id, windowStart: r.window_start },
          countedSeq,
          maxSeq,
        });
      }
    }
    return out;
  }

  // ---- prediction events --------------------------------------------------------------

  /**
   * Stores a batch of events in one transaction. An id already stored for the model (or
   * repeated within the batch) is skipped, so retried deliveries are idempotent; the result
   * says how many rows were new.
   */
  async insertEvents(
    modelId: number,
    events: readonly (PredictionEventInput | SerializedEventInput)[],
  ): Promise<InsertEventsResult> {
    const { inserted, duplicates } = await this.insertEventsReturningIds(modelId, events);
    return { inserted, duplicates };
  }

  /**
   * insertEvents that also says which ids were new (INSERT ... ON CONFLICT DO NOTHING
   * RETURNING on both backends), so ingest can count each new event into its window's
   * profile exactly once. Events may carry their payload as JSON text (`payloadJson`).
   * Statements are built directly (one cached SQL text per row count and dialect), not
   * through Kysely's compiler, which costs more than SQLite's insert at 1000 rows.
   */
  async insertEventsReturningIds(
    modelId: number,
    events: readonly (PredictionEventInput | SerializedEventInput)[],
  ): Promise<InsertEventIdsResult> {
    checkInt(modelId, "modelId", 1);
    if (!Array.isArray(events)) throw invalidArgument("events", "an array of events", events);
    if (events.length === 0) {
      return { inserted: 0, duplicates: 0, insertedIds: [], insertedSeqs: [] };
    }
    const now = Date.now();
    const params: unknown[] = new Array(events.length * EVENT_COLUMNS.length);
    const ids: string[] = new Array(events.length);
    let p = 0;
    events.forEach((e, i) => {
      if (typeof e !== "object" || e === null) throw invalidArgument(`events[${i}]`, "an event", e);
      const id = checkName(e.id, `events[${i}].id`, 256);
      ids[i] = id;
      const text = (e as SerializedEventInput).payloadJson;
      params[p++] = modelId;
      params[p++] = id;
      params[p++] = checkInt(e.versionId, `events[${i}].versionId`, 1);
      params[p++] = checkInt(e.timestamp, `events[${i}].timestamp`);
      params[p++] = checkInt(e.windowStart, `events[${i}].windowStart`);
      params[p++] =
        typeof text === "string"
          ? text
          : JSON.stringify((e as PredictionEventInput).payload ?? null);
      params[p++] = now;
    });
    const returned = await this.write("insertEvents", async (q) => {
      const model = await q
        .selectFrom("models")
        .select("id")
        .where("id", "=", modelId)
        .executeTakeFirst();
      if (!model) throw new VigilError("VIGIL_MODEL_NOT_FOUND", `No model has id ${modelId}.`);
      // RETURNING lists rows in no promised order: matched back by id.
      const fresh = new Map<string, number>();
      const width = EVENT_COLUMNS.length;
      for (let row = 0; row < events.length; row += ROWS_PER_STATEMENT) {
        const rows = Math.min(ROWS_PER_STATEMENT, events.length - row);
        const result = await q.executeQuery<{ event_id: string; seq: number | string }>(
          CompiledQuery.raw(
            insertEventsSql(this.backend.dialect, rows),
            params.slice(row * width, (row + rows) * width),
          ),
        );
        if (this.isPg) {
          for (const r of result.rows) fresh.set(r.event_id, Number(r.seq));
          continue;
        }
        const inserted = Number(result.numAffectedRows ?? 0);
        if (inserted === rows) {
          // No conflict: SQLite numbers the rows of one INSERT one after another, in VALUES
          // order, ending at the last insert rowid (we hold the write lock).
          const last = Number(result.insertId);
          for (let i = 0; i < rows; i++) fresh.set(ids[row + i] as string, last - rows + 1 + i);
        } else if (inserted > 0) {
          // Some ids were taken: a new row's seq is above every older row's, so the new
          // ones are the `inserted` largest seqs among the statement's ids.
          const found: { id: string; seq: number }[] = [];
          for (const part of chunks(ids.slice(row, row + rows), IDS_PER_IN_LIST)) {
            const got = await q
              .selectFrom("prediction_events")
              .select(["event_id", "seq"])
              .where("model_id", "=", modelId)
              .where("event_id", "in", part)
              .execute();
            for (const r of got) found.push({ id: r.event_id, seq: Number(r.seq) });
          }
          found.sort((a, b) => b.seq - a.seq);
          for (const f of found.slice(0, inserted)) fresh.set(f.id, f.seq);
        }
      }
      return fresh;
    });
    const insertedIds: string[] = [];
    const insertedSeqs: number[] = [];
    for (const id of ids) {
      const seq = returned.get(id);
      if (seq !== undefined) {
        returned.delete(id);
        insertedIds.push(id);
        insertedSeqs.push(seq);
      }
    }
    return {
      inserted: insertedIds.length,
      duplicates: events.length - insertedIds.length,
      insertedIds,
      insertedSeqs,
    };
  }

  /** One event and its label, if any. */
  async getEvent(modelId: number, id: string): Promise<LabeledEvent | undefined> {
    const rows = await this.labeledQuery("getEvent", modelId, {}, id);
    return rows[0];
  }

  /** Events in insertion order (seq), filtered; page with `afterSeq`. */
  async listEvents(modelId: number, query: EventQuery = {}): Promise<PredictionEventRecord[]> {
    const rows = await this.read("listEvents", (q) =>
      this.eventFilter(q.selectFrom("prediction_events").selectAll(), modelId, query)
        .orderBy("seq")
        .limit(checkInt(query.limit ?? 1000, "limit", 1))
        .execute(),
    );
    return rows.map(toEvent);
  }

  /** Events with their labels joined by id (null where no label arrived yet). */
  async listLabeledEvents(modelId: number, query: EventQuery = {}): Promise<LabeledEvent[]> {
    return this.labeledQuery("listLabeledEvents", modelId, query);
  }

  async countEvents(modelId: number, query: Omit<EventQuery, "limit"> = {}): Promise<number> {
    const row = await this.read("countEvents", (q) =>
      this.eventFilter(
        q.selectFrom("prediction_events").select((eb) => eb.fn.countAll<number>().as("n")),
        modelId,
        query,
      ).executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  /**
   * Retention: deletes the model's events with timestamp < before; returns how many. Rows
   * go in transactions of at most `batchRows`, with the event loop running between them:
   * the sweep deletes what arrived in its interval (30M events for 10 minutes at 50,000
   * events/s), and on SQLite one statement would hold the thread that ingests for as long.
   */
  async deleteEventsBefore(
    modelId: number,
    before: number,
    { batchRows = 5000 }: { batchRows?: number } = {},
  ): Promise<number> {
    checkInt(before, "before");
    checkInt(batchRows, "batchRows", 1);
    let deleted = 0;
    for (;;) {
      const result = await this.write("deleteEventsBefore", (q) =>
        q
          .deleteFrom("prediction_events")
          .where("seq", "in", (eb) =>
            eb
              .selectFrom("prediction_events")
              .select("seq")
              .where("model_id", "=", modelId)
              // Implied by ts < before (a window starts at or before its events); it lets
              // the (model_id, window_start, version_id) index find the rows.
              .where("window_start", "<", before)
              .where("ts", "<", before)
              .limit(batchRows),
          )
          .executeTakeFirst(),
      );
      const n = Number(result.numDeletedRows);
      deleted += n;
      if (n < batchRows) return deleted;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: shared WHERE clauses for two select shapes
  private eventFilter<QB extends { where: (...args: any[]) => QB }>(
    qb: QB,
    modelId: number,
    query: EventQuery,
    alias = "",
  ): QB {
    const c = (col: string) => `${alias}${col}`;
    let out = qb.where(c("model_id"), "=", modelId);
    if (query.versionId !== undefined) out = out.where(c("version_id"), "=", query.versionId);
    if (query.windowStart !== undefined) {
      out = out.where(c("window_start"), "=", query.windowStart);
    }
    if (query.from !== undefined) out = out.where(c("ts"), ">=", query.from);
    if (query.to !== undefined) out = out.where(c("ts"), "<", query.to);
    if (query.afterSeq !== undefined) out = out.where(c("seq"), ">", query.afterSeq);
    return out;
  }

  private async labeledQuery(
    operation: string,
    modelId: number,
    query: EventQuery,
    eventId?: string,
  ): Promise<LabeledEvent[]> {
    const rows = await this.read(operation, (q) => {
      let qb = q
        .selectFrom("prediction_events as e")
        .leftJoin("labels as l", (join) =>
          join.onRef("l.model_id", "=", "e.model_id").onRef("l.event_id", "=", "e.event_id"),
        )
        .selectAll("e")
        .select([
          "l.value_json as label_value_json",
          "l.ts as label_ts",
          "l.received_at as label_received_at",
        ]);
      qb = this.eventFilter(qb, modelId, query, "e.");
      if (eventId !== undefined) qb = qb.where("e.event_id", "=", eventId);
      return qb
        .orderBy("e.seq")
        .limit(checkInt(query.limit ?? 1000, "limit", 1))
        .execute();
    });
    return rows.map((r) => ({
      event: toEvent(r),
      label:
        r.label_value_json === null
          ? null
          : {
              value: parseJson(r.label_value_json),
              timestamp: r.label_ts as number,
              receivedAt: r.label_received_at as number,
            },
    }));
  }

  // ---- labels -------------------------------------------------------------------------

  /**
   * Stores ground-truth labels by prediction id (a later label for the same id replaces the
   * earlier one; the prediction may not have arrived yet). Returns the windows holding the
   * labelled predictions, whose performance metrics need recomputing.
   */
  async insertLabels(modelId: number, labels: readonly LabelInput[]): Promise<InsertLabelsResult> {
    checkInt(modelId, "modelId", 1);
    if (!Array.isArray(labels)) throw invalidArgument("labels", "an array of labels", labels);
    const now = Date.now();
    // Last label wins within a batch (PostgreSQL's upsert refuses to touch a row twice).
    const byId = new Map<string, { value_json: string; ts: number }>();
    labels.forEach((l, i) => {
      if (typeof l !== "object" || l === null) throw invalidArgument(`labels[${i}]`, "a label", l);
      const id = checkName(l.id, `labels[${i}].id`, 256);
      byId.set(id, {
        value_json: canonicalJson(l.label ?? null),
        ts: checkInt(l.timestamp, `labels[${i}].timestamp`),
      });
    });
    if (byId.size === 0) return { inserted: 0, updated: 0, windows: [] };
    const ids = [...byId.keys()];
    return this.write("insertLabels", async (q) => {
      const model = await q
        .selectFrom("models")
        .select("id")
        .where("id", "=", modelId)
        .executeTakeFirst();
      if (!model) throw new VigilError("VIGIL_MODEL_NOT_FOUND", `No model has id ${modelId}.`);
      let existing = 0;
      const windows = new Map<string, WindowKey>();
      for (const part of chunks(ids, IDS_PER_IN_LIST)) {
        const found = await q
          .selectFrom("labels")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("model_id", "=", modelId)
          .where("event_id", "in", part)
          .executeTakeFirstOrThrow();
        existing += Number(found.n);
        const touched = await q
          .selectFrom("prediction_events")
          .select(["version_id", "window_start"])
          .distinct()
          .where("model_id", "=", modelId)
          .where("event_id", "in", part)
          .execute();
        for (const w of touched) {
          windows.set(`${w.version_id}:${w.window_start}`, {
            modelId,
            versionId: w.version_id,
            windowStart: w.window_start,
          });
        }
      }
      const rows = ids.map((id) => {
        const l = byId.get(id)!;
        return { model_id: modelId, event_id: id, ...l, received_at: now };
      });
      for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
        await q
          .insertInto("labels")
          .values(part)
          .onConflict((oc) =>
            oc.columns(["model_id", "event_id"]).doUpdateSet((eb) => ({
              value_json: eb.ref("excluded.value_json"),
              ts: eb.ref("excluded.ts"),
              received_at: eb.ref("excluded.received_at"),
            })),
          )
          .execute();
      }
      const sorted = [...windows.values()].sort(
        (a, b) => a.windowStart - b.windowStart || a.versionId - b.versionId,
      );
      return { inserted: ids.length - existing, updated: existing, windows: sorted };
    });
  }

  // ---- metric series ------------------------------------------------------------------

  /**
   * Writes metric points; a point with the same (model, version, window, name, labels) as a
   * stored one replaces its value, so recomputing a window (late labels) is safe.
   */
  async putMetrics(points: readonly MetricPoint[]): Promise<number> {
    if (!Array.isArray(points))
      throw invalidArgument("points", "an array of metric points", points);
    if (points.length === 0) return 0;
    const now = Date.now();
    const byKey = new Map<string, Omit<MetricsTable, "id">>();
    points.forEach((p, i) => {
      if (typeof p !== "object" || p === null) throw invalidArgument(`points[${i}]`, "a point", p);
      if (typeof p.value !== "number") {
        throw invalidArgument(`points[${i}].value`, "a number", p.value);
      }
      const row = {
        model_id: checkInt(p.modelId, `points[${i}].modelId`, 1),
        version_id: p.versionId === null ? 0 : checkInt(p.versionId, `points[${i}].versionId`, 1),
        window_start: checkInt(p.windowStart, `points[${i}].windowStart`),
        name: checkName(p.name, `points[${i}].name`),
        labels_json: canonicalJson(checkLabels(p.labels, `points[${i}].labels`)),
        value: Number.isNaN(p.value) ? null : p.value,
        updated_at: now,
      };
      byKey.set(
        `${row.model_id}\u0000${row.version_id}\u0000${row.window_start}\u0000${row.name}\u0000${row.labels_json}`,
        row,
      );
    });
    const rows = [...byKey.values()];
    await this.write("putMetrics", async (q) => {
      for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
        await q
          .insertInto("metrics")
          .values(part)
          .onConflict((oc) =>
            oc
              .columns(["model_id", "version_id", "window_start", "name", "labels_json"])
              .doUpdateSet((eb) => ({
                value: eb.ref("excluded.value"),
                updated_at: eb.ref("excluded.updated_at"),
              })),
          )
          .execute();
      }
      // Each series' newest point in this batch; it replaces the stored latest unless that
      // one is from a later window (a late-label re-evaluation rewrites an older window).
      const newest = new Map<string, Omit<MetricsTable, "id">>();
      for (const row of rows) {
        const key = `${row.model_id}\u0000${row.version_id}\u0000${row.name}\u0000${row.labels_json}`;
        const seen = newest.get(key);
        if (!seen || row.window_start >= seen.window_start) newest.set(key, row);
      }
      for (const part of chunks([...newest.values()], ROWS_PER_STATEMENT)) {
        await q
          .insertInto("metric_latest")
          .values(part)
          .onConflict((oc) =>
            oc
              .columns(["model_id", "version_id", "name", "labels_json"])
              .doUpdateSet((eb) => ({
                window_start: eb.ref("excluded.window_start"),
                value: eb.ref("excluded.value"),
                updated_at: eb.ref("excluded.updated_at"),
              }))
              .whereRef("excluded.window_start", ">=", "metric_latest.window_start"),
          )
          .execute();
      }
    });
    return rows.length;
  }

  /** Points ordered by window start, then name, version and labels. */
  async queryMetrics(query: MetricQuery): Promise<MetricRecord[]> {
    const modelId = checkInt(query?.modelId, "modelId", 1);
    const labels = checkLabels(query.labels, "labels");
    const limit = checkInt(query.limit ?? 10_000, "limit", 1);
    // Each wanted label is a literal fragment of the canonical labels JSON: filter on it in
    // SQL so LIMIT applies to matching rows, then check exactly below.
    const fragments = Object.entries(labels).map(
      ([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`,
    );
    const position = this.isPg ? "strpos" : "instr";
    const rows = await this.read("queryMetrics", (q) => {
      let qb = q.selectFrom("metrics").selectAll().where("model_id", "=", modelId);
      if (query.name !== undefined) qb = qb.where("name", "=", query.name);
      if (query.versionId !== undefined) {
        qb = qb.where("version_id", "=", query.versionId === null ? 0 : query.versionId);
      }
      if (query.from !== undefined) qb = qb.where("window_start", ">=", query.from);
      if (query.to !== undefined) qb = qb.where("window_start", "<", query.to);
      for (const f of fragments) {
        qb = qb.where(sql<number>`${sql.raw(position)}(labels_json, ${f})`, ">", 0);
      }
      return qb
        .orderBy("window_start")
        .orderBy("name")
        .orderBy("version_id")
        .orderBy("labels_json")
        .limit(limit)
        .execute();
    });
    return rows
      .map(toMetric)
      .filter((m) => Object.entries(labels).every(([k, v]) => m.labels[k] === v));
  }

  /** The latest point of every series (name, version, labels) of a model: its status. */
  async latestMetrics(modelId: number, query: { name?: string } = {}): Promise<MetricRecord[]> {
    const rows = await this.read("latestMetrics", (q) => {
      let qb = q.selectFrom("metric_latest").selectAll().where("model_id", "=", modelId);
      if (query.name !== undefined) qb = qb.where("name", "=", query.name);
      return qb.orderBy("name").orderBy("version_id").orderBy("labels_json").execute();
    });
    return rows.map(toMetric);
  }

  // ---- API tokens ---------------------------------------------------------------------

  /**
   * Creates a token: 32 random bytes, base64url, prefixed `vgl_`. Only its sha256 is stored;
   * the raw token is returned once and cannot be recovered.
   */
  async createToken(input: NewToken): Promise<CreatedToken> {
    const name = checkName(input?.name, "token name");
    if (!TOKEN_ROLES.includes(input.role)) {
      throw invalidArgument("role", `one of ${TOKEN_ROLES.join(", ")}`, input.role);
    }
    const scope = input.modelScope ?? null;
    if (scope !== null && (!Array.isArray(scope) || scope.some((m) => typeof m !== "string"))) {
      throw invalidArgument("modelScope", "an array of model names or null", scope);
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    const hash = hashToken(token);
    const now = Date.now();
    const row = await this.write("createToken", (q) =>
      q
        .insertInto("api_tokens")
        .values({
          name,
          role: input.role,
          model_scope_json: scope === null ? null : JSON.stringify([...scope].sort()),
          token_hash: hash,
          hash_prefix: hash.slice(0, HASH_PREFIX_LENGTH),
          created_at: now,
          revoked_at: null,
          last_used_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return { token, record: toToken(row) };
  }

  /**
   * The active token matching `token`, or undefined (unknown, malformed or revoked). Rows are
   * found by an indexed prefix of the hash and every candidate's full hash is compared with
   * timingSafeEqual, so response time does not reveal how much of a guess was right.
   */
  async verifyToken(token: string): Promise<TokenRecord | undefined> {
    if (typeof token !== "string" || !TOKEN_RE.test(token)) return undefined;
    const hash = Buffer.from(hashToken(token), "hex");
    const prefix = hash.toString("hex").slice(0, HASH_PREFIX_LENGTH);
    const candidates = await this.read("verifyToken", (q) =>
      q.selectFrom("api_tokens").selectAll().where("hash_prefix", "=", prefix).execute(),
    );
    let match: Selectable<ApiTokensTable> | undefined;
    for (const row of candidates) {
      const stored = Buffer.from(row.token_hash, "hex");
      if (stored.length === hash.length && timingSafeEqual(stored, hash)) match = row;
    }
    if (!match || match.revoked_at !== null) return undefined;
    const now = Date.now();
    if (match.last_used_at === null || now - match.last_used_at >= LAST_USED_RESOLUTION_MS) {
      const id = match.id;
      await this.write("verifyToken", (q) =>
        q.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", id).execute(),
      );
      match = { ...match, last_used_at: now };
    }
    return toToken(match);
  }

  async getToken(id: number): Promise<TokenRecord | undefined> {
    const row = await this.read("getToken", (q) =>
      q.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst(),
    );
    return row && toToken(row);
  }

  /** All tokens, revoked ones included, oldest first. */
  async listTokens(): Promise<TokenRecord[]> {
    const rows = await this.read("listTokens", (q) =>
      q.selectFrom("api_tokens").selectAll().orderBy("id").execute(),
    );
    return rows.map(toToken);
  }

  /** Revokes a token; false when it does not exist or was already revoked. */
  async revokeToken(id: number, at: number = Date.now()): Promise<boolean> {
    const result = await this.write("revokeToken", (q) =>
      q
        .updateTable("api_tokens")
        .set({ revoked_at: checkTime(at, "revokedAt") })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  // ---- audit log ----------------------------------------------------------------------

  /**
   * Appends one entry to the hash chain, inside the caller's transaction when called on the
   * `tx` of `transaction(fn)` (so the entry commits with the change it records). Appends
   * serialize on the head row (FOR UPDATE on PostgreSQL, the write lock on SQLite), so
   * concurrent writers never fork the chain.
   */
  async appendAudit(input: AuditInput): Promise<AuditEntry> {
    const actor = checkName(input?.actor, "actor");
    const action = checkName(input.action, "action");
    const subject = checkName(input.subject, "subject", 1000);
    const time = checkTime(input.time ?? Date.now(), "time");
    const details = input.details ?? {};
    const detailsJson = canonicalJson(details);
    return this.write("appendAudit", async (q) => {
      const head = await q
        .selectFrom("audit_head")
        .selectAll()
        .where("id", "=", 1)
        .$if(this.isPg, (qb) => qb.forUpdate())
        .executeTakeFirstOrThrow();
      const entry = {
        sequence: head.sequence + 1,
        time,
        actor,
        action,
        subject,
        details: JSON.parse(detailsJson) as JsonValue,
        prevHash: head.hash,
      };
      const hash = auditEntryHash(entry);
      await q
        .insertInto("audit_log")
        .values({
          sequence: entry.sequence,
          time,
          actor,
          action,
          subject,
          details_json: detailsJson,
          prev_hash: head.hash,
          hash,
        })
        .execute();
      await q
        .updateTable("audit_head")
        .set({ sequence: entry.sequence, hash })
        .where("id", "=", 1)
        .execute();
      return { ...entry, hash };
    });
  }

  /** Entries in sequence order, filtered; page with `afterSequence`. */
  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const rows = await this.read("listAudit", (q) => {
      let qb = q.selectFrom("audit_log").selectAll();
      if (query.afterSequence !== undefined) qb = qb.where("sequence", ">", query.afterSequence);
      if (query.subject !== undefined) qb = qb.where("subject", "=", query.subject);
      if (query.actor !== undefined) qb = qb.where("actor", "=", query.actor);
      if (query.action !== undefined) qb = qb.where("action", "=", query.action);
      if (query.from !== undefined) qb = qb.where("time", ">=", query.from);
      if (query.to !== undefined) qb = qb.where("time", "<", query.to);
      return qb
        .orderBy("sequence")
        .limit(checkInt(query.limit ?? 1000, "limit", 1))
        .execute();
    });
    return rows.map(toAudit);
  }

  /** The chain head as the store last wrote it (what `vigil auditlog anchor` exports). */
  async auditHead(): Promise<AuditHead> {
    const row = await this.read("auditHead", (q) =>
      q
        .selectFrom("audit_head")
        .select(["sequence", "hash"])
        .where("id", "=", 1)
        .executeTakeFirstOrThrow(),
    );
    return { sequence: row.sequence, hash: row.hash };
  }
}

/** The type handed to `transaction(fn)`; the same methods as the store, on one connection. */
export type StoreTx = Repo;
