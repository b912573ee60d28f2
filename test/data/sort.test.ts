/** sortFloat64 must order exactly as Float64Array.prototype.sort, bit for bit (-0 before +0). */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { sortColumnAsync, sortFloat64, sortFloat64Async } from "../../src/data/sort.js";
import { longSquaredDeviations, longSum } from "../../src/stats/distances/long-sums.js";
import { transpiledCli } from "../helpers/cli-process.js";

/** Park-Miller generator: the same numbers on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

/** Compares bit patterns, so -0 vs +0 and NaN placement count as differences. */
function expectSameAsBuiltin(values: Float64Array): void {
  const expected = new Uint32Array(values.slice().sort().buffer);
  const got = sortFloat64(values.slice());
  const gotBits = new Uint32Array(got.buffer, got.byteOffset, got.length * 2);
  expect(gotBits.length).toBe(expected.length);
  let firstDiff = -1;
  for (let i = 0; i < expected.length; i++) {
    if (gotBits[i] !== expected[i]) {
      firstDiff = i >> 1;
      break;
    }
  }
  expect(firstDiff).toBe(-1);
}

function build(n: number, seed: number, gen: (r: () => number, i: number) => number) {
  const r = lcg(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = gen(r, i);
  return out;
}

const SPECIAL = [
  0,
  -0,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308, // smallest normal
  -2.2250738585072014e-308,
  1e-310, // subnormal
  -1e-310,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1e300,
  -1e300,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1,
  -1,
  0.1,
  -0.1,
];

describe("sortFloat64", () => {
  const cases: [string, Float64Array][] = [
    ["empty", new Float64Array(0)],
    ["one value", new Float64Array([3])],
    ["small, below the radix cut-off", build(100, 1, (r) => r() - 0.5)],
    ["uniform [0,1)", build(5000, 2, (r) => r())],
    ["both signs, wide range", build(20_000, 3, (r) => (r() - 0.5) * 10 ** (r() * 40 - 20))],
    ["integers with many duplicates", build(20_000, 4, (r) => Math.floor(r() * 50) - 25)],
    ["all equal", build(3000, 5, () => 7.25)],
    ["all -0 and +0 mixed", build(3000, 6, (r) => (r() < 0.5 ? -0 : 0))],
    [
      "special values repeated",
      build(4000, 7, (r) => SPECIAL[Math.floor(r() * SPECIAL.length)] ?? 0),
    ],
    ["subnormals only", build(4000, 8, (r) => (r() - 0.5) * 1e-310)],
    ["huge magnitudes only", build(4000, 9, (r) => (r() - 0.5) * 1.7e308)],
    ["already sorted", build(4000, 10, (_, i) => i * 0.5 - 1000)],
    ["reverse sorted", build(4000, 11, (_, i) => 1000 - i * 0.5)],
    [
      "NaNs (sorted last) among values",
      build(4000, 12, (r) => (r() < 0.1 ? Number.NaN : r() < 0.5 ? -r() : r())),
    ],
    ["one-signed, one exponent (skipped passes)", build(5000, 13, (r) => 1 + r())],
    // From 65,536 values on, two 16-bit passes instead of three.
    ["long, both signs (16-bit passes)", build(100_000, 16, (r) => (r() - 0.5) * 1e3)],
    [
      "long, narrow range of large values (long runs of one high word)",
      build(80_000, 17, (r) => 1.7e12 + Math.floor(r() * 2e6)),
    ],
    [
      "long, integers with many duplicates and specials",
      build(70_000, 18, (r) =>
        r() < 0.01 ? (SPECIAL[Math.floor(r() * SPECIAL.length)] ?? 0) : Math.floor(r() * 300),
      ),
    ],
  ];
  it("puts NaNs of any sign and payload last, next to infinities that share their high word", () => {
    // Bit patterns: quiet NaN with the sign bit, and NaNs whose payload is only in the low
    // word (their high word is an infinity's), among values and both infinities.
    const nans = [
      [0x00000000, 0xfff80000],
      [0x00000001, 0x7ff00000],
      [0x00000001, 0xfff00000],
    ];
    for (const [seed, withInf] of [
      [31, true],
      [32, false],
    ] as const) {
      const x = build(3000, seed, (r) => r() - 0.5);
      const words = new Uint32Array(x.buffer);
      for (let i = 0; i < x.length; i += 97) {
        const [lo, hi] = nans[(i / 97) % 3] as number[];
        words[2 * i] = lo as number;
        words[2 * i + 1] = hi as number;
      }
      if (withInf) {
        x[5] = Number.POSITIVE_INFINITY;
        x[6] = Number.NEGATIVE_INFINITY;
      }
      const expected = Array.from(x.slice().sort());
      const got = Array.from(sortFloat64(x.slice()));
      expect(got).toEqual(expected);
      expect(Number.isNaN(got[got.length - 1] as number)).toBe(true);
    }
  });

  for (const [name, values] of cases) {
    it(`matches Float64Array.prototype.sort: ${name}`, () => {
      expectSameAsBuiltin(values);
    });
  }

  it("sorts in place and returns its argument", () => {
    const x = build(2000, 14, (r) => r() - 0.5);
    const out = sortFloat64(x);
    expect(out).toBe(x);
    for (let i = 1; i < x.length; i++)
      expect(x[i - 1] as number).toBeLessThanOrEqual(x[i] as number);
  });

  it("sorts a subarray view without touching the rest of the buffer", () => {
    const whole = build(3000, 15, (r) => r());
    const before = whole.slice();
    const view = whole.subarray(500, 2500);
    const expected = view.slice().sort();
    sortFloat64(view);
    expect(Array.from(view)).toEqual(Array.from(expected));
    expect(Array.from(whole.subarray(0, 500))).toEqual(Array.from(before.subarray(0, 500)));
    expect(Array.from(whole.subarray(2500))).toEqual(Array.from(before.subarray(2500)));
  });

  it("keeps -0 before +0 as the built-in sort does", () => {
    const x = new Float64Array(1000);
    for (let i = 0; i < x.length; i++) x[i] = i % 2 === 0 ? 0 : -0;
    sortFloat64(x);
    expect(Object.is(x[499], -0)).toBe(true);
    expect(Object.is(x[500], 0)).toBe(true);
  });
});

describe("sortFloat64Async (worker threads for long columns)", () => {
  it("sorts long columns on a worker exactly as the built-in sort, several at once", async () => {
    const inputs = [
      build(200_000, 21, (r) => (r() - 0.5) * 1e6),
      build(150_000, 22, (r) => Math.floor(r() * 1000)),
      build(100_000, 23, (r) => (r() < 0.01 ? -0 : r() < 0.02 ? Number.NaN : r() - 0.5)),
    ];
    const expected = inputs.map((x) => x.slice().sort());
    const sorted = await Promise.all(inputs.map((x) => sortFloat64Async(x.slice())));
    sorted.forEach((got, k) => {
      const want = expected[k] as Float64Array;
      expect(got.length).toBe(want.length);
      const a = new Uint32Array(got.buffer, got.byteOffset, got.length * 2);
      const b = new Uint32Array(want.buffer);
      let diff = -1;
      for (let i = 0; i < b.length; i++) {
        if (a[i] !== b[i]) {
          diff = i >> 1;
          break;
        }
      }
      expect(diff).toBe(-1);
    });
  });

  it("sorts a view into a larger buffer, keeping its offset", async () => {
    const whole = build(300_000, 24, (r) => r());
    const view = whole.subarray(1000, 201_000);
    const expected = view.slice().sort();
    const pending = sortFloat64Async(view);
    // The buffer went to a worker thread (transferred, so detached here).
    expect(whole.buffer.byteLength).toBe(0);
    const got = await pending;
    expect(got.byteOffset).toBe(1000 * 8);
    expect(got.length).toBe(200_000);
    expect(got[0]).toBe(expected[0]);
    expect(got[199_999]).toBe(expected[199_999]);
    expect(got[123_456]).toBe(expected[123_456]);
  });

  it("counts infinities, NaN and distinct finite values, with their moments, on a worker and without", async () => {
    for (const n of [2000, 120_000]) {
      const x = build(n, 26, (r, i) =>
        i % 1000 === 1
          ? Number.NEGATIVE_INFINITY
          : i % 1000 === 2
            ? Number.POSITIVE_INFINITY
            : i % 1000 === 3
              ? Number.NaN
              : Math.floor(r() * 5000) / 4,
      );
      const finite = x.filter(Number.isFinite).sort();
      const got = await sortColumnAsync(x.slice());
      expect(got.negInf).toBe(n / 1000);
      expect(got.posInf).toBe(n / 1000);
      expect(got.nan).toBe(n / 1000);
      expect(got.distinct).toBe(new Set(finite).size);
      expect(Array.from(got.finite)).toEqual(Array.from(finite));
      expect(got.sorted.length).toBe(n);
      // The moments the drift summary would compute from the finite values, to the bit.
      const mean = longSum(finite) / finite.length;
      expect(got.mean).toBe(mean);
      expect(got.std).toBe(Math.sqrt(longSquaredDeviations(finite, mean) / finite.length));
    }
  });

  it("returns each column whole, whether or not it came back in the worker's spare buffer", async () => {
    // Several columns in a row on the workers: values in [1, 1.03) share the top 16 bits,
    // so one pass is skipped and the result lands in the worker's spare buffer (which is
    // then swapped with the input's); the others come back in their own buffer.
    const inputs = Array.from({ length: 6 }, (_, k) =>
      build(100_000 + k * 1000, 30 + k, (r) => (k % 2 === 0 ? 1 + r() / 32 : (r() - 0.5) * k)),
    );
    const got = await Promise.all(inputs.map((x) => sortColumnAsync(x.slice())));
    got.forEach((g, k) => {
      expect(Array.from(g.sorted)).toEqual(Array.from((inputs[k] as Float64Array).slice().sort()));
    });
  });

  it("sorts short columns in place, without a worker", async () => {
    const x = build(1000, 25, (r) => r() - 0.5);
    const got = await sortFloat64Async(x);
    expect(got).toBe(x);
    expect(Array.from(got)).toEqual(Array.from(x.slice().sort()));
  });

  it("lets the process exit with workers started ahead, used or not", () => {
    // Both workers start at once; one sorts a column, the other never gets a job. Neither
    // may keep the process alive (a "message" listener added after unref() did).
    const sortModule = join(dirname(dirname(transpiledCli())), "dist", "data", "sort.js");
    const script = `
      const { startSortWorkers, sortColumnAsync } = await import(${JSON.stringify(pathToFileURL(sortModule).href)});
      startSortWorkers();
      const got = await sortColumnAsync(Float64Array.from({ length: 100000 }, (_, i) => (i * 7919) % 100003));
      console.log(got.finite.length, got.finite[0], got.finite[99999]);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe("100000 0 100002");
  });
});
