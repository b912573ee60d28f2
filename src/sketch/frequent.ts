import { invalidArgument } from "../errors.js";
import { hashNumber, hashOut, hashString } from "./hash.js";
import { selectRank } from "./order.js";

/**
 * Frequent items by the Misra–Gries summary ("Finding repeated elements", 1982) in its
 * mergeable form (Agarwal, Cormode, Huang, Phillips, Wei & Yi, "Mergeable summaries", 2012),
 * with a 2k-entry buffer so the work is amortized O(1) per value: counters are kept until
 * there are more than 2k of them; then the (k+1)-th largest count c is subtracted from every
 * counter and the non-positive ones are dropped, leaving at most k. `error` accumulates the
 * subtracted amounts.
 *
 * Bound: for every item, estimate <= true count <= estimate + error, and
 * error <= (N − Σ counters) / (k + 1) <= N / (k + 1) (each reduction removes at least
 * (k+1)·c of mass). Merging adds counters and errors, then reduces the same way, so the bound
 * holds for any merge tree. While the stream has never held more than 2k distinct items the
 * counts are exact (error 0) — the reference-bin derivation relies on this.
 *
 * The counters live in an open-addressing table keyed by the item's MurmurHash3 (the profile
 * passes the hash it already computed for HyperLogLog), so a high-cardinality stream costs a
 * probe per value and a rebuild per k new items, with no Map churn.
 * Cost: O(1) amortized per value, O(k) per reduction and merge, about 4k slots of memory.
 */

export const DEFAULT_FREQUENT_K = 64;

export interface FrequentItem<K> {
  item: K;
  /** Lower bound on the true count (the counter). */
  estimate: number;
  /** Upper bound on the true count: estimate + error. */
  upperBound: number;
}

/** Power-of-two slot count that keeps `entries` at a load factor of at most about 1/2. */
function tableSize(entries: number): number {
  let size = 16;
  while (size < 2 * entries) size *= 2;
  return size;
}

function hashOf(item: string | number): number {
  if (typeof item === "number") hashNumber(item);
  else hashString(item);
  return hashOut[2] as number;
}

export class FrequentItems<K extends string | number> {
  readonly k: number;
  /** Σ of subtracted amounts: no item's count is underestimated by more than this. */
  error = 0;
  /** Values seen. */
  n = 0;
  private keys: (K | undefined)[];
  private vals: Float64Array;
  private hashes: Uint32Array;
  private mask: number;
  private used = 0;
  /** The occupied slots, in the order they were filled: reductions visit these, not the table. */
  private slots: Int32Array;
  private spare: [(K | undefined)[], Float64Array, Uint32Array, Int32Array] | null = null;

  constructor(k: number = DEFAULT_FREQUENT_K) {
    if (!Number.isInteger(k) || k < 1 || k > 100_000) {
      throw invalidArgument("k", "an integer in [1, 100000]", k);
    }
    this.k = k;
    // Up to 2k + 1 counters between reductions; 4k slots keep the load near 1/2.
    const size = tableSize(2 * k + 1);
    this.keys = new Array<K | undefined>(size);
    this.vals = new Float64Array(size);
    this.hashes = new Uint32Array(size);
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Number of counters held. */
  get size(): number {
    return this.used;
  }

  /**
   * Adds `count` occurrences (a positive integer); `hash` is hashOut[2] after
   * hashNumber/hashString of the item.
   */
  add(item: K, count = 1, hash: number = hashOf(item)): void {
    this.n += count;
    this.insert(item, count, hash);
    if (this.used > 2 * this.k) this.reduce();
  }

  /** The counter of an item (0 when it has none). */
  get(item: K): number {
    const h = hashOf(item);
    for (let i = h & this.mask; this.vals[i] !== 0; i = (i + 1) & this.mask) {
      if (this.hashes[i] === h && this.keys[i] === item) return this.vals[i] as number;
    }
    return 0;
  }

  /** Every counter as [item, count]. */
  entries(): [K, number][] {
    const out: [K, number][] = [];
    for (let i = 0; i < this.vals.length; i++) {
      if (this.vals[i] !== 0) out.push([this.keys[i] as K, this.vals[i] as number]);
    }
    return out;
  }

  merge(other: FrequentItems<K>): this {
    if (other.k !== this.k) {
      throw invalidArgument("other.k", `the same frequent-items capacity (${this.k})`, other.k);
    }
    // Room for every counter of both before the one reduction at the end.
    if (tableSize(this.used + other.used) > this.vals.length)
      this.rehash(tableSize(this.used + other.used), 0);
    for (let s = 0; s < other.used; s++) {
      const i = other.slots[s] as number;
      this.insert(other.keys[i] as K, other.vals[i] as number, other.hashes[i] as number);
    }
    this.n += other.n;
    this.error += other.error;
    if (this.used > 2 * this.k) this.reduce();
    return this;
  }

  /** True when every count is exact (no reduction has happened anywhere in its history). */
  get exact(): boolean {
    return this.error === 0;
  }

  /** Counters sorted by estimate descending (ties by item), at most `limit`. */
  top(limit: number = this.k): FrequentItem<K>[] {
    const out = this.entries().map(([item, estimate]) => ({
      item,
      estimate,
      upperBound: estimate + this.error,
    }));
    out.sort((a, b) => b.estimate - a.estimate || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    return out.slice(0, limit);
  }

  clone(): FrequentItems<K> {
    const f = new FrequentItems<K>(this.k);
    f.mask = this.mask;
    f.keys = this.keys.slice();
    f.vals = this.vals.slice();
    f.hashes = this.hashes.slice();
    f.slots = this.slots.slice();
    f.used = this.used;
    f.error = this.error;
    f.n = this.n;
    return f;
  }

  /** Sets the state (deserialization, which has checked the values). @internal */
  restore(entries: [K, number][], n: number, error: number): void {
    for (const [item, c] of entries) this.insert(item, c, hashOf(item));
    this.n = n;
    this.error = error;
  }

  private insert(item: K, count: number, h: number): void {
    let i = h & this.mask;
    while (this.vals[i] !== 0) {
      if (this.hashes[i] === h && this.keys[i] === item) {
        this.vals[i] = (this.vals[i] as number) + count;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.keys[i] = item;
    this.vals[i] = count;
    this.hashes[i] = h;
    this.slots[this.used++] = i;
  }

  private reduce(): void {
    if (countScratch.length < this.used) countScratch = new Float64Array(this.used * 2);
    const counts = countScratch;
    const n = this.used;
    for (let s = 0; s < n; s++) counts[s] = this.vals[this.slots[s] as number] as number;
    // (k+1)-th largest count: a selection, not a sort (a reduction runs every k values of a
    // high-cardinality stream).
    const c = selectRank(counts, n, n - 1 - this.k);
    this.rehash(tableSize(2 * this.k + 1), c);
    this.error += c;
  }

  /** Moves the counters into a table of `size` slots, subtracting `minus` and dropping those <= 0. */
  private rehash(size: number, minus: number): void {
    const keys = this.keys;
    const vals = this.vals;
    const hashes = this.hashes;
    const slots = this.slots;
    const used = this.used;
    if (size === vals.length && this.spare !== null) {
      // Reuse the spare table of the same size (left empty) instead of allocating.
      [this.keys, this.vals, this.hashes, this.slots] = this.spare;
    } else {
      this.keys = new Array<K | undefined>(size);
      this.vals = new Float64Array(size);
      this.hashes = new Uint32Array(size);
      this.slots = new Int32Array(size);
    }
    this.mask = size - 1;
    this.used = 0;
    for (let s = 0; s < used; s++) {
      const i = slots[s] as number;
      const v = vals[i] as number;
      if (v > minus) this.insert(keys[i] as K, v - minus, hashes[i] as number);
      vals[i] = 0;
    }
    this.spare = size === vals.length ? [keys, vals, hashes, slots] : null;
  }
}

/** Shared by every reduction (they do not nest): no allocation per reduction. */
let countScratch = new Float64Array(256);
