/**
 * Sorting a column of doubles ascending, in the order of `Float64Array.prototype.sort`
 * (-Infinity < ... < -0 < +0 < ... < +Infinity < NaN), by radix sort on the IEEE 754 bits.
 *
 * Why: fetching a column unsorted and sorting it here costs a fraction of DuckDB's
 * `ORDER BY` (which materialises sort keys and merges runs), and a radix sort is several
 * times faster than the comparison sort behind `Float64Array.prototype.sort`.
 *
 * How: a double's bits, read as an unsigned 64-bit integer after flipping the sign bit of
 * positives and every bit of negatives, order exactly as the doubles do (-0 just below +0).
 * Only the high 32 bits of that key (sign, exponent, 20 mantissa bits) are radix-sorted, in
 * two stable counting passes of 16 bits run as WebAssembly (radix-wasm.ts); a pass whose
 * digit is the same for every value (integers and one-signed data often keep one constant)
 * is skipped. That leaves values sharing a high word next to each other: for measured data
 * such runs are short (2^20 steps per binade) and are finished by insertion sort, or by the
 * built-in sort when long (a narrow range of large numbers, such as timestamps), after a
 * check that finds runs of equal values (integers) already in order.
 * Measured on the 1M-10M columns of bench/drift: 12-15 ms per 1M doubles, against 65 ms for
 * six 11-bit passes in JavaScript and 100 ms for the built-in sort.
 * The values move as 64-bit integers, so a NaN in the passes keeps its bits.
 * Cost: O(n) for data with short runs (one histogram pass, at most two scatter passes, one
 * pass over the runs), O(n log n) at worst; 16 bytes per value of WebAssembly memory, kept
 * by each thread that sorts (grown to its longest column).
 */

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  BLOCK,
  blockSquaredDeviations,
  blockSum,
  longSquaredDeviations,
  longSum,
} from "../stats/distances/long-sums.js";
import { RADIX_WASM } from "./radix-wasm.js";

/** Below this length the comparison sort is as fast and needs no histograms. */
const SMALL = 512;

/** Runs of equal high words up to this length are finished by insertion sort. */
const SHORT_RUN = 16;

/** Bytes of one digit's counts (2^16 of them, u32). */
const COUNT_BYTES = 4 << 16;

/** The few WebAssembly APIs used (their typings live in lib.dom, which this project leaves out). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/** The WebAssembly radix passes and the memory they work in (one per thread). */
interface Radix {
  memory: WasmMemory;
  hist16: (src: number, n: number, c0: number, c1: number) => void;
  scatter: (src: number, dst: number, off: number, n: number, shift: number, mask: number) => void;
}

function newRadix(bytes: Uint8Array): Radix {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const memory = new wasm.Memory({ initial: 1 });
  const instance = new wasm.Instance(new wasm.Module(bytes), { env: { mem: memory } });
  const e = instance.exports as Pick<Radix, "hist16" | "scatter">;
  return { memory, hist16: e.hist16, scatter: e.scatter };
}

let mainRadix: Radix | undefined;

/**
 * Sorts `values` in place, ascending, exactly as `values.sort()` would (NaN last), and
 * returns it.
 */
export function sortFloat64(values: Float64Array): Float64Array {
  mainRadix ??= newRadix(RADIX_WASM);
  return sortNaNLast(values, mainRadix);
}

/** sortFloat64 with the thread's radix instance (this function also runs in the workers). */
function sortNaNLast(values: Float64Array, radix: Radix): Float64Array {
  const n = values.length;
  if (n < SMALL) return values.sort();
  // The WebAssembly memory holds two arrays of n values, then the two digits' counts.
  // Addresses are 32-bit: past 4 GiB (268M values) the built-in sort takes over.
  const b = n * 8;
  const c0 = n * 16;
  const c1 = c0 + COUNT_BYTES;
  const need = c1 + COUNT_BYTES;
  if (need >= 2 ** 32 - 65536) return values.sort();
  const pages = Math.ceil(need / 65536) - radix.memory.buffer.byteLength / 65536;
  if (pages > 0) radix.memory.grow(pages);
  const memory = radix.memory.buffer;
  // Copied in whole, a bulk copy (the columns Vigil reads hold no NaN; filtering them out
  // value by value cost 2 ms per 1M). A NaN's key sorts it past +Infinity, or below
  // -Infinity when its sign bit is set; with a payload only in the low word it shares an
  // infinity's high word and may sit on either side of it. So trailing NaNs are just cut
  // off, but when the sorted values start with a NaN or -Infinity or end with +Infinity,
  // they are copied again without the NaNs and sorted again (NaNs go last, as the
  // comparison sort puts them).
  const work = new Float64Array(memory, 0, n);
  work.set(values);
  let at = radixPasses(radix, n, b, c0, c1);
  let out = new Float64Array(memory, at, n);
  let m = n;
  while (m > 0 && Number.isNaN(out[m - 1] as number)) m--;
  const first = out[0] as number;
  if (
    m > 0 &&
    (Number.isNaN(first) ||
      first === Number.NEGATIVE_INFINITY ||
      out[m - 1] === Number.POSITIVE_INFINITY)
  ) {
    m = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      if (!Number.isNaN(v)) work[m++] = v;
    }
    at = radixPasses(radix, m, b, c0, c1);
    out = new Float64Array(memory, at, m);
  }
  values.set(out.subarray(0, m));
  values.fill(Number.NaN, m);
  finishRuns(values.subarray(0, m));
  return values;
}

/**
 * The radix passes over the `n` values at address 0 of the WebAssembly memory, with the
 * second array at `b` and the digits' counts at `c0` and `c1`; returns where the result is.
 */
function radixPasses(radix: Radix, n: number, b: number, c0: number, c1: number): number {
  const memory = radix.memory.buffer;
  const counts0 = new Uint32Array(memory, c0, 1 << 16);
  const counts1 = new Uint32Array(memory, c1, 1 << 16);
  counts0.fill(0);
  counts1.fill(0);
  radix.hist16(0, n, c0, c1);
  let src = 0;
  let dst = b;
  // A digit shared by every value leaves the order as it is: its pass is skipped.
  if (toOffsets(counts0)) {
    radix.scatter(src, dst, c0, n, 0, 0xffff);
    [src, dst] = [dst, src];
  }
  if (toOffsets(counts1)) {
    radix.scatter(src, dst, c1, n, 16, 0xffff);
    [src, dst] = [dst, src];
  }
  return src;
}

/** Turns digit counts into start offsets; false (and no change) when one digit holds all. */
function toOffsets(counts: Uint32Array): boolean {
  let used = 0;
  for (let d = 0; d < counts.length && used < 2; d++) if ((counts[d] as number) > 0) used++;
  if (used < 2) return false;
  let sum = 0;
  for (let d = 0; d < counts.length; d++) {
    const c = counts[d] as number;
    counts[d] = sum;
    sum += c;
  }
  return true;
}

/**
 * After the high-word passes, values sharing a high word are adjacent but in input order:
 * sort each such run (-0 and +0 differ in the sign bit, so never share one).
 */
function finishRuns(values: Float64Array): void {
  const n = values.length;
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let i = 0;
  while (i < n) {
    const h = words[2 * i + 1] as number;
    let j = i + 1;
    while (j < n && words[2 * j + 1] === h) j++;
    if (j - i > 1) {
      if (j - i <= SHORT_RUN) {
        for (let a = i + 1; a < j; a++) {
          const v = values[a] as number;
          let b = a - 1;
          while (b >= i && (values[b] as number) > v) {
            values[b + 1] = values[b] as number;
            b--;
          }
          values[b + 1] = v;
        }
      } else {
        let a = i + 1;
        while (a < j && (values[a - 1] as number) <= (values[a] as number)) a++;
        if (a < j) values.subarray(i, j).sort();
      }
    }
    i = j;
  }
}

/** A sorted column and what its ends and runs tell (see sortColumnAsync). */
export interface SortedColumn {
  /** Every value, ascending as by sortFloat64 (-Infinity first, NaN last). */
  sorted: Float64Array;
  /** The finite values: a view into `sorted`. */
  finite: Float64Array;
  negInf: number;
  posInf: number;
  nan: number;
  /** Distinct finite values. */
  distinct: number;
  /**
   * Mean and population std (ddof 0) of the finite values, two-pass with long-sums.ts's sums
   * (the same numbers summarizeNumeric computes), NaN when there are none. Computed where the
   * column was sorted, so a worker's column costs the main thread nothing.
   */
  mean: number;
  std: number;
}

type Description = [number, number, number, number, number, number];

/**
 * Counts over a sorted array: infinities and NaN at the ends, distinct finite values between;
 * then the finite values' mean and std, with long-sums.ts's `sum` and `squares`. They come as
 * arguments because this source also runs in the workers, where names this module imports
 * do not exist (the build and the test runner rename them differently).
 */
function describeSorted(
  sorted: Float64Array,
  sum: (x: Float64Array) => number,
  squares: (x: Float64Array, mean: number) => number,
): Description {
  let m = sorted.length;
  while (m > 0 && Number.isNaN(sorted[m - 1] as number)) m--;
  let lo = 0;
  while (lo < m && sorted[lo] === Number.NEGATIVE_INFINITY) lo++;
  let hi = m;
  while (hi > lo && sorted[hi - 1] === Number.POSITIVE_INFINITY) hi--;
  let distinct = hi > lo ? 1 : 0;
  for (let i = lo + 1; i < hi; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  const finite = sorted.subarray(lo, hi);
  const mean = sum(finite) / finite.length;
  const std = Math.sqrt(squares(finite, mean) / finite.length);
  return [lo, m - hi, sorted.length - m, distinct, mean, std];
}

function sortedColumn(
  sorted: Float64Array,
  [negInf, posInf, nan, distinct, mean, std]: Description,
): SortedColumn {
  const finite =
    negInf + posInf + nan === 0 ? sorted : sorted.subarray(negInf, sorted.length - nan - posInf);
  return { sorted, finite, negInf, posInf, nan, distinct, mean, std };
}

// ---------------------------------------------------------------- off the main thread

/**
 * Columns at least this long are sorted on a worker thread, so the main thread can test the
 * previous column meanwhile (the drift engine keeps two columns in flight); shorter ones are
 * not worth the message round trip.
 */
const WORKER_MIN = 1 << 16;
const WORKERS = Math.max(1, Math.min(2, availableParallelism()));

interface Job {
  resolve: (column: SortedColumn) => void;
  reject: (error: Error) => void;
}

interface SortWorker {
  worker: Worker;
  jobs: Map<number, Job>;
}

interface SortReply {
  id: number;
  buffer: ArrayBuffer;
  byteOffset: number;
  length: number;
  counts: Description;
}

let pool: SortWorker[] | null | undefined;
let nextJob = 0;

/**
 * The worker runs this module's own sort functions, sent as source text, so it needs no file
 * of its own (and runs the same code under the test runner as in the build); the WebAssembly
 * bytes come as its workerData. It sorts in place and answers with the counts. Built-in
 * modules come from process.getBuiltinModule, which works whether the eval'd source runs as
 * CommonJS or, when the parent was started with --input-type=module, as an ES module.
 */
function workerSource(): string {
  return [
    `const SMALL = ${SMALL};`,
    `const SHORT_RUN = ${SHORT_RUN};`,
    `const COUNT_BYTES = ${COUNT_BYTES};`,
    `const BLOCK = ${BLOCK};`,
    blockSum.toString(),
    blockSquaredDeviations.toString(),
    longSum.toString(),
    longSquaredDeviations.toString(),
    newRadix.toString(),
    sortNaNLast.toString(),
    radixPasses.toString(),
    toOffsets.toString(),
    finishRuns.toString(),
    describeSorted.toString(),
    `const { parentPort, workerData } = process.getBuiltinModule("node:worker_threads");
    const radix = newRadix(workerData);
    parentPort.on("message", (m) => {
      const values = new Float64Array(m.buffer, m.byteOffset, m.length);
      sortNaNLast(values, radix);
      parentPort.postMessage({ ...m, counts: describeSorted(values, longSum, longSquaredDeviations) }, [m.buffer]);
    });`,
  ].join("\n");
}

function startPool(): SortWorker[] | null {
  try {
    const source = workerSource();
    return Array.from({ length: WORKERS }, () => {
      const w: SortWorker = {
        worker: new Worker(source, { eval: true, workerData: RADIX_WASM }),
        jobs: new Map(),
      };
      w.worker.on("message", (m: SortReply) => {
        const job = w.jobs.get(m.id);
        w.jobs.delete(m.id);
        if (w.jobs.size === 0) w.worker.unref();
        job?.resolve(sortedColumn(new Float64Array(m.buffer, m.byteOffset, m.length), m.counts));
      });
      w.worker.on("error", (error) => {
        for (const job of w.jobs.values()) job.reject(error);
        w.jobs.clear();
        pool = null;
      });
      // Idle workers must not keep the process alive; a pending job does (see sortColumnAsync).
      // After the listeners: adding a "message" listener refs the worker's port again, and a
      // worker started ahead and never used then kept the process from exiting.
      w.worker.unref();
      return w;
    });
  } catch {
    return null;
  }
}

/**
 * Starts the sort workers ahead of the first long column (a worker takes 30-50 ms to start
 * and compile its WebAssembly), so that they are ready while the data set is still profiled.
 */
export function startSortWorkers(): void {
  if (pool === undefined) pool = startPool();
}

function sortHere(values: Float64Array): SortedColumn {
  const sorted = sortFloat64(values);
  return sortedColumn(sorted, describeSorted(sorted, longSum, longSquaredDeviations));
}

/**
 * sortFloat64 on a worker thread, with the counts the drift engine needs from a sorted
 * column. The values travel to the worker and back without a copy: `values`' buffer is
 * detached while the worker has it, and the sorted values come back in the same place.
 * Falls back to sorting in place when workers are unavailable or the column is short.
 */
export function sortColumnAsync(values: Float64Array): Promise<SortedColumn> {
  if (values.length < WORKER_MIN || values.buffer instanceof SharedArrayBuffer) {
    return Promise.resolve(sortHere(values));
  }
  if (pool === undefined) pool = startPool();
  if (!pool) return Promise.resolve(sortHere(values));
  const w = pool.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  const id = nextJob++;
  return new Promise<SortedColumn>((resolve, reject) => {
    w.jobs.set(id, { resolve, reject });
    w.worker.ref();
    const buffer = values.buffer as ArrayBuffer;
    w.worker.postMessage({ id, buffer, byteOffset: values.byteOffset, length: values.length }, [
      buffer,
    ]);
  });
}

/** sortColumnAsync's sorted array alone. */
export async function sortFloat64Async(values: Float64Array): Promise<Float64Array> {
  return (await sortColumnAsync(values)).sorted;
}
