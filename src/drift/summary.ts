/** Per-side summaries shown next to each column's drift result. */

import { longSquaredDeviations, longSum } from "../stats/distances/long-sums.js";

export interface NumericSummary {
  type: "numeric";
  count: number;
  missing: number;
  posInf: number;
  negInf: number;
  typeErrors: number;
  mean: number | null;
  /** Population standard deviation (ddof 0), the one the normed Wasserstein divides by. */
  std: number | null;
  min: number | null;
  p05: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  max: number | null;
}

export interface CategoryShare {
  value: string;
  count: number;
  share: number;
}

export interface CategoricalSummary {
  type: "categorical";
  count: number;
  missing: number;
  distinct: number;
  /** The ten most frequent categories. */
  top: CategoryShare[];
}

export type SideSummary = NumericSummary | CategoricalSummary;

/** Quantile of sorted data by linear interpolation (numpy's default, Hyndman–Fan type 7). O(1). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, n - 1)] as number;
  return a + (h - lo) * (b - a);
}

/** `known`: the mean and std of `sorted` when the caller has them (not computed again). */
export function summarizeNumeric(
  sorted: Float64Array,
  extra: { missing: number; posInf: number; negInf: number; typeErrors: number },
  known?: { mean: number; std: number },
): NumericSummary {
  const n = sorted.length;
  if (n === 0) {
    return {
      type: "numeric",
      count: 0,
      ...extra,
      mean: null,
      std: null,
      min: null,
      p05: null,
      p25: null,
      p50: null,
      p75: null,
      p95: null,
      max: null,
    };
  }
  // Two passes: the mean first, then squared deviations, which stays accurate for large offsets.
  const mean = known?.mean ?? longSum(sorted) / n;
  const std = known?.std ?? Math.sqrt(longSquaredDeviations(sorted, mean) / n);
  return {
    type: "numeric",
    count: n,
    ...extra,
    mean,
    std,
    min: sorted[0] as number,
    p05: quantileSorted(sorted, 0.05),
    p25: quantileSorted(sorted, 0.25),
    p50: quantileSorted(sorted, 0.5),
    p75: quantileSorted(sorted, 0.75),
    p95: quantileSorted(sorted, 0.95),
    max: sorted[n - 1] as number,
  };
}

export function summarizeCategorical(
  categories: string[],
  counts: ArrayLike<number>,
  missing: number,
): CategoricalSummary {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  const order = categories
    .map((_, i) => i)
    .sort((a, b) => (counts[b] as number) - (counts[a] as number));
  return {
    type: "categorical",
    count: total,
    missing,
    distinct: categories.filter((_, i) => (counts[i] as number) > 0).length,
    top: order.slice(0, 10).map((i) => ({
      value: categories[i] as string,
      count: counts[i] as number,
      share: total > 0 ? (counts[i] as number) / total : 0,
    })),
  };
}
