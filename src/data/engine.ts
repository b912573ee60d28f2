import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBInstance as Instance } from "@duckdb/node-api";
import { invalidArgument } from "../errors.js";
import type { DataEngine, EngineOptions } from "./types.js";

// Loaded with require(): imported from ESM, this CommonJS package had Node scan each of its
// ~100 files for export names (cjs-module-lexer), about 0.1 s of CPU on every start.
const { DuckDBInstance } = createRequire(import.meta.url)(
  "@duckdb/node-api",
) as typeof import("@duckdb/node-api");

/**
 * One in-memory DuckDB instance and a temp directory. CSV and JSON Lines files are parsed
 * once into Parquet files in that directory (parsing is the expensive part; every later
 * per-column query reads one column); Parquet files are queried where they lie. Each data
 * set gets its own connection so two data sets can be queried concurrently.
 */
export class Engine implements DataEngine {
  private closed = false;
  private counter = 0;
  private readonly connections = new Set<DuckDBConnection>();
  /** Threads of the conversions running; those waiting for room, in order. */
  private convertingThreads = 0;
  private readonly waitingConversions: { threads: number; start: () => void }[] = [];

  private constructor(
    readonly instance: Instance,
    readonly tempDirectory: string,
    private readonly ownsTempDirectory: boolean,
    readonly threads: number,
    private readonly converterConfig: Record<string, string>,
  ) {}

  static async create(opts: EngineOptions = {}): Promise<Engine> {
    const config: Record<string, string> = {};
    if (opts.threads !== undefined) {
      if (!Number.isInteger(opts.threads) || opts.threads < 1 || opts.threads > 1024) {
        throw invalidArgument("threads", "an integer from 1 to 1024", opts.threads);
      }
      config.threads = String(opts.threads);
    }
    if (opts.memoryLimit !== undefined) {
      if (!/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(opts.memoryLimit)) {
        throw invalidArgument("memoryLimit", 'a size such as "400MB" or "2GB"', opts.memoryLimit);
      }
      config.memory_limit = opts.memoryLimit;
    }
    const own = opts.tempDirectory === undefined;
    const dir = opts.tempDirectory ?? mkdtempSync(join(tmpdir(), "vigil-"));
    config.temp_directory = dir;
    // Users' files never need DuckDB extensions fetched over the network.
    config.autoinstall_known_extensions = "false";
    const instance = await DuckDBInstance.create(":memory:", config);
    let threads = opts.threads;
    if (threads === undefined) {
      const conn = await instance.connect();
      try {
        const rows = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRows();
        threads = Number(rows[0]?.[0]) || 1;
      } finally {
        conn.closeSync();
      }
    }
    return new Engine(instance, dir, own, threads, config);
  }

  async connect(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error("vigil data engine is closed");
    const conn = await this.instance.connect();
    this.connections.add(conn);
    return conn;
  }

  release(conn: DuckDBConnection): void {
    if (this.connections.delete(conn)) conn.closeSync();
  }

  /**
   * Runs `work` (a text file's parse into Parquet) on a DuckDB instance of its own with
   * `threads` threads (default and at most the engine's), closed afterwards. Conversions run
   * at the same time while their threads fit in the engine's, else in the order asked.
   *
   * A parse uses all the threads it is given, so two with all of them at once only doubled
   * the peak memory (about 300 MB per 260 MB CSV file). Two with one thread each, at once,
   * keep both cores busy without the ordered writer's buffering: the 1M-row benchmark pair
   * took 2.2-2.5 s and 360-410 MB, against 2.6-2.7 s and 430-500 MB one after the other
   * with two threads (bench/README.md).
   */
  async convert<T>(
    threads: number | undefined,
    work: (conn: DuckDBConnection) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw new Error("vigil data engine is closed");
    const n = Math.min(Math.max(1, threads ?? this.threads), this.threads);
    if (this.waitingConversions.length > 0 || !this.roomFor(n)) {
      // startWaitingConversions counts our threads when it starts us.
      await new Promise<void>((start) => this.waitingConversions.push({ threads: n, start }));
    } else {
      this.convertingThreads += n;
    }
    // Its own spill directory (DuckDB names its temp files the same in every instance), and
    // its share of a memory limit.
    const spill = join(this.tempDirectory, this.nextName("vigil_convert"));
    const config: Record<string, string> = {
      ...this.converterConfig,
      threads: String(n),
      temp_directory: spill,
    };
    const limit = this.converterConfig.memory_limit;
    if (limit !== undefined) {
      config.memory_limit = `${Math.max(1, Math.floor((sizeBytes(limit) * n) / this.threads))}B`;
    }
    try {
      const instance = await DuckDBInstance.create(":memory:", config);
      try {
        const conn = await instance.connect();
        try {
          return await work(conn);
        } finally {
          conn.closeSync();
        }
      } finally {
        instance.closeSync();
      }
    } finally {
      rmSync(spill, { recursive: true, force: true });
      this.convertingThreads -= n;
      this.startWaitingConversions();
    }
  }

  private roomFor(threads: number): boolean {
    return this.convertingThreads === 0 || this.convertingThreads + threads <= this.threads;
  }

  private startWaitingConversions(): void {
    for (;;) {
      const next = this.waitingConversions[0];
      if (!next || !this.roomFor(next.threads)) return;
      this.waitingConversions.shift();
      this.convertingThreads += next.threads;
      next.start();
    }
  }

  /** A name unique within this engine, for tables and temporary files. */
  nextName(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const conn of this.connections) conn.closeSync();
    this.connections.clear();
    this.instance.closeSync();
    if (this.ownsTempDirectory) rmSync(this.tempDirectory, { recursive: true, force: true });
  }
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes of a size EngineOptions.memoryLimit accepts ("400MB", "2 GiB"). */
function sizeBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  return Number(m?.[1]) * (SIZE_UNITS[m?.[2]?.toLowerCase() ?? ""] ?? Number.NaN);
}

export function createEngine(opts?: EngineOptions): Promise<DataEngine> {
  return Engine.create(opts);
}

export function asEngine(db: DataEngine): Engine {
  if (!(db instanceof Engine)) {
    throw invalidArgument("db", "an engine made by createEngine()", db);
  }
  return db;
}
