/**
 * The window monitors' settings: which drift method and threshold per kind or feature,
 * when a quality, volume, performance or operations value is a warning or an alert, and how
 * long a window waits for late events. They live in the model's `monitors` JSON
 * (models.monitors_json) next to the ingest settings; this module reads only its own keys
 * and ignores the rest, so both can evolve apart. docs/monitors.md documents every key.
 */

import { getMethod } from "../drift/methods.js";
import { VigilError } from "../errors.js";
import type { JsonValue } from "../store/types.js";
import { isProfileMethod, type ProfileDriftKind } from "./monitors/drift-methods.js";

/** A level that turns a value into a warning or an alert. */
export interface Level {
  warning?: number;
  alert?: number;
}

/** Direction of a level: "above" alerts when value >= level, "below" when value <= level. */
export type LevelDirection = "above" | "below";

export interface FeatureDriftSetting {
  method?: string;
  threshold?: number;
}

export interface EvaluationSettings {
  /** Seconds after a window's end before it is closed and evaluated. */
  graceSeconds: number;
  drift: {
    /** Method per drift kind, replacing the size-based default. */
    methodByKind: Partial<Record<ProfileDriftKind, string>>;
    /** Threshold per method id. */
    thresholdByMethod: Record<string, number>;
    /** Method and/or threshold per feature ("$prediction" for the prediction). */
    features: Record<string, FeatureDriftSetting>;
    /** Dataset drift when the share of drifted features is >= this. */
    driftShare: number;
  };
  quality: {
    missingShareChange: Level;
    outOfRangeShare: Level;
    unseenCategoryShare: Level;
    typeErrorShare: Level;
    unknownFeatureShare: Level;
  };
  volume: {
    /** Previous closed windows whose median is the usual volume. */
    history: number;
    /** Fewer previous windows than this: the ratio is NaN (no usual volume yet). */
    minHistory: number;
    /** Ratio at or below which volume is low. */
    low: Level;
    /** Ratio at or above which volume is high. */
    high: Level;
  };
  performance: {
    /** Drop against the baseline (positive = worse) per metric name. */
    drop: Record<string, Level>;
    /** Binary classification: predict positive when the score >= this if an event has no prediction. */
    threshold: number;
  };
  operations: {
    errorRate: Level;
    /** Per quantile "0.5" | "0.95" | "0.99", in ms. */
    latencyMs: Record<string, Level>;
  };
}

/** Scale-free metrics get a default drop level; others (log loss, MAE, RMSE) only when set. */
const DEFAULT_DROP: Level = { warning: 0.02, alert: 0.05 };
const SCALE_FREE = [
  "accuracy",
  "balanced_accuracy",
  "precision",
  "recall",
  "f1",
  "precision_macro",
  "recall_macro",
  "f1_macro",
  "f1_weighted",
  "roc_auc",
  "average_precision",
  "r2",
];

export function defaultEvaluationSettings(): EvaluationSettings {
  return {
    graceSeconds: 60,
    drift: { methodByKind: {}, thresholdByMethod: {}, features: {}, driftShare: 0.5 },
    quality: {
      missingShareChange: { warning: 0.05, alert: 0.2 },
      outOfRangeShare: { warning: 0.05, alert: 0.2 },
      unseenCategoryShare: { warning: 0.05, alert: 0.2 },
      typeErrorShare: { warning: 0.01, alert: 0.05 },
      unknownFeatureShare: { warning: 0.01, alert: 0.1 },
    },
    volume: {
      history: 12,
      minHistory: 3,
      low: { warning: 0.5, alert: 0.2 },
      high: { warning: 2, alert: 5 },
    },
    performance: {
      drop: Object.fromEntries(SCALE_FREE.map((m) => [m, { ...DEFAULT_DROP }])),
      threshold: 0.5,
    },
    operations: { errorRate: { warning: 0.01, alert: 0.05 }, latencyMs: {} },
  };
}

// ---- parsing ------------------------------------------------------------------------------

type Obj = Record<string, JsonValue>;

function fail(field: string, expected: string, got: unknown): never {
  throw new VigilError(
    "VIGIL_CONFIG_INVALID",
    `monitor settings: ${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`,
    [{ field, message: `expected ${expected}` }],
  );
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function obj(v: JsonValue | undefined, field: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail(field, "an object", v);
  return v;
}

function num(
  v: JsonValue | undefined,
  field: string,
  check: (x: number) => boolean,
  expected: string,
): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || !check(v)) fail(field, expected, v);
  return v;
}

function level(v: JsonValue | undefined, field: string, base: Level): Level {
  const o = obj(v, field);
  if (!o) return base;
  const out: Level = { ...base };
  for (const key of Object.keys(o)) {
    if (key !== "warning" && key !== "alert") fail(`${field}.${key}`, '"warning" or "alert"', key);
    const x = o[key];
    if (x === null) delete out[key];
    else out[key] = num(x, `${field}.${key}`, () => true, "a finite number or null")!;
  }
  return out;
}

function method(
  v: JsonValue | undefined,
  field: string,
  kind?: ProfileDriftKind,
): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") fail(field, "a drift method name", v);
  let id: string;
  try {
    id = getMethod(v).id;
  } catch (err) {
    if (err instanceof VigilError) fail(field, "a known drift method", v);
    throw err;
  }
  if (!isProfileMethod(id, kind)) {
    throw new VigilError(
      "VIGIL_METHOD_NOT_APPLICABLE",
      `monitor settings: ${field}: method "${id}" cannot be computed from window profiles${kind ? ` for ${kind} columns` : ""}; see docs/monitors.md for the methods a window can use`,
      [{ field, message: "not computable from profiles" }],
    );
  }
  return id;
}

/**
 * The evaluation settings of a model from its `monitors` JSON: defaults for every key that
 * is absent. Throws VIGIL_CONFIG_INVALID (with the field) for a present key of the wrong
 * shape, VIGIL_METHOD_NOT_APPLICABLE for a method windows cannot compute.
 */
export function evaluationSettings(monitors: JsonValue | undefined): EvaluationSettings {
  const s = defaultEvaluationSettings();
  if (monitors === undefined || monitors === null) return s;
  if (!isObj(monitors)) fail("monitors", "an object", monitors);
  s.graceSeconds =
    num(monitors.graceSeconds, "graceSeconds", (x) => x >= 0, "a number of seconds >= 0") ??
    s.graceSeconds;

  const drift = obj(monitors.drift, "drift");
  if (drift) {
    const byKind = obj(drift.method, "drift.method");
    for (const [kind, m] of Object.entries(byKind ?? {})) {
      if (kind !== "numeric" && kind !== "categorical") {
        fail(`drift.method.${kind}`, 'keyed by "numeric" or "categorical"', kind);
      }
      const id = method(m, `drift.method.${kind}`, kind);
      if (id) s.drift.methodByKind[kind] = id;
    }
    const thresholds = obj(drift.threshold, "drift.threshold");
    for (const [m, t] of Object.entries(thresholds ?? {})) {
      const id = method(m, `drift.threshold.${m}`);
      s.drift.thresholdByMethod[id!] = num(
        t,
        `drift.threshold.${m}`,
        (x) => x >= 0,
        "a number >= 0",
      )!;
    }
    const features = obj(drift.features, "drift.features");
    for (const [name, f] of Object.entries(features ?? {})) {
      const o = obj(f, `drift.features.${name}`);
      if (!o) continue;
      const entry: FeatureDriftSetting = {};
      const id = method(o.method, `drift.features.${name}.method`);
      if (id) entry.method = id;
      const t = num(
        o.threshold,
        `drift.features.${name}.threshold`,
        (x) => x >= 0,
        "a number >= 0",
      );
      if (t !== undefined) entry.threshold = t;
      s.drift.features[name] = entry;
    }
    s.drift.driftShare =
      num(drift.driftShare, "drift.driftShare", (x) => x > 0 && x <= 1, "a share in (0, 1]") ??
      s.drift.driftShare;
  }

  const quality = obj(monitors.quality, "quality");
  if (quality) {
    for (const key of Object.keys(s.quality) as (keyof EvaluationSettings["quality"])[]) {
      s.quality[key] = level(quality[key], `quality.${key}`, s.quality[key]);
    }
  }

  const volume = obj(monitors.volume, "volume");
  if (volume) {
    const int = (x: number) => Number.isInteger(x) && x >= 1 && x <= 1000;
    s.volume.history =
      num(volume.history, "volume.history", int, "an integer in [1, 1000]") ?? s.volume.history;
    s.volume.minHistory =
      num(volume.minHistory, "volume.minHistory", int, "an integer in [1, 1000]") ??
      s.volume.minHistory;
    if (s.volume.minHistory > s.volume.history) {
      fail(
        "volume.minHistory",
        `at most volume.history (${s.volume.history})`,
        s.volume.minHistory,
      );
    }
    s.volume.low = level(volume.low, "volume.low", s.volume.low);
    s.volume.high = level(volume.high, "volume.high", s.volume.high);
  }

  const perf = obj(monitors.performance, "performance");
  if (perf) {
    const drop = obj(perf.drop, "performance.drop");
    for (const [metric, l] of Object.entries(drop ?? {})) {
      s.performance.drop[metric] = level(
        l,
        `performance.drop.${metric}`,
        s.performance.drop[metric] ?? {},
      );
    }
    s.performance.threshold =
      num(perf.threshold, "performance.threshold", (x) => x >= 0 && x <= 1, "a number in [0, 1]") ??
      s.performance.threshold;
  }

  const ops = obj(monitors.operations, "operations");
  if (ops) {
    s.operations.errorRate = level(ops.errorRate, "operations.errorRate", s.operations.errorRate);
    const lat = obj(ops.latencyMs, "operations.latencyMs");
    for (const [q, l] of Object.entries(lat ?? {})) {
      if (!["0.5", "0.95", "0.99"].includes(q)) {
        fail(`operations.latencyMs.${q}`, 'keyed by "0.5", "0.95" or "0.99"', q);
      }
      s.operations.latencyMs[q] = level(l, `operations.latencyMs.${q}`, {});
    }
  }
  return s;
}

/** "alert", "warning" or "ok" for a value against a level. NaN is "ok" (nothing to judge). */
export function levelState(
  value: number,
  l: Level | undefined,
  direction: LevelDirection = "above",
): "ok" | "warning" | "alert" {
  if (!l || Number.isNaN(value)) return "ok";
  const hit = (t: number | undefined) =>
    t !== undefined && (direction === "above" ? value >= t : value <= t);
  if (hit(l.alert)) return "alert";
  if (hit(l.warning)) return "warning";
  return "ok";
}
