/**
 * The names of the metric series the window monitors store (store.putMetrics), one place
 * for the evaluators, the status and metrics routes, the Prometheus exporter and
 * docs/monitors.md ("Metric series"), which lists the same table. A series is
 * (model, version, window start, name, labels) -> value; `level: "model"` series are stored
 * with versionId null (they add up every version of the model).
 */

export const METRIC = {
  // ---- drift ------------------------------------------------------------------------
  /** Drift score of a feature: the p-value (test methods) or the distance; labels feature, method. */
  FEATURE_DRIFT_SCORE: "feature_drift_score",
  /** The test statistic behind the score (KS D, chi-square, z, or the distance). */
  FEATURE_DRIFT_STATISTIC: "feature_drift_statistic",
  /** The threshold the score was compared with. */
  FEATURE_DRIFT_THRESHOLD: "feature_drift_threshold",
  /** 1 when the feature drifted (p < threshold, or distance >= threshold), else 0. */
  FEATURE_DRIFTED: "feature_drifted",
  PREDICTION_DRIFT_SCORE: "prediction_drift_score",
  PREDICTION_DRIFT_STATISTIC: "prediction_drift_statistic",
  PREDICTION_DRIFT_THRESHOLD: "prediction_drift_threshold",
  PREDICTION_DRIFTED: "prediction_drifted",
  /** Share of the tested features that drifted. */
  DATASET_DRIFT_SHARE: "dataset_drift_share",
  /** 1 when the share reached the configured drift share (default 0.5). */
  DATASET_DRIFTED: "dataset_drifted",
  /** Number of features tested for drift (features left out are empty on one side). */
  DATASET_DRIFT_TESTED: "dataset_drift_tested",

  // ---- data quality ------------------------------------------------------------------
  /** Share of the window's events where the feature is missing (null, absent, NaN). */
  FEATURE_MISSING_SHARE: "feature_missing_share",
  /** Window missing share minus the reference's. */
  FEATURE_MISSING_SHARE_CHANGE: "feature_missing_share_change",
  /** Numeric: share of the valid values outside the reference's range (or value set). */
  FEATURE_OUT_OF_RANGE_SHARE: "feature_out_of_range_share",
  /** Categorical: share of the valid values in categories the reference never had. */
  FEATURE_UNSEEN_CATEGORY_SHARE: "feature_unseen_category_share",
  /** Share of the window's events whose value has the wrong type for the feature. */
  FEATURE_TYPE_ERROR_SHARE: "feature_type_error_share",
  /** Share of the window's events that carried at least one feature not in the schema. */
  UNKNOWN_FEATURE_SHARE: "unknown_feature_share",
  /** Events per set of unknown feature names (sorted, joined with ","; the 10 most frequent); label feature. */
  UNKNOWN_FEATURE_EVENTS: "unknown_feature_events",

  // ---- volume ------------------------------------------------------------------------
  /** Events in the window (version level and, summed over versions, model level). */
  EVENT_COUNT: "event_count",
  /** Model level: events of the window / median of the previous closed windows' counts. */
  EVENT_VOLUME_RATIO: "event_volume_ratio",

  // ---- performance -------------------------------------------------------------------
  /** An evaluation metric of the labeled events of the window; label metric. */
  MODEL_METRIC: "model_metric",
  /** How much worse than the version's baseline (positive = worse); label metric. */
  MODEL_METRIC_DROP: "model_metric_drop",
  /** Labeled events / stored events of the window. */
  LABEL_COVERAGE: "label_coverage",
  /** Stored events of the window that have a label. */
  LABELED_EVENTS: "labeled_events",
  /** Latest label receipt time (epoch ms) the performance was computed with. */
  LABELS_RECEIVED_THROUGH: "labels_received_through",

  // ---- operations --------------------------------------------------------------------
  /** Events per second over the window. */
  THROUGHPUT: "throughput",
  /** Share of the window's events that carried an error. */
  ERROR_RATE: "error_rate",
  /** Latency quantile in ms from the window's KLL sketch; label quantile ("0.5", "0.95", "0.99"). */
  LATENCY_MS: "latency_ms",
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export type MonitorFamily = "drift" | "quality" | "volume" | "performance" | "operations";

export interface MetricInfo {
  name: MetricName;
  monitor: MonitorFamily;
  /** Label keys every point of the series has. */
  labels: readonly string[];
  /** "version": one series per model version; "model": versionId null, all versions. */
  level: "version" | "model";
  unit: string;
  help: string;
}

function info(
  name: MetricName,
  monitor: MonitorFamily,
  labels: readonly string[],
  unit: string,
  help: string,
  level: "version" | "model" = "version",
): MetricInfo {
  return { name, monitor, labels, level, unit, help };
}

/** Every series, in the order docs/monitors.md lists them. */
export const METRIC_CATALOG: readonly MetricInfo[] = [
  info(
    METRIC.FEATURE_DRIFT_SCORE,
    "drift",
    ["feature", "method"],
    "p-value or distance",
    "Drift score of a feature against the reference: the p-value of a test method or the distance.",
  ),
  info(
    METRIC.FEATURE_DRIFT_STATISTIC,
    "drift",
    ["feature", "method"],
    "statistic",
    "Test statistic behind the drift score (KS D, chi-square, z, G) or the distance itself.",
  ),
  info(
    METRIC.FEATURE_DRIFT_THRESHOLD,
    "drift",
    ["feature", "method"],
    "p-value or distance",
    "Threshold the drift score was compared with.",
  ),
  info(
    METRIC.FEATURE_DRIFTED,
    "drift",
    ["feature", "method"],
    "0/1",
    "1 when the feature drifted: p-value < threshold, or distance >= threshold.",
  ),
  info(
    METRIC.PREDICTION_DRIFT_SCORE,
    "drift",
    ["method"],
    "p-value or distance",
    "Drift score of the prediction against the reference's predictions.",
  ),
  info(
    METRIC.PREDICTION_DRIFT_STATISTIC,
    "drift",
    ["method"],
    "statistic",
    "Test statistic behind the prediction drift score.",
  ),
  info(
    METRIC.PREDICTION_DRIFT_THRESHOLD,
    "drift",
    ["method"],
    "p-value or distance",
    "Threshold the prediction drift score was compared with.",
  ),
  info(METRIC.PREDICTION_DRIFTED, "drift", ["method"], "0/1", "1 when the prediction drifted."),
  info(
    METRIC.DATASET_DRIFT_SHARE,
    "drift",
    [],
    "share",
    "Share of the tested features that drifted.",
  ),
  info(
    METRIC.DATASET_DRIFTED,
    "drift",
    [],
    "0/1",
    "1 when the drift share reached the configured share (default 0.5).",
  ),
  info(METRIC.DATASET_DRIFT_TESTED, "drift", [], "features", "Number of features tested."),
  info(
    METRIC.FEATURE_MISSING_SHARE,
    "quality",
    ["feature"],
    "share",
    "Share of the window's events where the feature is missing (absent, null or NaN).",
  ),
  info(
    METRIC.FEATURE_MISSING_SHARE_CHANGE,
    "quality",
    ["feature"],
    "share",
    "Window missing share minus the reference's missing share.",
  ),
  info(
    METRIC.FEATURE_OUT_OF_RANGE_SHARE,
    "quality",
    ["feature"],
    "share",
    "Numeric features: share of valid values below the reference minimum or above its maximum (discrete features: not among the reference's values).",
  ),
  info(
    METRIC.FEATURE_UNSEEN_CATEGORY_SHARE,
    "quality",
    ["feature"],
    "share",
    "Categorical features: share of valid values in categories the reference never had.",
  ),
  info(
    METRIC.FEATURE_TYPE_ERROR_SHARE,
    "quality",
    ["feature"],
    "share",
    "Share of the window's events whose value has the wrong type for the feature.",
  ),
  info(
    METRIC.UNKNOWN_FEATURE_SHARE,
    "quality",
    [],
    "share",
    "Share of the window's events carrying at least one feature the schema does not have.",
  ),
  info(
    METRIC.UNKNOWN_FEATURE_EVENTS,
    "quality",
    ["feature"],
    "events",
    'Events whose unknown feature names (sorted, joined with ",") are the label; the 10 most frequent of the window.',
  ),
  info(METRIC.EVENT_COUNT, "volume", [], "events", "Events of the version in the window."),
  info(
    METRIC.EVENT_COUNT,
    "volume",
    [],
    "events",
    "Events of every version of the model in the window (0 for a window without events).",
    "model",
  ),
  info(
    METRIC.EVENT_VOLUME_RATIO,
    "volume",
    [],
    "ratio",
    "Model events in the window / median of the previous closed windows' counts (NaN until enough history).",
    "model",
  ),
  info(
    METRIC.MODEL_METRIC,
    "performance",
    ["metric"],
    "metric",
    "Evaluation metric of the window's labeled events (src/evaluate, as scikit-learn computes it).",
  ),
  info(
    METRIC.MODEL_METRIC_DROP,
    "performance",
    ["metric"],
    "metric",
    "How much worse than the version's baseline: baseline − value for higher-is-better metrics, value − baseline otherwise.",
  ),
  info(
    METRIC.LABEL_COVERAGE,
    "performance",
    [],
    "share",
    "Labeled events / stored events of the window.",
  ),
  info(METRIC.LABELED_EVENTS, "performance", [], "events", "Stored events that have a label."),
  info(
    METRIC.LABELS_RECEIVED_THROUGH,
    "performance",
    [],
    "epoch ms",
    "Latest receipt time of the labels the performance was computed from (late-label bookkeeping).",
  ),
  info(METRIC.THROUGHPUT, "operations", [], "events/s", "Events per second over the window."),
  info(
    METRIC.ERROR_RATE,
    "operations",
    [],
    "share",
    "Share of the window's events that carried an error.",
  ),
  info(
    METRIC.LATENCY_MS,
    "operations",
    ["quantile"],
    "ms",
    "Latency quantile (0.5, 0.95, 0.99) from the window's KLL sketch (rank error as docs/profiles.md).",
  ),
];

/** The latency quantiles stored as `latency_ms{quantile}`. */
export const LATENCY_QUANTILES = [0.5, 0.95, 0.99] as const;

const BY_NAME = new Map<string, MetricInfo>(METRIC_CATALOG.map((m) => [m.name, m]));

export function metricInfo(name: string): MetricInfo | undefined {
  return BY_NAME.get(name);
}

export function isMetricName(name: string): name is MetricName {
  return BY_NAME.has(name);
}
