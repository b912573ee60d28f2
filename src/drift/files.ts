import type { DataEngine, InputFormat } from "../data/index.js";
import { compareSources, type DriftOptions } from "./engine.js";
import type { ColumnKind } from "./kinds.js";
import type { DriftReport } from "./report.js";

export interface FileDriftOptions extends DriftOptions {
  format?: InputFormat;
  threads?: number;
  onStage?: (stage: string) => void;
}

/**
 * The conversion threads (OpenOptions.conversionThreads) for opening `paths` together: when
 * every one is a text file, each is parsed with its share of the engine's threads, all at
 * once (see Engine.convert in src/data/engine.ts); else undefined (all threads, in turn).
 */
export async function sideBySideConversions(
  engine: DataEngine,
  paths: readonly string[],
  format?: InputFormat,
): Promise<number | undefined> {
  const { resolveFormat } = await import("../data/index.js");
  const parsed = (path: string) => {
    try {
      return resolveFormat(path, format).format !== "parquet";
    } catch {
      return false; // openDataset reports it
    }
  };
  if (paths.length < 2 || !paths.every(parsed)) return undefined;
  return Math.max(1, Math.floor(engine.threads / paths.length));
}

/**
 * Drift between two files. Both are read through one DuckDB engine: files are scanned in
 * parallel, and columns are fetched a few at a time, so memory follows a few columns' size,
 * not rows x columns (up to OpenOptions.prefetchBytes per Parquet file, read at open).
 */
export async function runDrift(
  referencePath: string,
  currentPath: string,
  options: FileDriftOptions = {},
): Promise<DriftReport> {
  const { createEngine, openDataset } = await import("../data/index.js");
  const engine = await createEngine(
    options.threads !== undefined ? { threads: options.threads } : {},
  );
  try {
    const kinds: Record<string, ColumnKind> = options.kinds ?? {};
    const conversionThreads = await sideBySideConversions(
      engine,
      [referencePath, currentPath],
      options.format,
    );
    const open = (path: string) =>
      openDataset(path, {
        db: engine,
        kinds,
        ...(options.format ? { format: options.format } : {}),
        ...(options.threads ? { threads: options.threads } : {}),
        ...(conversionThreads ? { conversionThreads } : {}),
      });
    // Both files are opened at once, each on its own connection: their profiling queries
    // overlap on DuckDB's threads. If one fails, the other is closed before the error goes on.
    options.onStage?.("reading reference and current");
    const opened = await Promise.allSettled([open(referencePath), open(currentPath)]);
    const [ref, cur] = opened;
    if (ref.status === "rejected" || cur.status === "rejected") {
      await Promise.all(
        opened.map((o) => (o.status === "fulfilled" ? o.value.close() : Promise.resolve())),
      );
      throw ref.status === "rejected" ? ref.reason : (cur as PromiseRejectedResult).reason;
    }
    const reference = ref.value;
    const current = cur.value;
    try {
      options.onStage?.("testing columns");
      return await compareSources(reference, current, { ...options, kinds });
    } finally {
      await Promise.all([reference.close(), current.close()]);
    }
  } finally {
    await engine.close();
  }
}
