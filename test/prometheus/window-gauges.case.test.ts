/**
 * /metrics' exposition from a real store on every backend (SQLite file, PostgreSQL schema):
 * gauges of the latest stored window per series, ingest counters, hostile names, the gauge
 * cache, and `promtool check metrics` on the real output.
 */
import { afterAll, describe, expect, it } from "vitest";
import { METRIC, METRIC_CATALOG } from "../../src/monitor/metric-names.js";
import {
  WINDOW_GAUGE_SPECS,
  windowGaugeFamilies,
  writeExposition,
} from "../../src/monitor/prometheus/index.js";
import { READ_ROLES, type ServerContext } from "../../src/server/route.js";
import {
  prometheusExporter,
  prometheusPlugin,
  prometheusRoutes,
  routes,
} from "../../src/server/routes/prometheus.js";
import type { MetricPoint, MetricRecord, Store } from "../../src/store/index.js";
import { storeBackends } from "../helpers/store-backends.js";
import { promtoolCheckMetrics, requireTool } from "./tools.js";

const { backends } = await storeBackends("prometheus");
const promtool = requireTool("promtool", "prometheus");
afterAll(async () => {
  for (const b of backends) await b.cleanup();
});

const W1 = Date.UTC(2026, 0, 1);
const W2 = W1 + 300_000;
const HOSTILE_MODEL = 'we"ird\\mo\ndel';
const HOSTILE_VERSION = 'v"1\n';
const HOSTILE_FEATURE = 'a"b\\c\nd}{=,';

function context(store: Store, clock: { now: number }): ServerContext {
  return { store, now: () => clock.now, ingestObservers: [], services: new Map() };
}

async function seed(store: Store) {
  const churn = await store.createModel({ name: "churn", task: "binary", schema: {} });
  const v1 = await store.createVersion(churn.id, { version: "1" });
  const v2 = await store.createVersion(churn.id, { version: "2" });
  const odd = await store.createModel({
    name: HOSTILE_MODEL,
    task: "regression",
    schema: {},
    windowSeconds: 60,
  });
  const ov = await store.createVersion(odd.id, { version: HOSTILE_VERSION });
  const at =
    (modelId: number, versionId: number | null, windowStart: number) =>
    (name: string, value: number, labels: Record<string, string> = {}): MetricPoint => ({
      modelId,
      versionId,
      windowStart,
      name,
      labels,
      value,
    });
  const c1w1 = at(churn.id, v1.id, W1);
  const c1w2 = at(churn.id, v1.id, W2);
  await store.putMetrics([
    c1w1(METRIC.FEATURE_DRIFT_SCORE, 0.01, { feature: "age", method: "ks" }),
    c1w1(METRIC.FEATURE_DRIFT_SCORE, 0.2, { feature: "city", method: "jensenshannon" }),
    c1w1(METRIC.DATASET_DRIFT_SHARE, 0.5),
    c1w1(METRIC.MODEL_METRIC, 0.9, { metric: "accuracy" }),
    c1w2(METRIC.FEATURE_DRIFT_SCORE, 0.3, { feature: "age", method: "ks" }),
    c1w2(METRIC.DATASET_DRIFT_SHARE, 0),
    c1w2(METRIC.LATENCY_MS, 12, { quantile: "0.5" }),
    c1w2(METRIC.LATENCY_MS, 250, { quantile: "0.99" }),
    c1w2(METRIC.EVENT_COUNT, 40),
    c1w2("custom.score", 7, { model: "x" }),
    at(churn.id, null, W2)(METRIC.EVENT_COUNT, 55),
    at(churn.id, null, W2)(METRIC.EVENT_VOLUME_RATIO, Number.NaN),
    at(churn.id, v2.id, W2)(METRIC.FEATURE_MISSING_SHARE, 0.25, { feature: "age" }),
    at(odd.id, ov.id, W1)(METRIC.FEATURE_DRIFT_SCORE, 0.125, {
      feature: HOSTILE_FEATURE,
      method: "psi",
    }),
  ]);
  return { churn, v1, odd };
}

const S1 = W1 / 1000;
const S2 = W2 / 1000;
const HM = 'we\\"ird\\\\mo\\ndel';
const HV = 'v\\"1\\n';

/** The gauge part, written out by hand from the seeded points. */
const EXPECTED_GAUGES = [
  "# HELP vigil_feature_drift_score Drift score of a feature against the reference: the p-value of a test method or the distance.",
  "# TYPE vigil_feature_drift_score gauge",
  // churn/1: only the latest window (W2) has a value; city's W1 value is not shown.
  'vigil_feature_drift_score{model="churn",version="1",feature="age",method="ks"} 0.3',
  `vigil_feature_drift_score{model="${HM}",version="${HV}",feature="a\\"b\\\\c\\nd}{=,",method="psi"} 0.125`,
  "# HELP vigil_dataset_drift_share Share of the tested features that drifted.",
  "# TYPE vigil_dataset_drift_share gauge",
  'vigil_dataset_drift_share{model="churn",version="1"} 0',
  "# HELP vigil_feature_missing_share Share of the window's events where the feature is missing (absent, null or NaN).",
  "# TYPE vigil_feature_missing_share gauge",
  'vigil_feature_missing_share{model="churn",version="2",feature="age"} 0.25',
  "# HELP vigil_window_events Events of the version in the window.",
  "# TYPE vigil_window_events gauge",
  'vigil_window_events{model="churn",version="1"} 40',
  "# HELP vigil_model_window_events Events of every version of the model in the window (0 for a window without events).",
  "# TYPE vigil_model_window_events gauge",
  'vigil_model_window_events{model="churn"} 55',
  "# HELP vigil_event_volume_ratio Model events in the window / median of the previous closed windows' counts (NaN until enough history).",
  "# TYPE vigil_event_volume_ratio gauge",
  'vigil_event_volume_ratio{model="churn"} NaN',
  "# HELP vigil_model_metric Evaluation metric of the window's labeled events (src/evaluate, as scikit-learn computes it).",
  "# TYPE vigil_model_metric gauge",
  'vigil_model_metric{model="churn",version="1",metric="accuracy"} 0.9',
  "# HELP vigil_window_latency_seconds Latency quantiles (0.5, 0.95, 0.99) of the window's events from its KLL sketch, in seconds.",
  "# TYPE vigil_window_latency_seconds summary",
  'vigil_window_latency_seconds{model="churn",version="1",quantile="0.5"} 0.012',
  'vigil_window_latency_seconds{model="churn",version="1",quantile="0.99"} 0.25',
  '# HELP vigil_series_custom_score Stored metric series "custom.score".',
  "# TYPE vigil_series_custom_score gauge",
  'vigil_series_custom_score{model="churn",version="1",exported_model="x"} 7',
  "# HELP vigil_window_start_timestamp_seconds Start (Unix seconds) of the window whose values a family shows, per model and version.",
  "# TYPE vigil_window_start_timestamp_seconds gauge",
  `vigil_window_start_timestamp_seconds{model="churn",family="vigil_event_volume_ratio"} ${S2}`,
  `vigil_window_start_timestamp_seconds{model="churn",family="vigil_model_window_events"} ${S2}`,
  `vigil_window_start_timestamp_seconds{model="churn",version="1",family="vigil_dataset_drift_share"} ${S2}`,
  `vigil_window_start_timestamp_seconds{model="churn",version="1",family="vigil_feature_drift_score"} ${S2}`,
  `vigil_window_start_timestamp_seconds{model="churn",version="1",family="vigil_model_metric"} ${S1}`,
  `vigil_window_start_timestamp_seconds{model="churn",version="1",family="vigil_series_custom_score"} ${S2}`,
  `vigil_window_start_timestamp_seconds{model="churn",version="1",family="vigil_window_events"} ${S2}`,
  `vigil_window_start_timestamp_seconds{model="churn",version="1",family="vigil_window_latency_seconds"} ${S2}`,
  `vigil_window_start_timestamp_seconds{model="churn",version="2",family="vigil_feature_missing_share"} ${S2}`,
  `vigil_window_start_timestamp_seconds{model="${HM}",version="${HV}",family="vigil_feature_drift_score"} ${S1}`,
  "# HELP vigil_window_size_seconds Length of a model's monitoring windows in seconds.",
  "# TYPE vigil_window_size_seconds gauge",
  'vigil_window_size_seconds{model="churn"} 300',
  `vigil_window_size_seconds{model="${HM}"} 60`,
  "",
].join("\n");

describe("window gauge names", () => {
  it("map every catalogued series to a distinct family", () => {
    const keys = METRIC_CATALOG.map((m) => (m.level === "model" ? `${m.name}@model` : m.name));
    expect([...WINDOW_GAUGE_SPECS.keys()].sort()).toEqual([...new Set(keys)].sort());
    const families = [...WINDOW_GAUGE_SPECS.values()].map((s) => s.family);
    expect(new Set(families).size).toBe(families.length);
    expect(WINDOW_GAUGE_SPECS.get(METRIC.FEATURE_DRIFT_SCORE)?.family).toBe(
      "vigil_feature_drift_score",
    );
    expect(WINDOW_GAUGE_SPECS.get(METRIC.DATASET_DRIFT_SHARE)?.family).toBe(
      "vigil_dataset_drift_share",
    );
    expect(WINDOW_GAUGE_SPECS.get(METRIC.MODEL_METRIC)?.family).toBe("vigil_model_metric");
  });

  it.skipIf(!promtool)("pass promtool's lint with one point of every catalogued series", () => {
    const metrics: MetricRecord[] = METRIC_CATALOG.map((m) => ({
      modelId: 1,
      versionId: m.level === "model" ? null : 1,
      windowStart: W1,
      name: m.name,
      labels: Object.fromEntries(
        m.labels.map((l) => [l, l === "quantile" ? "0.99" : `${l} "x"`] as const),
      ),
      value: 0.5,
      updatedAt: W1,
    }));
    const text = writeExposition(
      windowGaugeFamilies([
        { model: "m", windowSeconds: 300, versions: new Map([[1, "1"]]), metrics },
      ]),
    );
    expect(text.split("\n").filter((l) => !l.startsWith("#") && l !== "")).toHaveLength(
      metrics.length + new Set(METRIC_CATALOG.map((m) => `${m.name}${m.level}`)).size + 1,
    );
    const check = promtoolCheckMetrics(promtool!, text);
    expect(check.output).toBe("");
    expect(check.status).toBe(0);
  });
});

describe("the /metrics route declaration", () => {
  it("needs a read role by default and can be public", () => {
    expect(routes).toHaveLength(1);
    expect(routes[0]?.path).toBe("/metrics");
    expect(routes[0]?.roles).toEqual(READ_ROLES);
    expect(prometheusRoutes({ public: true })[0]?.roles).toBe("public");
  });
});

for (const backend of backends) {
  describe(`/metrics exposition (${backend.name})`, () => {
    it("shows the latest window per series with escaped names, and counters", async () => {
      const { store } = await backend.open();
      try {
        await seed(store);
        const clock = { now: W2 + 400_000 };
        const ctx = context(store, clock);
        const plugin = prometheusPlugin();
        await plugin.start?.(ctx);
        expect(ctx.ingestObservers).toHaveLength(1);
        ctx.ingestObservers[0]?.({
          model: "churn",
          acceptedByVersion: { "1": 5 },
          rejected: 2,
          duplicates: 0,
          errorsByVersion: { "1": 1 },
          latenciesMsByVersion: { "1": [3, 30] },
        });
        const reply = await routes[0]!.handler(
          {
            params: {},
            query: {},
            body: undefined,
            contentType: undefined,
            headers: {},
            principal: null,
            signal: new AbortController().signal,
          },
          ctx,
        );
        expect(reply.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
        const text = reply.body as string;
        const gaugeStart = text.indexOf("# HELP vigil_feature_drift_score");
        expect(text.slice(gaugeStart)).toBe(EXPECTED_GAUGES);
        const counters = text.slice(0, gaugeStart);
        // Every stored version has a series from the start, hostile names escaped.
        expect(counters).toContain('vigil_predictions_total{model="churn",version="1"} 5\n');
        expect(counters).toContain('vigil_predictions_total{model="churn",version="2"} 0\n');
        expect(counters).toContain(`vigil_predictions_total{model="${HM}",version="${HV}"} 0\n`);
        expect(counters).toContain('vigil_prediction_errors_total{model="churn",version="1"} 1\n');
        expect(counters).toContain('vigil_ingest_rejected_total{model="churn"} 2\n');
        expect(counters).toContain(
          'vigil_prediction_latency_seconds_bucket{model="churn",version="1",le="0.005"} 1\n',
        );
        expect(counters).toContain(
          'vigil_prediction_latency_seconds_count{model="churn",version="1"} 2\n',
        );

        if (promtool) {
          const check = promtoolCheckMetrics(promtool, text);
          expect(check.output).toBe("");
          expect(check.status).toBe(0);
        }

        await plugin.stop?.(ctx);
        expect(ctx.ingestObservers).toHaveLength(0);
        expect(ctx.services.size).toBe(0);
      } finally {
        await store.close();
      }
    });

    it("reuses the gauges for the cache period, then reads the store again", async () => {
      const { store } = await backend.open();
      try {
        const { churn, v1 } = await seed(store);
        const clock = { now: W2 + 400_000 };
        const ctx = context(store, clock);
        const exporter = prometheusExporter(ctx, { gaugeCacheMs: 5000 });
        const share = async () =>
          /vigil_dataset_drift_share\{model="churn",version="1"\} (\S+)/.exec(
            await exporter.render(ctx),
          )?.[1];
        // Two concurrent scrapes share one read.
        const [a, b] = await Promise.all([share(), share()]);
        expect([a, b]).toEqual(["0", "0"]);
        await store.putMetrics([
          {
            modelId: churn.id,
            versionId: v1.id,
            windowStart: W2 + 300_000,
            name: METRIC.DATASET_DRIFT_SHARE,
            value: 0.75,
          },
        ]);
        clock.now += 4999;
        expect(await share()).toBe("0");
        clock.now += 1;
        expect(await share()).toBe("0.75");
      } finally {
        await store.close();
      }
    });
  });
}
