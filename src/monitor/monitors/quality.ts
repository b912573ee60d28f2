/**
 * Data-quality monitor of one window, from its profile and the reference's: per feature the
 * missing share and its change against the reference, the share of values outside the
 * reference's range (numeric) or in categories it never had (categorical), the share of
 * type errors; for the window, the share of events carrying features the schema does not
 * know. Every share is exact (profile counts, not sketches).
 */
import { type DatasetProfile, shareOutsideReference } from "../../sketch/index.js";
import { UNKNOWN_COLUMN } from "../layout.js";
import { METRIC } from "../metric-names.js";
import type { SeriesPoint } from "./series.js";

export interface FeatureQuality {
  feature: string;
  kind: "numeric" | "categorical";
  events: number;
  missingShare: number;
  referenceMissingShare: number;
  missingShareChange: number;
  typeErrorShare: number;
  /** Numeric: outside the reference range (null when the reference had no valid value). */
  outOfRangeShare: number | null;
  /** Categorical: unseen categories (null when the reference had no valid value). */
  unseenCategoryShare: number | null;
}

export interface QualityResult {
  features: FeatureQuality[];
  /** Share of events with at least one unknown feature. */
  unknownFeatureShare: number;
  /** The most frequent unknown feature names with their event counts (at most 10). */
  unknownFeatures: { feature: string; events: number }[];
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Unknown feature names reported per window (caps the series' label values). */
export const UNKNOWN_FEATURES_REPORTED = 10;

export function qualityOfWindow(
  reference: DatasetProfile,
  window: DatasetProfile,
  features: readonly string[],
): QualityResult {
  const out: QualityResult = { features: [], unknownFeatureShare: 0, unknownFeatures: [] };
  for (const feature of features) {
    const ref = reference.columns.get(feature);
    const cur = window.columns.get(feature);
    if (!ref || !cur) continue;
    const missingShare = share(cur.missing, cur.count);
    const referenceMissingShare = share(ref.missing, ref.count);
    const outside =
      cur.bins !== null && cur.valid > 0
        ? shareOutsideReference(cur)
        : cur.bins !== null
          ? 0
          : null;
    out.features.push({
      feature,
      kind: cur.kind,
      events: cur.count,
      missingShare,
      referenceMissingShare,
      missingShareChange: missingShare - referenceMissingShare,
      typeErrorShare: share(cur.typeErrors, cur.count),
      outOfRangeShare: cur.kind === "numeric" ? outside : null,
      unseenCategoryShare: cur.kind === "categorical" ? outside : null,
    });
  }
  const unknown = window.columns.get(UNKNOWN_COLUMN);
  if (unknown && window.rows > 0) {
    // One value per event that had unknown features (docs: src/monitor/layout.ts).
    out.unknownFeatureShare = Math.min(1, share(unknown.count - unknown.missing, window.rows));
    out.unknownFeatures = unknown.frequent
      .top(UNKNOWN_FEATURES_REPORTED)
      .map((t) => ({ feature: String(t.item), events: t.estimate }));
  }
  return out;
}

export function qualityPoints(r: QualityResult): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const f of r.features) {
    const labels = { feature: f.feature };
    points.push(
      { name: METRIC.FEATURE_MISSING_SHARE, labels, value: f.missingShare },
      { name: METRIC.FEATURE_MISSING_SHARE_CHANGE, labels, value: f.missingShareChange },
      { name: METRIC.FEATURE_TYPE_ERROR_SHARE, labels, value: f.typeErrorShare },
    );
    if (f.outOfRangeShare !== null) {
      points.push({ name: METRIC.FEATURE_OUT_OF_RANGE_SHARE, labels, value: f.outOfRangeShare });
    }
    if (f.unseenCategoryShare !== null) {
      points.push({
        name: METRIC.FEATURE_UNSEEN_CATEGORY_SHARE,
        labels,
        value: f.unseenCategoryShare,
      });
    }
  }
  points.push({ name: METRIC.UNKNOWN_FEATURE_SHARE, value: r.unknownFeatureShare });
  for (const u of r.unknownFeatures) {
    points.push({
      name: METRIC.UNKNOWN_FEATURE_EVENTS,
      labels: { feature: u.feature },
      value: u.events,
    });
  }
  return points;
}
