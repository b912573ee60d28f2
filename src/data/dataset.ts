import { open, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { DuckDBConnection, DuckDBMaterializedResult } from "@duckdb/node-api";
import { invalidArgument, isVigilError, VigilError } from "../errors.js";
import { duckdbMessage, parseError } from "./duckdb-errors.js";
import { asEngine, Engine } from "./engine.js";
import { resolveFormat } from "./format.js";
import { inferKind, NUMERIC_STRING_SHARE, type TypeClass, typeClass } from "./kinds.js";
import { loadSource, type Source } from "./load.js";
import { sortColumnAsync, startSortWorkers } from "./sort.js";
import { quoteIdent, stringMissing } from "./sql.js";
import {
  type CategoryCounts,
  COLUMN_KINDS,
  type ColumnInfo,
  type ColumnKind,
  type Dataset,
  type InputFormat,
  type NumericColumn,
  type OpenOptions,
  type TypeErrorSample,
} from "./types.js";

/**
 * Rows looked at to decide whether counting a numeric column's distinct values exactly is
 * cheap (and to measure text columns). Hash-counting distinct values of every column over
 * 65,536 rows cost about 150 ms CPU per 1M-row file; 8,192 rows answer the same questions.
 */
const DISTINCT_SAMPLE_ROWS = 8_192;
/** Up to this many distinct values in the sample, the exact count is cheap (a small hash table). */
const DISTINCT_EXACT_MAX = 1_000;
const TYPE_ERROR_SAMPLES = 20;
/**
 * Text columns with at most this many distinct values (known exactly from the profile) have
 * their numeric strings counted per distinct value rather than per row.
 */
const GROUPED_CAST_MAX_DISTINCT = 100_000;
/**
 * Numeric columns are read several per scan (one query, one pass over the file, chunks
 * copied straight into typed arrays) up to this many bytes of values per scan: each query
 * has a fixed cost, while the memory held grows with the columns read ahead.
 */
const SCAN_GROUP_BYTES = 64 * 2 ** 20;
const SCAN_GROUP_MAX_COLUMNS = 32;
/**
 * A text column is profiled from its distinct values (one GROUP BY, cheap on dictionary-encoded
 * data) rather than row by row. Up to this many distinct values, the grouped counts are kept:
 * they answer categoryCounts() without another scan.
 */
const KEEP_GROUPS_MAX = 10_000;

/**
 * A Parquet file whose numeric columns take at most this many bytes as doubles is read whole
 * at open, in one pass (its pages, else one scan) that also counts their missing values and
 * NaN: the profile's count query decoded every numeric column once more only to count them
 * (0.1-0.13 s CPU per 1M x 20 file). Larger files (and text files, whose scratch copy's
 * writer already counted) keep the count query and are read in groups as the columns are
 * asked for (OpenOptions.prefetchBytes).
 */
const PREFETCH_BYTES = 192 * 2 ** 20;

interface ColumnPlan {
  info: ColumnInfo;
  cls: TypeClass;
  /** The column as SQL; text for types without a numeric reading. */
  expr: string;
  /** A floating-point column holding NaN (counted as missing). */
  nan: boolean;
  /** Text columns with few distinct values: their counts, kept from the profile. */
  groups?: { counts: CategoryCounts; numericStrings: number };
  /** The present values (no missing, no NaN), read at open (see PREFETCH_BYTES). */
  prefetched?: Float64Array;
}

/** A numeric column's finite and infinite values, unsorted, as read from the file. */
type RawColumn = Promise<Float64Array>;

export async function openDataset(path: string, opts: OpenOptions = {}): Promise<Dataset> {
  const ff = resolveFormat(path, opts.format);
  const absolute = resolve(path);
  const size = await checkReadable(path, absolute);
  validateKinds(opts.kinds);
  if (
    opts.conversionThreads !== undefined &&
    !(Number.isInteger(opts.conversionThreads) && opts.conversionThreads >= 1)
  ) {
    throw invalidArgument("conversionThreads", "an integer >= 1", opts.conversionThreads);
  }
  // A file this large has columns long enough to be sorted on worker threads: they start
  // (30-50 ms each, WebAssembly compiled) while the file is parsed and profiled.
  if (size >= SORT_WORKERS_FROM_BYTES) startSortWorkers();
  const engine = opts.db ? asEngine(opts.db) : await Engine.create({ threads: opts.threads });
  const ownsEngine = !opts.db;
  let conn: DuckDBConnection | undefined;
  let source: Source | undefined;
  try {
    conn = await engine.connect();
    source = await loadSource(engine, conn, absolute, ff, opts.conversionThreads);
    const dataset = await FileDataset.create(path, ff.format, engine, conn, source, opts);
    dataset.ownsEngine = ownsEngine;
    return dataset;
  } catch (error) {
    await source?.cleanup().catch(() => {});
    if (conn) engine.release(conn);
    if (ownsEngine) await engine.close();
    if (isVigilError(error)) throw error;
    throw parseError(path, duckdbMessage(error), undefined, error);
  }
}

/** Files from this size on start the sort workers at once (see openDataset). */
const SORT_WORKERS_FROM_BYTES = 8 * 2 ** 20;

/** The file's size; VIGIL_FILE_* errors when it cannot be read or is empty. */
async function checkReadable(path: string, absolute: string): Promise<number> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new VigilError("VIGIL_FILE_NOT_FOUND", `no such file: ${path}`, [], { cause: error });
    }
    throw new VigilError("VIGIL_FILE_UNREADABLE", `cannot read ${path} (${code ?? "error"})`, [], {
      cause: error,
    });
  }
  if (st.isDirectory()) {
    throw new VigilError("VIGIL_FILE_UNREADABLE", `${path} is a directory, not a data file`);
  }
  if (!st.isFile()) {
    throw new VigilError("VIGIL_FILE_UNREADABLE", `${path} is not a regular file`);
  }
  try {
    await (await open(absolute, "r")).close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VigilError("VIGIL_FILE_UNREADABLE", `cannot read ${path} (${code ?? "error"})`, [], {
      cause: error,
    });
  }
  if (st.size === 0) {
    throw new VigilError("VIGIL_EMPTY_DATASET", `${path} is empty (0 bytes)`);
  }
  return st.size;
}

function validateKinds(kinds: Record<string, ColumnKind> | undefined): void {
  for (const [name, kind] of Object.entries(kinds ?? {})) {
    if (!COLUMN_KINDS.includes(kind)) {
      throw invalidArgument(`kind of column ${JSON.stringify(name)}`, COLUMN_KINDS.join("|"), kind);
    }
  }
}

function num(v: unknown): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  if (v === null || v === undefined) return 0;
  return Number(v);
}

class FileDataset implements Dataset {
  ownsEngine = false;
  private readonly plans = new Map<string, ColumnPlan>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Columns announced by willRead() and not yet scanned, in the order they will be asked for. */
  private upcoming: string[] = [];
  /** Columns scanned (or being scanned) and not yet handed out. */
  private readonly scanned = new Map<string, RawColumn>();
  /** Memory of released columns, for the next scans (see release()). */
  private readonly spare: ArrayBuffer[] = [];

  private constructor(
    readonly path: string,
    readonly format: InputFormat,
    readonly rowCount: number,
    readonly columns: ColumnInfo[],
    plans: ColumnPlan[],
    private readonly engine: Engine,
    private readonly conn: DuckDBConnection,
    private readonly source: Source,
  ) {
    for (const p of plans) this.plans.set(p.info.name, p);
  }

  static async create(
    path: string,
    format: InputFormat,
    engine: Engine,
    conn: DuckDBConnection,
    source: Source,
    opts: OpenOptions,
  ): Promise<FileDataset> {
    const kinds = opts.kinds;
    const plans: ColumnPlan[] = source.columns.map(({ name, type }) => {
      const cls = typeClass(type);
      const id = quoteIdent(name);
      // A JSON Lines field that mixes numbers and strings arrives as JSON: take its scalar
      // text ("NA", not "\"NA\""); JSON null is missing.
      const expr =
        type === "JSON"
          ? `json_extract_string(${id}, '$')`
          : cls === "string" && type !== "VARCHAR"
            ? `CAST(${id} AS VARCHAR)`
            : id;
      return {
        cls,
        expr,
        nan: false,
        info: {
          name,
          kind: "numeric",
          sourceType: type,
          rows: 0,
          missing: 0,
          distinct: 0,
          distinctExact: true,
        },
      };
    });
    for (const name of Object.keys(kinds ?? {})) {
      if (!plans.some((p) => p.info.name === name)) {
        throw new VigilError(
          "VIGIL_COLUMN_NOT_FOUND",
          `--kind names column ${JSON.stringify(name)}, which ${path} does not have`,
          [{ column: name, message: "no such column" }],
        );
      }
    }
    const prefetchBytes = opts.prefetchBytes ?? PREFETCH_BYTES;
    if (!(Number.isFinite(prefetchBytes) && prefetchBytes >= 0)) {
      throw invalidArgument("prefetchBytes", "a number of bytes >= 0", opts.prefetchBytes);
    }
    const rowCount = await profile(conn, source, plans, prefetchBytes);
    if (rowCount === 0) {
      throw new VigilError("VIGIL_EMPTY_DATASET", `${path} has no data rows`);
    }
    for (const p of plans) {
      const override = kinds?.[p.info.name];
      if (override !== undefined) p.info.kind = override;
      // Only numeric and datetime columns are asked for as numbers (a categorical integer
      // column is counted by category); numericColumn() scans again if one is.
      if (p.info.kind !== "numeric" && p.info.kind !== "datetime") delete p.prefetched;
    }
    return new FileDataset(
      path,
      format,
      rowCount,
      plans.map((p) => p.info),
      plans,
      engine,
      conn,
      source,
    );
  }

  column(name: string): ColumnInfo {
    return this.plan(name).info;
  }

  private plan(name: string): ColumnPlan {
    const p = this.plans.get(name);
    if (!p) {
      throw new VigilError(
        "VIGIL_COLUMN_NOT_FOUND",
        `${this.path} has no column ${JSON.stringify(name)}`,
        [{ column: name, message: "no such column" }],
      );
    }
    return p;
  }

  /** One query at a time per connection; DuckDB errors become VigilErrors. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.closed) throw new Error(`data set ${this.path} is closed`);
      try {
        return await work();
      } catch (error) {
        if (isVigilError(error)) throw error;
        // Parquet is read lazily, so a corrupt page shows up here rather than at open.
        if (this.format === "parquet")
          throw parseError(this.path, duckdbMessage(error), undefined, error);
        throw new VigilError(
          "VIGIL_INTERNAL",
          `reading ${this.path}: ${duckdbMessage(error)}`,
          [],
          {
            cause: error,
          },
        );
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Announces the numeric columns numericColumn() will be asked for, in order, so that they
   * can be read several per scan. Text columns read as numbers keep their own query (their
   * type errors need row numbers); unknown names are ignored here and fail when asked for.
   */
  willRead(names: string[]): void {
    const seen = new Set<string>();
    this.upcoming = names.filter((name) => {
      const p = this.plans.get(name);
      if (!p || p.cls === "string" || p.prefetched || seen.has(name) || this.scanned.has(name))
        return false;
      seen.add(name);
      return true;
    });
  }

  async numericColumn(name: string): Promise<NumericColumn> {
    const p = this.plan(name);
    let raw: Float64Array;
    let typeErrors: NumericColumn["typeErrors"] = { count: 0, samples: [] };
    if (p.cls === "string") {
      const fetched = await this.serial(() => this.readTextAsNumbers(p));
      raw = fetched.raw;
      typeErrors = fetched.typeErrors;
    } else {
      raw = await this.takeScanned(p);
    }
    // Fetched unsorted and sorted here, on a worker thread for long columns: scanning a
    // column and radix-sorting it costs less CPU than DuckDB's ORDER BY. The connection is
    // free meanwhile, so the next scan runs while this column sorts.
    const { sorted, finite, negInf, posInf, distinct, mean, std } = await sortColumnAsync(raw);
    if (p.cls !== "string") {
      p.info.distinct = distinct + (negInf > 0 ? 1 : 0) + (posInf > 0 ? 1 : 0);
      p.info.distinctExact = true;
    }
    return {
      values: finite,
      missing: this.rowCount - sorted.length - typeErrors.count,
      posInf,
      negInf,
      typeErrors,
      distinct,
      mean,
      std,
    };
  }

  release(column: NumericColumn): void {
    const buffer = column.values.buffer;
    // Detached (still with a sort worker) or shared memory is not ours to reuse.
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return;
    if (this.spare.includes(buffer)) return;
    // Two at least (a 10M-row column alone is 80 MB: one is sorting while the next is read).
    let kept = buffer.byteLength;
    for (const b of this.spare) kept += b.byteLength;
    if (this.spare.length < 2 || kept <= SCAN_GROUP_BYTES) this.spare.push(buffer);
  }

  /** A Float64Array of `length` values over released memory when some is large enough. */
  private newColumn(length: number): Float64Array {
    let best = -1;
    for (let i = 0; i < this.spare.length; i++) {
      const size = (this.spare[i] as ArrayBuffer).byteLength;
      if (size >= length * 8 && (best < 0 || size < (this.spare[best] as ArrayBuffer).byteLength))
        best = i;
    }
    if (best < 0) return new Float64Array(length);
    const [buffer] = this.spare.splice(best, 1);
    return new Float64Array(buffer as ArrayBuffer, 0, length);
  }

  /**
   * The raw values of a non-text column: from a scan already made or under way, else from a
   * scan of this column and the next announced ones. When the last column read ahead is
   * taken, the next group's scan starts, so it overlaps the sorting and testing of this one.
   */
  private takeScanned(p: ColumnPlan): RawColumn {
    const name = p.info.name;
    const prefetched = p.prefetched;
    if (prefetched) {
      delete p.prefetched;
      return Promise.resolve(prefetched);
    }
    let raw = this.scanned.get(name);
    if (raw === undefined) {
      const at = this.upcoming.indexOf(name);
      if (at >= 0) this.upcoming.splice(at, 1);
      this.scanGroup([p, ...this.nextGroup(1)]);
      raw = this.scanned.get(name) as RawColumn;
    }
    this.scanned.delete(name);
    if (this.scanned.size === 0 && this.upcoming.length > 0) this.scanGroup(this.nextGroup(0));
    return raw;
  }

  /** The next announced columns to scan together, `taken` places of the group already used. */
  private nextGroup(taken: number): ColumnPlan[] {
    const perScan = Math.max(
      1,
      Math.min(SCAN_GROUP_MAX_COLUMNS, Math.floor(SCAN_GROUP_BYTES / (8 * this.rowCount))),
    );
    // Equal groups: 17 columns at 8 per scan read as 6, 6 and 5, not 8, 8 and 1.
    const total = this.upcoming.length + taken;
    const size = Math.ceil(total / Math.ceil(total / perScan)) - taken;
    return this.upcoming.splice(0, Math.max(0, size)).map((n) => this.plan(n));
  }

  /** Starts one scan for `group`; each column's promise is in `scanned` until taken. */
  private scanGroup(group: ColumnPlan[]): void {
    if (group.length === 0) return;
    const all = this.scanNumbers(group);
    group.forEach((p, j) => {
      const one = all.then((columns) => columns[j] as Float64Array);
      // Rejections reach whoever takes the column; nobody may, if the run stops early.
      one.catch(() => {});
      this.scanned.set(p.info.name, one);
    });
  }

  /**
   * The columns of `group`, each array sized from the profile: those the Parquet pages hold
   * from there (no DuckDB query, so not queued behind others), the rest in one scan.
   */
  private async scanNumbers(group: ColumnPlan[]): Promise<Float64Array[]> {
    const outs = group.map((p) => this.newColumn(this.rowCount - p.info.missing));
    const filled = await readColumns(this.source, group, outs, (rest, restOuts) =>
      this.serial(() => scanDoubles(this.conn, this.source, rest, restOuts)),
    );
    group.forEach((p, j) => {
      if (filled[j] !== outs[j]?.length) {
        throw new VigilError(
          "VIGIL_INTERNAL",
          `reading ${this.path}: column ${JSON.stringify(p.info.name)} gave ${filled[j]} values, the profile counted ${outs[j]?.length}`,
        );
      }
    });
    return outs;
  }

  /** A text column's numbers (TRY_CAST), and the values that are not numbers, by row. */
  private async readTextAsNumbers(
    p: ColumnPlan,
  ): Promise<{ raw: Float64Array; typeErrors: NumericColumn["typeErrors"] }> {
    const rel = this.source.relation;
    const parsed =
      p.info.kind === "datetime"
        ? `CAST(epoch_ms(TRY_CAST(${p.expr} AS TIMESTAMP)) AS DOUBLE)`
        : `TRY_CAST(${p.expr} AS DOUBLE)`;
    const present = `NOT ${stringMissing(p.expr)}`;
    const valueSql = `SELECT v FROM (SELECT ${parsed} AS v FROM ${rel} WHERE ${present}) WHERE v IS NOT NULL AND NOT isnan(v)`;
    const typeErrors = await this.typeErrors(
      `SELECT ${this.source.rowExpr} AS r, ${p.expr} AS s FROM ${rel} WHERE ${present} AND ${parsed} IS NULL`,
    );
    return { raw: await readDoubles(await this.conn.run(valueSql)), typeErrors };
  }

  private async typeErrors(select: string): Promise<NumericColumn["typeErrors"]> {
    const reader = await this.conn.runAndReadAll(
      `SELECT r, s, count(*) OVER () AS n FROM (${select}) ORDER BY r LIMIT ${TYPE_ERROR_SAMPLES}`,
    );
    const rows = reader.getRows();
    const samples: TypeErrorSample[] = rows.map((r) => ({ row: num(r[0]), value: String(r[1]) }));
    return { count: rows.length > 0 ? num(rows[0]?.[2]) : 0, samples };
  }

  async categoryCounts(name: string): Promise<CategoryCounts> {
    const p = this.plan(name);
    const kept = p.groups?.counts;
    if (kept) {
      return this.serial(async () => ({
        categories: [...kept.categories],
        counts: kept.counts.slice(),
        missing: kept.missing,
      }));
    }
    return this.serial(async () => {
      // Grouped on the stored values first, then keyed: a string is made per distinct value,
      // not per row. The outer GROUP BY merges values that print alike (-0 and 0).
      let key: string;
      let keep: string;
      if (p.cls === "float") {
        const v = "CAST(v AS DOUBLE)";
        // Whole numbers read as DOUBLE (JSON's 1.0, Parquet floats) print as the integers a
        // CSV reader would have produced, so one column reads the same in every format.
        key = `CASE WHEN ${v} = trunc(${v}) AND abs(${v}) < 1e15 THEN CAST(CAST(${v} AS BIGINT) AS VARCHAR) ELSE CAST(${v} AS VARCHAR) END`;
        keep = `${p.expr} IS NOT NULL AND NOT isnan(CAST(${p.expr} AS DOUBLE))`;
      } else if (p.cls === "string") {
        key = "v";
        keep = `NOT ${stringMissing(p.expr)}`;
      } else {
        key = "CAST(v AS VARCHAR)";
        keep = `${p.expr} IS NOT NULL`;
      }
      const result = await this.conn.run(
        `SELECT k, sum(c) AS c FROM (SELECT ${key} AS k, c FROM (SELECT ${p.expr} AS v, count(*) AS c FROM ${this.source.relation} WHERE ${keep} GROUP BY 1)) GROUP BY k ORDER BY c DESC, k`,
      );
      const categories: string[] = new Array(result.rowCount);
      const counts = new Float64Array(result.rowCount);
      let i = 0;
      let total = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const keys = chunk.getColumnVector(0);
        const cs = chunk.getColumnVector(1);
        for (let j = 0; j < chunk.rowCount; j++, i++) {
          categories[i] = String(keys.getItem(j));
          const c = num(cs.getItem(j));
          counts[i] = c;
          total += c;
        }
      }
      return { categories, counts, missing: this.rowCount - total };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    try {
      await this.source.cleanup();
    } finally {
      this.engine.release(this.conn);
      if (this.ownsEngine) await this.engine.close();
    }
  }
}

/**
 * The columns of `group` into `outs`, as scanDoubles gives them: those the source's Parquet
 * pages hold (see ParquetPages) from there, the rest (or all, if reading the pages fails)
 * through `scan`. Returns how many values each column had.
 */
async function readColumns(
  source: Source,
  group: ColumnPlan[],
  outs: Float64Array[],
  scan: (rest: ColumnPlan[], restOuts: Float64Array[]) => Promise<number[]>,
): Promise<number[]> {
  const pages = source.pages;
  const direct = group.map(
    (p) =>
      pages !== undefined &&
      (p.cls === "float" || p.cls === "integer") &&
      p.expr === quoteIdent(p.info.name) &&
      pages.reads(p.info.name),
  );
  const filled = group.map(() => 0);
  const fromPages = group.flatMap((_, j) => (direct[j] ? [j] : []));
  let scanned = group.flatMap((_, j) => (direct[j] ? [] : [j]));
  if (pages && fromPages.length > 0) {
    try {
      const got = await pages.readDoubles(
        fromPages.map((j) => (group[j] as ColumnPlan).info.name),
        fromPages.map((j) => outs[j] as Float64Array),
        fromPages.map((j) => (group[j] as ColumnPlan).nan),
      );
      fromPages.forEach((j, k) => {
        filled[j] = got[k] as number;
      });
    } catch {
      // Declined, or a page it could not make sense of: DuckDB reads these columns too, and
      // a damaged file gets its error (with its code) from there.
      scanned = group.map((_, j) => j);
    }
  }
  if (scanned.length > 0) {
    const got = await scan(
      scanned.map((j) => group[j] as ColumnPlan),
      scanned.map((j) => outs[j] as Float64Array),
    );
    scanned.forEach((j, k) => {
      filled[j] = got[k] as number;
    });
  }
  return filled;
}

/**
 * One query over `source` for the columns of `group`, as DOUBLE, copied chunk by chunk from
 * DuckDB's vectors (no JS value per row) into `outs`, without missing values and NaN (NaN is
 * looked for in columns whose plan says they may hold one). Returns how many values each
 * column had.
 */
async function scanDoubles(
  conn: DuckDBConnection,
  source: Source,
  group: ColumnPlan[],
  outs: Float64Array[],
): Promise<number[]> {
  const exprs = group.map((p) =>
    p.cls === "temporal" ? `CAST(epoch_ms(${p.expr}) AS DOUBLE)` : `CAST(${p.expr} AS DOUBLE)`,
  );
  const filled = group.map(() => 0);
  const result = await conn.stream(`SELECT ${exprs.join(", ")} FROM ${source.relation}`);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (let j = 0; j < group.length; j++) {
      filled[j] = appendPresent(
        chunk.getColumnVector(j),
        chunk.rowCount,
        outs[j] as Float64Array,
        filled[j] as number,
        (group[j] as ColumnPlan).nan,
      );
    }
  }
  return filled;
}

/**
 * Appends the present (valid, not NaN) values of the first `rows` items of a DOUBLE vector to
 * `out` at `at`; returns the new fill level. The vector's backing Float64Array and validity
 * words are public fields of @duckdb/node-api's DuckDBDoubleVector (not in its typings), read
 * directly so that no JS value is made per row; any other shape goes item by item.
 */
function appendPresent(
  vector: { getItem(i: number): unknown },
  rows: number,
  out: Float64Array,
  at: number,
  nan: boolean,
): number {
  const { items, validity } = vector as unknown as {
    items?: unknown;
    validity?: { data?: unknown };
  };
  const mask = validity?.data ?? null;
  let k = at;
  if (
    !(items instanceof Float64Array) ||
    items.length !== rows ||
    !(mask === null || mask instanceof BigUint64Array)
  ) {
    for (let i = 0; i < rows; i++) {
      const v = vector.getItem(i);
      if (v === null || v === undefined) continue;
      const x = num(v);
      if (!Number.isNaN(x)) out[k++] = x;
    }
    return k;
  }
  if (mask === null) {
    if (!nan) {
      if (k + rows <= out.length) out.set(items, k);
      return k + rows;
    }
    for (let i = 0; i < rows; i++) {
      const x = items[i] as number;
      if (!Number.isNaN(x)) out[k++] = x;
    }
    return k;
  }
  // Bit i of the little-endian 64-bit validity words is row i: read them as 32-bit halves.
  const bits = new Uint32Array(mask.buffer, mask.byteOffset, mask.length * 2);
  if (nan) {
    for (let i = 0; i < rows; i++) {
      if ((((bits[i >>> 5] as number) >>> (i & 31)) & 1) === 0) continue;
      const x = items[i] as number;
      if (!Number.isNaN(x)) out[k++] = x;
    }
    return k;
  }
  // Without a branch on the validity bit (missing values are scattered at random, so the
  // branch is mispredicted often): every value is written, and the slot advances only past
  // valid ones. A write past the end of `out` (trailing missing values) is dropped.
  for (let i = 0; i < rows; i++) {
    out[k] = items[i] as number;
    k += ((bits[i >>> 5] as number) >>> (i & 31)) & 1;
  }
  return k;
}

/**
 * The single DOUBLE column of a result as one Float64Array. The vector's backing array is
 * copied chunk by chunk (`set`), so no JS value is made per row; the typed array is a
 * private field of @duckdb/node-api's DuckDBDoubleVector, so there is a per-item fallback.
 */
async function readDoubles(result: DuckDBMaterializedResult): Promise<Float64Array> {
  const out = new Float64Array(result.rowCount);
  let k = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const vector = chunk.getColumnVector(0);
    const items = (vector as unknown as { items?: unknown }).items;
    const n = chunk.rowCount;
    if (items instanceof Float64Array && items.length === n) {
      out.set(items, k);
      k += n;
    } else {
      for (let j = 0; j < n; j++) out[k++] = num(vector.getItem(j));
    }
  }
  return k === out.length ? out : out.subarray(0, k);
}

/**
 * One aggregate pass over every column: row count and missing values, and for text columns
 * exact distinct counts and average length. A second, cheap pass over the first rows
 * bounds what would be costly to count over all rows (see ColumnInfo.distinct, and the
 * numeric-string share of text columns, which only needs counting in full when the first
 * rows leave the 95% rule reachable).
 */
async function profile(
  conn: DuckDBConnection,
  source: Source,
  plans: ColumnPlan[],
  prefetchBytes: number,
): Promise<number> {
  const select: string[] = ["count(*)"];
  const slots: number[][] = [];
  // Nulls counted by the Parquet writer (a text file's scratch copy) need no scan; NaN only
  // when the writer saw none, since it tells whether there is one, not how many.
  const written = plans.map((p) => {
    const c = source.counts?.columns.get(p.info.name);
    if (!c) return undefined;
    if (p.cls === "integer" || p.cls === "temporal") return c;
    return p.cls === "float" && c.hasNan === false ? c : undefined;
  });
  const prefetched = await prefetch(conn, source, plans, written, prefetchBytes);
  for (const [i, p] of plans.entries()) {
    const e = p.expr;
    const first = select.length;
    if (written[i] === undefined && !p.prefetched) {
      if (p.cls === "float") {
        // NaN counted as the values above +Infinity (DuckDB orders NaN above every number):
        // a plain comparison, where isnan() doubled the cost of this scan (80 ms per 1M x 20).
        select.push(`count(${e})`, `count_if(CAST(${e} AS DOUBLE) > 'inf'::DOUBLE)`);
      } else if (p.cls === "boolean") {
        select.push(`count(${e})`, `count(DISTINCT ${e})`);
      } else if (p.cls !== "string") {
        select.push(`count(${e})`);
      }
    }
    slots.push(Array.from({ length: select.length - first }, (_, i) => first + i));
  }
  const known = source.counts?.rows ?? prefetched;
  const row =
    select.length === 1 && known !== undefined
      ? [known]
      : (
          await conn.runAndReadAll(`SELECT ${select.join(", ")} FROM ${source.relation}`)
        ).getRows()[0];
  if (!row) throw new Error("profile query returned no row");
  const rows = num(row[0]);
  const at = (i: number, j: number) => row[slots[i]?.[j] ?? -1];
  for (const [i, p] of plans.entries()) {
    p.info.rows = rows;
    const w = written[i];
    if (w) {
      p.info.missing = w.nulls;
    } else if (p.prefetched) {
      p.info.missing = rows - p.prefetched.length;
    } else if (p.cls === "string") {
      await profileText(conn, source, p, rows);
    } else if (p.cls === "float") {
      p.info.missing = rows - num(at(i, 0)) + num(at(i, 1));
      p.nan = num(at(i, 1)) > 0;
    } else {
      p.info.missing = rows - num(at(i, 0));
      if (p.cls === "boolean") p.info.distinct = num(at(i, 1));
    }
  }
  const text = rows > 0 ? await sampledPass(conn, source, plans, rows) : new Map();
  plans.forEach((p, i) => {
    p.info.kind = inferKind({
      typeClass: p.cls,
      present: rows - p.info.missing,
      distinct: p.info.distinct,
      numericStrings: text.get(i)?.numericStrings ?? 0,
      averageLength: text.get(i)?.averageLength ?? 0,
    });
  });
  return rows;
}

/**
 * Reads the numeric columns the profile would otherwise count (see PREFETCH_BYTES) in one
 * pass (readColumns), when they fit in `maxBytes`; each plan gets its present values as `prefetched`.
 * Returns the row count, or undefined when it was not needed.
 */
async function prefetch(
  conn: DuckDBConnection,
  source: Source,
  plans: ColumnPlan[],
  written: readonly unknown[],
  maxBytes: number,
): Promise<number | undefined> {
  if (source.counts || maxBytes === 0) return undefined;
  const group = plans.filter(
    (p, i) =>
      written[i] === undefined &&
      (p.cls === "integer" || p.cls === "float" || p.cls === "temporal"),
  );
  if (group.length === 0 || !source.relation.startsWith("read_parquet(")) return undefined;
  // Parquet answers count(*) from its footer.
  const rows = num(
    (await conn.runAndReadAll(`SELECT count(*) FROM ${source.relation}`)).getRows()[0]?.[0],
  );
  if (rows === 0 || rows * 8 * group.length > maxBytes) return rows;
  for (const p of group) p.nan = p.cls === "float";
  const outs = group.map(() => new Float64Array(rows));
  const filled = await readColumns(source, group, outs, (rest, restOuts) =>
    scanDoubles(conn, source, rest, restOuts),
  );
  group.forEach((p, j) => {
    p.prefetched = (outs[j] as Float64Array).subarray(0, filled[j]);
  });
  return rows;
}

/**
 * Missing and distinct counts of a text column from its distinct values: per row, the
 * missing-string test (seven comparisons) cost more than the grouping. With at most
 * KEEP_GROUPS_MAX distinct values, the grouped counts (in categoryCounts' order) and the
 * count of numeric strings come along and are kept on the plan.
 */
async function profileText(
  conn: DuckDBConnection,
  source: Source,
  p: ColumnPlan,
  rows: number,
): Promise<void> {
  const missing = stringMissing("v");
  const reader = await conn.runAndReadAll(
    `SELECT v, c, m, g, mg, mc,
       CASE WHEN g <= ${KEEP_GROUPS_MAX} THEN TRY_CAST(v AS DOUBLE) IS NOT NULL END AS isnum
     FROM (
       SELECT v, c, ${missing} AS m, count(*) OVER () AS g,
         sum(CASE WHEN ${missing} THEN 1 ELSE 0 END) OVER () AS mg,
         sum(CASE WHEN ${missing} THEN c ELSE 0 END) OVER () AS mc
       FROM (SELECT ${p.expr} AS v, count(*) AS c FROM ${source.relation} GROUP BY 1)
     )
     ORDER BY c DESC, v LIMIT ${KEEP_GROUPS_MAX + 1}`,
  );
  const groups = reader.getRows();
  const first = groups[0];
  if (!first) {
    p.info.missing = rows;
    p.info.distinct = 0;
    return;
  }
  const g = num(first[3]);
  p.info.missing = num(first[5]);
  p.info.distinct = g - num(first[4]);
  if (g > KEEP_GROUPS_MAX) return;
  const categories: string[] = [];
  const counts: number[] = [];
  let numericStrings = 0;
  for (const r of groups) {
    if (r[2] === true) continue;
    const c = num(r[1]);
    categories.push(String(r[0]));
    counts.push(c);
    if (r[6] === true) numericStrings += c;
  }
  p.groups = {
    counts: { categories, counts: Float64Array.from(counts), missing: p.info.missing },
    numericStrings,
  };
}

/**
 * Over the first DISTINCT_SAMPLE_ROWS rows: distinct counts of numeric-like columns, and
 * non-numeric values and average length of text columns (length only tells free text from
 * labels, which the first rows show as well as all of them). Then, over all rows and only
 * where needed: exact distinct counts of numeric columns that look low-cardinality, and
 * numeric-string counts of text columns that can still be >= 95% numeric. Returns, per text
 * column, the numeric-string count (or an upper bound below the 95% rule) and average length.
 */
async function sampledPass(
  conn: DuckDBConnection,
  source: Source,
  plans: ColumnPlan[],
  rows: number,
): Promise<Map<number, { numericStrings: number; averageLength: number }>> {
  const distinctOf = (p: ColumnPlan) =>
    p.cls === "float"
      ? `count(DISTINCT ${p.expr}) FILTER (WHERE NOT isnan(CAST(${p.expr} AS DOUBLE)))`
      : `count(DISTINCT ${p.expr})`;
  const nonNumericOf = (p: ColumnPlan) =>
    `count_if(NOT ${stringMissing(p.expr)} AND TRY_CAST(${p.expr} AS DOUBLE) IS NULL)`;
  const numericOf = (p: ColumnPlan) =>
    `count_if(NOT ${stringMissing(p.expr)} AND TRY_CAST(${p.expr} AS DOUBLE) IS NOT NULL)`;
  const numericLike = (p: ColumnPlan) =>
    p.cls === "integer" || p.cls === "float" || p.cls === "temporal";
  const sampled = plans
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => numericLike(p) || p.cls === "string");
  const result = new Map<number, { numericStrings: number; averageLength: number }>();
  if (sampled.length === 0) return result;
  const names = sampled.map(({ p }) => quoteIdent(p.info.name)).join(", ");
  const lengthOf = (p: ColumnPlan) =>
    `avg(length(${p.expr})) FILTER (WHERE NOT ${stringMissing(p.expr)})`;
  const texts = sampled.filter(({ p }) => !numericLike(p));
  const head = (
    await conn.runAndReadAll(
      `SELECT ${[
        ...sampled.map(({ p }) =>
          numericLike(p) ? distinctOf(p) : p.groups ? "NULL" : nonNumericOf(p),
        ),
        ...texts.map(({ p }) => lengthOf(p)),
      ].join(", ")} FROM (SELECT ${names} FROM ${source.relation} LIMIT ${DISTINCT_SAMPLE_ROWS})`,
    )
  ).getRows()[0];
  texts.forEach(({ i }, j) => {
    result.set(i, { numericStrings: 0, averageLength: num(head?.[sampled.length + j]) });
  });
  const full = rows <= DISTINCT_SAMPLE_ROWS;
  const second: { i: number; sql: string; kind: "distinct" | "numeric" }[] = [];
  const byValue: number[] = [];
  sampled.forEach(({ p, i }, j) => {
    const v = num(head?.[j]);
    const present = rows - p.info.missing;
    if (p.groups) {
      result.get(i)!.numericStrings = p.groups.numericStrings;
    } else if (numericLike(p)) {
      p.info.distinct = v;
      p.info.distinctExact = full;
      if (!full && v <= DISTINCT_EXACT_MAX)
        second.push({ i, sql: distinctOf(p), kind: "distinct" });
    } else if (v > (1 - NUMERIC_STRING_SHARE) * present) {
      // Already too many non-numbers for the 95% rule: no need to look further.
      result.get(i)!.numericStrings = present - v;
    } else if (p.info.distinct <= GROUPED_CAST_MAX_DISTINCT) {
      byValue.push(i);
    } else {
      second.push({ i, sql: numericOf(p), kind: "numeric" });
    }
  });
  // A label column (few distinct strings) is counted per distinct value: TRY_CAST, slow
  // when it fails, then runs once per label instead of once per row. Same count exactly.
  for (const i of byValue) {
    const e = plans[i]!.expr;
    const row = (
      await conn.runAndReadAll(
        `SELECT sum(c) FROM (SELECT ${e} AS s, count(*) AS c FROM ${source.relation} WHERE NOT ${stringMissing(e)} GROUP BY 1) WHERE TRY_CAST(s AS DOUBLE) IS NOT NULL`,
      )
    ).getRows()[0];
    result.get(i)!.numericStrings = num(row?.[0]);
  }
  if (second.length === 0) return result;
  const all = (
    await conn.runAndReadAll(
      `SELECT ${second.map((s) => s.sql).join(", ")} FROM ${source.relation}`,
    )
  ).getRows()[0];
  second.forEach(({ i, kind }, j) => {
    const v = num(all?.[j]);
    const p = plans[i]!;
    if (kind === "distinct") {
      p.info.distinct = v;
      p.info.distinctExact = true;
    } else {
      result.get(i)!.numericStrings = v;
    }
  });
  return result;
}
