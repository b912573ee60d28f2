/**
 * Builds monitored models directly on a store for the window-evaluation tests: a model, a
 * version with a reference profile (and baseline), and windows profiled from known events
 * in the layout of src/monitor/layout.ts, with the raw events and labels stored too. The
 * tests then compare what the monitors stored with exact values computed from the same
 * events.
 */
import {
  ERROR_COLUMN,
  LATENCY_COLUMN,
  type MonitorSchema,
  PREDICTION_COLUMN,
  profileColumns,
  SCORE_COLUMN,
  UNKNOWN_COLUMN,
} from "../../src/monitor/layout.js";
import {
  buildReferenceProfile,
  DatasetProfile,
  deserializeDatasetProfile,
  serializeDatasetProfile,
} from "../../src/sketch/index.js";
import type { JsonValue, ModelTask, Repo, WindowKey } from "../../src/store/index.js";

export interface TestEvent {
  id: string;
  features: Record<string, unknown>;
  prediction: JsonValue;
  scores?: JsonValue;
  latency_ms?: number;
  error?: string;
  /** Features not in the schema (their names end up in $unknown). */
  unknown?: string[];
}

export interface SeededModel {
  modelId: number;
  versionId: number;
  windowMs: number;
  columns: Record<string, "numeric" | "categorical">;
  reference: DatasetProfile;
}

/** One profile row of an event in the window layout. */
export function layoutRow(e: TestEvent): Record<string, unknown> {
  const row: Record<string, unknown> = { ...e.features };
  for (const u of e.unknown ?? []) delete row[u];
  row[PREDICTION_COLUMN] = e.prediction;
  row[SCORE_COLUMN] = typeof e.scores === "number" ? e.scores : undefined;
  row[LATENCY_COLUMN] = e.latency_ms;
  row[ERROR_COLUMN] = e.error === undefined ? "0" : "1";
  row[UNKNOWN_COLUMN] = e.unknown && e.unknown.length > 0 ? e.unknown[0] : undefined;
  return row;
}

/** Creates a model, a version and its reference profile built from `reference` columns. */
export async function seedModel(
  store: Repo,
  opts: {
    name: string;
    task: ModelTask;
    schema: MonitorSchema;
    version?: string;
    windowSeconds?: number;
    monitors?: JsonValue;
    /** Reference data per profile column (features, $prediction, ...). */
    reference?: Record<string, ArrayLike<unknown>>;
    rows?: number;
    baseline?: JsonValue;
  },
): Promise<SeededModel> {
  const model = await store.createModel({
    name: opts.name,
    task: opts.task,
    schema: opts.schema as unknown as JsonValue,
    windowSeconds: opts.windowSeconds ?? 300,
    monitors: opts.monitors ?? {},
  });
  const version = await store.createVersion(model.id, { version: opts.version ?? "v1" });
  const columns = profileColumns(opts.task, opts.schema);
  const reference = buildReferenceProfile(columns, opts.reference ?? {}, opts.rows ?? 0);
  if (opts.reference) {
    await store.putReferenceProfile(version.id, {
      data: serializeDatasetProfile(reference),
      baseline: opts.baseline ?? null,
    });
  }
  return {
    modelId: model.id,
    versionId: version.id,
    windowMs: model.windowSeconds * 1000,
    columns,
    reference,
  };
}

/**
 * Profiles `events` into the window at `windowStart` (merged in `parts` pieces, as several
 * ingest requests would) and stores the raw events.
 */
export async function putWindow(
  store: Repo,
  m: SeededModel,
  windowStart: number,
  events: readonly TestEvent[],
  parts = 3,
  versionId = m.versionId,
): Promise<WindowKey> {
  const key = { modelId: m.modelId, versionId, windowStart };
  const size = Math.ceil(events.length / parts) || 1;
  for (let i = 0; i < events.length; i += size) {
    const chunk = events.slice(i, i + size);
    const part = new DatasetProfile(m.columns, { bins: m.reference.binSpecs() });
    for (const e of chunk) part.updateRow(layoutRow(e));
    await store.mergeWindowProfile(
      key,
      (current) => {
        const p = current
          ? deserializeDatasetProfile(current)
          : new DatasetProfile(m.columns, { bins: m.reference.binSpecs() });
        return serializeDatasetProfile(p.merge(part));
      },
      { eventCount: chunk.length },
    );
    await store.insertEvents(
      m.modelId,
      chunk.map((e, j) => ({
        id: e.id,
        versionId,
        timestamp: windowStart + ((i + j) % 1000),
        windowStart,
        payload: {
          features: e.features as JsonValue,
          prediction: e.prediction,
          ...(e.scores !== undefined ? { scores: e.scores } : {}),
          ...(e.latency_ms !== undefined ? { latency_ms: e.latency_ms } : {}),
          ...(e.error !== undefined ? { error: e.error } : {}),
        },
      })),
    );
  }
  return key;
}
