/**
 * How a monitored model's prediction events map onto the columns of a window profile
 * (src/sketch DatasetProfile). Ingest writes profiles in this layout, window evaluation
 * and /metrics read them, and the reference profile of a version uses the same layout so
 * the two can be compared column by column.
 *
 * Feature columns keep the feature's name. Reserved columns start with "$", which feature
 * names may not:
 *   $prediction    the prediction (numeric for regression, categorical otherwise)
 *   $score         binary: the positive-class score; multiclass: the top class probability
 *   $latency_ms    the event's latency_ms (numeric; missing when absent)
 *   $error         "1" when the event carries an error, "0" otherwise (categorical)
 *   $unknown       the event's feature names that are not columns of the window, sorted and
 *                  joined with "," (one value per event, cut at 256 characters); missing when
 *                  the event had none (so its count of non-missing values is the number of
 *                  events with at least one unknown feature, and its frequent items say which
 *                  names, or sets of names, they were)
 * window-profile.ts (EventProfiler) is the one implementation of this mapping; ingest and
 * rebuilds from raw events both use it.
 */
import type { ColumnKind } from "../sketch/index.js";
import type { ModelTask } from "../store/types.js";

export const PREDICTION_COLUMN = "$prediction";
export const SCORE_COLUMN = "$score";
export const LATENCY_COLUMN = "$latency_ms";
export const ERROR_COLUMN = "$error";
export const UNKNOWN_COLUMN = "$unknown";

export const RESERVED_COLUMNS = [
  PREDICTION_COLUMN,
  SCORE_COLUMN,
  LATENCY_COLUMN,
  ERROR_COLUMN,
  UNKNOWN_COLUMN,
] as const;

/** The monitoring schema stored in `models.schema_json`. */
export interface MonitorSchema {
  /** Feature name -> kind. Names must not start with "$". */
  features: Record<string, ColumnKind>;
  /** Class labels for binary/multiclass (optional; unseen labels are still accepted). */
  classes?: string[];
  /** Binary only: which class the score is the probability of (default "1"). */
  positiveClass?: string;
}

/** The kind of the prediction column for a task. */
export function predictionKind(task: ModelTask): ColumnKind {
  return task === "regression" ? "numeric" : "categorical";
}

/** Column name -> kind of every window and reference profile of a model. */
export function profileColumns(task: ModelTask, schema: MonitorSchema): Record<string, ColumnKind> {
  return {
    ...schema.features,
    [PREDICTION_COLUMN]: predictionKind(task),
    [SCORE_COLUMN]: "numeric",
    [LATENCY_COLUMN]: "numeric",
    [ERROR_COLUMN]: "categorical",
    [UNKNOWN_COLUMN]: "categorical",
  };
}
