import * as zlib from "node:zlib";
import { VigilError } from "../errors.js";
import type { BinSpec } from "./bins.js";
import { ColumnProfile } from "./column.js";
import { DatasetProfile } from "./dataset.js";
import type { FrequentItems } from "./frequent.js";
import { KllSketch } from "./kll.js";

/**
 * Versioned binary encoding of profiles (format 1, documented in docs/profiles.md).
 * Integers are unsigned LEB128 varints, doubles little-endian float64, strings a varint byte
 * length + UTF-8. A data-set profile starts with the magic "VGDP", a column profile alone with
 * "VGCP", then the format version byte; the last 4 bytes are the CRC-32 of everything before
 * them, so storage corruption is detected instead of being read as plausible numbers. Decoding checks every length and invariant and throws
 * VIGIL_INVALID_PROFILE on anything malformed, never a crash or a silently wrong profile.
 */

export const PROFILE_FORMAT_VERSION = 1;
const DATASET_MAGIC = [0x56, 0x47, 0x44, 0x50]; // "VGDP"
const COLUMN_MAGIC = [0x56, 0x47, 0x43, 0x50]; // "VGCP"
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  len = 0;
  private static enc = new TextEncoder();

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }
  bytes(b: ArrayLike<number>): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new VigilError("VIGIL_INTERNAL", `profile encoding: ${v} is not a count`);
    }
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
  }
  f64s(xs: ArrayLike<number>): void {
    this.varint(xs.length);
    this.ensure(8 * xs.length);
    if (LITTLE_ENDIAN && xs instanceof Float64Array) {
      // Same bytes as setFloat64(…, true) per element, copied at once.
      this.buf.set(new Uint8Array(xs.buffer, xs.byteOffset, xs.byteLength), this.len);
      this.len += xs.byteLength;
      return;
    }
    for (let i = 0; i < xs.length; i++) {
      this.view.setFloat64(this.len, xs[i] as number, true);
      this.len += 8;
    }
  }
  str(s: string): void {
    const b = Writer.enc.encode(s);
    this.varint(b.length);
    this.bytes(b);
  }
  /** The bytes written, followed by their CRC-32 (little-endian u32). */
  result(): Uint8Array {
    const crc = crc32(this.buf, this.len);
    this.ensure(4);
    this.view.setUint32(this.len, crc, true);
    this.len += 4;
    return this.buf.slice(0, this.len);
  }
}

class Reader {
  private readonly view: DataView;
  private static dec = new TextDecoder("utf-8", { fatal: true });
  constructor(
    private readonly buf: Uint8Array,
    public pos = 0,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  fail(what: string): never {
    throw new VigilError(
      "VIGIL_INVALID_PROFILE",
      `invalid profile bytes at offset ${this.pos}: ${what}`,
    );
  }
  need(n: number): void {
    if (this.pos + n > this.buf.length) this.fail("unexpected end of data");
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }
  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      v += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(v)) this.fail("count out of range");
        return v;
      }
      scale *= 0x80;
    }
    return this.fail("varint too long");
  }
  /** A varint used as a length of items of at least `itemBytes` bytes each. */
  length(itemBytes: number): number {
    const n = this.varint();
    if (n * itemBytes > this.buf.length - this.pos) this.fail(`length ${n} exceeds the data`);
    return n;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  f64s(): Float64Array {
    const n = this.length(8);
    const out = new Float64Array(n);
    if (LITTLE_ENDIAN) {
      new Uint8Array(out.buffer).set(this.buf.subarray(this.pos, this.pos + 8 * n));
      this.pos += 8 * n;
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = this.f64();
    return out;
  }
  str(): string {
    const n = this.length(1);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    try {
      return Reader.dec.decode(b);
    } catch {
      return this.fail("invalid UTF-8 in a string");
    }
  }
}

function writeColumn(w: Writer, c: ColumnProfile): void {
  w.u8(c.kind === "numeric" ? 0 : 1);
  w.varint(c.count);
  w.varint(c.missing);
  w.varint(c.typeErrors);
  w.varint(c.infinite);
  if (c.kind === "numeric") {
    const m = c.moments;
    w.varint(m.n);
    for (const v of [m.mean, m.m2, m.m3, m.m4, m.min, m.max]) w.f64(v);
    const k = c.kll;
    w.varint(k.k);
    w.varint(k.n);
    w.f64(k.min);
    w.f64(k.max);
    w.f64(k.w1Error);
    w.varint(k.rng);
    w.varint(k.numLevels);
    for (let h = 0; h < k.numLevels; h++) w.f64s(k.levelItems(h));
  } else {
    // Categorical columns keep no quantiles, but k is part of the settings merges compare.
    w.varint(c.kll.k);
  }
  const regs = c.hll.registers;
  w.u8(c.hll.p);
  let nonZero = 0;
  for (let i = 0; i < regs.length; i++) if (regs[i] !== 0) nonZero++;
  // Sparse (index delta, value) pairs cost about 3 bytes each: smaller below m/3 registers set.
  if (nonZero * 3 < regs.length) {
    w.u8(1);
    w.varint(nonZero);
    let prev = 0;
    for (let i = 0; i < regs.length; i++) {
      if (regs[i] === 0) continue;
      w.varint(i - prev);
      w.u8(regs[i] as number);
      prev = i;
    }
  } else {
    w.u8(0);
    w.bytes(regs);
  }
  const f = c.frequent;
  w.varint(f.k);
  w.varint(f.n);
  w.varint(f.error);
  // Sorted by item so equal summaries encode identically whatever their hash-table history.
  const entries = (f as FrequentItems<string | number>)
    .entries()
    .sort((a, b) => compareItems(a[0], b[0]));
  w.varint(entries.length);
  for (const [item, count] of entries) {
    if (typeof item === "number") w.f64(item);
    else w.str(item);
    w.varint(count);
  }
  const bins = c.bins;
  if (bins === null) {
    w.u8(0);
    return;
  }
  const spec = bins.spec;
  if (spec.type === "histogram") {
    w.u8(1);
    w.f64s(spec.edges);
  } else if (spec.type === "values") {
    w.u8(2);
    w.f64s(spec.values);
  } else {
    w.u8(3);
    w.varint(spec.categories.length);
    for (const s of spec.categories) w.str(s);
  }
  for (let i = 0; i < bins.counts.length; i++) w.varint(bins.counts[i] as number);
}

function readColumn(r: Reader): ColumnProfile {
  const kindByte = r.u8();
  if (kindByte > 1) r.fail(`unknown column kind ${kindByte}`);
  const kind = kindByte === 0 ? "numeric" : "categorical";
  const count = r.varint();
  const missing = r.varint();
  const typeErrors = r.varint();
  const infinite = r.varint();
  if (missing + typeErrors + infinite > count)
    r.fail("missing + type errors + infinite exceed count");
  const valid = count - missing - typeErrors - infinite;
  let kll: KllSketch | null = null;
  const momentsState: number[] = [];
  if (kind === "numeric") {
    const n = r.varint();
    for (let i = 0; i < 6; i++) momentsState.push(r.f64());
    if (n !== valid) r.fail("moments count differs from the valid count");
    const k = r.varint();
    const kn = r.varint();
    const min = r.f64();
    const max = r.f64();
    const w1Error = r.f64();
    const rng = r.varint();
    const numLevels = r.varint();
    if (numLevels < 1 || numLevels > 64) r.fail(`KLL level count ${numLevels}`);
    const levels: Float64Array[] = [];
    let weight = 0;
    for (let h = 0; h < numLevels; h++) {
      const lv = r.f64s();
      for (let i = 0; i < lv.length; i++) {
        const v = lv[i] as number;
        if (!Number.isFinite(v) || (h > 0 && i > 0 && v < (lv[i - 1] as number))) {
          r.fail(`KLL level ${h} is not sorted finite values`);
        }
      }
      weight += lv.length * 2 ** h;
      levels.push(lv);
    }
    if (kn !== valid || weight !== kn || rng > 0xffffffff || !(w1Error >= 0)) {
      r.fail("inconsistent KLL state");
    }
    const [mean, m2, m3, m4, mMin, mMax] = momentsState as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const momentsOk =
      n === 0
        ? mean === 0 && m2 === 0 && m3 === 0 && m4 === 0 && mMin === Infinity && mMax === -Infinity
        : // M2..M4 overflow to Infinity for values beyond about 1e100: only NaN is impossible.
          Number.isFinite(mMin) &&
          Number.isFinite(mMax) &&
          mMin <= mMax &&
          !Number.isNaN(mean) &&
          !(m2 < 0) &&
          !(m4 < 0);
    if (!momentsOk || !Object.is(min, mMin) || !Object.is(max, mMax))
      r.fail("inconsistent moments");
    for (const lv of levels) {
      for (let i = 0; i < lv.length; i++) {
        if ((lv[i] as number) < min || (lv[i] as number) > max)
          r.fail("KLL item outside [min, max]");
      }
    }
    try {
      kll = KllSketch.fromState({ k, n: kn, min, max, w1Error, rng, levels });
    } catch (e) {
      r.fail(e instanceof Error ? e.message : "bad KLL parameters");
    }
  }
  const catK = kind === "categorical" ? r.varint() : 0;
  const p = r.u8();
  if (p < 4 || p > 18) r.fail(`HLL precision ${p}`);
  const m = 1 << p;
  const regs = new Uint8Array(m);
  const enc = r.u8();
  if (enc === 0) {
    r.need(m);
    for (let i = 0; i < m; i++) regs[i] = r.u8();
  } else if (enc === 1) {
    const nnz = r.length(2);
    let idx = 0;
    for (let j = 0; j < nnz; j++) {
      idx += r.varint();
      if (idx >= m) r.fail("HLL register index out of range");
      regs[idx] = r.u8();
    }
  } else r.fail(`HLL encoding ${enc}`);
  for (let i = 0; i < m; i++)
    if ((regs[i] as number) > 65 - p) r.fail("HLL register value out of range");
  const fk = r.varint();
  const fn = r.varint();
  const ferr = r.varint();
  const fsize = r.length(2);
  if (fn !== valid) r.fail("frequent-items count differs from the valid count");
  const items: [string | number, number][] = [];
  for (let j = 0; j < fsize; j++) {
    const item = kind === "numeric" ? r.f64() : r.str();
    const c = r.varint();
    if (c < 1) r.fail("frequent-items counter of 0");
    if (typeof item === "number" && !Number.isFinite(item))
      r.fail("frequent item is not a finite number");
    const prev = items[items.length - 1];
    if (prev !== undefined && compareItems(prev[0], item) >= 0)
      r.fail("frequent items not in ascending order");
    items.push([item, c]);
  }
  const binType = r.u8();
  let spec: BinSpec | null = null;
  if (binType === 1) spec = { type: "histogram", edges: r.f64s() };
  else if (binType === 2) spec = { type: "values", values: r.f64s() };
  else if (binType === 3) {
    const n = r.length(1);
    const cats: string[] = [];
    for (let j = 0; j < n; j++) cats.push(r.str());
    spec = { type: "categories", categories: cats };
  } else if (binType !== 0) r.fail(`bin type ${binType}`);

  let col: ColumnProfile;
  try {
    col = new ColumnProfile(kind, { kllK: kll ? kll.k : catK, hllP: p, frequentK: fk, bins: spec });
  } catch (e) {
    return r.fail(e instanceof Error ? e.message : "bad profile parameters");
  }
  if (col.bins !== null) {
    const counts = col.bins.counts;
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      counts[i] = r.varint();
      total += counts[i] as number;
    }
    if (total !== valid) r.fail("bin counts do not sum to the valid count");
  }
  col.count = count;
  col.missing = missing;
  col.typeErrors = typeErrors;
  col.infinite = infinite;
  if (kll) {
    const [mean, m2, m3, m4, min, max] = momentsState as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    Object.assign(col.moments, { n: valid, mean, m2, m3, m4, min, max });
    col.restoreKll(kll);
  }
  col.hll.registers.set(regs);
  if (items.length > 2 * fk) r.fail("more frequent items than the capacity allows");
  (col.frequent as FrequentItems<string | number>).restore(items, fn, ferr);
  return col;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, the same as zlib.crc32) of bytes[0..len). */
export function crc32(bytes: Uint8Array, len: number = bytes.length): number {
  // zlib's (Node >= 20.15) is about 20 times faster than the table loop below on profiles
  // of a few hundred KB (a window profile is encoded at every write).
  if (nativeCrc32 !== undefined) {
    return nativeCrc32(len === bytes.length ? bytes : bytes.subarray(0, len), 0) >>> 0;
  }
  let c = 0xffffffff;
  for (let i = 0; i < len; i++) {
    c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function compareItems(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes one column profile (magic "VGCP", format version 1). */
export function serializeColumnProfile(profile: ColumnProfile): Uint8Array {
  const w = new Writer();
  w.bytes(COLUMN_MAGIC);
  w.u8(PROFILE_FORMAT_VERSION);
  writeColumn(w, profile);
  return w.result();
}

/** Encodes a data-set profile (magic "VGDP", format version 1). */
export function serializeDatasetProfile(profile: DatasetProfile): Uint8Array {
  const w = new Writer();
  w.bytes(DATASET_MAGIC);
  w.u8(PROFILE_FORMAT_VERSION);
  w.varint(profile.rows);
  w.varint(profile.columns.size);
  for (const [name, col] of profile.columns) {
    w.str(name);
    writeColumn(w, col);
  }
  return w.result();
}

function header(bytes: Uint8Array, magic: number[], what: string): Reader {
  if (!(bytes instanceof Uint8Array)) {
    throw new VigilError(
      "VIGIL_INVALID_PROFILE",
      `${what}: expected a Uint8Array of profile bytes`,
    );
  }
  const r = new Reader(bytes);
  for (const b of magic) if (r.u8() !== b) r.fail(`not a ${what} (wrong magic bytes)`);
  const version = r.u8();
  if (version !== PROFILE_FORMAT_VERSION) {
    r.fail(
      `format version ${version} is not supported (this Vigil reads version ${PROFILE_FORMAT_VERSION})`,
    );
  }
  if (bytes.length < 9) r.fail("unexpected end of data");
  const body = bytes.length - 4;
  const stored = new DataView(bytes.buffer, bytes.byteOffset + body, 4).getUint32(0, true);
  if (crc32(bytes, body) !== stored)
    r.fail("checksum mismatch (the bytes are corrupt or truncated)");
  // Parse the body only; the checksum is not part of it.
  return new Reader(bytes.subarray(0, body), r.pos);
}

export function deserializeColumnProfile(bytes: Uint8Array): ColumnProfile {
  const r = header(bytes, COLUMN_MAGIC, "column profile");
  const col = readColumn(r);
  if (r.pos !== bytes.length - 4) r.fail("trailing bytes");
  return col;
}

export function deserializeDatasetProfile(bytes: Uint8Array): DatasetProfile {
  const r = header(bytes, DATASET_MAGIC, "data-set profile");
  const rows = r.varint();
  const ncols = r.length(2);
  const out = new DatasetProfile({});
  out.rows = rows;
  for (let j = 0; j < ncols; j++) {
    const name = r.str();
    if (out.columns.has(name)) r.fail(`duplicate column "${name}"`);
    const col = readColumn(r);
    if (col.count !== rows) r.fail(`column "${name}" counts ${col.count} values for ${rows} rows`);
    out.columns.set(name, col);
  }
  if (r.pos !== bytes.length - 4) r.fail("trailing bytes");
  return out;
}
