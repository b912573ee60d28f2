/**
 * The one migration set, run on SQLite and PostgreSQL alike. Migrations are applied in
 * name order on open and recorded in `vigil_migration`; re-running is a no-op. Never edit
 * a migration that has shipped: add the next one (`0002_...`). The only per-dialect
 * choices are the column type names below, so the schema stays the same on both.
 */
import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from "kysely";
import { GENESIS_HASH } from "./audit-hash.js";
import type { Dialect } from "./types.js";

export const MIGRATION_TABLE = "vigil_migration";
export const MIGRATION_LOCK_TABLE = "vigil_migration_lock";

interface Types {
  /** Auto-increment primary key. */
  id: "integer" | "bigserial";
  bytes: "blob" | "bytea";
  pk: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

function typesFor(dialect: Dialect): Types {
  return dialect === "sqlite"
    ? { id: "integer", bytes: "blob", pk: (c) => c.primaryKey().autoIncrement() }
    : { id: "bigserial", bytes: "bytea", pk: (c) => c.primaryKey() };
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

function initial(dialect: Dialect): Migration {
  const t = typesFor(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("models")
        .addColumn("id", t.id, t.pk)
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("task", "text", (c) => c.notNull())
        .addColumn("schema_json", "text", (c) => c.notNull())
        .addColumn("window_seconds", "integer", (c) => c.notNull())
        .addColumn("monitors_json", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("model_versions")
        .addColumn("id", t.id, t.pk)
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("version", "text", (c) => c.notNull())
        .addColumn("metadata_json", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("model_versions_model_version_uq", ["model_id", "version"])
        .execute();

      await db.schema
        .createTable("reference_profiles")
        .addColumn("version_id", "bigint", (c) =>
          c.primaryKey().references("model_versions.id").onDelete("cascade"),
        )
        .addColumn("model_id", "bigint", (c) => c.notNull())
        .addColumn("data", t.bytes, (c) => c.notNull())
        .addColumn("baseline_json", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("window_profiles")
        .addColumn("model_id", "bigint", (c) => c.notNull())
        .addColumn("version_id", "bigint", (c) =>
          c.notNull().references("model_versions.id").onDelete("cascade"),
        )
        .addColumn("window_start", "bigint", (c) => c.notNull())
        .addColumn("data", t.bytes, (c) => c.notNull())
        .addColumn("event_count", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("closed_at", "bigint")
        .addPrimaryKeyConstraint("window_profiles_pk", ["model_id", "version_id", "window_start"])
        .execute();
      await db.schema
        .createIndex("window_profiles_model_start_idx")
        .on("window_profiles")
        .columns(["model_id", "window_start"])
        .execute();

      await db.schema
        .createTable("prediction_events")
        .addColumn("seq", t.id, t.pk)
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("event_id", "text", (c) => c.notNull())
        .addColumn("version_id", "bigint", (c) => c.notNull())
        .addColumn("ts", "bigint", (c) => c.notNull())
        .addColumn("window_start", "bigint", (c) => c.notNull())
        .addColumn("payload_json", "text", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("prediction_events_model_event_uq", ["model_id", "event_id"])
        .execute();
      await db.schema
        .createIndex("prediction_events_window_idx")
        .on("prediction_events")
        .columns(["model_id", "version_id", "window_start"])
        .execute();
      await db.schema
        .createIndex("prediction_events_ts_idx")
        .on("prediction_events")
        .columns(["model_id", "ts"])
        .execute();

      await db.schema
        .createTable("labels")
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("event_id", "text", (c) => c.notNull())
        .addColumn("value_json", "text", (c) => c.notNull())
        .addColumn("ts", "bigint", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("labels_pk", ["model_id", "event_id"])
        .execute();

      await db.schema
        .createTable("metrics")
        .addColumn("id", t.id, t.pk)
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("version_id", "bigint", (c) => c.notNull())
        .addColumn("window_start", "bigint", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("labels_json", "text", (c) => c.notNull())
        .addColumn("value", "double precision")
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("metrics_point_uq", [
          "model_id",
          "version_id",
          "window_start",
          "name",
          "labels_json",
        ])
        .execute();
      await db.schema
        .createIndex("metrics_name_start_idx")
        .on("metrics")
        .columns(["model_id", "name", "window_start"])
        .execute();

      await db.schema
        .createTable("api_tokens")
        .addColumn("id", t.id, t.pk)
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("model_scope_json", "text")
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("hash_prefix", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("revoked_at", "bigint")
        .addColumn("last_used_at", "bigint")
        .execute();
      await db.schema
        .createIndex("api_tokens_prefix_idx")
        .on("api_tokens")
        .column("hash_prefix")
        .execute();

      await db.schema
        .createTable("audit_log")
        .addColumn("sequence", "bigint", (c) => c.primaryKey())
        .addColumn("time", "bigint", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("details_json", "text", (c) => c.notNull())
        .addColumn("prev_hash", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .execute();
      for (const col of ["subject", "actor", "time"] as const) {
        await db.schema
          .createIndex(`audit_log_${col}_idx`)
          .on("audit_log")
          .columns([col, "sequence"])
          .execute();
      }
      await db.schema
        .createTable("audit_head")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("sequence", "bigint", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .execute();
      await db
        .insertInto("audit_head")
        .values({ id: 1, sequence: 0, hash: GENESIS_HASH })
        .execute();
    },
  };
}

/**
 * The model registry (issue 6 section 2, src/registry): stage of each registered version
 * (at most one production version per model, enforced by a partial unique index), aliases,
 * versioned policies, and one event table for transitions, approvals, rejections and gate
 * evidence.
 */
function registry(dialect: Dialect): Migration {
  const t = typesFor(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("registry_versions")
        .addColumn("version_id", "bigint", (c) =>
          c.primaryKey().references("model_versions.id").onDelete("cascade"),
        )
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("number", "integer", (c) => c.notNull())
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("registered_by", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("registry_versions_number_uq", ["model_id", "number"])
        .execute();
      await sql`create unique index registry_versions_one_production on registry_versions (model_id) where stage = 'production'`.execute(
        db,
      );
      await db.schema
        .createTable("registry_aliases")
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("alias", "text", (c) => c.notNull())
        .addColumn("version_id", "bigint", (c) =>
          c.notNull().references("model_versions.id").onDelete("cascade"),
        )
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("registry_aliases_pk", ["model_id", "alias"])
        .execute();
      await db.schema
        .createTable("registry_policies")
        .addColumn("id", t.id, t.pk)
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("revision", "integer", (c) => c.notNull())
        .addColumn("yaml", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("registry_policies_revision_uq", ["model_id", "revision"])
        .execute();
      await db.schema
        .createTable("registry_events")
        .addColumn("id", t.id, t.pk)
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("version_id", "bigint", (c) =>
          c.notNull().references("model_versions.id").onDelete("cascade"),
        )
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("from_stage", "text")
        .addColumn("to_stage", "text")
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("role", "text")
        .addColumn("reason", "text")
        .addColumn("details_json", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("registry_events_version_idx")
        .on("registry_events")
        .columns(["version_id", "kind", "id"])
        .execute();
      await db.schema
        .createIndex("registry_events_model_idx")
        .on("registry_events")
        .columns(["model_id", "kind", "id"])
        .execute();
    },
  };
}

/**
 * Deployment records (issue 6 section 4, src/registry/deployments.ts): the version serving
 * each environment of a model, with an optional canary and its traffic share (percent, at
 * most two decimals; the champion gets the rest), the current row per environment and
 * every revision. Check constraints keep a half-valid row out even if a caller skips the
 * registry's checks.
 */
function deployments(dialect: Dialect): Migration {
  const t = typesFor(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("deployments")
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("revision", "integer", (c) => c.notNull())
        .addColumn("champion_version_id", "bigint", (c) =>
          c.notNull().references("model_versions.id").onDelete("cascade"),
        )
        .addColumn("canary_version_id", "bigint", (c) =>
          c.references("model_versions.id").onDelete("cascade"),
        )
        .addColumn("canary_share", "double precision", (c) => c.notNull())
        .addColumn("experiment", "text", (c) => c.notNull())
        .addColumn("updated_by", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("deployments_pk", ["model_id", "environment"])
        .addCheckConstraint(
          "deployments_share_ck",
          sql`canary_share >= 0 and canary_share <= 100 and (canary_version_id is not null or canary_share = 0) and (canary_version_id is null or canary_version_id <> champion_version_id)`,
        )
        .execute();
      await db.schema
        .createTable("deployment_history")
        .addColumn("id", t.id, t.pk)
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("revision", "integer", (c) => c.notNull())
        .addColumn("champion_version_id", "bigint", (c) =>
          c.notNull().references("model_versions.id").onDelete("cascade"),
        )
        .addColumn("canary_version_id", "bigint", (c) =>
          c.references("model_versions.id").onDelete("cascade"),
        )
        .addColumn("canary_share", "double precision", (c) => c.notNull())
        .addColumn("experiment", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("deployment_history_revision_uq", [
          "model_id",
          "environment",
          "revision",
        ])
        .execute();
    },
  };
}

/**
 * The window scheduler asks, every few seconds, which labels arrived since its watermark
 * (late ground truth, issue 5 section 4); without this index that scans every label.
 */
function labelsReceivedIndex(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex("labels_received_idx")
        .on("labels")
        .columns(["model_id", "received_at"])
        .execute();
    },
  };
}

/**
 * Faster ingestion (bench/README.md, "Ingest"):
 * - deferred window profiles (src/monitor/deferred-profiles.ts): `counted_seq` set means the
 *   stored profile counts exactly the window's events with seq <= counted_seq (the later
 *   ones are counted in memory and written within a second, or replayed from the raw events
 *   after a crash); null means it counts every committed event (updated in each ingest
 *   transaction);
 * - one index fewer on prediction_events, the table every event is inserted into: the index
 *   on (model_id, ts) served only the retention sweep, which now bounds window_start (a
 *   window starts at or before each of its events) and uses the window index, reordered to
 *   (model_id, window_start, version_id) so that a model's range of windows is one scan; the
 *   lookups of one window (all three equal) use it as before.
 */
function fasterIngest(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("window_profiles").addColumn("counted_seq", "bigint").execute();
      await db.schema.dropIndex("prediction_events_ts_idx").execute();
      await db.schema.dropIndex("prediction_events_window_idx").execute();
      await db.schema
        .createIndex("prediction_events_model_window_idx")
        .on("prediction_events")
        .columns(["model_id", "window_start", "version_id"])
        .execute();
    },
  };
}

/**
 * The latest point of each metric series in its own table (schema.ts, MetricLatestTable).
 * Reading it from `metrics` grouped every window of the model's history: with 164 series x
 * 2,000 windows, 0.5 s on SQLite (on the thread that also ingests) and 0.16 s on PostgreSQL,
 * paid by every status request, every /metrics scrape and every scheduler tick.
 */
function latestMetrics(): Migration {
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable("metric_latest")
        .addColumn("model_id", "bigint", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("version_id", "bigint", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("labels_json", "text", (c) => c.notNull())
        .addColumn("window_start", "bigint", (c) => c.notNull())
        .addColumn("value", "double precision")
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("metric_latest_pk", [
          "model_id",
          "version_id",
          "name",
          "labels_json",
        ])
        .execute();
      await sql`
        INSERT INTO metric_latest (model_id, version_id, name, labels_json, window_start, value, updated_at)
        SELECT m.model_id, m.version_id, m.name, m.labels_json, m.window_start, m.value, m.updated_at
        FROM metrics m
        JOIN (
          SELECT model_id, version_id, name, labels_json, max(window_start) AS window_start
          FROM metrics GROUP BY model_id, version_id, name, labels_json
        ) l ON l.model_id = m.model_id AND l.version_id = m.version_id AND l.name = m.name
          AND l.labels_json = m.labels_json AND l.window_start = m.window_start`.execute(db);
    },
  };
}

/**
 * Metric points of a model in a range of windows, whatever their name and version (the
 * metrics API without `name`): the other indexes lead with name or version, so that read
 * scanned the model's whole history (82-113 ms for the last hour of 2,000 windows x 164
 * series on SQLite).
 */
function metricsWindowIndex(): Migration {
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createIndex("metrics_model_start_idx")
        .on("metrics")
        .columns(["model_id", "window_start"])
        .execute();
    },
  };
}

/**
 * A window's events in seq order (the performance monitor's paged reads of labeled events,
 * replays past a counted seq, listing a window's events). SQLite's index already ends with
 * seq, the rowid every index ends with; PostgreSQL's sorted the window's rows for each page.
 */
function windowSeqIndex(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb): Promise<void> {
      if (dialect !== "postgres") return;
      await db.schema
        .createIndex("prediction_events_window_seq_idx")
        .on("prediction_events")
        .columns(["model_id", "window_start", "version_id", "seq"])
        .execute();
      await db.schema.dropIndex("prediction_events_model_window_idx").execute();
    },
  };
}

/** Every migration, keyed by name; names sort in application order. */
export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    "0001_initial": initial(dialect),
    "0002_registry": registry(dialect),
    "0003_deployments": deployments(dialect),
    "0004_labels_received_index": labelsReceivedIndex(),
    "0005_faster_ingest": fasterIngest(),
    "0006_latest_metrics": latestMetrics(),
    "0007_metrics_window_index": metricsWindowIndex(),
    "0008_window_seq_index": windowSeqIndex(dialect),
  };
}
