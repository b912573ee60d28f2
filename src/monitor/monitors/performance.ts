/**
 * Performance monitor: the task's evaluation metrics on the window's labeled events
 * (predictions joined to their ground truth by id), computed by src/evaluate exactly as
 * `vigil evaluate` computes them on a file, plus label coverage and the drop against the
 * version's baseline (the same metrics on the reference, stored with the reference profile).
 */

import { isVigilError } from "../../errors.js";
import { type EvaluationColumns, evaluateColumns } from "../../evaluate/evaluate.js";
import { canonicalLabel, sortClasses } from "../../evaluate/labels.js";
import { HIGHER_IS_BETTER, LOWER_IS_BETTER } from "../../evaluate/metric-info.js";
import type { JsonValue, ModelTask } from "../../store/types.js";
import type { MonitorSchema } from "../layout.js";
import { METRIC } from "../metric-names.js";
import type { SeriesPoint } from "./series.js";

/** The metrics stored per task (a subset of src/evaluate's, the ones people alert on). */
export const PERFORMANCE_METRICS: Record<ModelTask, readonly string[]> = {
  binary: [
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "average_precision",
    "log_loss",
    "brier",
  ],
  multiclass: [
    "accuracy",
    "balanced_accuracy",
    "precision_macro",
    "recall_macro",
    "f1_macro",
    "f1_weighted",
    "roc_auc",
    "log_loss",
    "brier",
  ],
  regression: ["mae", "rmse", "mse", "mape", "r2", "median_absolute_error", "max_error"],
};

/** One labeled prediction: what the event said and what the label says. */
export interface LabeledPrediction {
  prediction: JsonValue | undefined;
  scores: JsonValue | undefined;
  label: JsonValue;
}

export interface PerformanceResult {
  /** Events of the window that are stored (the denominator of the coverage). */
  events: number;
  /** Events with a label. */
  labeled: number;
  /** Labeled events that could not be evaluated (label or prediction of the wrong type). */
  unusable: number;
  /** Share labeled / events (0 when the window has no stored event). */
  coverage: number;
  /** Metric -> value (NaN where undefined on this data, e.g. ROC AUC with one class). */
  metrics: Record<string, number>;
  /** Metric -> drop against the baseline (positive = worse). */
  drop: Record<string, number>;
  /** Why no metric was computed (no usable label, an evaluation error). */
  note?: string;
}

function asClass(v: JsonValue | undefined): string | null {
  if (typeof v === "string") return v.trim() === "" ? null : v;
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : null;
  if (typeof v === "boolean") return String(v);
  return null;
}

function asNumber(v: JsonValue | undefined): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "") {
    const x = Number(v);
    return Number.isFinite(x) ? x : null;
  }
  return null;
}

function isRecord(v: JsonValue | undefined): v is Record<string, JsonValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Score of `cls` in an event's scores (an object keyed by class, canonicalized). */
function classScore(scores: JsonValue | undefined, cls: string): number | null {
  if (!isRecord(scores)) return null;
  for (const [k, v] of Object.entries(scores)) {
    if (canonicalLabel(k) === cls) return typeof v === "number" && Number.isFinite(v) ? v : null;
  }
  return null;
}

/**
 * The columns src/evaluate takes, from labeled predictions. Binary scores are a number (the
 * positive class's probability) or an object by class; multiclass scores an object by class.
 * Scores are used only when every row has one for every class needed, else the metrics
 * that need them are left out rather than computed on part of the rows.
 */
export function evaluationColumns(
  task: ModelTask,
  schema: MonitorSchema,
  rows: readonly LabeledPrediction[],
): { cols: EvaluationColumns; unusable: number; positive: string | undefined } {
  const target: (string | null)[] = [];
  const prediction: (string | null)[] = [];
  const kept: LabeledPrediction[] = [];
  let unusable = 0;
  for (const r of rows) {
    if (task === "regression") {
      const y = asNumber(r.label);
      const yhat = asNumber(r.prediction);
      if (y === null || yhat === null) {
        unusable++;
        continue;
      }
      target.push(String(y));
      prediction.push(String(yhat));
    } else {
      const y = asClass(r.label);
      const yhat = asClass(r.prediction);
      if (y === null || yhat === null) {
        unusable++;
        continue;
      }
      target.push(y);
      prediction.push(yhat);
    }
    kept.push(r);
  }
  const cols: EvaluationColumns = {
    target: { name: "label", values: target },
    prediction: { name: "prediction", values: prediction },
  };
  if (task === "regression") {
    cols.target.numeric = Float64Array.from(target, Number);
    cols.prediction!.numeric = Float64Array.from(prediction, Number);
    return { cols, unusable, positive: undefined };
  }
  const classes = new Set<string>((schema.classes ?? []).map(canonicalLabel));
  for (const v of [...target, ...prediction]) classes.add(canonicalLabel(v as string));
  const positive = binaryPositive(task, schema, classes);
  if (kept.length === 0) return { cols, unusable, positive };
  if (task === "binary" && positive !== undefined) {
    const values = new Float64Array(kept.length);
    let ok = true;
    kept.forEach((r, i) => {
      const s = typeof r.scores === "number" ? r.scores : classScore(r.scores, positive);
      if (s === null || !Number.isFinite(s)) ok = false;
      else values[i] = s;
    });
    if (ok) cols.scores = [{ name: `scores.${positive}`, cls: positive, values }];
  } else if (task === "multiclass") {
    const list = [...classes];
    const columns = list.map((cls) => ({
      name: `scores.${cls}`,
      cls,
      values: new Float64Array(kept.length),
    }));
    let ok = true;
    kept.forEach((r, i) => {
      list.forEach((cls, c) => {
        const s = classScore(r.scores, cls);
        if (s === null) ok = false;
        else columns[c]!.values[i] = s;
      });
    });
    if (ok) cols.scores = columns;
  }
  return { cols, unusable, positive };
}

/**
 * The positive class of a binary model: the schema's `positiveClass`, else "1" when it is
 * one of the classes (the layout's default), else src/evaluate's default (the last class in
 * sorted order), so a bare number in `scores` always means the same class.
 */
function binaryPositive(
  task: ModelTask,
  schema: MonitorSchema,
  classes: ReadonlySet<string>,
): string | undefined {
  if (task !== "binary") return undefined;
  if (schema.positiveClass !== undefined) return canonicalLabel(schema.positiveClass);
  if (classes.has("1")) return "1";
  return sortClasses(classes).at(-1);
}

/**
 * The task's metrics on labeled predictions with src/evaluate. Returns only the metrics of
 * PERFORMANCE_METRICS that the data allows (score-based ones need scores on every row).
 * An evaluation that src/evaluate refuses (scores outside [0, 1], a binary model with three
 * classes) is retried without scores, then reported in `note` with no metric.
 */
export function evaluatePredictions(
  task: ModelTask,
  schema: MonitorSchema,
  rows: readonly LabeledPrediction[],
): { metrics: Record<string, number>; unusable: number; evaluated: number; note?: string } {
  const { cols, unusable, positive } = evaluationColumns(task, schema, rows);
  const evaluated = cols.target.values.length;
  if (evaluated === 0) {
    return {
      metrics: {},
      unusable,
      evaluated,
      note: "no labeled event with a usable label and prediction",
    };
  }
  const opts = {
    task,
    ...(positive !== undefined ? { positive } : {}),
    ...(schema.classes ? { labels: schema.classes } : {}),
  };
  const run = (c: EvaluationColumns) => {
    const report = evaluateColumns(c, opts);
    const metrics: Record<string, number> = {};
    for (const name of PERFORMANCE_METRICS[task]) {
      const v = report.metrics[name];
      if (v !== undefined) metrics[name] = v;
    }
    return metrics;
  };
  try {
    return { metrics: run(cols), unusable, evaluated };
  } catch (err) {
    if (!isVigilError(err)) throw err;
    if (cols.scores) {
      const { scores: _, ...withoutScores } = cols;
      try {
        return {
          metrics: run(withoutScores),
          unusable,
          evaluated,
          note: `scores left out: ${err.message}`,
        };
      } catch (err2) {
        if (!isVigilError(err2)) throw err2;
        return { metrics: {}, unusable, evaluated, note: err2.message };
      }
    }
    return { metrics: {}, unusable, evaluated, note: err.message };
  }
}

/**
 * The baseline metrics stored with the reference: `{ metrics: { name: value } }` or a flat
 * `{ name: value }` object (non-numeric entries ignored).
 */
export function baselineMetrics(baseline: JsonValue | null | undefined): Record<string, number> {
  if (!isRecord(baseline)) return {};
  const source = isRecord(baseline.metrics) ? baseline.metrics : baseline;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(source)) {
    if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

/** How much worse `value` is than `baseline` (positive = worse); undefined for unknown metrics. */
export function metricDrop(metric: string, value: number, baseline: number): number | undefined {
  if (HIGHER_IS_BETTER.has(metric)) return baseline - value;
  if (LOWER_IS_BETTER.has(metric)) return value - baseline;
  return undefined;
}

export function performanceOfRows(
  task: ModelTask,
  schema: MonitorSchema,
  rows: readonly LabeledPrediction[],
  events: number,
  baseline: JsonValue | null | undefined,
): PerformanceResult {
  const labeled = rows.length;
  const out: PerformanceResult = {
    events,
    labeled,
    unusable: 0,
    coverage: events === 0 ? 0 : labeled / events,
    metrics: {},
    drop: {},
  };
  if (labeled === 0) return out;
  const r = evaluatePredictions(task, schema, rows);
  out.unusable = r.unusable;
  out.metrics = r.metrics;
  if (r.note !== undefined) out.note = r.note;
  const base = baselineMetrics(baseline);
  for (const [metric, value] of Object.entries(r.metrics)) {
    const b = base[metric];
    if (b === undefined || Number.isNaN(value)) continue;
    const d = metricDrop(metric, value, b);
    if (d !== undefined) out.drop[metric] = d;
  }
  return out;
}

export function performancePoints(
  r: PerformanceResult,
  labelsReceivedThrough: number,
): SeriesPoint[] {
  const points: SeriesPoint[] = [
    { name: METRIC.LABEL_COVERAGE, value: r.coverage },
    { name: METRIC.LABELED_EVENTS, value: r.labeled },
    { name: METRIC.LABELS_RECEIVED_THROUGH, value: labelsReceivedThrough },
  ];
  for (const [metric, value] of Object.entries(r.metrics)) {
    points.push({ name: METRIC.MODEL_METRIC, labels: { metric }, value });
  }
  for (const [metric, value] of Object.entries(r.drop)) {
    points.push({ name: METRIC.MODEL_METRIC_DROP, labels: { metric }, value });
  }
  return points;
}
