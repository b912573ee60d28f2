/**
 * Window evaluation on a real store (SQLite and PostgreSQL): a window profiled from known
 * events against a reference profiled from known data. Drift values are checked against the
 * exact batch statistics of src/stats on the same raw values (within the sketch bounds of
 * docs/profiles.md for KS and Wasserstein, exactly for the bin-based methods), quality
 * shares and operations counts against exact counts, latency quantiles against their exact
 * ranks (within the KLL rank error), and performance metrics against src/evaluate on the
 * same rows and against hand-counted accuracy.
 */
import { describe, expect, it } from "vitest";
import { evaluateColumns } from "../../src/evaluate/evaluate.js";
import { evaluateWindow, refreshWindowPerformance } from "../../src/monitor/evaluate-window.js";
import { evaluationSettings } from "../../src/monitor/evaluation-settings.js";
import { METRIC } from "../../src/monitor/metric-names.js";
import { kllRankError } from "../../src/sketch/index.js";
import {
  chiSquareTwoSample,
  jensenShannonDistance,
  ksTwoSample,
  psi,
  SeededRandom,
  wassersteinNormed,
  zTestTwoProportions,
} from "../../src/stats/index.js";
import type { MetricRecord } from "../../src/store/index.js";
import { storeBackends, suiteStores } from "../helpers/store-backends.js";
import { putWindow, seedModel, type TestEvent } from "./evaluate-fixture.js";

const { backends } = await storeBackends("monitor-evaluate");

const T0 = 1_700_000_100_000 - (1_700_000_100_000 % 300_000);
const SCHEMA = {
  features: {
    age: "numeric",
    income: "numeric",
    tenure: "numeric",
    city: "categorical",
    plan: "categorical",
    promo: "categorical",
  },
  positiveClass: "1",
} as const;

function normal(rng: SeededRandom, mean: number, sd: number): number {
  let s = 0;
  for (let i = 0; i < 12; i++) s += rng.uniform();
  return mean + sd * (s - 6);
}

function pick<T>(rng: SeededRandom, items: readonly T[], weights: readonly number[]): T {
  let u = rng.uniform() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) {
    u -= weights[i]!;
    if (u < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

const CITIES = ["A", "B", "C", "D", "E"];
const PLANS = ["basic", "plus", "pro"];

/** Reference data: 5000 rows; tenure, plan and promo mostly missing so their n stays small. */
function referenceData() {
  const rng = new SeededRandom(11);
  const n = 5000;
  const cols = {
    age: new Array<unknown>(n),
    income: new Array<unknown>(n),
    tenure: new Array<unknown>(n),
    city: new Array<unknown>(n),
    plan: new Array<unknown>(n),
    promo: new Array<unknown>(n),
    $prediction: new Array<unknown>(n),
  };
  for (let i = 0; i < n; i++) {
    cols.age[i] = normal(rng, 40, 10);
    cols.income[i] = normal(rng, 50_000, 15_000);
    cols.tenure[i] = i < 600 ? normal(rng, 24, 6) : null;
    cols.city[i] = pick(rng, CITIES, [30, 25, 20, 15, 10]);
    cols.plan[i] = i < 800 ? pick(rng, PLANS, [50, 30, 20]) : null;
    cols.promo[i] = i < 700 ? pick(rng, ["no", "yes"], [70, 30]) : null;
    cols.$prediction[i] = rng.uniform() < 0.3 ? "1" : "0";
  }
  return { cols, n };
}

/** 2000 window events, shifted on purpose; ~15% labeled later. */
function windowEvents(): TestEvent[] {
  const rng = new SeededRandom(29);
  const out: TestEvent[] = [];
  for (let i = 0; i < 2000; i++) {
    const features: Record<string, unknown> = {
      age: i % 50 === 7 ? "abc" : normal(rng, 45, 10),
      income: i % 10 === 3 ? null : normal(rng, 50_000, 15_000),
      tenure: i < 400 ? normal(rng, 27, 6) : undefined,
      city: i % 20 === 0 ? "F" : pick(rng, CITIES, [20, 20, 20, 20, 20]),
      plan: i < 300 ? pick(rng, PLANS, [30, 30, 40]) : null,
      promo: i < 250 ? pick(rng, ["no", "yes"], [55, 45]) : null,
    };
    const unknown = i % 33 === 5 ? ["extra"] : undefined;
    if (unknown) features.extra = 1;
    const score = rng.uniform();
    const prediction = score >= 0.5 ? "1" : "0";
    out.push({
      id: `e${i}`,
      features,
      prediction,
      scores: score,
      latency_ms: 5 + 20 * (1 / (1 - rng.uniform()) - 1),
      ...(i % 25 === 1 ? { error: "timeout" } : {}),
      ...(unknown ? { unknown } : {}),
    });
  }
  return out;
}

function numbers(values: readonly unknown[]): Float64Array {
  return Float64Array.from(
    values.filter((v): v is number => typeof v === "number" && Number.isFinite(v)),
  ).sort();
}

function counts(values: readonly unknown[], categories: readonly string[]): Float64Array {
  const out = new Float64Array(categories.length + 1);
  for (const v of values) {
    if (typeof v !== "string") continue;
    const i = categories.indexOf(v);
    const j = i < 0 ? categories.length : i;
    out[j] = out[j]! + 1;
  }
  return out;
}

/** Drops the trailing "other" bin when both sides have 0 there (as alignedBinCounts does). */
function aligned(r: Float64Array, c: Float64Array): [Float64Array, Float64Array] {
  const last = r.length - 1;
  if (r[last] === 0 && c[last] === 0) return [r.subarray(0, last), c.subarray(0, last)];
  return [r, c];
}

function point(ms: MetricRecord[], name: string, labels: Record<string, string> = {}) {
  const found = ms.filter(
    (m) =>
      m.name === name &&
      Object.keys(labels).length === Object.keys(m.labels).length &&
      Object.entries(labels).every(([k, v]) => m.labels[k] === v),
  );
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
}

describe.each(backends)("window evaluation on $name", (backend) => {
  const { open } = suiteStores(backend);

  it("drift, quality, operations and performance match the exact values", async () => {
    const store = await open();
    const ref = referenceData();
    const baseline = { metrics: { accuracy: 0.9, roc_auc: 0.95, log_loss: 0.3 }, rows: 5000 };
    const m = await seedModel(store, {
      name: "churn",
      task: "binary",
      schema: SCHEMA as never,
      reference: ref.cols,
      rows: ref.n,
      baseline,
    });
    const events = windowEvents();
    const key = await putWindow(store, m, T0, events, 4);
    // Labels for every 7th event: the label flips the prediction for every 4th of them.
    const labeled = events.filter((_, i) => i % 7 === 0);
    await store.insertLabels(
      m.modelId,
      labeled.map((e, j) => ({
        id: e.id,
        label: j % 4 === 0 ? (e.prediction === "1" ? 0 : 1) : Number(e.prediction),
        timestamp: T0 + 1000,
      })),
    );

    const settings = evaluationSettings({});
    const r = await evaluateWindow(store, key, settings, T0 + 400_000);
    expect(r.committed).toBe(true);
    expect(r.events).toBe(2000);
    const stored = await store.queryMetrics({ modelId: m.modelId, versionId: m.versionId });
    expect(stored.length).toBe(r.points);

    // ---- drift: methods chosen like the batch defaults --------------------------------
    const byFeature = new Map(r.drift!.features.map((f) => [f.column, f]));
    const feature = (c: string) => events.map((e) => e.features[c]);
    const methods = Object.fromEntries([...byFeature].map(([k, f]) => [k, f.method]));
    expect(methods).toEqual({
      age: "wasserstein",
      income: "wasserstein",
      tenure: "ks",
      city: "jensenshannon",
      plan: "chisquare",
      promo: "z",
    });
    // Wasserstein and KS: within the sketch bound of the exact batch value.
    for (const c of ["age", "income"]) {
      const f = byFeature.get(c)!;
      const exact = wassersteinNormed(numbers(ref.cols[c as "age"]), numbers(feature(c)));
      expect(Math.abs(f.score - exact)).toBeLessThanOrEqual(f.errorBound);
      expect(Math.abs(f.score - exact)).toBeLessThan(0.01);
      expect(point(stored, METRIC.FEATURE_DRIFT_SCORE, { feature: c, method: "wasserstein" })).toBe(
        f.score,
      );
    }
    expect(byFeature.get("age")!.drifted).toBe(true); // mean shifted by half a std
    expect(byFeature.get("income")!.drifted).toBe(false);
    const tenure = byFeature.get("tenure")!;
    const ks = ksTwoSample(numbers(ref.cols.tenure), numbers(feature("tenure")));
    expect(Math.abs(tenure.statistic - ks.statistic)).toBeLessThanOrEqual(tenure.errorBound);
    expect(Math.abs(tenure.statistic - ks.statistic)).toBeLessThan(0.01);
    expect(tenure.referenceN).toBe(600);
    expect(tenure.currentN).toBe(400);
    expect(tenure.drifted).toBe(ks.pValue < 0.05);
    expect(point(stored, METRIC.FEATURE_DRIFT_STATISTIC, { feature: "tenure", method: "ks" })).toBe(
      tenure.statistic,
    );
    // Bin-based methods: exactly the batch function on the exact counts.
    const [cr, cc] = aligned(counts(ref.cols.city, CITIES), counts(feature("city"), CITIES));
    expect(cr.length).toBe(6); // the unseen "F" keeps the "other" bin
    expect(byFeature.get("city")!.score).toBe(jensenShannonDistance(cr, cc));
    const [pr, pc] = aligned(counts(ref.cols.plan, PLANS), counts(feature("plan"), PLANS));
    const chi = chiSquareTwoSample(pr, pc);
    expect(byFeature.get("plan")!.statistic).toBe(chi.statistic);
    expect(byFeature.get("plan")!.score).toBe(chi.pValue);
    const [zr, zc] = aligned(
      counts(ref.cols.promo, ["no", "yes"]),
      counts(feature("promo"), ["no", "yes"]),
    );
    const z = zTestTwoProportions(zr[0]!, zr[0]! + zr[1]!, zc[0]!, zc[0]! + zc[1]!);
    expect(byFeature.get("promo")!.score).toBe(z.pValue);
    expect(byFeature.get("promo")!.statistic).toBe(z.statistic);
    // Prediction drift: JS on the two classes.
    const [qr, qc] = aligned(
      counts(ref.cols.$prediction, ["0", "1"]),
      counts(
        events.map((e) => e.prediction),
        ["0", "1"],
      ),
    );
    expect(r.drift!.prediction!.method).toBe("jensenshannon");
    expect(r.drift!.prediction!.score).toBe(jensenShannonDistance(qr, qc));
    expect(point(stored, METRIC.PREDICTION_DRIFT_SCORE, { method: "jensenshannon" })).toBe(
      jensenShannonDistance(qr, qc),
    );
    // Data set drift share over the six features.
    const drifted = r.drift!.features.filter((f) => f.drifted).length;
    expect(point(stored, METRIC.DATASET_DRIFT_SHARE)).toBe(drifted / 6);
    expect(point(stored, METRIC.DATASET_DRIFTED)).toBe(drifted / 6 >= 0.5 ? 1 : 0);
    for (const f of r.drift!.features) {
      const labels = { feature: f.column, method: f.method };
      expect(point(stored, METRIC.FEATURE_DRIFTED, labels)).toBe(f.drifted ? 1 : 0);
      expect(point(stored, METRIC.FEATURE_DRIFT_THRESHOLD, labels)).toBe(
        f.output === "p_value" ? 0.05 : 0.1,
      );
    }

    // ---- quality: exact shares ----------------------------------------------------------
    const q = (name: string, f: string) => point(stored, name, { feature: f });
    expect(q(METRIC.FEATURE_MISSING_SHARE, "income")).toBe(200 / 2000);
    expect(q(METRIC.FEATURE_MISSING_SHARE_CHANGE, "income")).toBe(200 / 2000 - 0);
    expect(q(METRIC.FEATURE_MISSING_SHARE, "tenure")).toBe(1600 / 2000);
    expect(q(METRIC.FEATURE_MISSING_SHARE_CHANGE, "tenure")).toBe(1600 / 2000 - 4400 / 5000);
    expect(q(METRIC.FEATURE_TYPE_ERROR_SHARE, "age")).toBe(40 / 2000);
    expect(q(METRIC.FEATURE_TYPE_ERROR_SHARE, "income")).toBe(0);
    const refAge = numbers(ref.cols.age);
    const curAge = numbers(feature("age"));
    const outside = curAge.filter((x) => x < refAge[0]! || x > refAge[refAge.length - 1]!).length;
    expect(outside).toBeGreaterThan(0);
    expect(q(METRIC.FEATURE_OUT_OF_RANGE_SHARE, "age")).toBe(outside / curAge.length);
    expect(q(METRIC.FEATURE_UNSEEN_CATEGORY_SHARE, "city")).toBe(100 / 2000);
    expect(q(METRIC.FEATURE_UNSEEN_CATEGORY_SHARE, "plan")).toBe(0);
    const unknownEvents = events.filter((e) => e.unknown).length;
    expect(point(stored, METRIC.UNKNOWN_FEATURE_SHARE)).toBe(unknownEvents / 2000);
    expect(point(stored, METRIC.UNKNOWN_FEATURE_EVENTS, { feature: "extra" })).toBe(unknownEvents);

    // ---- operations -----------------------------------------------------------------------
    expect(point(stored, METRIC.THROUGHPUT)).toBe(2000 / 300);
    expect(point(stored, METRIC.ERROR_RATE)).toBe(80 / 2000);
    expect(point(stored, METRIC.EVENT_COUNT)).toBe(2000);
    const lat = Float64Array.from(events.map((e) => e.latency_ms!)).sort();
    const eps = kllRankError(600);
    expect(r.operations.latencyRankError).toBe(eps); // 2000 values: the sketch compacted
    for (const qn of ["0.5", "0.95", "0.99"]) {
      const v = point(stored, METRIC.LATENCY_MS, { quantile: qn });
      const below = lat.filter((x) => x < v).length / lat.length;
      const atMost = lat.filter((x) => x <= v).length / lat.length;
      expect(atMost).toBeGreaterThanOrEqual(Number(qn) - eps);
      expect(below).toBeLessThanOrEqual(Number(qn) + eps);
    }

    // ---- performance ------------------------------------------------------------------------
    const labels = labeled.map((e, j) =>
      j % 4 === 0 ? (e.prediction === "1" ? "0" : "1") : (e.prediction as string),
    );
    const expected = evaluateColumns(
      {
        target: { name: "label", values: labels },
        prediction: { name: "prediction", values: labeled.map((e) => e.prediction as string) },
        scores: [
          { name: "s", cls: "1", values: Float64Array.from(labeled, (e) => e.scores as number) },
        ],
      },
      { task: "binary", positive: "1" },
    );
    const flipped = labeled.filter((_, j) => j % 4 === 0).length;
    expect(point(stored, METRIC.MODEL_METRIC, { metric: "accuracy" })).toBe(
      (labeled.length - flipped) / labeled.length,
    );
    for (const metric of [
      "accuracy",
      "precision",
      "recall",
      "f1",
      "roc_auc",
      "log_loss",
      "brier",
    ]) {
      expect(point(stored, METRIC.MODEL_METRIC, { metric })).toBe(expected.metrics[metric]);
    }
    expect(point(stored, METRIC.MODEL_METRIC_DROP, { metric: "accuracy" })).toBe(
      0.9 - expected.metrics.accuracy!,
    );
    expect(point(stored, METRIC.MODEL_METRIC_DROP, { metric: "log_loss" })).toBe(
      expected.metrics.log_loss! - 0.3,
    );
    expect(point(stored, METRIC.LABEL_COVERAGE)).toBe(labeled.length / 2000);
    expect(point(stored, METRIC.LABELED_EVENTS)).toBe(labeled.length);
  });

  it("late labels recompute the window's performance, once", async () => {
    const store = await open();
    const ref = referenceData();
    const m = await seedModel(store, {
      name: "late",
      task: "binary",
      schema: SCHEMA as never,
      reference: ref.cols,
      rows: ref.n,
    });
    const events = windowEvents().slice(0, 200);
    const key = await putWindow(store, m, T0, events);
    const truth = (i: number) => (i % 3 === 0 ? "0" : "1");
    await store.insertLabels(
      m.modelId,
      events.slice(0, 50).map((e, i) => ({ id: e.id, label: truth(i), timestamp: T0 })),
    );
    await evaluateWindow(store, key, undefined, T0 + 400_000, { close: true });
    expect((await store.getWindowProfile(key))!.closedAt).toBe(T0 + 400_000);
    const acc = async () =>
      (
        await store.queryMetrics({
          modelId: m.modelId,
          name: METRIC.MODEL_METRIC,
          labels: { metric: "accuracy" },
        })
      )[0]!.value;
    const exactAccuracy = (n: number) =>
      events.slice(0, n).filter((e, i) => e.prediction === truth(i)).length / n;
    expect(await acc()).toBe(exactAccuracy(50));
    expect(await refreshWindowPerformance(store, key)).toBe(false);

    await store.insertLabels(
      m.modelId,
      events.slice(50, 120).map((e, i) => ({ id: e.id, label: truth(50 + i), timestamp: T0 })),
    );
    expect(await refreshWindowPerformance(store, key)).toBe(true);
    expect(await acc()).toBe(exactAccuracy(120));
    const coverage = await store.queryMetrics({ modelId: m.modelId, name: METRIC.LABEL_COVERAGE });
    expect(coverage.map((c) => c.value)).toEqual([120 / 200]);
    expect(await refreshWindowPerformance(store, key)).toBe(false);
    // A label replaced with a new value is a change too.
    await store.insertLabels(m.modelId, [{ id: events[1]!.id, label: "0", timestamp: T0 }]);
    expect(await refreshWindowPerformance(store, key)).toBe(true);
  });

  it("settings choose the method per kind and per feature, and the thresholds", async () => {
    const store = await open();
    const ref = referenceData();
    const m = await seedModel(store, {
      name: "configured",
      task: "binary",
      schema: SCHEMA as never,
      reference: ref.cols,
      rows: ref.n,
      monitors: {
        drift: {
          method: { numeric: "psi" },
          threshold: { psi: 0.25 },
          features: { city: { method: "chisquare", threshold: 0.01 }, age: { threshold: 5 } },
          driftShare: 0.2,
        },
      },
    });
    const events = windowEvents();
    const key = await putWindow(store, m, T0, events);
    const r = await evaluateWindow(store, key, undefined, T0 + 400_000);
    const f = new Map(r.drift!.features.map((x) => [x.column, x]));
    expect(f.get("income")!.method).toBe("psi");
    expect(f.get("income")!.threshold).toBe(0.25);
    expect(f.get("age")!.method).toBe("psi");
    expect(f.get("age")!.threshold).toBe(5);
    expect(f.get("age")!.drifted).toBe(false);
    expect(f.get("city")!.method).toBe("chisquare");
    expect(f.get("city")!.threshold).toBe(0.01);
    // PSI on the reference's Sturges bins (plus the outer bins) equals the batch psi there.
    const refIncome = m.reference.column("income");
    const spec = refIncome.bins!.spec as { edges: Float64Array };
    const binOf = (x: number) => {
      const e = spec.edges;
      if (x < e[0]!) return 0;
      if (x > e[e.length - 1]!) return e.length;
      let i = 0;
      while (i + 2 < e.length && x >= e[i + 1]!) i++;
      return i + 1;
    };
    const bin = (xs: Float64Array) => {
      const c = new Float64Array(spec.edges.length + 1);
      for (const x of xs) {
        const j = binOf(x);
        c[j] = c[j]! + 1;
      }
      return c;
    };
    const rc = bin(numbers(ref.cols.income));
    const cc = bin(numbers(events.map((e) => e.features.income)));
    const keep = [...rc.keys()].filter(
      (i) => !((i === 0 || i === rc.length - 1) && rc[i] === 0 && cc[i] === 0),
    );
    expect(f.get("income")!.score).toBe(
      psi(
        Float64Array.from(keep, (i) => rc[i]!),
        Float64Array.from(keep, (i) => cc[i]!),
      ),
    );
    const share = r.drift!.features.filter((x) => x.drifted).length / 6;
    expect(r.drift!.drifted).toBe(share >= 0.2);
  });

  it("volume: model-level count and its ratio to the median of previous windows", async () => {
    const store = await open();
    const ref = referenceData();
    const m = await seedModel(store, {
      name: "volume",
      task: "binary",
      schema: SCHEMA as never,
      reference: ref.cols,
      rows: ref.n,
    });
    const all = windowEvents();
    const sizes = [100, 300, 200, 400];
    let offset = 0;
    const results = [];
    for (const [i, n] of sizes.entries()) {
      const evs = all.slice(offset, offset + n);
      offset += n;
      const key = await putWindow(store, m, T0 + i * m.windowMs, evs);
      results.push(await evaluateWindow(store, key, undefined, T0 + (i + 2) * m.windowMs));
    }
    // Fewer than 3 previous windows: no usual volume yet.
    expect(Number.isNaN(results[2]!.volume!.ratio)).toBe(true);
    expect(results[3]!.volume!.usual).toBe(200);
    expect(results[3]!.volume!.ratio).toBe(2);
    const model = await store.queryMetrics({ modelId: m.modelId, versionId: null });
    expect(model.filter((p) => p.name === METRIC.EVENT_COUNT).map((p) => p.value)).toEqual(sizes);
    expect(
      point(
        model.filter((p) => p.windowStart === T0 + 3 * m.windowMs),
        METRIC.EVENT_VOLUME_RATIO,
      ),
    ).toBe(2);
  });

  it("a version without a reference still gets operations, volume and performance", async () => {
    const store = await open();
    const m = await seedModel(store, { name: "noref", task: "binary", schema: SCHEMA as never });
    const events = windowEvents().slice(0, 50);
    const key = await putWindow(store, m, T0, events);
    const r = await evaluateWindow(store, key, undefined, T0 + 400_000);
    expect(r.drift).toBeNull();
    expect(r.notes.join(" ")).toMatch(/no reference profile/);
    const stored = await store.queryMetrics({ modelId: m.modelId, versionId: m.versionId });
    expect(point(stored, METRIC.EVENT_COUNT)).toBe(50);
    expect(stored.some((p) => p.name === METRIC.FEATURE_DRIFT_SCORE)).toBe(false);
  });

  it("an unknown window is VIGIL_WINDOW_NOT_FOUND", async () => {
    const store = await open();
    const m = await seedModel(store, { name: "nowin", task: "binary", schema: SCHEMA as never });
    await expect(
      evaluateWindow(
        store,
        { modelId: m.modelId, versionId: m.versionId, windowStart: T0 },
        undefined,
        T0,
      ),
    ).rejects.toMatchObject({ code: "VIGIL_WINDOW_NOT_FOUND" });
  });
});
