/**
 * The drift methods a window can compute from profiles alone, and how. Windows keep no raw
 * values, so only methods that need a CDF (KS and Wasserstein, from the KLL sketches) or
 * counts on the reference's bins (the distances and contingency tests) are available;
 * rank and moment tests on raw samples (anderson, cramer_von_mises, energy, mann_whitney,
 * t_test) are not. Each result is the batch method's value on the same bins (exact) or
 * within the sketch bound documented in docs/profiles.md.
 */

import { FEW_DISTINCT } from "../../drift/kinds.js";
import { type DriftMethod, getMethod } from "../../drift/methods.js";
import { defaultMethod } from "../../drift/select.js";
import { VigilError } from "../../errors.js";
import {
  alignedBinCounts,
  type ColumnProfile,
  profileKs,
  profileWasserstein,
} from "../../sketch/index.js";

export type ProfileDriftKind = "numeric" | "categorical";

/** Numeric-kind methods computed from the two KLL sketches. */
const SKETCH_METHODS = new Set(["ks", "wasserstein"]);

/** True when `id` can be computed from profiles (for columns of `kind`, when given). */
export function isProfileMethod(id: string, kind?: ProfileDriftKind): boolean {
  const m = getMethod(id);
  const kinds: ProfileDriftKind[] = kind ? [kind] : ["numeric", "categorical"];
  return kinds.some((k) => methodApplies(m, k));
}

function methodApplies(m: DriftMethod, kind: ProfileDriftKind): boolean {
  if (!m.kinds.includes(kind)) return false;
  if (kind === "numeric") return SKETCH_METHODS.has(m.id) || m.categorical !== undefined;
  return m.categorical !== undefined;
}

/** The methods a window can use, per kind (docs and error messages). */
export function profileMethods(kind: ProfileDriftKind): string[] {
  const ids = [
    "ks",
    "wasserstein",
    "chisquare",
    "z",
    "jensenshannon",
    "psi",
    "kl",
    "hellinger",
    "tvd",
    "fisher_exact",
    "g_test",
    "chisquare_gof",
  ];
  return ids.filter((id) => methodApplies(getMethod(id), kind));
}

/**
 * How a column is compared: numeric columns whose reference has at most 5 distinct values
 * (the batch table's cut-off) are compared as categories on their value bins.
 */
export function profileDriftKind(ref: ColumnProfile): ProfileDriftKind {
  if (ref.kind === "categorical") return "categorical";
  const spec = ref.bins?.spec;
  if (spec?.type === "values" && spec.values.length <= FEW_DISTINCT) return "categorical";
  return "numeric";
}

export interface ProfileDriftValue {
  method: string;
  /** p-value for test methods, the distance otherwise: what the threshold is compared with. */
  score: number;
  statistic: number;
  pValue: number | null;
  output: "p_value" | "distance";
  /** |statistic − exact batch statistic| bound for sketch methods (0 for bin methods). */
  errorBound: number;
}

/** Number of aligned bins (reference and current categories together). */
export function alignedCategories(ref: ColumnProfile, cur: ColumnProfile): number {
  return alignedBinCounts(ref, cur).ref.length;
}

/** The batch default for the column (DESIGN.md's table), by reference size and categories. */
export function defaultProfileMethod(
  kind: ProfileDriftKind,
  ref: ColumnProfile,
  cur: ColumnProfile,
): string {
  const categories = kind === "categorical" ? alignedCategories(ref, cur) : 0;
  return defaultMethod(kind, ref.valid, categories);
}

/** True when `method` can test this pair (kind, and 2 x 2 methods need exactly 2 bins). */
export function methodFits(
  id: string,
  kind: ProfileDriftKind,
  ref: ColumnProfile,
  cur: ColumnProfile,
): boolean {
  const m = getMethod(id);
  if (!methodApplies(m, kind)) return false;
  if (m.maxCategories !== undefined) return alignedCategories(ref, cur) === m.maxCategories;
  return true;
}

/**
 * The drift value of a current column profile against the reference's with one method.
 * Both profiles must have valid values (VIGIL_EMPTY_DATASET otherwise).
 */
export function profileDriftValue(
  id: string,
  ref: ColumnProfile,
  cur: ColumnProfile,
): ProfileDriftValue {
  const m = getMethod(id);
  if (m.id === "ks") {
    const r = profileKs(ref, cur);
    return {
      method: m.id,
      score: r.pValue,
      statistic: r.statistic,
      pValue: r.pValue,
      output: "p_value",
      errorBound: r.errorBound,
    };
  }
  if (m.id === "wasserstein") {
    const r = profileWasserstein(ref, cur);
    return {
      method: m.id,
      score: r.normed,
      statistic: r.normed,
      pValue: null,
      output: "distance",
      errorBound: r.normedErrorBound,
    };
  }
  if (!m.categorical) {
    throw new VigilError(
      "VIGIL_METHOD_NOT_APPLICABLE",
      `method ${m.id} needs the raw values; a window profile can use ${profileMethods("numeric").join(", ")} (numeric) or ${profileMethods("categorical").join(", ")} (categorical)`,
    );
  }
  const { ref: r, cur: c } = alignedBinCounts(ref, cur);
  const out = m.categorical(r, c);
  return {
    method: m.id,
    score: m.output === "p_value" ? (out.pValue as number) : out.statistic,
    statistic: out.statistic,
    pValue: out.pValue,
    output: m.output,
    errorBound: 0,
  };
}
