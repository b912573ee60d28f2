/**
 * The paths taken on long, sorted columns (the drift engine's): block sums, the quantile walk
 * of Wasserstein-1 and its fallback for sizes whose product passes 2^53.
 */
import { describe, expect, it } from "vitest";
import {
  isSortedFinite,
  longSquaredDeviations,
  longSum,
} from "../../../src/stats/distances/long-sums.js";
import { quantileDistance1Huge } from "../../../src/stats/distances/wasserstein.js";
import { wassersteinDistance, wassersteinNormed } from "../../../src/stats/index.js";

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

function sorted(n: number, seed: number, f: (r: () => number) => number): Float64Array {
  const r = lcg(seed);
  return Float64Array.from({ length: n }, () => f(r)).sort();
}

/** Exact sum of doubles: each is an integer times 2^-1074, added as a BigInt. */
function exactSum(x: Float64Array): number {
  const view = new DataView(new ArrayBuffer(8));
  let total = 0n;
  for (const v of x) {
    view.setFloat64(0, v);
    const bits = view.getBigUint64(0);
    const exp = Number((bits >> 52n) & 0x7ffn);
    const mant = (bits & 0xfffffffffffffn) | (exp === 0 ? 0n : 1n << 52n);
    const scaled = mant << BigInt(Math.max(exp, 1) - 1);
    total += bits >> 63n ? -scaled : scaled;
  }
  // total · 2^-1074, rounded once: through a decimal string keeps every digit.
  const neg = total < 0n;
  const mag = neg ? -total : total;
  const shift = BigInt(Math.max(0, mag.toString(2).length - 60));
  const approx = Number(mag >> shift) * 2 ** (Number(shift) - 1074);
  return neg ? -approx : approx;
}

/** Wasserstein-1 by the definition: area between the two step CDFs over the merged values. */
function w1Reference(u: Float64Array, v: Float64Array): number {
  const xs = Float64Array.from([...u, ...v]).sort();
  let i = 0;
  let j = 0;
  let area = 0;
  for (let k = 0; k < xs.length - 1; k++) {
    const x = xs[k] as number;
    while (i < u.length && (u[i] as number) <= x) i++;
    while (j < v.length && (v[j] as number) <= x) j++;
    area += Math.abs(i / u.length - j / v.length) * ((xs[k + 1] as number) - x);
  }
  return area;
}

describe("block sums over long columns", () => {
  it("stay within a 1024-term plain sum's error of the exact sum, across block edges", () => {
    for (const n of [1, 1023, 1024, 1025, 5000, 100_003]) {
      const x = sorted(n, n, (r) => (r() - 0.5) * 10 ** (r() * 12 - 6));
      let abs = 0;
      for (const v of x) abs += Math.abs(v);
      expect(Math.abs(longSum(x) - exactSum(x))).toBeLessThanOrEqual(1024 * Number.EPSILON * abs);
    }
  });

  it("keep what a plain running sum loses (block sums are compensated)", () => {
    // 2^60 alone in the first block, then 8 blocks of 1024 × 1/8: each block sums to 128,
    // half the spacing of doubles at 2^60, so every plain addition rounds it away.
    const x = new Float64Array(1024 + 8 * 1024);
    x[0] = 2 ** 60;
    x.fill(1 / 8, 1024);
    let plain = 0;
    for (const v of x) plain += v;
    expect(plain).toBe(2 ** 60);
    expect(exactSum(x)).toBe(2 ** 60 + 1024);
    expect(longSum(x)).toBe(2 ** 60 + 1024);
  });

  it("give the squared deviations of a large offset without cancellation", () => {
    const x = sorted(200_000, 5, (r) => 1e9 + r());
    const mean = longSum(x) / x.length;
    const shifted = x.map((v) => v - 1e9);
    const m2 = longSum(shifted) / x.length;
    const ref = shifted.reduce((s, v) => s + (v - m2) ** 2, 0);
    expect(longSquaredDeviations(x, mean) / ref).toBeCloseTo(1, 6);
  });

  it("checks order and finiteness across block edges", () => {
    const x = sorted(5000, 9, (r) => r());
    expect(isSortedFinite(x)).toBe(true);
    for (const at of [1, 1023, 1024, 1025, 2048, 4999]) {
      const y = x.slice();
      y[at] = (y[at - 1] as number) - 1;
      expect(isSortedFinite(y)).toBe(false);
      const z = x.slice();
      z[at] = Number.NaN;
      expect(isSortedFinite(z)).toBe(false);
    }
    expect(isSortedFinite(new Float64Array(0))).toBe(false);
    expect(isSortedFinite(Float64Array.of(1, Number.POSITIVE_INFINITY))).toBe(false);
  });
});

describe("Wasserstein-1 on long sorted columns", () => {
  const cases: [string, Float64Array, Float64Array][] = [
    ["same sizes", sorted(30_000, 1, (r) => r()), sorted(30_000, 2, (r) => r() + 0.05)],
    [
      "different sizes, with ties",
      sorted(20_011, 3, (r) => Math.floor(r() * 50)),
      sorted(13_337, 4, (r) => Math.floor(r() * 55)),
    ],
    ["one value each", Float64Array.of(2), Float64Array.of(-1)],
  ];
  for (const [name, u, v] of cases) {
    it(`equals the area between the CDFs: ${name}`, () => {
      const want = w1Reference(u, v);
      const got = wassersteinDistance(u, v, { sorted: true });
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(want, 1e-300));
      expect(wassersteinDistance(v, u, { sorted: true })).toBe(got);
      // The fallback for sizes past 2^53 walks the same steps.
      expect(Math.abs(quantileDistance1Huge(u, v) - got)).toBeLessThanOrEqual(1e-12 * got);
      const std = Math.sqrt(longSquaredDeviations(u, longSum(u) / u.length) / u.length);
      expect(wassersteinNormed(u, v, { sorted: true })).toBeCloseTo(got / Math.max(std, 0.001), 12);
    });
  }
});
