/**
 * A model version's reference: the profile of the data the model was validated on, in the
 * window layout (layout.ts) and counted into its own bins (src/sketch referenceBins), so
 * every later window of the version counts into the same bins and drift, out-of-range and
 * unseen-category shares come from profiles alone. With a target and a prediction (or
 * scores) column the reference also gets baseline metrics from src/evaluate, the values
 * window performance is compared with.
 *
 * The file is streamed through DuckDB in chunks twice (pass 1 chooses the bins, pass 2
 * counts into them): memory holds one chunk and the profiles, never the file. The baseline
 * metrics need the target, prediction and score columns whole (ranking metrics such as ROC
 * AUC cannot be streamed), so only those columns are loaded for them.
 */
import { existsSync } from "node:fs";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { duckdbMessage, parseError } from "../data/duckdb-errors.js";
import { detectQueryFormat, isNumericType, quoteIdent, readExpression } from "../data/query.js";
import { isVigilError, VigilError } from "../errors.js";
import { evaluateColumns } from "../evaluate/evaluate.js";
import { loadEvaluationColumns, parseScoreSpec } from "../evaluate/load.js";
import {
  type ColumnKind,
  type ColumnProfile,
  DatasetProfile,
  referenceBinsOf,
  serializeDatasetProfile,
} from "../sketch/index.js";
import type { JsonValue, Store, StoreTx } from "../store/index.js";
import { type MonitorConfig, requireMonitorConfig } from "./config.js";
import { PREDICTION_COLUMN, SCORE_COLUMN } from "./layout.js";

export interface ReferenceOptions {
  /** csv, tsv, parquet or jsonl; default from the file name. */
  format?: string | undefined;
  /** The ground-truth column (with `prediction` or `scores`: baseline metrics). */
  target?: string | undefined;
  /** The model's prediction column, profiled as $prediction. */
  prediction?: string | undefined;
  /**
   * Score columns: binary `COL` (the positive class's score) or `CLASS=COL`; multiclass one
   * `CLASS=COL` per class. Profiled as $score (binary: the positive class's, multiclass: the
   * top class's).
   */
  scores?: string[] | undefined;
  /** DuckDB threads (default: all cores). */
  threads?: number | undefined;
  /** A name for messages (the API passes the upload's description). */
  label?: string | undefined;
}

export interface BuiltReference {
  profile: DatasetProfile;
  bytes: Uint8Array;
  rows: number;
  /** Stored with the profile; window evaluation reads `metrics`. */
  baseline: { [key: string]: JsonValue };
}

interface ColumnPlan {
  /** Profile column. */
  target: string;
  kind: ColumnKind;
  /** SELECT expressions: the value, and for text read as numbers a type-error flag. */
  exprs: string[];
}

/** How to read a file column into a profile column of `kind`. */
function planColumn(target: string, kind: ColumnKind, name: string, type: string): ColumnPlan {
  const c = quoteIdent(name);
  if (isNumericType(type)) return { target, kind, exprs: [`CAST(${c} AS DOUBLE)`] };
  if (kind === "numeric") {
    if (/^(VARCHAR|TEXT|STRING)$/i.test(type)) {
      // Text read as numbers: numbers where they parse, a type error where they do not.
      return {
        target,
        kind,
        exprs: [
          `TRY_CAST(${c} AS DOUBLE)`,
          `(${c} IS NOT NULL AND TRY_CAST(${c} AS DOUBLE) IS NULL)`,
        ],
      };
    }
    return { target, kind, exprs: [c] };
  }
  // Categories as the ingest path sees them: numbers and booleans become String(value) in
  // the profile (so 1.0 is "1", as an event's 1 would be); other types their text form.
  if (/^BOOLEAN$/i.test(type) || /^(VARCHAR|TEXT|STRING)$/i.test(type))
    return { target, kind, exprs: [c] };
  return { target, kind, exprs: [`CAST(${c} AS VARCHAR)`] };
}

function asJs(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  return v;
}

async function describe(conn: DuckDBConnection, read: string, path: string) {
  try {
    const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${read}`);
    return r
      .getRowObjectsJS()
      .map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  } catch (err) {
    throw parseError(path, duckdbMessage(err), undefined, err);
  }
}

/** A data file opened in its own DuckDB instance: its read expression and columns. */
interface OpenedFile {
  conn: DuckDBConnection;
  format: ReturnType<typeof detectQueryFormat>;
  read: string;
  label: string;
  columns: { name: string; type: string }[];
}

/**
 * Opens `path` (VIGIL_FILE_NOT_FOUND when absent) and runs `use` on it; DuckDB's errors
 * become parse errors naming the file, and the instance is closed afterwards.
 */
async function withFile<T>(
  path: string,
  opts: { format?: string | undefined; label?: string | undefined; threads?: number | undefined },
  use: (file: OpenedFile) => Promise<T>,
): Promise<T> {
  const format = detectQueryFormat(path, opts.format);
  const label = opts.label ?? path;
  if (!existsSync(path)) throw new VigilError("VIGIL_FILE_NOT_FOUND", `no such file: ${label}`);
  const read = readExpression(path, format);
  const instance = await DuckDBInstance.create(":memory:", {
    ...(opts.threads ? { threads: String(opts.threads) } : {}),
    autoinstall_known_extensions: "false",
  });
  const conn = await instance.connect();
  try {
    return await use({ conn, format, read, label, columns: await describe(conn, read, label) });
  } catch (err) {
    if (isVigilError(err)) throw err;
    throw parseError(label, duckdbMessage(err), undefined, err);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** One streamed pass over the file into `profile`. */
async function profilePass(
  conn: DuckDBConnection,
  read: string,
  path: string,
  plans: ColumnPlan[],
  scorePlans: { cls: string | undefined; expr: string }[],
  profile: DatasetProfile,
): Promise<number> {
  const select = [
    ...plans.flatMap((p) => p.exprs),
    ...scorePlans.map((s) => `CAST(${s.expr} AS DOUBLE)`),
  ];
  let result: Awaited<ReturnType<DuckDBConnection["stream"]>>;
  try {
    result = await conn.stream(`SELECT ${select.join(", ") || "1"} FROM ${read}`);
  } catch (err) {
    throw parseError(path, duckdbMessage(err), undefined, err);
  }
  const cols = plans.map((p) => profile.column(p.target));
  const scoreCol = scorePlans.length > 0 ? profile.column(SCORE_COLUMN) : undefined;
  const others: ColumnProfile[] = [];
  const planned = new Set([...plans.map((p) => p.target), ...(scoreCol ? [SCORE_COLUMN] : [])]);
  for (const [name, col] of profile.columns) if (!planned.has(name)) others.push(col);
  let rows = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof result.fetchChunk>>;
    try {
      chunk = await result.fetchChunk();
    } catch (err) {
      throw parseError(path, duckdbMessage(err), { row: rows + 1 }, err);
    }
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    let j = 0;
    plans.forEach((plan, p) => {
      const col = cols[p] as ColumnProfile;
      const values = chunk.getColumnValues(j++);
      if (plan.exprs.length === 2) {
        const errors = chunk.getColumnValues(j++);
        for (let i = 0; i < n; i++)
          col.update(errors[i] === true ? "(not a number)" : asJs(values[i]));
      } else {
        for (let i = 0; i < n; i++) col.update(asJs(values[i]));
      }
    });
    if (scoreCol) {
      const lists = scorePlans.map(() => chunk.getColumnValues(j++));
      for (let i = 0; i < n; i++) {
        let best: number | null = null;
        for (const list of lists) {
          const v = list[i];
          if (typeof v === "number" && (best === null || v > best)) best = v;
        }
        scoreCol.update(best);
      }
    }
    for (const col of others) {
      col.count += n;
      col.missing += n;
    }
    profile.rows += n;
    rows += n;
  }
  return rows;
}

/**
 * Profiles a reference file for a model: every schema feature must be a column of the file
 * (VIGIL_COLUMN_NOT_FOUND otherwise); other columns are ignored.
 */
export async function buildReference(
  path: string,
  config: MonitorConfig,
  opts: ReferenceOptions = {},
): Promise<BuiltReference> {
  return withFile(path, opts, async ({ conn, format, read, label, columns }) => {
    const types = new Map(columns.map((c) => [c.name, c.type]));
    const want = (name: string, role: string): string => {
      const t = types.get(name);
      if (t === undefined) {
        throw new VigilError(
          "VIGIL_COLUMN_NOT_FOUND",
          `${label} has no column ${JSON.stringify(name)} (${role}); its columns are ${columns
            .slice(0, 30)
            .map((c) => c.name)
            .join(", ")}`,
          [{ column: name, message: `${role} not in the file` }],
        );
      }
      return t;
    };
    const plans: ColumnPlan[] = [];
    for (const [name, kind] of Object.entries(config.schema.features)) {
      plans.push(planColumn(name, kind, name, want(name, "feature")));
    }
    if (opts.prediction) {
      const kind = config.columns[PREDICTION_COLUMN] as ColumnKind;
      plans.push(
        planColumn(PREDICTION_COLUMN, kind, opts.prediction, want(opts.prediction, "prediction")),
      );
    }
    const scorePlans = (opts.scores ?? []).map((spec) => {
      const s = parseScoreSpec(spec);
      want(s.column, "score");
      return { cls: s.cls, expr: quoteIdent(s.column) };
    });
    if (config.task === "binary" && scorePlans.length > 1) {
      const positive = scorePlans.filter((s) => s.cls === config.positiveClass);
      if (positive.length !== 1) {
        throw new VigilError(
          "VIGIL_USAGE",
          `a binary model takes one score column (the positive class "${config.positiveClass}"'s), or CLASS=COL columns including ${config.positiveClass}=COL`,
        );
      }
      scorePlans.splice(0, scorePlans.length, ...positive);
    }
    if (config.task === "regression" && scorePlans.length > 0) {
      throw new VigilError("VIGIL_USAGE", "a regression model has no score columns");
    }
    if (opts.target) want(opts.target, "target");

    const first = new DatasetProfile(config.columns);
    const rows = await profilePass(conn, read, label, plans, scorePlans, first);
    if (rows === 0) throw new VigilError("VIGIL_EMPTY_DATASET", `${label} has no rows`);
    const bins = referenceBinsOf(first);
    const profile = new DatasetProfile(config.columns, { bins });
    await profilePass(conn, read, label, plans, scorePlans, profile);

    const baseline: { [key: string]: JsonValue } = {
      rows,
      format,
      columns: {
        prediction: opts.prediction ?? null,
        target: opts.target ?? null,
        scores: opts.scores ?? [],
      },
      metrics: {},
    };
    if (opts.target && (opts.prediction || scorePlans.length > 0)) {
      const cols = await loadEvaluationColumns(
        path,
        {
          target: opts.target,
          ...(opts.prediction ? { prediction: opts.prediction } : {}),
          ...(opts.scores?.length ? { scores: opts.scores } : {}),
        },
        { format, threads: opts.threads },
      );
      const report = evaluateColumns(cols, {
        task: config.task,
        ...(config.task === "binary" ? { positive: config.positiveClass } : {}),
        ...(config.schema.classes ? { labels: config.schema.classes } : {}),
      });
      const metrics: { [key: string]: JsonValue } = {};
      for (const [k, v] of Object.entries(report.metrics))
        metrics[k] = Number.isFinite(v) ? v : null;
      baseline.metrics = metrics;
      baseline.evaluatedRows = report.rows;
    }
    return { profile, bytes: serializeDatasetProfile(profile), rows, baseline };
  });
}

export interface FileProfile {
  profile: DatasetProfile;
  bytes: Uint8Array;
  rows: number;
}

/**
 * Profiles every column of a file with the reference reader (one streamed pass, no bins):
 * numeric SQL types become numeric columns, everything else categorical. The registry
 * records this profile's summary and hash per training data file. Rows come in file order
 * and the sketches are seeded, so the same file gives the same bytes.
 */
export async function profileFile(
  path: string,
  opts: { format?: string | undefined; label?: string | undefined; threads?: number } = {},
): Promise<FileProfile> {
  return withFile(path, opts, async ({ conn, read, label, columns }) => {
    const schema: Record<string, ColumnKind> = {};
    const plans = columns.map((c) => {
      const kind: ColumnKind = isNumericType(c.type) ? "numeric" : "categorical";
      schema[c.name] = kind;
      return planColumn(c.name, kind, c.name, c.type);
    });
    const profile = new DatasetProfile(schema);
    const rows = await profilePass(conn, read, label, plans, [], profile);
    return { profile, bytes: serializeDatasetProfile(profile), rows };
  });
}

/**
 * Stores a built reference for a version inside the caller's transaction, with its audit
 * entry: `uploadReference` and `vigil model register` share it.
 */
export async function storeReference(
  tx: StoreTx,
  target: { modelId: number; model: string; version: string; actor: string },
  built: BuiltReference,
  via: "reference upload" | "model register" = "reference upload",
): Promise<{ createdVersion: boolean }> {
  let v = await tx.getVersion(target.modelId, target.version);
  let createdVersion = false;
  if (!v) {
    v = await tx.createVersion(target.modelId, {
      version: target.version,
      metadata: { createdBy: via },
    });
    createdVersion = true;
  }
  await tx.putReferenceProfile(v.id, { data: built.bytes, baseline: built.baseline });
  await tx.appendAudit({
    actor: target.actor,
    action: "monitor.reference.upload",
    subject: `model:${target.model}/${target.version}`,
    details: {
      rows: built.rows,
      createdVersion,
      baseline: built.baseline,
      ...(via === "reference upload" ? {} : { via }),
    },
  });
  return { createdVersion };
}

export interface UploadResult {
  model: string;
  version: string;
  /** True when the upload created the version. */
  createdVersion: boolean;
  rows: number;
  columns: string[];
  baseline: JsonValue;
}

/**
 * Builds and stores the reference of `model` version `version` (created when missing) from
 * a file, with an audit entry. Windows of the version opened from now on count into the new
 * reference's bins; windows already open keep theirs (docs/monitoring.md).
 */
export async function uploadReference(
  store: Store,
  modelName: string,
  version: string,
  path: string,
  opts: ReferenceOptions & { actor: string },
): Promise<UploadResult> {
  const model = await store.requireModel(modelName);
  const config = requireMonitorConfig(model);
  const built = await buildReference(path, config, opts);
  return store.transaction(async (tx) => {
    const { createdVersion } = await storeReference(
      tx,
      { modelId: model.id, model: model.name, version, actor: opts.actor },
      built,
    );
    return {
      model: model.name,
      version,
      createdVersion,
      rows: built.rows,
      columns: [...built.profile.columns.keys()],
      baseline: built.baseline,
    };
  });
}
