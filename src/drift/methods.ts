import { VigilError } from "../errors.js";
import { wassersteinNormedSorted } from "../stats/distances/wasserstein-normed.js";
import {
  andersonKSample,
  benjaminiHochberg,
  binTwoSamples,
  bonferroni,
  chiSquareGof,
  chiSquareTwoSample,
  cramerVonMises2,
  energyDistance,
  fisherExact,
  gTest,
  hellingerDistance,
  jensenShannonDistance,
  klDivergence,
  ksTwoSample,
  mannWhitneyU,
  psi,
  totalVariationDistance,
  wassersteinNormed,
  welchTTest,
  zTestTwoProportions,
} from "../stats/index.js";
import type { DriftKind } from "./kinds.js";

/** What the engine has already computed from the reference (its column summary), reused. */
export interface KnownMoments {
  /** Population standard deviation (ddof 0). */
  referenceStd: number;
}

/** What a method returns for one column. `score` is what the threshold is compared with. */
export interface MethodResult {
  statistic: number;
  pValue: number | null;
}

/**
 * One drift method. Numeric methods receive both samples sorted ascending (finite values
 * only); categorical methods receive counts aligned on the union of categories.
 */
export interface DriftMethod {
  readonly id: string;
  readonly title: string;
  readonly kinds: readonly DriftKind[];
  /** "p_value": drift when p < threshold. "distance": drift when statistic >= threshold. */
  readonly output: "p_value" | "distance";
  readonly defaultThreshold: number;
  /** Where the definition comes from; shown by `vigil drift --list-methods`. */
  readonly reference: string;
  /** Categorical methods that need exactly two categories (2 x 2 tables). */
  readonly maxCategories?: number;
  numeric?(ref: Float64Array, cur: Float64Array, known?: KnownMoments): MethodResult;
  categorical?(ref: Float64Array, cur: Float64Array): MethodResult;
}

const sorted = { sorted: true } as const;

/** Bin-based distances compare proportions: numeric samples are binned first (src/stats/distances/binning.ts). */
function binned(distance: (p: Float64Array, q: Float64Array) => number) {
  return {
    numeric(ref: Float64Array, cur: Float64Array): MethodResult {
      const bins = binTwoSamples(ref, cur);
      return { statistic: distance(bins.ref, bins.cur), pValue: null };
    },
    categorical(ref: Float64Array, cur: Float64Array): MethodResult {
      return { statistic: distance(ref, cur), pValue: null };
    },
  };
}

function twoByTwo(ref: Float64Array, cur: Float64Array): number[][] {
  return [
    [ref[0] ?? 0, ref[1] ?? 0],
    [cur[0] ?? 0, cur[1] ?? 0],
  ];
}

const METHOD_LIST: DriftMethod[] = [
  {
    id: "ks",
    title: "Kolmogorov–Smirnov two-sample test",
    kinds: ["numeric"],
    output: "p_value",
    defaultThreshold: 0.05,
    reference: "scipy.stats.ks_2samp (exact p-value for small samples, as method='auto')",
    numeric: (ref, cur) => ksTwoSample(ref, cur, sorted),
  },
  {
    id: "wasserstein",
    title: "Wasserstein-1 distance / reference std (ddof 0, floor 0.001)",
    kinds: ["numeric"],
    output: "distance",
    defaultThreshold: 0.1,
    reference:
      "scipy.stats.wasserstein_distance divided by numpy.std(reference); Evidently's normed Wasserstein",
    numeric: (ref, cur, known) => ({
      statistic: known
        ? wassersteinNormedSorted(ref, cur, known.referenceStd)
        : wassersteinNormed(ref, cur, sorted),
      pValue: null,
    }),
  },
  {
    id: "chisquare",
    title: "Chi-square test of homogeneity on the 2 x k table",
    kinds: ["categorical"],
    output: "p_value",
    defaultThreshold: 0.05,
    reference: "scipy.stats.chi2_contingency on [reference counts, current counts]",
    categorical: (ref, cur) => chiSquareTwoSample(ref, cur),
  },
  {
    id: "z",
    title: "Two-proportion z-test (pooled)",
    kinds: ["categorical"],
    output: "p_value",
    defaultThreshold: 0.05,
    maxCategories: 2,
    reference: "statsmodels proportions_ztest; Evidently's z-test for binary columns",
    categorical: (ref, cur) => {
      const n1 = (ref[0] ?? 0) + (ref[1] ?? 0);
      const n2 = (cur[0] ?? 0) + (cur[1] ?? 0);
      return zTestTwoProportions(ref[0] ?? 0, n1, cur[0] ?? 0, n2);
    },
  },
  {
    id: "jensenshannon",
    title: "Jensen–Shannon distance (natural log)",
    kinds: ["numeric", "categorical"],
    output: "distance",
    defaultThreshold: 0.1,
    reference: "scipy.spatial.distance.jensenshannon",
    ...binned(jensenShannonDistance),
  },
  {
    id: "psi",
    title: "Population stability index",
    kinds: ["numeric", "categorical"],
    output: "distance",
    defaultThreshold: 0.1,
    reference:
      "sum((cur - ref) * ln(cur / ref)) over bins; empty bins smoothed to 0.0001 as Evidently",
    ...binned(psi),
  },
  {
    id: "kl",
    title: "Kullback–Leibler divergence KL(reference || current)",
    kinds: ["numeric", "categorical"],
    output: "distance",
    defaultThreshold: 0.1,
    reference: "scipy.stats.entropy(ref, cur); empty bins smoothed to 0.0001 as Evidently",
    ...binned(klDivergence),
  },
  {
    id: "hellinger",
    title: "Hellinger distance",
    kinds: ["numeric", "categorical"],
    output: "distance",
    defaultThreshold: 0.1,
    reference: "sqrt(1 - sum(sqrt(p * q)))",
    ...binned(hellingerDistance),
  },
  {
    id: "tvd",
    title: "Total variation distance",
    kinds: ["numeric", "categorical"],
    output: "distance",
    defaultThreshold: 0.1,
    reference: "0.5 * sum(|p - q|)",
    ...binned(totalVariationDistance),
  },
  {
    id: "anderson",
    title: "Anderson–Darling k-sample test",
    kinds: ["numeric"],
    output: "p_value",
    defaultThreshold: 0.05,
    reference: "scipy.stats.anderson_ksamp (p-value capped to [0.001, 0.25] as scipy)",
    numeric: (ref, cur) => {
      const r = andersonKSample([ref, cur]);
      return { statistic: r.statistic, pValue: r.pValue };
    },
  },
  {
    id: "cramer_von_mises",
    title: "Cramér–von Mises two-sample test",
    kinds: ["numeric"],
    output: "p_value",
    defaultThreshold: 0.05,
    reference: "scipy.stats.cramervonmises_2samp",
    numeric: (ref, cur) => cramerVonMises2(ref, cur, sorted),
  },
  {
    id: "energy",
    title: "Energy distance",
    kinds: ["numeric"],
    output: "distance",
    defaultThreshold: 0.1,
    reference: "scipy.stats.energy_distance",
    numeric: (ref, cur) => ({ statistic: energyDistance(ref, cur, sorted), pValue: null }),
  },
  {
    id: "mann_whitney",
    title: "Mann–Whitney U test",
    kinds: ["numeric"],
    output: "p_value",
    defaultThreshold: 0.05,
    reference: "scipy.stats.mannwhitneyu (two-sided, tie correction)",
    numeric: (ref, cur) => mannWhitneyU(ref, cur, sorted),
  },
  {
    id: "t_test",
    title: "Welch's t-test",
    kinds: ["numeric"],
    output: "p_value",
    defaultThreshold: 0.05,
    reference: "scipy.stats.ttest_ind(equal_var=False)",
    numeric: (ref, cur) => welchTTest(ref, cur),
  },
  {
    id: "fisher_exact",
    title: "Fisher's exact test (2 x 2)",
    kinds: ["categorical"],
    output: "p_value",
    defaultThreshold: 0.05,
    maxCategories: 2,
    reference: "scipy.stats.fisher_exact",
    categorical: (ref, cur) => fisherExact(twoByTwo(ref, cur)),
  },
  {
    id: "g_test",
    title: "G-test (log-likelihood ratio) of homogeneity",
    kinds: ["categorical"],
    output: "p_value",
    defaultThreshold: 0.05,
    reference: "scipy.stats.chi2_contingency(lambda_='log-likelihood')",
    categorical: (ref, cur) => gTest(nonEmptyColumns(ref, cur)),
  },
  {
    id: "chisquare_gof",
    title: "Chi-square goodness of fit against reference proportions (Evidently's test)",
    kinds: ["categorical"],
    output: "p_value",
    defaultThreshold: 0.05,
    reference: "scipy.stats.chisquare(current, f_exp = reference proportions x current total)",
    categorical: (ref, cur) => chiSquareGof(cur, proportions(ref)),
  },
];

function nonEmptyColumns(ref: Float64Array, cur: Float64Array): number[][] {
  const r: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < ref.length; i++) {
    if ((ref[i] ?? 0) + (cur[i] ?? 0) > 0) {
      r.push(ref[i] ?? 0);
      c.push(cur[i] ?? 0);
    }
  }
  return [r, c];
}

function proportions(counts: Float64Array): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c) => c / total);
}

export const DRIFT_METHODS: ReadonlyMap<string, DriftMethod> = new Map(
  METHOD_LIST.map((m) => [m.id, m]),
);

/** Evidently's ids, accepted so that users can keep their configuration. */
const ALIASES: Record<string, string> = {
  kl_div: "kl",
  TVD: "tvd",
  energy_dist: "energy",
  mannw: "mann_whitney",
  cramer: "cramer_von_mises",
  js: "jensenshannon",
  chi2: "chisquare",
};

export function getMethod(id: string): DriftMethod {
  const method = DRIFT_METHODS.get(ALIASES[id] ?? id);
  if (!method) {
    throw new VigilError(
      "VIGIL_UNKNOWN_METHOD",
      `unknown drift method ${JSON.stringify(id)}; available: ${[...DRIFT_METHODS.keys()].join(", ")}`,
    );
  }
  return method;
}

export function isDrifted(method: DriftMethod, score: number, threshold: number): boolean {
  return method.output === "p_value" ? score < threshold : score >= threshold;
}

export type Correction = "none" | "bonferroni" | "bh";

export function adjustPValues(pValues: number[], correction: Correction): number[] {
  if (correction === "bonferroni") return Array.from(bonferroni(pValues));
  if (correction === "bh") return Array.from(benjaminiHochberg(pValues));
  return pValues;
}
