/**
 * Evaluation of one window of one model version: the window profile against the version's
 * reference profile (drift, data quality), the window alone (operations), its labeled
 * events (performance) and the model's recent windows (volume). Every result becomes a
 * metric series point (src/monitor/metric-names.ts); points upsert, so evaluating a window
 * again replaces its values.
 */
import { VigilError } from "../errors.js";
import { type DatasetProfile, deserializeDatasetProfile } from "../sketch/index.js";
import type { Repo } from "../store/index.js";
import type {
  JsonValue,
  ModelRecord,
  VersionRecord,
  WindowKey,
  WindowProfileRecord,
} from "../store/types.js";
import { monitorConfig } from "./config.js";
import { type EvaluationSettings, evaluationSettings } from "./evaluation-settings.js";
import type { MonitorSchema } from "./layout.js";
import { METRIC } from "./metric-names.js";
import { type DriftResult, driftOfWindow, driftPoints } from "./monitors/drift.js";
import {
  type OperationsResult,
  operationsOfWindow,
  operationsPoints,
} from "./monitors/operations.js";
import {
  type LabeledPrediction,
  type PerformanceResult,
  performanceOfRows,
  performancePoints,
} from "./monitors/performance.js";
import { type QualityResult, qualityOfWindow, qualityPoints } from "./monitors/quality.js";
import { type SeriesPoint, toMetricPoints } from "./monitors/series.js";
import { evaluateVolume, type VolumeResult } from "./monitors/volume.js";
import {
  commitWindowEvaluation,
  labeledRows,
  type WindowState,
  windowLabelStats,
  windowStates,
} from "./window-state.js";

function sameState(a: WindowState, b: WindowState): boolean {
  return a.eventCount === b.eventCount && a.updatedAt === b.updatedAt && a.closedAt === b.closedAt;
}

export interface WindowEvaluation {
  key: WindowKey;
  model: string;
  version: string;
  windowStart: number;
  windowEnd: number;
  /** Events profiled in the window. */
  events: number;
  /**
   * False when `close` was asked and the window changed or was closed by another instance
   * between reading and committing: nothing was written.
   */
  committed: boolean;
  /** Null when the version has no reference profile (drift and quality need one). */
  drift: DriftResult | null;
  quality: QualityResult | null;
  operations: OperationsResult;
  performance: PerformanceResult;
  volume: VolumeResult | null;
  /** Points written (0 when not committed). */
  points: number;
  notes: string[];
}

export interface EvaluateWindowOptions {
  /**
   * Close the window in the same transaction as its points are written, only if it is
   * still as read (the scheduler). Default false: write the points, leave the state alone.
   */
  close?: boolean;
  /**
   * With `close`: the window state the caller decided on (from windowStates). When the row
   * no longer matches it (another instance closed it, events arrived), nothing is computed
   * or written. Default: the state read here.
   */
  expected?: WindowState;
}

/** What evaluations need of a model, read once. */
export interface ModelContext {
  model: ModelRecord;
  schema: MonitorSchema;
  features: string[];
  settings: EvaluationSettings;
}

/**
 * Reads the model's schema and settings once (VIGIL_INVALID_MONITOR_CONFIG when the stored
 * configuration does not parse). A model without a monitoring schema has no features.
 */
export function modelContext(model: ModelRecord, settings?: EvaluationSettings): ModelContext {
  const config = monitorConfig(model);
  const schema = config?.schema ?? { features: {} };
  return {
    model,
    schema,
    features: Object.keys(schema.features),
    settings: settings ?? config?.settings.evaluation ?? evaluationSettings(model.monitors),
  };
}

async function loadModel(store: Repo, modelId: number): Promise<ModelRecord> {
  const model = await store.getModelById(modelId);
  if (!model) throw new VigilError("VIGIL_MODEL_NOT_FOUND", `No model has id ${modelId}.`);
  return model;
}

async function loadVersion(store: Repo, versionId: number): Promise<VersionRecord> {
  const version = await store.getVersionById(versionId);
  if (!version) {
    throw new VigilError("VIGIL_VERSION_NOT_FOUND", `No model version has id ${versionId}.`);
  }
  return version;
}

export async function loadWindow(store: Repo, key: WindowKey): Promise<WindowProfileRecord> {
  const record = await store.getWindowProfile(key);
  if (!record) {
    throw new VigilError(
      "VIGIL_WINDOW_NOT_FOUND",
      `Model ${key.modelId} version ${key.versionId} has no window starting at ${new Date(key.windowStart).toISOString()} (${key.windowStart}).`,
    );
  }
  return record;
}

/** The version's reference profile and baseline, or null when none was uploaded. */
export async function loadReference(
  store: Repo,
  versionId: number,
): Promise<{ profile: DatasetProfile; baseline: JsonValue | null } | null> {
  const ref = await store.getReferenceProfile(versionId);
  if (!ref) return null;
  return { profile: deserializeDatasetProfile(ref.data), baseline: ref.baseline };
}

/**
 * The performance of a window from its labeled events (and the latest label receipt time).
 * `events`: the window's stored events.
 */
export async function windowPerformance(
  store: Repo,
  ctx: ModelContext,
  key: WindowKey,
  baseline: JsonValue | null,
  events: number,
): Promise<{ result: PerformanceResult; receivedThrough: number }> {
  const rows = await labeledRows(store, key, events);
  let receivedThrough = 0;
  const labeled: LabeledPrediction[] = rows.map((r) => {
    if (r.receivedAt > receivedThrough) receivedThrough = r.receivedAt;
    const p = r.payload;
    const obj = typeof p === "object" && p !== null && !Array.isArray(p) ? p : {};
    return { prediction: obj.prediction, scores: obj.scores, label: r.label };
  });
  return {
    result: performanceOfRows(ctx.model.task, ctx.schema, labeled, events, baseline),
    receivedThrough,
  };
}

/**
 * Evaluates the window `key` and stores its points (and, with `close`, closes it). `now`
 * (epoch ms, the caller's clock) is recorded as the window's close time. Settings default
 * to the model's. Throws VIGIL_MODEL_NOT_FOUND, VIGIL_VERSION_NOT_FOUND,
 * VIGIL_WINDOW_NOT_FOUND, VIGIL_CONFIG_INVALID (the model's monitor settings).
 */
export async function evaluateWindow(
  store: Repo,
  key: WindowKey,
  settings: EvaluationSettings | undefined,
  now: number,
  options: EvaluateWindowOptions = {},
): Promise<WindowEvaluation> {
  const model = await loadModel(store, key.modelId);
  const ctx = modelContext(model, settings);
  const [version, record, reference] = await Promise.all([
    loadVersion(store, key.versionId),
    loadWindow(store, key),
    loadReference(store, key.versionId),
  ]);
  const windowMs = model.windowSeconds * 1000;
  const state: WindowState = {
    ...key,
    eventCount: record.eventCount,
    updatedAt: record.updatedAt,
    closedAt: record.closedAt,
  };
  const expected = options.expected ?? state;
  /** Which window the evaluation is of, the same whether it committed or not. */
  const identity = {
    key,
    model: model.name,
    version: version.version,
    windowStart: key.windowStart,
    windowEnd: key.windowStart + windowMs,
    events: record.eventCount,
  };
  if (options.close && !sameState(expected, state)) {
    return {
      ...identity,
      committed: false,
      drift: null,
      quality: null,
      operations: operationsOfWindow(deserializeDatasetProfile(record.data), model.windowSeconds),
      performance: { events: 0, labeled: 0, unusable: 0, coverage: 0, metrics: {}, drop: {} },
      volume: null,
      points: 0,
      notes: ["the window changed since it was listed; left to the next tick"],
    };
  }
  const window = deserializeDatasetProfile(record.data);
  const notes: string[] = [];
  const points: SeriesPoint[] = [];

  let drift: DriftResult | null = null;
  let quality: QualityResult | null = null;
  if (reference) {
    drift = driftOfWindow(reference.profile, window, ctx.features, ctx.settings.drift);
    quality = qualityOfWindow(reference.profile, window, ctx.features);
    points.push(...driftPoints(drift), ...qualityPoints(quality));
  } else {
    notes.push("no reference profile for this version: drift and data quality need one");
  }
  const operations = operationsOfWindow(window, model.windowSeconds);
  points.push(...operationsPoints(operations));
  points.push({ name: METRIC.EVENT_COUNT, value: record.eventCount });

  // Closing a window (the scheduler, right after its end): every event its profile counts
  // is stored (retention only removes old windows' events), so the profile's count is the
  // stored count. Counting the rows instead read the whole window's index on the server's
  // thread: 0.8 s for a window of 4M events, a pause every ingest request waited for.
  const { result: performance, receivedThrough } = await windowPerformance(
    store,
    ctx,
    key,
    reference?.baseline ?? null,
    options.close
      ? record.eventCount
      : await store.countEvents(key.modelId, {
          versionId: key.versionId,
          windowStart: key.windowStart,
        }),
  );
  if (performance.note) notes.push(performance.note);
  points.push(...performancePoints(performance, receivedThrough));

  const rows = toMetricPoints(key, points);
  let committed = true;
  if (options.close) {
    committed = await commitWindowEvaluation(store, expected, now, rows);
  } else {
    await store.putMetrics(rows);
  }
  const volume = committed
    ? await evaluateVolume(store, key.modelId, key.windowStart, windowMs, ctx.settings.volume)
    : null;
  return {
    ...identity,
    committed,
    drift,
    quality,
    operations,
    performance,
    volume,
    points: committed ? rows.length : 0,
    notes,
  };
}

/**
 * Recomputes a window's performance when its labels changed since it was last computed
 * (late ground truth): compares the labeled count and the latest label receipt time with
 * the ones stored with the window's performance (a cheap aggregate), and only then reads the
 * labeled events. Returns true when it wrote.
 */
export async function refreshWindowPerformance(
  store: Repo,
  key: WindowKey,
  ctxOrSettings?: ModelContext | EvaluationSettings,
): Promise<boolean> {
  const value = async (name: string) => {
    const points = await store.queryMetrics({
      modelId: key.modelId,
      versionId: key.versionId,
      name,
      from: key.windowStart,
      to: key.windowStart + 1,
    });
    return points[0]?.value;
  };
  // The window's profile counts every stored event (as at close), without reading the
  // window's rows; a window without a profile row has its events counted.
  const [state] = await windowStates(store, key.modelId, {
    from: key.windowStart,
    to: key.windowStart + 1,
    versionId: key.versionId,
  });
  const events =
    state?.eventCount ??
    (await store.countEvents(key.modelId, {
      versionId: key.versionId,
      windowStart: key.windowStart,
    }));
  const stats = await windowLabelStats(store, key, events);
  if (
    (await value(METRIC.LABELED_EVENTS)) === stats.labeled &&
    (await value(METRIC.LABELS_RECEIVED_THROUGH)) === stats.receivedThrough
  ) {
    return false;
  }
  const ctx =
    ctxOrSettings && "model" in ctxOrSettings
      ? ctxOrSettings
      : modelContext(await loadModel(store, key.modelId), ctxOrSettings);
  const reference = await store.getReferenceProfile(key.versionId);
  const { result, receivedThrough } = await windowPerformance(
    store,
    ctx,
    key,
    reference?.baseline ?? null,
    events,
  );
  await store.putMetrics(toMetricPoints(key, performancePoints(result, receivedThrough)));
  return true;
}
