/**
 * Drift monitor: each feature and the prediction of a window against the version's
 * reference profile, with the batch path's default method (DESIGN.md: by kind and
 * reference size) unless the settings name one per kind or per feature, and the data set's
 * drift share over the features.
 */
import { getMethod, isDrifted } from "../../drift/methods.js";
import { isVigilError } from "../../errors.js";
import type { ColumnProfile, DatasetProfile } from "../../sketch/index.js";
import type { EvaluationSettings } from "../evaluation-settings.js";
import { PREDICTION_COLUMN } from "../layout.js";
import { METRIC } from "../metric-names.js";
import {
  defaultProfileMethod,
  methodFits,
  type ProfileDriftKind,
  profileDriftKind,
  profileDriftValue,
} from "./drift-methods.js";
import type { SeriesPoint } from "./series.js";

export interface ColumnDriftResult {
  column: string;
  kind: ProfileDriftKind;
  method: string;
  output: "p_value" | "distance";
  score: number;
  statistic: number;
  pValue: number | null;
  threshold: number;
  drifted: boolean;
  /** Bound on |statistic − exact batch statistic| (0 for bin-based methods). */
  errorBound: number;
  /** Valid values compared on each side. */
  referenceN: number;
  currentN: number;
}

export interface SkippedColumn {
  column: string;
  reason: string;
}

export interface DriftResult {
  features: ColumnDriftResult[];
  prediction: ColumnDriftResult | null;
  skipped: SkippedColumn[];
  /** Share of the tested features that drifted (NaN when none was tested). */
  share: number;
  drifted: boolean;
}

/**
 * One column's drift, or the reason it was not tested: a side without valid values, a
 * method configured for the feature that does not fit it, or a test that cannot run on
 * the data (a chi-square with a single category).
 */
export function columnDrift(
  column: string,
  ref: ColumnProfile,
  cur: ColumnProfile,
  settings: EvaluationSettings["drift"],
): ColumnDriftResult | SkippedColumn {
  if (ref.valid === 0) return { column, reason: "the reference has no valid value" };
  if (cur.valid === 0) return { column, reason: "the window has no valid value" };
  if (ref.kind !== cur.kind) {
    return { column, reason: `kind differs: ${ref.kind} reference, ${cur.kind} window` };
  }
  const kind = profileDriftKind(ref);
  const feature = settings.features[column];
  let method: string;
  try {
    if (feature?.method !== undefined) {
      if (!methodFits(feature.method, kind, ref, cur)) {
        return {
          column,
          reason: `method ${feature.method} does not fit a ${kind} column with these categories`,
        };
      }
      method = feature.method;
    } else {
      const byKind = settings.methodByKind[kind];
      method =
        byKind !== undefined && methodFits(byKind, kind, ref, cur)
          ? byKind
          : defaultProfileMethod(kind, ref, cur);
    }
    const m = getMethod(method);
    const threshold = feature?.threshold ?? settings.thresholdByMethod[m.id] ?? m.defaultThreshold;
    const v = profileDriftValue(m.id, ref, cur);
    if (!Number.isFinite(v.score)) {
      return { column, reason: `${m.id} is undefined on this data (score ${v.score})` };
    }
    return {
      column,
      kind,
      method: m.id,
      output: v.output,
      score: v.score,
      statistic: v.statistic,
      pValue: v.pValue,
      threshold,
      drifted: isDrifted(m, v.score, threshold),
      errorBound: v.errorBound,
      referenceN: ref.valid,
      currentN: cur.valid,
    };
  } catch (err) {
    if (isVigilError(err)) return { column, reason: err.message };
    throw err;
  }
}

function isResult(r: ColumnDriftResult | SkippedColumn): r is ColumnDriftResult {
  return "method" in r;
}

/** Drift of every feature and of the prediction of `window` against `reference`. */
export function driftOfWindow(
  reference: DatasetProfile,
  window: DatasetProfile,
  features: readonly string[],
  settings: EvaluationSettings["drift"],
): DriftResult {
  const out: DriftResult = {
    features: [],
    prediction: null,
    skipped: [],
    share: Number.NaN,
    drifted: false,
  };
  for (const name of features) {
    const ref = reference.columns.get(name);
    const cur = window.columns.get(name);
    if (!ref || !cur) {
      out.skipped.push({
        column: name,
        reason: `no column "${name}" in the ${ref ? "window" : "reference"} profile`,
      });
      continue;
    }
    const r = columnDrift(name, ref, cur, settings);
    if (isResult(r)) out.features.push(r);
    else out.skipped.push(r);
  }
  const pRef = reference.columns.get(PREDICTION_COLUMN);
  const pCur = window.columns.get(PREDICTION_COLUMN);
  if (pRef && pCur) {
    const r = columnDrift(PREDICTION_COLUMN, pRef, pCur, settings);
    if (isResult(r)) out.prediction = r;
    else out.skipped.push(r);
  }
  if (out.features.length > 0) {
    const drifted = out.features.filter((f) => f.drifted).length;
    out.share = drifted / out.features.length;
    out.drifted = out.share >= settings.driftShare;
  }
  return out;
}

/** The drift result as metric series points (docs/monitors.md, "Metric series"). */
export function driftPoints(r: DriftResult): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const f of r.features) {
    const labels = { feature: f.column, method: f.method };
    points.push(
      { name: METRIC.FEATURE_DRIFT_SCORE, labels, value: f.score },
      { name: METRIC.FEATURE_DRIFT_STATISTIC, labels, value: f.statistic },
      { name: METRIC.FEATURE_DRIFT_THRESHOLD, labels, value: f.threshold },
      { name: METRIC.FEATURE_DRIFTED, labels, value: f.drifted ? 1 : 0 },
    );
  }
  if (r.prediction) {
    const p = r.prediction;
    const labels = { method: p.method };
    points.push(
      { name: METRIC.PREDICTION_DRIFT_SCORE, labels, value: p.score },
      { name: METRIC.PREDICTION_DRIFT_STATISTIC, labels, value: p.statistic },
      { name: METRIC.PREDICTION_DRIFT_THRESHOLD, labels, value: p.threshold },
      { name: METRIC.PREDICTION_DRIFTED, labels, value: p.drifted ? 1 : 0 },
    );
  }
  points.push(
    { name: METRIC.DATASET_DRIFT_TESTED, value: r.features.length },
    { name: METRIC.DATASET_DRIFT_SHARE, value: r.share },
  );
  if (r.features.length > 0)
    points.push({ name: METRIC.DATASET_DRIFTED, value: r.drifted ? 1 : 0 });
  return points;
}
