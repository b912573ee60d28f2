/**
 * The stored metric series of the window monitors (src/monitor/metric-names.ts) as
 * Prometheus gauges: for each model, version and series name, the values of the latest
 * window that has that series. Only that window's points are exposed (a feature missing
 * from it has no sample rather than an old value), and
 * `vigil_window_start_timestamp_seconds{family}` says which window it is.
 *
 * Most series keep their stored name with a `vigil_` prefix. The exceptions follow
 * Prometheus' naming rules (base units, no `_count` suffix on a gauge, `quantile` only on
 * a summary): see SPECS and docs/prometheus.md. Model-level series (all versions together)
 * have no `version` label.
 */
import type { MetricRecord } from "../../store/types.js";
import { METRIC, METRIC_CATALOG, type MetricName } from "../metric-names.js";
import type { MetricFamily, Sample, ScalarFamily } from "./exposition.js";
import { sanitizeMetricName } from "./names.js";

/** What the gauges of one model are built from (the route reads it from the store). */
export interface ModelWindowMetrics {
  model: string;
  windowSeconds: number;
  /** Version id -> version label, for the `version` label. */
  versions: ReadonlyMap<number, string>;
  /** The latest point of every series of the model (store.latestMetrics). */
  metrics: readonly MetricRecord[];
}

interface GaugeSpec {
  family: string;
  type: "gauge" | "summary";
  help: string;
  /** Stored value times this is the exposed value (ms -> s). */
  scale: number;
}

type SpecKey = MetricName | `${MetricName}@model`;

function key(name: string, versionId: number | null): string {
  return versionId === null ? `${name}@model` : name;
}

/** Stored series whose exposed name or unit differs from `vigil_<name>`. */
const EXCEPTIONS: Partial<Record<SpecKey, Omit<GaugeSpec, "help"> & { help?: string }>> = {
  // A gauge may not end in `_count` (promtool: reserved for histograms and summaries).
  [METRIC.EVENT_COUNT]: { family: "vigil_window_events", type: "gauge", scale: 1 },
  [`${METRIC.EVENT_COUNT}@model`]: {
    family: "vigil_model_window_events",
    type: "gauge",
    scale: 1,
  },
  [METRIC.DATASET_DRIFT_TESTED]: {
    family: "vigil_dataset_drift_tested_features",
    type: "gauge",
    scale: 1,
  },
  // Base units: seconds, not milliseconds; `quantile` belongs to a summary.
  [METRIC.LATENCY_MS]: {
    family: "vigil_window_latency_seconds",
    type: "summary",
    scale: 1e-3,
    help: "Latency quantiles (0.5, 0.95, 0.99) of the window's events from its KLL sketch, in seconds.",
  },
  [METRIC.LABELS_RECEIVED_THROUGH]: {
    family: "vigil_labels_received_through_timestamp_seconds",
    type: "gauge",
    scale: 1e-3,
    help: "Latest receipt time of the labels the window's performance was computed from, Unix seconds.",
  },
  [METRIC.THROUGHPUT]: {
    family: "vigil_window_throughput_events_per_second",
    type: "gauge",
    scale: 1,
  },
};

/** Stored series name (and level) -> exposed family, in the catalog's order. */
export const SPECS: ReadonlyMap<string, GaugeSpec> = new Map(
  METRIC_CATALOG.map((m) => {
    const k = key(m.name, m.level === "model" ? null : 0);
    const ex = EXCEPTIONS[k as SpecKey];
    const spec: GaugeSpec = {
      family: ex?.family ?? `vigil_${m.name}`,
      type: ex?.type ?? "gauge",
      scale: ex?.scale ?? 1,
      help: ex?.help ?? m.help,
    };
    return [k, spec] as const;
  }),
);

export const WINDOW_START_FAMILY = "vigil_window_start_timestamp_seconds";
export const WINDOW_SIZE_FAMILY = "vigil_window_size_seconds";

/** Series stored under a name no spec knows (a newer Vigil wrote them): still exposed. */
function fallbackSpec(name: string, versionId: number | null): GaugeSpec {
  const base = `vigil_series_${sanitizeMetricName(name)}`;
  return {
    family: versionId === null ? `${base}_model` : base,
    type: "gauge",
    scale: 1,
    help: `Stored metric series "${name}"${versionId === null ? " (model level)" : ""}.`,
  };
}

interface Group {
  spec: GaugeSpec;
  model: string;
  version: string | undefined;
  points: MetricRecord[];
  windowStart: number;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).map((k) => [k, labels[k]]));
}

/** The gauge families of the models' latest windows; deterministic order. */
export function windowGaugeFamilies(models: readonly ModelWindowMetrics[]): MetricFamily[] {
  // (model, version, name) -> the points of its latest window.
  const groups = new Map<string, Group>();
  const specs = new Map<string, GaugeSpec>();
  for (const m of models) {
    for (const p of m.metrics) {
      const k = key(p.name, p.versionId);
      let spec = SPECS.get(k) ?? specs.get(k);
      if (spec === undefined) {
        spec = fallbackSpec(p.name, p.versionId);
        specs.set(k, spec);
      }
      const version =
        p.versionId === null ? undefined : (m.versions.get(p.versionId) ?? `#${p.versionId}`);
      const gk = `${m.model}\u0000${version ?? "\u0001"}\u0000${k}`;
      const g = groups.get(gk);
      if (g === undefined || p.windowStart > g.windowStart) {
        groups.set(gk, { spec, model: m.model, version, points: [p], windowStart: p.windowStart });
      } else if (p.windowStart === g.windowStart) {
        g.points.push(p);
      }
    }
  }

  const families = new Map<string, ScalarFamily & { samples: Sample[] }>();
  const family = (spec: GaugeSpec) => {
    let f = families.get(spec.family);
    if (f === undefined) {
      f = { type: spec.type, name: spec.family, help: spec.help, samples: [] };
      families.set(spec.family, f);
    }
    return f;
  };
  const starts: Sample[] = [];
  for (const g of groups.values()) {
    const f = family(g.spec);
    for (const p of g.points) {
      const labels: Record<string, string> = { model: g.model };
      if (g.version !== undefined) labels.version = g.version;
      // A stored label may not replace the identity labels this module sets.
      for (const [k, v] of Object.entries(p.labels)) {
        labels[k === "model" || k === "version" ? `exported_${k}` : k] = v;
      }
      f.samples.push({ labels, value: p.value * g.spec.scale });
    }
    const labels: Record<string, string> = { model: g.model };
    if (g.version !== undefined) labels.version = g.version;
    labels.family = g.spec.family;
    starts.push({ labels, value: g.windowStart / 1000 });
  }

  const bySample = (a: Sample, b: Sample) =>
    cmp(a.labels.model ?? "", b.labels.model ?? "") ||
    cmp(a.labels.version ?? "", b.labels.version ?? "") ||
    cmp(labelKey(a.labels), labelKey(b.labels));
  // Known families in the catalog's order (documented order), unknown ones by name.
  const known = [...new Set([...SPECS.values()].map((s) => s.family))];
  const rank = (name: string) => {
    const i = known.indexOf(name);
    return i < 0 ? known.length : i;
  };
  const out: MetricFamily[] = [...families.values()]
    .sort((a, b) => rank(a.name) - rank(b.name) || cmp(a.name, b.name))
    .map((f) => ({ ...f, samples: f.samples.sort(bySample) }));
  out.push({
    type: "gauge",
    name: WINDOW_START_FAMILY,
    help: "Start (Unix seconds) of the window whose values a family shows, per model and version.",
    samples: starts.sort(bySample),
  });
  out.push({
    type: "gauge",
    name: WINDOW_SIZE_FAMILY,
    help: "Length of a model's monitoring windows in seconds.",
    samples: [...models]
      .sort((a, b) => cmp(a.model, b.model))
      .map((m) => ({ labels: { model: m.model }, value: m.windowSeconds })),
  });
  return out;
}
