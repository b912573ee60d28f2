/**
 * One window laid out for drilling into a feature: per column the window's and the
 * reference's summaries (counts, missing, quantiles, top items), the counts of both on the
 * reference's bins, the drift result and the quality shares, computed now from the stored
 * profiles (so an open window can be inspected too), plus the points stored for the window.
 */
import { VigilError } from "../errors.js";
import {
  binLabels,
  type ColumnProfile,
  type ColumnSummary,
  deserializeDatasetProfile,
  summarizeColumn,
} from "../sketch/index.js";
import type {
  MetricRecord,
  ModelRecord,
  Repo,
  VersionRecord,
  WindowProfileRecord,
} from "../store/index.js";
import { loadReference, modelContext } from "./evaluate-window.js";
import {
  ERROR_COLUMN,
  LATENCY_COLUMN,
  PREDICTION_COLUMN,
  SCORE_COLUMN,
  UNKNOWN_COLUMN,
} from "./layout.js";
import { type ColumnDriftResult, driftOfWindow, type SkippedColumn } from "./monitors/drift.js";
import { type OperationsResult, operationsOfWindow } from "./monitors/operations.js";
import { type FeatureQuality, qualityOfWindow } from "./monitors/quality.js";

export type ColumnRole = "feature" | "prediction" | "score" | "latency" | "error" | "unknown";

const ROLES: Record<string, ColumnRole> = {
  [PREDICTION_COLUMN]: "prediction",
  [SCORE_COLUMN]: "score",
  [LATENCY_COLUMN]: "latency",
  [ERROR_COLUMN]: "error",
  [UNKNOWN_COLUMN]: "unknown",
};

export interface ColumnDetail {
  name: string;
  role: ColumnRole;
  kind: "numeric" | "categorical";
  window: ColumnSummary;
  reference: ColumnSummary | null;
  /** Counts on the reference's bins, including the outer/"other" bins. */
  bins: { type: string; labels: string[]; reference: number[]; window: number[] } | null;
  drift: ColumnDriftResult | { skipped: string } | null;
  quality: FeatureQuality | null;
}

export interface VersionWindowDetail {
  version: string;
  windowStart: number;
  windowEnd: number;
  /** null while the window is open. */
  closedAt: number | null;
  events: number;
  hasReference: boolean;
  dataset: { driftShare: number | null; drifted: boolean; tested: number } | null;
  operations: OperationsResult;
  columns: ColumnDetail[];
  /** The metric points stored for this window (empty before its evaluation). */
  metrics: { name: string; labels: Record<string, string>; value: number | null }[];
}

export interface WindowDetail {
  model: string;
  windowStart: number;
  windowSeconds: number;
  versions: VersionWindowDetail[];
}

function bins(ref: ColumnProfile | undefined, cur: ColumnProfile): ColumnDetail["bins"] {
  const spec = cur.bins?.spec;
  if (!spec || !cur.bins) return null;
  const refCounts = ref?.bins ? Array.from(ref.bins.counts) : null;
  return {
    type: spec.type,
    labels: binLabels(spec),
    reference: refCounts ?? [],
    window: Array.from(cur.bins.counts),
  };
}

async function versionDetail(
  store: Repo,
  model: ModelRecord,
  version: VersionRecord,
  record: WindowProfileRecord,
  feature: string | undefined,
): Promise<VersionWindowDetail> {
  const ctx = modelContext(model);
  const window = deserializeDatasetProfile(record.data);
  const reference = await loadReference(store, version.id);
  const features = feature === undefined ? ctx.features : ctx.features.filter((f) => f === feature);
  const drift = reference
    ? driftOfWindow(reference.profile, window, features, ctx.settings.drift)
    : null;
  const quality = reference ? qualityOfWindow(reference.profile, window, features) : null;
  const driftOf = (name: string): ColumnDetail["drift"] => {
    if (!drift) return null;
    if (name === PREDICTION_COLUMN && drift.prediction) return drift.prediction;
    const r = drift.features.find((f) => f.column === name);
    if (r) return r;
    const s = drift.skipped.find((x: SkippedColumn) => x.column === name);
    return s ? { skipped: s.reason } : null;
  };
  const columns: ColumnDetail[] = [];
  for (const [name, col] of window.columns) {
    if (feature !== undefined && name !== feature) continue;
    const ref = reference?.profile.columns.get(name);
    columns.push({
      name,
      role: ROLES[name] ?? "feature",
      kind: col.kind,
      window: summarizeColumn(col),
      reference: ref ? summarizeColumn(ref) : null,
      bins: bins(ref, col),
      drift: driftOf(name),
      quality: quality?.features.find((f) => f.feature === name) ?? null,
    });
  }
  const stored: MetricRecord[] = await store.queryMetrics({
    modelId: model.id,
    versionId: version.id,
    from: record.windowStart,
    to: record.windowStart + 1,
    ...(feature !== undefined ? { labels: { feature } } : {}),
  });
  return {
    version: version.version,
    windowStart: record.windowStart,
    windowEnd: record.windowStart + model.windowSeconds * 1000,
    closedAt: record.closedAt,
    events: record.eventCount,
    hasReference: reference !== null,
    dataset:
      drift && feature === undefined
        ? {
            driftShare: Number.isNaN(drift.share) ? null : drift.share,
            drifted: drift.drifted,
            tested: drift.features.length,
          }
        : null,
    operations: operationsOfWindow(window, model.windowSeconds),
    columns,
    metrics: stored.map((m) => ({
      name: m.name,
      labels: m.labels,
      value: Number.isNaN(m.value) ? null : m.value,
    })),
  };
}

/**
 * The window of `model` starting at `windowStart`, for one version (by label) or every
 * version that has it, optionally restricted to one feature (or reserved column such as
 * "$prediction"). Throws VIGIL_VERSION_NOT_FOUND, VIGIL_WINDOW_NOT_FOUND,
 * VIGIL_COLUMN_NOT_FOUND.
 */
export async function windowDetail(
  store: Repo,
  model: ModelRecord,
  windowStart: number,
  opts: { version?: string; feature?: string } = {},
): Promise<WindowDetail> {
  let records = await store.listWindowProfiles(model.id, {
    from: windowStart,
    to: windowStart + 1,
  });
  const versions = new Map((await store.listVersions(model.id)).map((v) => [v.id, v]));
  if (opts.version !== undefined) {
    const v = [...versions.values()].find((x) => x.version === opts.version);
    if (!v) {
      throw new VigilError(
        "VIGIL_VERSION_NOT_FOUND",
        `Model "${model.name}" has no version "${opts.version}".`,
      );
    }
    records = records.filter((r) => r.versionId === v.id);
  }
  if (records.length === 0) {
    throw new VigilError(
      "VIGIL_WINDOW_NOT_FOUND",
      `Model "${model.name}" has no window starting at ${new Date(windowStart).toISOString()} (${windowStart})${opts.version !== undefined ? ` for version "${opts.version}"` : ""}; window starts are multiples of ${model.windowSeconds} s.`,
    );
  }
  if (opts.feature !== undefined) {
    const f = opts.feature;
    const known = records.some((r) => deserializeDatasetProfile(r.data).columns.has(f));
    if (!known) {
      throw new VigilError(
        "VIGIL_COLUMN_NOT_FOUND",
        `Model "${model.name}" has no feature "${f}" (reserved columns: ${Object.keys(ROLES).join(", ")}).`,
        [{ field: "feature", message: "not a column of the window profile" }],
      );
    }
  }
  const out: VersionWindowDetail[] = [];
  for (const r of records) {
    const v = versions.get(r.versionId);
    if (!v) continue;
    out.push(await versionDetail(store, model, v, r, opts.feature));
  }
  return { model: model.name, windowStart, windowSeconds: model.windowSeconds, versions: out };
}
