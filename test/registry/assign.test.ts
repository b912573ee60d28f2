/**
 * assign(): deterministic champion/canary assignment. Bucket values are checked against
 * scripts/refgen/gen_assign.py (Python hashlib, independent of Node's crypto); the
 * distribution against binomial and chi-square bounds. The hash is deterministic, so these
 * checks never flake: they either always pass or always fail for the committed subjects.
 */
import { describe, expect, it } from "vitest";
import { VigilError } from "../../src/errors.js";
import {
  type AssignableDeployment,
  assign,
  shareBasisPoints,
  subjectBucket,
} from "../../src/registry/index.js";

/** From `python3 scripts/refgen/gen_assign.py`. */
const REFERENCE: [string, string, number][] = [
  ["production#1", "customer-1", 0.4347066463681166],
  ["production#1", "customer-2", 0.8618970883339472],
  ["production#2", "customer-1", 0.5909979278184281],
  ["exp-2026-06", "42", 0.7390016235930581],
  ["ünïcode", "客户-7", 0.4614382914118025],
  ["a", "bc", 0.9795660568660303],
  ["ab", "c", 0.454241838346249],
  ["rocket-\u{1F680}", "subject-\u{1F600}", 0.5142535414219402],
];
/** scipy.stats.chi2.isf(1e-6, 19), from the same script. */
const CHI2_CRIT_DF19 = 63.677052285677995;

const deployment = (share: number, experiment = "production#2"): AssignableDeployment => ({
  experiment,
  champion: { version: 3 },
  canary: { version: 4, share },
});

const subjects = Array.from({ length: 20_000 }, (_, i) => `customer-${i}`);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof VigilError) return err.code;
    throw err;
  }
  return "no error";
}

describe("assign", () => {
  it("computes the documented bucket (reference values from Python)", () => {
    for (const [experiment, subject, u] of REFERENCE) {
      expect(subjectBucket(experiment, subject), `${experiment} ${subject}`).toBe(u);
    }
  });

  it("sends the share of subjects to the canary within a binomial bound", () => {
    for (const share of [1, 10, 33.33, 50, 90]) {
      const p = share / 100;
      const n = subjects.length;
      const canary = subjects.filter((s) => assign(s, deployment(share)).role === "canary").length;
      const sd = Math.sqrt(n * p * (1 - p));
      // Five standard deviations: a correct implementation fails this with p < 1e-6.
      expect(Math.abs(canary - n * p), `share ${share}`).toBeLessThan(5 * sd);
    }
  });

  it("draws buckets uniformly on [0, 1) (chi-square over 20 bins)", () => {
    const bins = new Array<number>(20).fill(0);
    const us = subjects.map((s) => subjectBucket("production#2", s));
    for (const u of us) bins[Math.floor(u * 20)]! += 1;
    expect(Math.min(...us)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...us)).toBeLessThan(1);
    const expected = subjects.length / 20;
    const chi2 = bins.reduce((acc, o) => acc + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(CHI2_CRIT_DF19);
  });

  it("gives a subject the same version every time while the record is unchanged", () => {
    const d = deployment(25);
    const first = subjects.slice(0, 500).map((s) => assign(s, d));
    const copy = JSON.parse(JSON.stringify(d)) as AssignableDeployment;
    expect(subjects.slice(0, 500).map((s) => assign(s, copy))).toEqual(first);
    for (const a of first) expect(a.version).toBe(a.role === "canary" ? 4 : 3);
  });

  it("keeps canary subjects on the canary when the share ramps up", () => {
    const at10 = subjects.filter((s) => assign(s, deployment(10)).role === "canary");
    const at20 = new Set(subjects.filter((s) => assign(s, deployment(20)).role === "canary"));
    expect(at10.length).toBeGreaterThan(0);
    for (const s of at10) expect(at20.has(s)).toBe(true);
    expect(at20.size).toBeGreaterThan(at10.length);
  });

  it("reshuffles subjects in a new experiment, independently of the old one", () => {
    const a = subjects.map((s) => assign(s, deployment(50, "exp-a")).role === "canary");
    const b = subjects.map((s) => assign(s, deployment(50, "exp-b")).role === "canary");
    const both = a.filter((x, i) => x && b[i]).length;
    // Independent halves overlap on a quarter: Binomial(20000, 0.25), sd 61.
    expect(Math.abs(both - subjects.length / 4)).toBeLessThan(5 * 61.3);
  });

  it("serves everyone by the champion at share 0 or without a canary, by the canary at 100", () => {
    const none: AssignableDeployment = { experiment: "x", champion: { version: 1 }, canary: null };
    for (const s of subjects.slice(0, 2000)) {
      expect(assign(s, deployment(0)).version).toBe(3);
      expect(assign(s, deployment(100)).version).toBe(4);
      expect(assign(s, none)).toMatchObject({ version: 1, role: "champion" });
    }
  });

  it("refuses bad subjects, experiments and shares with VIGIL_INVALID_ARGUMENT", () => {
    expect(codeOf(() => assign("", deployment(10)))).toBe("VIGIL_INVALID_ARGUMENT");
    expect(codeOf(() => assign("x".repeat(1025), deployment(10)))).toBe("VIGIL_INVALID_ARGUMENT");
    expect(codeOf(() => assign(42 as unknown as string, deployment(10)))).toBe(
      "VIGIL_INVALID_ARGUMENT",
    );
    expect(codeOf(() => assign("a", deployment(10, "")))).toBe("VIGIL_INVALID_ARGUMENT");
    expect(codeOf(() => assign("a", deployment(101)))).toBe("VIGIL_INVALID_ARGUMENT");
    expect(codeOf(() => assign("a", deployment(Number.NaN)))).toBe("VIGIL_INVALID_ARGUMENT");
    expect(shareBasisPoints(12.34)).toBe(1234);
    expect(shareBasisPoints(0.1)).toBe(10);
    expect(codeOf(() => shareBasisPoints(0.125))).toBe("VIGIL_INVALID_ARGUMENT");
  });
});
