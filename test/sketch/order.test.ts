import { describe, expect, it } from "vitest";
import { selectRank } from "../../src/sketch/order.js";
import { Mulberry32 } from "./fixture.js";

/** Arrays of several sizes: distinct values, a few distinct values (ties), all equal. */
function cases(): Float64Array[] {
  const rng = new Mulberry32(7);
  const out: Float64Array[] = [];
  for (const n of [0, 1, 2, 3, 16, 17, 18, 33, 100, 129, 600]) {
    for (const distinct of [n, 5, 1]) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = Math.floor(rng.uniform() * distinct) - distinct / 3;
      out.push(a);
    }
    out.push(Float64Array.from({ length: n }, (_, i) => i)); // ascending
    out.push(Float64Array.from({ length: n }, (_, i) => n - i)); // descending
  }
  return out;
}

describe("selectRank", () => {
  it("selects the value of each rank, as the typed-array sort orders them", () => {
    for (const a of cases()) {
      const sorted = a.slice().sort();
      for (let r = 0; r < a.length; r += Math.max(1, a.length >> 4)) {
        expect(selectRank(a.slice(), a.length, r)).toBe(sorted[r]);
      }
    }
  });
});
