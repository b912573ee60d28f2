import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import { VigilError } from "../errors.js";
import { duckdbMessage, parseError } from "./duckdb-errors.js";
import type { Engine } from "./engine.js";
import { detectDelimiter, type FileFormat, readHead } from "./format.js";
import { ParquetPages } from "./parquet-pages.js";
import { MISSING_LIST_SQL, quoteIdent, quoteString } from "./sql.js";

/** Where a data set's rows live once opened, and how to number them. */
export interface Source {
  /** A FROM-clause item. */
  relation: string;
  /** SQL for the 1-based data row of a row of `relation` (file order). */
  rowExpr: string;
  columns: { name: string; type: string }[];
  /** Counts known without a scan (from writing the file), by column name. */
  counts?: WrittenCounts;
  /** The Parquet file's numeric columns that can be read straight from its pages. */
  pages?: ParquetPages;
  cleanup(): Promise<void>;
}

/** What DuckDB's Parquet writer counted while writing a scratch file (COPY ... RETURN_STATS). */
export interface WrittenCounts {
  rows: number;
  columns: Map<string, { nulls: number; hasNan: boolean | undefined }>;
}

export async function loadSource(
  engine: Engine,
  conn: DuckDBConnection,
  path: string,
  ff: FileFormat,
  conversionThreads?: number,
): Promise<Source> {
  switch (ff.format) {
    case "csv":
    case "tsv":
      return loadCsv(engine, conn, path, ff, conversionThreads);
    case "jsonl":
      return loadJsonl(engine, conn, path, ff, conversionThreads);
    case "parquet":
      return openParquet(engine, conn, path, ff);
  }
}

async function describe(conn: DuckDBConnection, relation: string) {
  const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  return reader.getRows().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
}

/**
 * Text formats are parsed once, by DuckDB in parallel, into a Parquet file in the engine's
 * temp directory; every later query reads one column of it. Measured on the 1M x 25
 * benchmark pair, this loads faster than an in-memory table (no per-row insertion into
 * table storage) and keeps the process at about half the peak RSS, since nothing but the
 * column being fetched is in memory; a 10M-row CSV then costs disk, not RAM.
 * Uncompressed: it is read once per column right after, and the codec cost more CPU than it
 * saved. COPY preserves insertion order, so the Parquet row number is the file's data row.
 */
function scratchFile(engine: Engine): { file: string; remove: () => Promise<void> } {
  const file = join(engine.tempDirectory, `${engine.nextName("vigil_ds")}.parquet`);
  return { file, remove: () => rm(file, { force: true }) };
}

/**
 * The writer counts rows, nulls and NaN per column for the file's footer anyway; returned,
 * they spare the profile a scan of every numeric column (0.15-0.25 s CPU per 1M x 20).
 */
async function copyToParquet(
  engine: Engine,
  threads: number | undefined,
  select: string,
  file: string,
): Promise<WrittenCounts | undefined> {
  const rows = await engine.convert(threads, async (conn) =>
    (
      await conn.runAndReadAll(
        `COPY (${select}) TO ${quoteString(file)} (FORMAT parquet, COMPRESSION uncompressed, RETURN_STATS)`,
      )
    ).getRows(),
  );
  return writtenCounts(rows[0]);
}

/** The row of COPY ... RETURN_STATS: count, then a map of quoted column name to its stats. */
function writtenCounts(row: readonly unknown[] | undefined): WrittenCounts | undefined {
  const entries = (row?.[4] as { entries?: unknown } | null | undefined)?.entries;
  if (typeof row?.[1] !== "bigint" || !Array.isArray(entries)) return undefined;
  const columns: WrittenCounts["columns"] = new Map();
  for (const { key, value } of entries as { key: unknown; value: unknown }[]) {
    const stats = new Map<unknown, unknown>(
      ((value as { entries?: { key: unknown; value: unknown }[] })?.entries ?? []).map((e) => [
        e.key,
        e.value,
      ]),
    );
    const nulls = Number(stats.get("null_count"));
    if (typeof key !== "string" || !/^"(?:[^"]|"")*"$/.test(key) || !Number.isSafeInteger(nulls))
      continue;
    const nan = stats.get("has_nan");
    columns.set(key.slice(1, -1).replaceAll('""', '"'), {
      nulls,
      hasNan: nan === "true" ? true : nan === "false" ? false : undefined,
    });
  }
  return { rows: Number(row[1]), columns };
}

async function parquetSource(
  conn: DuckDBConnection,
  file: string,
  cleanup: () => Promise<void>,
  counts: WrittenCounts | undefined,
): Promise<Source> {
  const pages = await ParquetPages.open(file);
  return {
    relation: `read_parquet(${quoteString(file)}, file_row_number=true)`,
    rowExpr: "(file_row_number + 1)",
    columns: await describe(conn, `read_parquet(${quoteString(file)})`),
    ...(counts ? { counts } : {}),
    ...(pages ? { pages } : {}),
    cleanup,
  };
}

// ---------------------------------------------------------------- CSV / TSV

function csvReader(
  path: string,
  ff: FileFormat,
  delim: string,
  varcharColumns: Set<string>,
  rejects?: { table: string; scan: string },
): string {
  const opts = [
    quoteString(path),
    `delim=${quoteString(delim)}`,
    `quote='"'`,
    `escape='"'`,
    "header=true",
    `nullstr=${MISSING_LIST_SQL}`,
    `compression=${ff.gzip ? "'gzip'" : "'none'"}`,
  ];
  if (varcharColumns.size > 0) {
    const types = [...varcharColumns].map((c) => `${quoteString(c)}: 'VARCHAR'`).join(", ");
    opts.push(`types={${types}}`);
  }
  if (rejects) {
    opts.push(
      "store_rejects=true",
      `rejects_table=${quoteString(rejects.table)}`,
      `rejects_scan=${quoteString(rejects.scan)}`,
    );
  }
  return `read_csv(${opts.join(", ")})`;
}

interface Reject {
  line: number;
  column: string | null;
  type: string;
  message: string;
}

/**
 * Reads the whole file once with DuckDB's reject tables on, to learn every row it could not
 * take: CAST errors name a column whose type the sniffer guessed from a sample; anything
 * else (a ragged row, a bad quote) is a malformed file.
 */
async function csvRejects(
  engine: Engine,
  conn: DuckDBConnection,
  path: string,
  ff: FileFormat,
  delim: string,
  varchar: Set<string>,
): Promise<Reject[]> {
  const table = engine.nextName("vigil_rejects");
  const scan = engine.nextName("vigil_scans");
  try {
    await conn.run(
      `SELECT max(COLUMNS(*)) FROM ${csvReader(path, ff, delim, varchar, { table, scan })}`,
    );
    const reader = await conn.runAndReadAll(
      `SELECT line, column_name, CAST(error_type AS VARCHAR), error_message FROM ${quoteIdent(table)} ORDER BY line LIMIT 10000`,
    );
    return reader.getRows().map((r) => ({
      line: Number(r[0]),
      column: r[1] === null ? null : String(r[1]),
      type: String(r[2]),
      message: String(r[3]),
    }));
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(scan)}`);
  }
}

async function loadCsv(
  engine: Engine,
  conn: DuckDBConnection,
  path: string,
  ff: FileFormat,
  conversionThreads: number | undefined,
): Promise<Source> {
  const delim = ff.format === "tsv" ? "\t" : detectDelimiter(await readHead(path, ff.gzip));
  const scratch = scratchFile(engine);
  const varchar = new Set<string>();
  // Each retry turns at least one more column to VARCHAR, so this ends; three rounds cover
  // the sniffer's sample missing bad values (the usual case) with room to spare.
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const counts = await copyToParquet(
        engine,
        conversionThreads,
        `SELECT * FROM ${csvReader(path, ff, delim, varchar)}`,
        scratch.file,
      );
      return await parquetSource(conn, scratch.file, scratch.remove, counts);
    } catch (error) {
      await scratch.remove();
      const first = duckdbMessage(error);
      let rejects: Reject[];
      try {
        rejects = await csvRejects(engine, conn, path, ff, delim, varchar);
      } catch {
        throw parseError(path, first, undefined, error);
      }
      const broken = rejects.find((r) => r.type !== "CAST");
      if (broken) {
        // DuckDB numbers rows from 1 with the header as row 1; a quoted field spanning
        // lines still counts as one row.
        throw parseError(
          path,
          describeReject(broken),
          {
            row: broken.line - 1,
            ...(broken.column !== null && broken.type !== "TOO MANY COLUMNS"
              ? { column: broken.column }
              : {}),
          },
          error,
        );
      }
      const before = varchar.size;
      for (const r of rejects) if (r.column !== null) varchar.add(r.column);
      if (varchar.size === before) throw parseError(path, first, undefined, error);
    }
  }
  throw parseError(path, "the column types could not be settled");
}

function describeReject(r: Reject): string {
  switch (r.type) {
    case "TOO MANY COLUMNS":
    case "MISSING COLUMNS":
      return `${r.type.toLowerCase()} (${r.message.replace(/^.*?(Expected Number of Columns)/i, "$1").toLowerCase()})`;
    case "UNQUOTED VALUE":
      return "a quote character inside an unquoted value";
    case "INVALID ENCODING":
      return "invalid UTF-8";
    default:
      return r.message;
  }
}

// ---------------------------------------------------------------- JSON Lines

async function loadJsonl(
  engine: Engine,
  conn: DuckDBConnection,
  path: string,
  ff: FileFormat,
  conversionThreads: number | undefined,
): Promise<Source> {
  const scratch = scratchFile(engine);
  const reader = (extra: string) =>
    `read_json(${quoteString(path)}, format='newline_delimited', compression=${ff.gzip ? "'gzip'" : "'uncompressed'"}${extra})`;
  const create = (extra: string) =>
    copyToParquet(engine, conversionThreads, `SELECT * FROM ${reader(extra)}`, scratch.file);
  let counts: WrittenCounts | undefined;
  try {
    counts = await create("");
  } catch (error) {
    await scratch.remove();
    const msg = duckdbMessage(error);
    if (/malformed json/i.test(msg)) {
      const bad = await findBadJsonLine(path, ff.gzip);
      throw parseError(path, bad ? bad.what : msg, bad ? { row: bad.row } : undefined, error);
    }
    // Types guessed from the first records can be contradicted later: detect from all.
    try {
      counts = await create(", sample_size=-1");
    } catch (again) {
      await scratch.remove();
      throw parseError(path, duckdbMessage(again), undefined, again);
    }
  }
  return parquetSource(conn, scratch.file, scratch.remove, counts);
}

function openStream(path: string, gzip: boolean): Readable {
  const raw = createReadStream(path);
  return gzip ? raw.pipe(createGunzip()) : raw;
}

/**
 * DuckDB names a byte offset in a buffer, not the record: find the first record (non-blank
 * line) that does not parse as a JSON object. Only runs once reading has already failed.
 */
async function findBadJsonLine(
  path: string,
  gzip: boolean,
): Promise<{ row: number; what: string } | undefined> {
  const lines = createInterface({
    input: openStream(path, gzip),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let row = 0;
  try {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      row += 1;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        return { row, what: `not valid JSON (${e instanceof Error ? e.message : String(e)})` };
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return { row, what: "a JSON Lines record must be an object" };
      }
    }
  } catch {
    return undefined;
  } finally {
    lines.close();
  }
  return undefined;
}

// ---------------------------------------------------------------- Parquet

async function openParquet(
  engine: Engine,
  conn: DuckDBConnection,
  path: string,
  ff: FileFormat,
): Promise<Source> {
  let file = path;
  let cleanup = async () => {};
  if (ff.gzip) {
    // Parquet is compressed inside; a gzipped Parquet file has to be unpacked to be read.
    const scratch = scratchFile(engine);
    file = scratch.file;
    cleanup = scratch.remove;
    try {
      await pipeline(createReadStream(path), createGunzip(), createWriteStream(file));
    } catch (error) {
      await cleanup();
      throw parseError(path, `not a valid gzip file (${duckdbMessage(error)})`, undefined, error);
    }
  }
  const relation = `read_parquet(${quoteString(file)}, file_row_number=true)`;
  try {
    const columns = await describe(conn, `read_parquet(${quoteString(file)})`);
    const pages = await ParquetPages.open(file);
    return {
      relation,
      rowExpr: "(file_row_number + 1)",
      columns,
      ...(pages ? { pages } : {}),
      cleanup,
    };
  } catch (error) {
    await cleanup();
    if (error instanceof VigilError) throw error;
    throw parseError(path, `not a valid Parquet file (${duckdbMessage(error)})`, undefined, error);
  }
}
