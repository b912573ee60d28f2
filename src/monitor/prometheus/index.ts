/**
 * Prometheus exposition of what Vigil monitors: the text format writer, the in-process
 * ingest counters and the gauges of the stored window series. Pure (no HTTP, no store
 * access), so the server's /metrics route and the exported alert rules share one set of
 * metric names. See docs/prometheus.md.
 */
export {
  EXPOSITION_CONTENT_TYPE,
  escapeHelp,
  escapeLabelValue,
  formatLabels,
  formatValue,
  type HistogramFamily,
  type HistogramSample,
  type Labels,
  type MetricFamily,
  type Sample,
  type ScalarFamily,
  writeExposition,
} from "./exposition.js";
export {
  type CountedObservation,
  DEFAULT_MAX_SERIES,
  IngestCounters,
  LATENCY_BUCKETS_SECONDS,
  STAGE_BUCKETS_SECONDS,
} from "./ingest-counters.js";
export { sanitizeLabelName, sanitizeMetricName } from "./names.js";
export {
  type ModelWindowMetrics,
  SPECS as WINDOW_GAUGE_SPECS,
  WINDOW_SIZE_FAMILY,
  WINDOW_START_FAMILY,
  windowGaugeFamilies,
} from "./window-gauges.js";
