/**
 * A model's monitoring status: the latest value of every monitored series (per version)
 * with its state, ok / warning / alert, and the worst state per monitor family and for the
 * model. States come from the stored drift decisions (drifted = alert) and from the levels
 * of the model's evaluation settings (docs/monitors.md, "States").
 */
import type { MetricRecord, ModelRecord, Repo } from "../store/index.js";
import {
  type EvaluationSettings,
  evaluationSettings,
  type Level,
  type LevelDirection,
  levelState,
} from "./evaluation-settings.js";
import { METRIC, type MonitorFamily } from "./metric-names.js";

export type State = "ok" | "warning" | "alert";

const RANK: Record<State, number> = { ok: 0, warning: 1, alert: 2 };

export function worst(states: Iterable<State>): State {
  let out: State = "ok";
  for (const s of states) if (RANK[s] > RANK[out]) out = s;
  return out;
}

export interface StatusEntry {
  /** The series shown (for drift: the score; its state comes from the drifted flag). */
  name: string;
  /** Version label; null for model-level series. */
  version: string | null;
  labels: Record<string, string>;
  windowStart: number;
  /** null when the value is undefined (NaN). */
  value: number | null;
  state: State;
  /** The levels the value was judged against (absent: the state comes from a stored decision). */
  levels?: Level & { direction: LevelDirection | "outside" };
  /** Drift: the threshold and whether the score drifted. Performance: the drop. */
  threshold?: number;
  drop?: number | null;
}

export interface MonitorStatus {
  state: State;
  entries: StatusEntry[];
}

export interface ModelStatus {
  model: string;
  state: State;
  /** Latest window start with any stored point, or null before the first evaluation. */
  latestWindowStart: number | null;
  monitors: Record<MonitorFamily, MonitorStatus>;
  /** Present when the model's monitor settings do not parse (defaults were used). */
  settingsError?: string;
}

const FAMILIES: MonitorFamily[] = ["drift", "quality", "volume", "performance", "operations"];

function labelKey(labels: Record<string, string>, drop?: string): string {
  return JSON.stringify(
    Object.keys(labels)
      .filter((k) => k !== drop)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

const finite = (v: number) => (Number.isNaN(v) ? null : v);

/**
 * The status of a model from the latest point of each series. `versions` maps version ids
 * to labels; `only` restricts it to one version (model-level series are always included).
 */
export function statusFromMetrics(
  model: ModelRecord,
  latest: readonly MetricRecord[],
  versions: ReadonlyMap<number, string>,
  settings: EvaluationSettings,
  only?: number,
): Omit<ModelStatus, "settingsError"> {
  const points = latest.filter(
    (m) => only === undefined || m.versionId === null || m.versionId === only,
  );
  // Several series of one feature (its method changed between windows): keep the newest.
  const newest = new Map<string, MetricRecord>();
  for (const p of points) {
    const k = `${p.name}\u0000${p.versionId}\u0000${labelKey(p.labels, "method")}`;
    const seen = newest.get(k);
    if (!seen || p.windowStart > seen.windowStart) newest.set(k, p);
  }
  const byName = (name: string) => [...newest.values()].filter((p) => p.name === name);
  const find = (name: string, like: MetricRecord) =>
    newest.get(`${name}\u0000${like.versionId}\u0000${labelKey(like.labels, "method")}`);
  const version = (p: MetricRecord) =>
    p.versionId === null ? null : (versions.get(p.versionId) ?? String(p.versionId));
  const entry = (p: MetricRecord, state: State, extra: Partial<StatusEntry> = {}): StatusEntry => ({
    name: p.name,
    version: version(p),
    labels: p.labels,
    windowStart: p.windowStart,
    value: finite(p.value),
    state,
    ...extra,
  });
  const monitors = Object.fromEntries(
    FAMILIES.map((f) => [f, { state: "ok", entries: [] as StatusEntry[] }]),
  ) as Record<MonitorFamily, MonitorStatus>;
  const add = (family: MonitorFamily, e: StatusEntry) => monitors[family].entries.push(e);

  // Drift: scores, judged by the stored decision of the same window.
  for (const [scoreName, flagName, thresholdName] of [
    [METRIC.FEATURE_DRIFT_SCORE, METRIC.FEATURE_DRIFTED, METRIC.FEATURE_DRIFT_THRESHOLD],
    [METRIC.PREDICTION_DRIFT_SCORE, METRIC.PREDICTION_DRIFTED, METRIC.PREDICTION_DRIFT_THRESHOLD],
  ] as const) {
    for (const p of byName(scoreName)) {
      const flag = find(flagName, p);
      const threshold = find(thresholdName, p);
      const drifted = flag?.windowStart === p.windowStart && flag.value >= 1;
      add(
        "drift",
        entry(p, drifted ? "alert" : "ok", threshold ? { threshold: threshold.value } : {}),
      );
    }
  }
  for (const p of byName(METRIC.DATASET_DRIFT_SHARE)) {
    const flag = find(METRIC.DATASET_DRIFTED, p);
    const drifted = flag?.windowStart === p.windowStart && flag.value >= 1;
    add("drift", entry(p, drifted ? "alert" : "ok", { threshold: settings.drift.driftShare }));
  }

  // Quality, volume, operations: levels of the settings.
  const judged = (
    family: MonitorFamily,
    name: string,
    level: (p: MetricRecord) => Level | undefined,
    direction: LevelDirection = "above",
  ) => {
    for (const p of byName(name)) {
      const l = level(p);
      add(
        family,
        entry(p, levelState(p.value, l, direction), l ? { levels: { ...l, direction } } : {}),
      );
    }
  };
  const q = settings.quality;
  judged("quality", METRIC.FEATURE_MISSING_SHARE_CHANGE, () => q.missingShareChange);
  judged("quality", METRIC.FEATURE_OUT_OF_RANGE_SHARE, () => q.outOfRangeShare);
  judged("quality", METRIC.FEATURE_UNSEEN_CATEGORY_SHARE, () => q.unseenCategoryShare);
  judged("quality", METRIC.FEATURE_TYPE_ERROR_SHARE, () => q.typeErrorShare);
  judged("quality", METRIC.UNKNOWN_FEATURE_SHARE, () => q.unknownFeatureShare);
  for (const p of byName(METRIC.EVENT_VOLUME_RATIO)) {
    const state = worst([
      levelState(p.value, settings.volume.low, "below"),
      levelState(p.value, settings.volume.high, "above"),
    ]);
    add("volume", entry(p, state));
  }
  for (const p of byName(METRIC.EVENT_COUNT))
    if (p.versionId === null) add("volume", entry(p, "ok"));
  judged("operations", METRIC.ERROR_RATE, () => settings.operations.errorRate);
  judged(
    "operations",
    METRIC.LATENCY_MS,
    (p) => settings.operations.latencyMs[p.labels.quantile ?? ""],
  );
  for (const p of byName(METRIC.THROUGHPUT)) add("operations", entry(p, "ok"));

  // Performance: each metric judged by its drop against the baseline, same window.
  for (const p of byName(METRIC.MODEL_METRIC)) {
    const d = find(METRIC.MODEL_METRIC_DROP, p);
    const drop = d && d.windowStart === p.windowStart ? d.value : Number.NaN;
    const l = settings.performance.drop[p.labels.metric ?? ""];
    add(
      "performance",
      entry(p, levelState(drop, l, "above"), {
        drop: finite(drop),
        ...(l ? { levels: { ...l, direction: "above" as const } } : {}),
      }),
    );
  }
  for (const p of byName(METRIC.LABEL_COVERAGE)) add("performance", entry(p, "ok"));

  for (const f of FAMILIES) {
    const m = monitors[f];
    m.entries.sort(
      (a, b) =>
        RANK[b.state] - RANK[a.state] ||
        a.name.localeCompare(b.name) ||
        String(a.version).localeCompare(String(b.version)) ||
        labelKey(a.labels).localeCompare(labelKey(b.labels)),
    );
    m.state = worst(m.entries.map((e) => e.state));
  }
  const latestWindowStart =
    points.length === 0 ? null : Math.max(...points.map((p) => p.windowStart));
  return {
    model: model.name,
    state: worst(FAMILIES.map((f) => monitors[f].state)),
    latestWindowStart,
    monitors,
  };
}

/** The status of a model read from the store (optionally one version, by id). */
export async function modelStatus(
  store: Repo,
  model: ModelRecord,
  versionId?: number,
): Promise<ModelStatus> {
  const [latest, versions] = await Promise.all([
    store.latestMetrics(model.id),
    store.listVersions(model.id),
  ]);
  let settings: EvaluationSettings;
  let settingsError: string | undefined;
  try {
    settings = evaluationSettings(model.monitors);
  } catch (err) {
    settings = evaluationSettings(undefined);
    settingsError = err instanceof Error ? err.message : String(err);
  }
  const names = new Map(versions.map((v) => [v.id, v.version]));
  const status = statusFromMetrics(model, latest, names, settings, versionId);
  return settingsError === undefined ? status : { ...status, settingsError };
}
