/**
 * Operations monitor of one window: throughput, error rate and latency quantiles, from the
 * reserved columns of the window profile (src/monitor/layout.ts). Counts are exact; the
 * latency quantiles come from the KLL sketch (rank error ≤ ε(k), 0 while the sketch holds
 * every value; docs/profiles.md).
 */
import type { DatasetProfile, FrequentItems } from "../../sketch/index.js";
import { ERROR_COLUMN, LATENCY_COLUMN } from "../layout.js";
import { LATENCY_QUANTILES, METRIC } from "../metric-names.js";
import type { SeriesPoint } from "./series.js";

export interface OperationsResult {
  events: number;
  /** Events per second over the window's length. */
  throughput: number;
  /** Events with error "1" / events with an error flag (0 when none had one). */
  errorRate: number;
  errors: number;
  /** Quantile ("0.5", "0.95", "0.99") -> ms; empty when no event had a latency. */
  latencyMs: Record<string, number>;
  /** Rank error of the latency quantiles (0 while exact). */
  latencyRankError: number;
  latencyCount: number;
}

export function operationsOfWindow(
  window: DatasetProfile,
  windowSeconds: number,
): OperationsResult {
  const out: OperationsResult = {
    events: window.rows,
    throughput: window.rows / windowSeconds,
    errorRate: 0,
    errors: 0,
    latencyMs: {},
    latencyRankError: 0,
    latencyCount: 0,
  };
  const err = window.columns.get(ERROR_COLUMN);
  if (err && err.valid > 0) {
    // Two categories at most: the frequent-items counts are exact.
    out.errors = (err.frequent as FrequentItems<string>).get("1");
    out.errorRate = out.errors / err.valid;
  }
  const lat = window.columns.get(LATENCY_COLUMN);
  if (lat && lat.kind === "numeric" && lat.kll.n > 0) {
    for (const q of LATENCY_QUANTILES) out.latencyMs[String(q)] = lat.kll.quantile(q);
    out.latencyRankError = lat.kll.rankErrorBound();
    out.latencyCount = lat.kll.n;
  }
  return out;
}

export function operationsPoints(r: OperationsResult): SeriesPoint[] {
  const points: SeriesPoint[] = [
    { name: METRIC.THROUGHPUT, value: r.throughput },
    { name: METRIC.ERROR_RATE, value: r.errorRate },
  ];
  for (const [quantile, ms] of Object.entries(r.latencyMs)) {
    points.push({ name: METRIC.LATENCY_MS, labels: { quantile }, value: ms });
  }
  return points;
}
