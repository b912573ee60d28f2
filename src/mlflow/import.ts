/**
 * `vigil mlflow import`: reads MLflow's registry (src/mlflow/read.ts), maps it
 * (src/mlflow/map.ts) and records it with `Registry.importVersions`
 * (src/registry/import.ts) in one transaction, with one audit entry per created or updated
 * version and one summary entry (`mlflow.import`) for the run. Every read happens before the first write, so an MLflow
 * error (unreachable, HTTP error, malformed answer) leaves the database untouched.
 */
import { Registry, type VersionImportResult } from "../registry/index.js";
import type { ModelTask, Repo } from "../store/index.js";
import { MlflowClient } from "./client.js";
import { mapSnapshot, type SkippedVersion } from "./map.js";
import { readMlflowRegistry } from "./read.js";

/** The default actor of imports when none is given. */
export const IMPORT_ACTOR = "mlflow-import";

export interface MlflowImportOptions {
  /** The tracking server's base URL. */
  uri: string;
  /** Only this registered model. */
  model?: string;
  actor?: string;
  dryRun?: boolean;
  /** Task of models created by the import (default binary). */
  task?: ModelTask;
  /** max_results of the paginated searches (1 to 1000, default 100). */
  pageSize?: number;
  timeoutMs?: number;
  /** MLFLOW_TRACKING_TOKEN / _USERNAME / _PASSWORD are read from here. */
  env?: Record<string, string | undefined>;
  /** Clock, epoch ms (tests). */
  now?: () => number;
}

export interface ModelImportReport {
  name: string;
  /** Versions MLflow has (imported or skipped). */
  mlflowVersions: number;
  modelCreated: boolean;
  versions: VersionImportResult[];
  skipped: Omit<SkippedVersion, "model">[];
  warnings: string[];
}

export interface MlflowImportReport {
  trackingUri: string;
  /** The --model filter, or null for every registered model. */
  model: string | null;
  dryRun: boolean;
  models: ModelImportReport[];
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Warnings not tied to one model's mapping (runs not found, models deleted meanwhile). */
  warnings: string[];
  auditEntries: number;
  /** HTTP requests made to MLflow. */
  requests: number;
}

export async function importFromMlflow(
  store: Repo,
  options: MlflowImportOptions,
): Promise<MlflowImportReport> {
  const actor = options.actor ?? IMPORT_ACTOR;
  const client = new MlflowClient({
    uri: options.uri,
    ...(options.env ? { env: options.env } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const snapshot = await readMlflowRegistry(client, {
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
  });
  const mapped = mapSnapshot(snapshot, { actor });
  const inputs = mapped.flatMap((m) =>
    m.input ? [{ ...m.input, ...(options.task ? { task: options.task } : {}) }] : [],
  );
  const skipped = mapped.reduce((n, m) => n + m.skipped.length, 0);
  const registry = new Registry(store, options.now ? { now: options.now } : {});
  const result = await registry.importVersions(inputs, {
    actor,
    ...(options.dryRun ? { dryRun: true } : {}),
    summary: (r) => ({
      action: "mlflow.import",
      subject: `mlflow:${snapshot.trackingUri}`,
      details: {
        trackingUri: snapshot.trackingUri,
        model: options.model ?? null,
        models: mapped.map((m) => m.name),
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        skipped,
        warnings:
          snapshot.warnings.length +
          mapped.reduce((n, m) => n + m.warnings.length, 0) +
          r.models.reduce((n, m) => n + m.warnings.length, 0),
      },
    }),
  });
  const byName = new Map(result.models.map((r) => [r.name, r]));
  return {
    trackingUri: snapshot.trackingUri,
    model: options.model ?? null,
    dryRun: result.dryRun,
    models: mapped.map((m) => {
      const r = byName.get(m.name);
      return {
        name: m.name,
        mlflowVersions: m.mlflowVersions,
        modelCreated: r?.modelCreated ?? false,
        versions: r?.versions ?? [],
        skipped: m.skipped.map(({ version, reason }) => ({ version, reason })),
        warnings: [...m.warnings, ...(r?.warnings ?? [])],
      };
    }),
    created: result.created,
    updated: result.updated,
    unchanged: result.unchanged,
    skipped,
    warnings: snapshot.warnings,
    auditEntries: result.auditEntries,
    requests: client.requests,
  };
}
