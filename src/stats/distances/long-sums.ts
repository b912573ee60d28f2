/**
 * Sums and checks over long Float64Arrays (a column of millions of values), in blocks.
 *
 * Why blocks: a function whose single loop runs a million times is only ever optimized by
 * V8 through on-stack replacement, mid-loop, which keeps the running sums boxed and was
 * measured 2-4x slower than a short function called once per block, which V8 optimizes whole.
 * Each block is summed plainly and the block sums are added Neumaier-compensated: the error
 * is that of a 1024-term plain sum relative to each block (below 1e-13), with no compensation
 * step (four dependent operations) per value.
 */

export const BLOCK = 1024;

// blockSum, blockSquaredDeviations, longSum and longSquaredDeviations are also sent as source
// text to the sort workers (src/data/sort.ts), which compute each column's moments: they
// must only use each other and BLOCK.

export function blockSum(x: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] as number;
  return s;
}

export function blockSquaredDeviations(
  x: Float64Array,
  from: number,
  to: number,
  mean: number,
): number {
  let s = 0;
  for (let i = from; i < to; i++) {
    const d = (x[i] as number) - mean;
    s += d * d;
  }
  return s;
}

/** True when x[from, to) ascends (ties allowed) and holds no NaN (the caller checks the ends). */
function blockAscends(x: Float64Array, from: number, to: number): boolean {
  let prev = x[from] as number;
  for (let i = from + 1; i < to; i++) {
    const v = x[i] as number;
    if (!(v >= prev)) return false;
    prev = v;
  }
  return true;
}

/** Σ x, compensated across blocks. */
export function longSum(x: Float64Array): number {
  const n = x.length;
  let sum = 0;
  let comp = 0;
  for (let a = 0; a < n; a += BLOCK) {
    const v = blockSum(x, a, Math.min(n, a + BLOCK));
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + comp;
}

/** Σ (x − mean)², compensated across blocks: the second pass of a two-pass variance. */
export function longSquaredDeviations(x: Float64Array, mean: number): number {
  const n = x.length;
  let sum = 0;
  let comp = 0;
  for (let a = 0; a < n; a += BLOCK) {
    const v = blockSquaredDeviations(x, a, Math.min(n, a + BLOCK), mean);
    const t = sum + v;
    comp += sum >= v ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + comp;
}

/** Non-empty, ascending, every value finite (in sorted data only the ends can be infinite). */
export function isSortedFinite(x: Float64Array): boolean {
  const n = x.length;
  if (n === 0 || !Number.isFinite(x[0] as number) || !Number.isFinite(x[n - 1] as number))
    return false;
  // Blocks overlap by one value, so every adjacent pair is compared.
  for (let a = 0; a < n - 1; a += BLOCK) {
    if (!blockAscends(x, a, Math.min(n, a + BLOCK + 1))) return false;
  }
  return true;
}
