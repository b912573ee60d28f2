import { type FileHandle, open } from "node:fs/promises";
import { gunzipSync } from "node:zlib";

/**
 * Numeric columns of a Parquet file, read straight from its pages.
 *
 * Parquet stores a column's values as plain little-endian numbers, or as a dictionary of them
 * and bit-packed indices, in pages that are uncompressed (a text file's scratch copy, which
 * src/data/load.ts writes so) or compressed with Snappy or gzip (the usual codecs of pandas,
 * Spark and DuckDB). Reading them here costs about 8 ms per 1M values (file read,
 * decompression, copy or lookup); DuckDB's scan of the same columns into result chunks cost
 * 95-120 ms per six 1M columns, mostly in handing over 2,048-row chunks. On the 1M x 25 pairs
 * of bench/drift that took `vigil drift` from 3.7 to 3.3 s on CSV. Anything this reader does
 * not expect (another codec, an encoding, a nested schema, a logical type other than a signed
 * integer, two columns of one name) makes it decline, and the caller scans with DuckDB.
 *
 * Format: https://parquet.apache.org/docs/file-format/ (FileMetaData, PageHeader and the
 * RLE/bit-packed hybrid encoding); Thrift's compact protocol for the footer and page headers;
 * Snappy's format description (github.com/google/snappy, format_description.txt).
 *
 * Cost: one read of each column chunk and O(values) decoding; memory of one chunk and one
 * decompressed page.
 */

/** Why the reader declined a file or column: the caller falls back to a DuckDB scan. */
export class PagesUnsupported extends Error {}

const PHYSICAL = { INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5 } as const;
const NUMERIC_PHYSICAL = new Set<number>(Object.values(PHYSICAL));
const ENCODING = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE_DICTIONARY: 8 } as const;
const PAGE = { DATA: 0, DICTIONARY: 2, DATA_V2: 3 } as const;
const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2 } as const;
const CODECS = new Set<number>(Object.values(CODEC));
/** Parquet's converted types INT_8 .. INT_64 (signed integers). */
const SIGNED_CONVERTED = new Set([15, 16, 17, 18]);

interface ChunkLayout {
  /** File offset of the chunk's first page (its dictionary page when it has one). */
  start: number;
  length: number;
  values: number;
  codec: number;
}

interface ColumnLayout {
  physical: number;
  optional: boolean;
  chunks: ChunkLayout[];
}

export class ParquetPages {
  private constructor(
    private readonly path: string,
    private readonly columns: Map<string, ColumnLayout>,
  ) {}

  /** The file's layout from its footer; undefined when it is not one this reader takes. */
  static async open(path: string): Promise<ParquetPages | undefined> {
    try {
      return new ParquetPages(path, await readLayout(path));
    } catch {
      // Not one this reader takes (or unreadable): DuckDB reads the file, and says why not.
      return undefined;
    }
  }

  /** True when `name` is a flat column of plain numbers this reader decodes. */
  reads(name: string): boolean {
    return this.columns.has(name);
  }

  /**
   * Writes each column's present values (not null; not NaN where `skipNaN`) to its `outs`
   * array, in file order; returns how many each got. Throws PagesUnsupported for a page it
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
      if (!c) throw new PagesUnsupported(`column ${n} is not read from pages`);
      return c;
    });
    const groups = layouts[0]?.chunks.length ?? 0;
    if (layouts.some((c) => c.chunks.length !== groups)) {
      throw new PagesUnsupported("columns with different row groups");
    }
    const fh = await open(this.path, "r");
    try {
      const filled = names.map(() => 0);
      const scratch: Scratch = { bytes: new Uint8Array(0), page: new Uint8Array(0) };
      // Row group by row group: one read for the span of the wanted columns' chunks when
      // they lie close together (the columns of a group usually sit side by side), else one
      // read per chunk, so a few columns of a wide file do not read the rest.
      for (let g = 0; g < groups; g++) {
        const chunks = layouts.map((c) => c.chunks[g] as ChunkLayout);
        const from = Math.min(...chunks.map((c) => c.start));
        const to = Math.max(...chunks.map((c) => c.start + c.length));
        const wanted = chunks.reduce((n, c) => n + c.length, 0);
        const span = to - from <= 2 * wanted;
        if (span) await readAt(fh, scratch, from, to - from);
        for (const [j, c] of layouts.entries()) {
          const chunk = chunks[j] as ChunkLayout;
          let at = chunk.start - from;
          if (!span) {
            await readAt(fh, scratch, chunk.start, chunk.length);
            at = 0;
          }
          filled[j] = decodeInto(
            scratch.bytes.subarray(at, at + chunk.length),
            c,
            chunk,
            outs[j] as Float64Array,
            filled[j] as number,
            skipNaN[j] === true,
            scratch,
          );
        }
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
    if (size < 12) throw new PagesUnsupported("too short for Parquet");
    const tail = new Uint8Array(8);
    await fh.read(tail, 0, 8, size - 8);
    if (String.fromCharCode(...tail.subarray(4)) !== "PAR1") {
      throw new PagesUnsupported("no Parquet magic");
    }
    const footerLength = new DataView(tail.buffer).getUint32(0, true);
    if (footerLength > size - 12) throw new PagesUnsupported("footer length out of range");
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
    throw new PagesUnsupported("not a flat schema");
  }
  const leaves = schema.slice(1);
  const names = leaves.map((e) => bytesToString(e[4]));
  const columns = new Map<string, ColumnLayout>();
  // A name given twice is no name DuckDB reports as is: leave both to DuckDB.
  const seen = new Set<string>();
  const readable: (ColumnLayout | undefined)[] = leaves.map((e, i) => {
    if (e[5] !== undefined) throw new PagesUnsupported("nested column");
    const repetition = Number(e[3] ?? 0);
    if (repetition > 1) throw new PagesUnsupported("repeated column");
    const physical = Number(e[1]);
    const numeric = NUMERIC_PHYSICAL.has(physical);
    const converted = e[6];
    const logical = e[10] as Struct | undefined;
    const plainNumber =
      (converted === undefined || SIGNED_CONVERTED.has(Number(converted))) &&
      (logical === undefined || signedIntegerLogical(logical));
    const name = names[i] as string;
    const first = !seen.has(name);
    if (!first) columns.delete(name);
    seen.add(name);
    if (!numeric || !plainNumber || !first) return undefined;
    const layout: ColumnLayout = { physical, optional: repetition === 1, chunks: [] };
    columns.set(name, layout);
    return layout;
  });
  for (const rg of list(meta[4])) {
    const chunks = list(rg[1]);
    if (chunks.length !== leaves.length) throw new PagesUnsupported("row group shape");
    chunks.forEach((chunk, i) => {
      const layout = readable[i];
      if (!layout) return;
      const md = chunk[3] as Struct | undefined;
      if (chunk[1] !== undefined || !md) throw new PagesUnsupported("external column chunk");
      const codec = Number(md[4]);
      // Another codec leaves this column to DuckDB.
      if (!CODECS.has(codec)) columns.delete(names[i] as string);
      const data = Number(md[9]);
      const dict = md[11] === undefined ? undefined : Number(md[11]);
      layout.chunks.push({
        start: dict !== undefined && dict > 0 && dict < data ? dict : data,
        length: Number(md[7]),
        values: Number(md[5]),
        codec,
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
  if (!Array.isArray(value)) throw new PagesUnsupported("expected a list in the footer");
  return value as Struct[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function bytesToString(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new PagesUnsupported("expected a name");
  return utf8.decode(value);
}

// ---------------------------------------------------------------- pages

/**
 * One chunk's present values into `out` from `k` (without NaN when `skipNaN`); returns the
 * new fill level. `out` is sized for the values without NaN: with room for the whole chunk
 * they are decoded into it and the NaN closed up, else decoded aside.
 */
function decodeInto(
  bytes: Uint8Array,
  column: ColumnLayout,
  chunk: ChunkLayout,
  out: Float64Array,
  k: number,
  skipNaN: boolean,
  scratch: Scratch,
): number {
  if (!skipNaN) return decodeChunk(bytes, column, chunk, out, k, scratch);
  if (k + chunk.values <= out.length) {
    const end = decodeChunk(bytes, column, chunk, out, k, scratch);
    return k + dropNaN(out.subarray(k, end));
  }
  const aside = new Float64Array(chunk.values);
  const n = dropNaN(aside.subarray(0, decodeChunk(bytes, column, chunk, aside, 0, scratch)));
  if (k + n > out.length) throw new PagesUnsupported("more values than counted");
  out.set(aside.subarray(0, n), k);
  return k + n;
}

/** `length` bytes of the file from `position` into the start of `scratch.bytes`. */
async function readAt(
  fh: FileHandle,
  scratch: Scratch,
  position: number,
  length: number,
): Promise<void> {
  if (scratch.bytes.length < length) scratch.bytes = new Uint8Array(length);
  const { bytesRead } = await fh.read(scratch.bytes, 0, length, position);
  if (bytesRead !== length) throw new PagesUnsupported("short read");
}

/** Buffers reused from chunk to chunk: the stored chunks, and one decompressed page. */
interface Scratch {
  bytes: Uint8Array;
  page: Uint8Array;
}

/** Moves the values that are not NaN to the front of `values`; returns how many there are. */
function dropNaN(values: Float64Array): number {
  let k = 0;
  while (k < values.length && !Number.isNaN(values[k] as number)) k++;
  for (let i = k + 1; i < values.length; i++) {
    const x = values[i] as number;
    if (!Number.isNaN(x)) values[k++] = x;
  }
  return k;
}

/** Decodes one column chunk's pages into `out` from `at`; returns the new fill level. */
function decodeChunk(
  bytes: Uint8Array,
  column: ColumnLayout,
  chunk: ChunkLayout,
  out: Float64Array,
  at: number,
  scratch: Scratch,
): number {
  let pos = 0;
  let seen = 0;
  let k = at;
  let dictionary: Float64Array | undefined;
  while (seen < chunk.values) {
    const reader = new CompactReader(bytes, pos);
    const header = reader.struct();
    const size = Number(header[3]);
    const body = reader.pos;
    const end = body + size;
    if (!(size >= 0 && end <= bytes.length)) throw new PagesUnsupported("page out of range");
    const type = Number(header[1]);
    const fullSize = Number(header[2]);
    if (type === PAGE.DICTIONARY) {
      const h = header[7] as Struct;
      const n = Number(h[1]);
      const enc = Number(h[2]);
      if (enc !== ENCODING.PLAIN && enc !== ENCODING.PLAIN_DICTIONARY) {
        throw new PagesUnsupported(`dictionary encoding ${enc}`);
      }
      const page = pagePayload(bytes, body, end, fullSize, chunk.codec, 0, scratch);
      if (n * width(column.physical) > page.length) throw new PagesUnsupported("short page");
      dictionary = new Float64Array(n);
      plainValues(viewOf(page), 0, n, column.physical, dictionary, 0);
    } else if (type === PAGE.DATA || type === PAGE.DATA_V2) {
      const v2 = type === PAGE.DATA_V2;
      const h = header[v2 ? 8 : 5] as Struct;
      const n = Number(h[1]);
      const enc = Number(h[v2 ? 4 : 2]);
      let page: Uint8Array;
      let p = 0;
      let present = n;
      if (v2) {
        // Levels are stored as they are; the values after them are compressed unless the
        // header says otherwise (is_compressed defaults to true).
        const levels = Number(h[5]) + Number(h[6]);
        const raw = h[7] === false ? CODEC.UNCOMPRESSED : chunk.codec;
        page = pagePayload(bytes, body, end, fullSize, raw, levels, scratch);
        present = n - Number(h[2]);
        p = levels;
      } else {
        page = pagePayload(bytes, body, end, fullSize, chunk.codec, 0, scratch);
        if (column.optional) {
          const length = viewOf(page).getUint32(0, true);
          present = countOnes(page, 4, 4 + length, n);
          p = 4 + length;
        }
      }
      if (enc === ENCODING.PLAIN) {
        if (p + present * width(column.physical) > page.length) {
          throw new PagesUnsupported("short page");
        }
        k = plainValues(viewOf(page), p, present, column.physical, out, k);
      } else if (enc === ENCODING.RLE_DICTIONARY || enc === ENCODING.PLAIN_DICTIONARY) {
        if (!dictionary) throw new PagesUnsupported("dictionary indices without a dictionary");
        k = dictionaryValues(page, p, page.length, present, dictionary, out, k);
      } else {
        throw new PagesUnsupported(`value encoding ${enc}`);
      }
      seen += n;
    } else {
      throw new PagesUnsupported(`page type ${type}`);
    }
    pos = end;
  }
  return k;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A page's bytes as written before compression (`fullSize` of them): the stored bytes
 * [body, end) when uncompressed; else the first `raw` stored bytes as they are (a version 2
 * page's levels) and the rest decompressed after them.
 */
function pagePayload(
  bytes: Uint8Array,
  body: number,
  end: number,
  fullSize: number,
  codec: number,
  raw: number,
  scratch: Scratch,
): Uint8Array {
  if (codec === CODEC.UNCOMPRESSED) return bytes.subarray(body, end);
  if (!(Number.isSafeInteger(fullSize) && fullSize >= raw && body + raw <= end)) {
    throw new PagesUnsupported("page sizes out of range");
  }
  if (scratch.page.length < fullSize) scratch.page = new Uint8Array(fullSize);
  const page = scratch.page.subarray(0, fullSize);
  page.set(bytes.subarray(body, body + raw));
  if (codec === CODEC.SNAPPY) {
    snappyInto(bytes, body + raw, end, page, raw);
  } else {
    let inflated: Uint8Array;
    try {
      inflated = gunzipSync(bytes.subarray(body + raw, end));
    } catch {
      throw new PagesUnsupported("gzip page does not inflate");
    }
    if (inflated.length !== fullSize - raw) throw new PagesUnsupported("gzip page size");
    page.set(inflated, raw);
  }
  return page;
}

/**
 * Snappy's raw format: the uncompressed length as a varint, then literals and back
 * references (copies) until `end`; decompressed into `dst` from `d`, which it must fill.
 */
function snappyInto(src: Uint8Array, p: number, end: number, dst: Uint8Array, d: number): void {
  const start = d;
  const header = runHeader(src, p, end);
  p = header.next;
  if (d + header.header !== dst.length) throw new PagesUnsupported("snappy length");
  while (p < end) {
    const tag = src[p++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const extra = n - 59;
        n = 0;
        for (let i = 0; i < extra; i++) n += (src[p + i] as number) * 2 ** (8 * i);
        p += extra;
      }
      n += 1;
      if (p + n > end || d + n > dst.length) throw new PagesUnsupported("snappy literal");
      dst.set(src.subarray(p, p + n), d);
      p += n;
      d += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (kind === 1) {
      n = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | (src[p] as number);
      p += 1;
    } else if (kind === 2) {
      n = (tag >>> 2) + 1;
      offset = (src[p] as number) | ((src[p + 1] as number) << 8);
      p += 2;
    } else {
      n = (tag >>> 2) + 1;
      offset =
        ((src[p] as number) |
          ((src[p + 1] as number) << 8) |
          ((src[p + 2] as number) << 16) |
          ((src[p + 3] as number) << 24)) >>>
        0;
      p += 4;
    }
    if (p > end || offset === 0 || offset > d - start || d + n > dst.length) {
      throw new PagesUnsupported("snappy copy out of range");
    }
    if (offset >= n) {
      dst.copyWithin(d, d - offset, d - offset + n);
      d += n;
    } else {
      // Overlapping: the copy repeats the last `offset` bytes.
      for (let i = 0; i < n; i++, d++) dst[d] = dst[d - offset] as number;
    }
  }
  if (d !== dst.length) throw new PagesUnsupported("snappy data ends early");
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
  if (k + n > out.length) throw new PagesUnsupported("more values than the profile counted");
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
 * into `out` from `k`; returns the new fill level.
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
  if (k + n > out.length) throw new PagesUnsupported("more values than the profile counted");
  const bitWidth = bytes[p++] as number;
  if (bitWidth > 24) throw new PagesUnsupported(`bit width ${bitWidth}`);
  const mask = (1 << bitWidth) - 1;
  const size = dictionary.length;
  const check = (index: number) => {
    if (index >= size) throw new PagesUnsupported("dictionary index out of range");
  };
  hybridRuns(
    bytes,
    p,
    end,
    n,
    bitWidth,
    (index, count) => {
      check(index);
      out.fill(dictionary[index] as number, k, k + count);
      k += count;
    },
    (at, take) => {
      // Bits are taken low first from an accumulator refilled a byte at a time; with widths
      // up to 24 it never holds more than 31 bits.
      let q = at;
      let acc = 0;
      let held = 0;
      let w = k;
      for (let i = 0; i < take; i++) {
        while (held < bitWidth) {
          acc |= (bytes[q++] as number) << held;
          held += 8;
        }
        const index = acc & mask;
        acc >>>= bitWidth;
        held -= bitWidth;
        if (index >= size) check(index);
        out[w++] = dictionary[index] as number;
      }
      k = w;
    },
  );
  return k;
}

/**
 * Walks the runs of `n` values in the RLE/bit-packed hybrid encoding at [p, end): a value
 * repeated `count` times (`repeat`), or `take` values bit-packed from byte `at` (`packed`,
 * which decodes them itself: a call per value cost 5x the time).
 */
function hybridRuns(
  bytes: Uint8Array,
  p: number,
  end: number,
  n: number,
  bitWidth: number,
  repeat: (value: number, count: number) => void,
  packed: (at: number, take: number) => void,
): void {
  const byteWidth = (bitWidth + 7) >> 3;
  let left = n;
  while (left > 0) {
    const run = runHeader(bytes, p, end);
    p = run.next;
    if (run.header % 2 === 0) {
      const count = Math.min(run.header / 2, left);
      if (p + byteWidth > end) throw new PagesUnsupported("hybrid run past the page");
      let value = 0;
      for (let i = 0; i < byteWidth; i++) value += (bytes[p + i] as number) * 2 ** (8 * i);
      p += byteWidth;
      repeat(value, count);
      left -= count;
      continue;
    }
    const groups = (run.header - 1) / 2;
    if (p + groups * bitWidth > end) throw new PagesUnsupported("bit-packed run past the page");
    const take = Math.min(groups * 8, left);
    packed(p, take);
    p += groups * bitWidth;
    left -= take;
  }
}

/** A hybrid run's header (a ULEB128 varint) at `p`, and where its body starts. */
function runHeader(bytes: Uint8Array, p: number, end: number): { header: number; next: number } {
  let header = 0;
  let shift = 0;
  for (;;) {
    if (p >= end) throw new PagesUnsupported("hybrid run past the page");
    const b = bytes[p++] as number;
    header += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return { header, next: p };
    if (shift > 35) throw new PagesUnsupported("hybrid run header too long");
  }
}

/**
 * How many of the `n` definition levels (bit width 1, hybrid encoding) in [p, end) are 1:
 * the page's present values.
 */
function countOnes(bytes: Uint8Array, p: number, end: number, n: number): number {
  let ones = 0;
  hybridRuns(
    bytes,
    p,
    end,
    n,
    1,
    (value, count) => {
      if (value & 1) ones += count;
    },
    (at, take) => {
      for (let i = 0; i < take; i += 8) {
        const byte = bytes[at + (i >> 3)] as number;
        const bits = Math.min(8, take - i);
        ones += popcount8(bits === 8 ? byte : byte & ((1 << bits) - 1));
      }
    },
  );
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
        throw new PagesUnsupported(`Thrift type ${type}`);
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
