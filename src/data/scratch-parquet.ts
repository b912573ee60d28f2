import { open } from "node:fs/promises";

/**
 * Numeric columns of a text file's scratch copy, read straight from its pages.
 *
 * The scratch file is one Vigil wrote itself (src/data/load.ts: DuckDB's COPY, uncompressed),
 * so its pages hold the values as plain little-endian numbers, or as a dictionary of them and
 * bit-packed indices. Reading them here costs about 8 ms per 1M values (file read, copy or
 * lookup); DuckDB's scan of the same columns into result chunks cost 95-120 ms per six 1M
 * columns, mostly in handing over 2,048-row chunks. On the 1M x 25 CSV pair of bench/drift
 * that took `vigil drift` from 3.7 to 3.3 s. Anything this reader does not expect (a codec, an
 * encoding, a nested schema, a logical type other than a signed integer) makes it decline,
 * and the caller scans with DuckDB as before.
 *
 * Cost: one read of each column chunk and O(values) decoding; memory of one chunk.
 *
 * Format: https://parquet.apache.org/docs/file-format/ (FileMetaData, PageHeader and the
 * RLE/bit-packed hybrid encoding); Thrift's compact protocol for the footer and page headers.
 */

/** Why the reader declined a file or column: the caller falls back to a DuckDB scan. */
export class ScratchUnsupported extends Error {}

const PHYSICAL = { INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5 } as const;
const NUMERIC_PHYSICAL = new Set<number>(Object.values(PHYSICAL));
const ENCODING = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, RLE_DICTIONARY: 8 } as const;
const PAGE = { DATA: 0, DICTIONARY: 2, DATA_V2: 3 } as const;
/** Parquet's converted types INT_8 .. INT_64 (signed integers). */
const SIGNED_CONVERTED = new Set([15, 16, 17, 18]);

interface ChunkLayout {
  /** File offset of the chunk's first page (its dictionary page when it has one). */
  start: number;
  length: number;
  values: number;
}

interface ColumnLayout {
  physical: number;
  optional: boolean;
  chunks: ChunkLayout[];
}

export class ScratchParquet {
  private constructor(
    private readonly path: string,
    private readonly columns: Map<string, ColumnLayout>,
  ) {}

  /** The file's layout from its footer; undefined when it is not one this reader takes. */
  static async open(path: string): Promise<ScratchParquet | undefined> {
    try {
      return new ScratchParquet(path, await readLayout(path));
    } catch (error) {
      if (error instanceof ScratchUnsupported || error instanceof RangeError) return undefined;
      throw error;
    }
  }

  /** True when `name` is a flat column of plain numbers this reader decodes. */
  reads(name: string): boolean {
    return this.columns.has(name);
  }

  /**
   * Writes each column's present values (not null; not NaN where `skipNaN`) to its `outs`
   * array, in file order; returns how many each got. Throws ScratchUnsupported for a page it
   * does not decode, or more values than an array holds (nothing to undo: the caller rereads
   * into the same arrays).
   */
  async readDoubles(
    names: readonly string[],
    outs: readonly Float64Array[],
    skipNaN: readonly boolean[],
  ): Promise<number[]> {
    const layouts = names.map((n) => {
      const c = this.columns.get(n);
      if (!c) throw new ScratchUnsupported(`column ${n} is not read from pages`);
      return c;
    });
    const fh = await open(this.path, "r");
    try {
      const filled = names.map(() => 0);
      let buffer = new Uint8Array(0);
      let withNaN = new Float64Array(0);
      for (const [j, c] of layouts.entries()) {
        const out = outs[j] as Float64Array;
        let k = 0;
        for (const chunk of c.chunks) {
          if (buffer.length < chunk.length) buffer = new Uint8Array(chunk.length);
          const { bytesRead } = await fh.read(buffer, 0, chunk.length, chunk.start);
          if (bytesRead !== chunk.length) throw new ScratchUnsupported("short read");
          const bytes = buffer.subarray(0, chunk.length);
          if (!skipNaN[j]) {
            k = decodeChunk(bytes, c, chunk.values, out, k);
            continue;
          }
          // `out` is sized for the values without NaN: decode aside, then keep the numbers.
          if (withNaN.length < chunk.values) withNaN = new Float64Array(chunk.values);
          const n = decodeChunk(bytes, c, chunk.values, withNaN, 0);
          for (let i = 0; i < n; i++) {
            const x = withNaN[i] as number;
            if (Number.isNaN(x)) continue;
            if (k >= out.length) throw new ScratchUnsupported("more values than counted");
            out[k++] = x;
          }
        }
        filled[j] = k;
      }
      return filled;
    } finally {
      await fh.close();
    }
  }
}

// ---------------------------------------------------------------- footer

async function readLayout(path: string): Promise<Map<string, ColumnLayout>> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    if (size < 12) throw new ScratchUnsupported("too short for Parquet");
    const tail = new Uint8Array(8);
    await fh.read(tail, 0, 8, size - 8);
    if (String.fromCharCode(...tail.subarray(4)) !== "PAR1") {
      throw new ScratchUnsupported("no Parquet magic");
    }
    const footerLength = new DataView(tail.buffer).getUint32(0, true);
    if (footerLength > size - 12) throw new ScratchUnsupported("footer length out of range");
    const footer = new Uint8Array(footerLength);
    await fh.read(footer, 0, footerLength, size - 8 - footerLength);
    return layoutOf(new CompactReader(footer).struct());
  } finally {
    await fh.close();
  }
}

/** The columns of a flat schema whose values this reader decodes, with their chunks. */
function layoutOf(meta: Struct): Map<string, ColumnLayout> {
  const schema = list(meta[2]);
  const root = schema[0];
  if (!root || Number(root[5]) !== schema.length - 1) {
    throw new ScratchUnsupported("not a flat schema");
  }
  const leaves = schema.slice(1);
  const columns = new Map<string, ColumnLayout>();
  const readable: (ColumnLayout | undefined)[] = leaves.map((e) => {
    if (e[5] !== undefined) throw new ScratchUnsupported("nested column");
    const repetition = Number(e[3] ?? 0);
    if (repetition > 1) throw new ScratchUnsupported("repeated column");
    const physical = Number(e[1]);
    const numeric = NUMERIC_PHYSICAL.has(physical);
    const converted = e[6];
    const logical = e[10] as Struct | undefined;
    const plainNumber =
      (converted === undefined || SIGNED_CONVERTED.has(Number(converted))) &&
      (logical === undefined || signedIntegerLogical(logical));
    if (!numeric || !plainNumber) return undefined;
    const layout: ColumnLayout = { physical, optional: repetition === 1, chunks: [] };
    columns.set(bytesToString(e[4]), layout);
    return layout;
  });
  for (const rg of list(meta[4])) {
    const chunks = list(rg[1]);
    if (chunks.length !== leaves.length) throw new ScratchUnsupported("row group shape");
    chunks.forEach((chunk, i) => {
      const layout = readable[i];
      if (!layout) return;
      const md = chunk[3] as Struct | undefined;
      if (chunk[1] !== undefined || !md) throw new ScratchUnsupported("external column chunk");
      if (Number(md[4]) !== 0) throw new ScratchUnsupported("compressed column chunk");
      const data = Number(md[9]);
      const dict = md[11] === undefined ? undefined : Number(md[11]);
      layout.chunks.push({
        start: dict !== undefined && dict > 0 && dict < data ? dict : data,
        length: Number(md[7]),
        values: Number(md[5]),
      });
    });
  }
  return columns;
}

/** LogicalType's INTEGER member (field 10) with isSigned set, and nothing else. */
function signedIntegerLogical(logical: Struct): boolean {
  const keys = Object.keys(logical);
  const int = logical[10] as Struct | undefined;
  return keys.length === 1 && int !== undefined && int[2] === true;
}

function list(value: unknown): Struct[] {
  if (!Array.isArray(value)) throw new ScratchUnsupported("expected a list in the footer");
  return value as Struct[];
}

function bytesToString(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new ScratchUnsupported("expected a name");
  return new TextDecoder("utf-8", { fatal: true }).decode(value);
}

// ---------------------------------------------------------------- pages

/** Decodes one column chunk's pages into `out` from `at`; returns the new fill level. */
function decodeChunk(
  bytes: Uint8Array,
  column: ColumnLayout,
  values: number,
  out: Float64Array,
  at: number,
): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let seen = 0;
  let k = at;
  let dictionary: Float64Array | undefined;
  while (seen < values) {
    const reader = new CompactReader(bytes, pos);
    const header = reader.struct();
    const size = Number(header[3]);
    const body = reader.pos;
    const end = body + size;
    if (!(size >= 0 && end <= bytes.length)) throw new ScratchUnsupported("page out of range");
    const type = Number(header[1]);
    if (type === PAGE.DICTIONARY) {
      const h = header[7] as Struct;
      const n = Number(h[1]);
      const enc = Number(h[2]);
      if (enc !== ENCODING.PLAIN && enc !== ENCODING.PLAIN_DICTIONARY) {
        throw new ScratchUnsupported(`dictionary encoding ${enc}`);
      }
      dictionary = new Float64Array(n);
      plainValues(view, body, n, column.physical, dictionary, 0);
    } else if (type === PAGE.DATA || type === PAGE.DATA_V2) {
      const v2 = type === PAGE.DATA_V2;
      const h = header[v2 ? 8 : 5] as Struct;
      const n = Number(h[1]);
      const enc = Number(h[v2 ? 4 : 2]);
      let p = body;
      let present = n;
      if (v2) {
        if (h[7] === true) throw new ScratchUnsupported("compressed V2 page");
        present = n - Number(h[2]);
        p += Number(h[5]) + Number(h[6]);
      } else if (column.optional) {
        const length = view.getUint32(p, true);
        present = countOnes(bytes, p + 4, p + 4 + length, n);
        p += 4 + length;
      }
      if (enc === ENCODING.PLAIN) {
        if (p + present * width(column.physical) > end) throw new ScratchUnsupported("short page");
        k = plainValues(view, p, present, column.physical, out, k);
      } else if (enc === ENCODING.RLE_DICTIONARY || enc === ENCODING.PLAIN_DICTIONARY) {
        if (!dictionary) throw new ScratchUnsupported("dictionary indices without a dictionary");
        k = dictionaryValues(bytes, p, end, present, dictionary, out, k);
      } else {
        throw new ScratchUnsupported(`value encoding ${enc}`);
      }
      seen += n;
    } else {
      throw new ScratchUnsupported(`page type ${type}`);
    }
    pos = end;
  }
  return k;
}

function width(physical: number): number {
  return physical === PHYSICAL.INT32 || physical === PHYSICAL.FLOAT ? 4 : 8;
}

/** `n` PLAIN values at `p` into `out` from `k`, as doubles; returns the new fill level. */
function plainValues(
  view: DataView,
  p: number,
  n: number,
  physical: number,
  out: Float64Array,
  k: number,
): number {
  if (k + n > out.length) throw new ScratchUnsupported("more values than the profile counted");
  switch (physical) {
    case PHYSICAL.DOUBLE:
      // A byte copy: the page's values need not be 8-byte aligned in the buffer.
      new Uint8Array(out.buffer, out.byteOffset + k * 8, n * 8).set(
        new Uint8Array(view.buffer, view.byteOffset + p, n * 8),
      );
      return k + n;
    case PHYSICAL.FLOAT:
      for (let i = 0; i < n; i++) out[k++] = view.getFloat32(p + i * 4, true);
      return k;
    case PHYSICAL.INT32:
      for (let i = 0; i < n; i++) out[k++] = view.getInt32(p + i * 4, true);
      return k;
    default:
      // hi * 2^32 is exact and the sum is rounded once, to nearest: as DuckDB's CAST.
      for (let i = 0; i < n; i++) {
        const at = p + i * 8;
        out[k++] = view.getInt32(at + 4, true) * 4294967296 + view.getUint32(at, true);
      }
      return k;
  }
}

/**
 * The dictionary indices of a page (a bit-width byte, then the hybrid encoding), looked up
 * into `out` from `k`. Written out rather than through hybrid(): a callback per value made
 * this 5x slower (45 ms per 1M values at 10 bits).
 */
function dictionaryValues(
  bytes: Uint8Array,
  p: number,
  end: number,
  n: number,
  dictionary: Float64Array,
  out: Float64Array,
  k: number,
): number {
  if (k + n > out.length) throw new ScratchUnsupported("more values than the profile counted");
  const bitWidth = bytes[p++] as number;
  if (bitWidth > 24) throw new ScratchUnsupported(`bit width ${bitWidth}`);
  const byteWidth = (bitWidth + 7) >> 3;
  const mask = (1 << bitWidth) - 1;
  const size = dictionary.length;
  let left = n;
  while (left > 0) {
    const run = runHeader(bytes, p, end);
    p = run.next;
    if (run.header % 2 === 0) {
      const count = Math.min(run.header / 2, left);
      let index = 0;
      for (let i = 0; i < byteWidth; i++) index += (bytes[p + i] as number) * 2 ** (8 * i);
      p += byteWidth;
      if (index >= size) throw new ScratchUnsupported("dictionary index out of range");
      out.fill(dictionary[index] as number, k, k + count);
      k += count;
      left -= count;
      continue;
    }
    const groups = (run.header - 1) / 2;
    const bytesUsed = groups * bitWidth;
    if (p + bytesUsed > end) throw new ScratchUnsupported("bit-packed run past the page");
    const take = Math.min(groups * 8, left);
    // Bits are taken low first from an accumulator refilled a byte at a time; with widths
    // up to 24 it never holds more than 31 bits.
    let q = p;
    let acc = 0;
    let held = 0;
    for (let i = 0; i < take; i++) {
      while (held < bitWidth) {
        acc |= (bytes[q++] as number) << held;
        held += 8;
      }
      const index = acc & mask;
      acc >>>= bitWidth;
      held -= bitWidth;
      if (index >= size) throw new ScratchUnsupported("dictionary index out of range");
      out[k++] = dictionary[index] as number;
    }
    p += bytesUsed;
    left -= take;
  }
  return k;
}

/** A hybrid run's header (a ULEB128 varint) at `p`, and where its body starts. */
function runHeader(bytes: Uint8Array, p: number, end: number): { header: number; next: number } {
  let header = 0;
  let shift = 0;
  for (;;) {
    if (p >= end) throw new ScratchUnsupported("hybrid run past the page");
    const b = bytes[p++] as number;
    header += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return { header, next: p };
    if (shift > 35) throw new ScratchUnsupported("hybrid run header too long");
  }
}

/**
 * How many of the `n` definition levels (bit width 1, hybrid encoding) in [p, end) are 1:
 * the page's present values.
 */
function countOnes(bytes: Uint8Array, p: number, end: number, n: number): number {
  let ones = 0;
  let left = n;
  while (left > 0) {
    const run = runHeader(bytes, p, end);
    p = run.next;
    if (run.header % 2 === 0) {
      const count = Math.min(run.header / 2, left);
      if (p >= end) throw new ScratchUnsupported("hybrid run past the page");
      if ((bytes[p] as number) & 1) ones += count;
      p += 1;
      left -= count;
      continue;
    }
    const groups = (run.header - 1) / 2;
    if (p + groups > end) throw new ScratchUnsupported("bit-packed run past the page");
    const take = Math.min(groups * 8, left);
    for (let i = 0; i < take; i += 8) {
      const byte = bytes[p + (i >> 3)] as number;
      const bits = Math.min(8, take - i);
      ones += popcount8(bits === 8 ? byte : byte & ((1 << bits) - 1));
    }
    p += groups;
    left -= take;
  }
  return ones;
}

function popcount8(b: number): number {
  let x = b - ((b >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}

// ---------------------------------------------------------------- Thrift compact protocol

type Struct = Record<number, unknown>;

/**
 * Thrift's compact protocol, decoded into plain values: a struct as an object keyed by field
 * id, lists as arrays, binary as bytes, integers as numbers (the footer's are well inside
 * 2^53). Maps and sets are skipped over (Parquet's footer fields we read have none).
 */
class CompactReader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  struct(): Struct {
    const out: Struct = {};
    let id = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) return out;
      const type = head & 0x0f;
      const delta = head >> 4;
      id = delta === 0 ? this.zigzag() : id + delta;
      out[id] = this.value(type);
    }
  }

  private value(type: number): unknown {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case 4:
      case 5:
      case 6:
        return this.zigzag();
      case 7: {
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8);
        this.pos += 8;
        return v.getFloat64(0, true);
      }
      case 8: {
        const n = this.varint();
        if (this.pos + n > this.bytes.length) throw new RangeError("binary past the end");
        const b = this.bytes.subarray(this.pos, this.pos + n);
        this.pos += n;
        return b;
      }
      case 9:
      case 10: {
        const head = this.byte();
        const n = head >> 4 === 15 ? this.varint() : head >> 4;
        const element = head & 0x0f;
        const items: unknown[] = [];
        for (let i = 0; i < n; i++) {
          // A boolean inside a list is a whole byte: 1 true, 2 (or 0) false.
          items.push(element === 1 || element === 2 ? this.byte() === 1 : this.value(element));
        }
        return items;
      }
      case 11: {
        const n = this.varint();
        if (n === 0) return undefined;
        const kv = this.byte();
        for (let i = 0; i < n; i++) {
          this.value(kv >> 4);
          this.value(kv & 0x0f);
        }
        return undefined;
      }
      case 12:
        return this.struct();
      default:
        throw new ScratchUnsupported(`Thrift type ${type}`);
    }
  }

  private byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new RangeError("Thrift data past the end");
    return b;
  }

  private varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new RangeError("varint too long");
    }
  }

  private zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }
}
