import type { MetricPoint, WindowKey } from "../../store/types.js";
import type { MetricName } from "../metric-names.js";

/** A monitor's output before it is tied to a window: name, labels and value. */
export interface SeriesPoint {
  name: MetricName;
  labels?: Record<string, string>;
  value: number;
}

/** The points as store rows of one version's window. */
export function toMetricPoints(key: WindowKey, points: readonly SeriesPoint[]): MetricPoint[] {
  return points.map((p) => ({
    modelId: key.modelId,
    versionId: key.versionId,
    windowStart: key.windowStart,
    name: p.name,
    labels: p.labels ?? {},
    value: p.value,
  }));
}
