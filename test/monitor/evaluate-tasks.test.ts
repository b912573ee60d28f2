/**
 * Performance and prediction drift for regression and multiclass models, on both backends:
 * metrics equal src/evaluate on the same rows and hand-computed values; rows whose label or
 * prediction cannot be evaluated are counted, not guessed.
 */
import { describe, expect, it } from "vitest";
import { evaluateColumns } from "../../src/evaluate/evaluate.js";
import { evaluateWindow } from "../../src/monitor/evaluate-window.js";
import { METRIC } from "../../src/monitor/metric-names.js";
import { evaluatePredictions } from "../../src/monitor/monitors/performance.js";
import { ksTwoSample } from "../../src/stats/index.js";
import { storeBackends, suiteStores } from "../helpers/store-backends.js";
import { putWindow, seedModel, type TestEvent } from "./evaluate-fixture.js";

const { backends } = await storeBackends("monitor-tasks");
const T0 = 1_700_000_100_000 - (1_700_000_100_000 % 300_000);

describe("performance on hand-computed data", () => {
  it("regression: MAE, RMSE, R² as exact math", () => {
    const r = evaluatePredictions("regression", { features: {} }, [
      { label: 1, prediction: 1.5, scores: undefined },
      { label: "2", prediction: 2, scores: undefined },
      { label: 3, prediction: 2, scores: undefined },
      { label: 4, prediction: 5, scores: undefined },
      { label: "n/a", prediction: 5, scores: undefined },
      { label: 4, prediction: null, scores: undefined },
    ]);
    expect(r.evaluated).toBe(4);
    expect(r.unusable).toBe(2);
    expect(r.metrics.mae).toBe(2.5 / 4);
    expect(r.metrics.rmse).toBe(Math.sqrt(2.25 / 4));
    // mean y = 2.5, total sum of squares 5, residual sum 2.25.
    expect(r.metrics.r2).toBeCloseTo(1 - 2.25 / 5, 15);
  });

  it("binary: a bare score is the positive class's, an object is by class", () => {
    const rows = [
      { label: "yes", prediction: "yes", scores: { yes: 0.9, no: 0.1 } },
      { label: "no", prediction: "yes", scores: { yes: 0.6, no: 0.4 } },
      { label: "no", prediction: "no", scores: { yes: 0.2, no: 0.8 } },
      { label: "yes", prediction: "no", scores: { yes: 0.4, no: 0.6 } },
    ];
    const r = evaluatePredictions("binary", { features: {}, positiveClass: "yes" }, rows);
    expect(r.metrics.accuracy).toBe(0.5);
    expect(r.metrics.precision).toBe(0.5);
    // Positives score 0.9 and 0.4, negatives 0.6 and 0.2: 3 of 4 pairs ordered right.
    expect(r.metrics.roc_auc).toBe(0.75);
    // One event without scores: score-based metrics are left out, the others stay.
    const partial = evaluatePredictions("binary", { features: {}, positiveClass: "yes" }, [
      ...rows,
      { label: "yes", prediction: "yes", scores: undefined },
    ]);
    expect(partial.metrics.roc_auc).toBeUndefined();
    expect(partial.metrics.accuracy).toBe(3 / 5);
  });
});

describe.each(backends)("task-specific windows on $name", (backend) => {
  const { open } = suiteStores(backend);

  it("regression: numeric prediction drift and regression metrics", async () => {
    const store = await open();
    const n = 300;
    const m = await seedModel(store, {
      name: "price",
      task: "regression",
      schema: { features: { x: "numeric" } },
      reference: {
        x: Array.from({ length: n }, (_, i) => (i * 7) % 101),
        $prediction: Array.from({ length: n }, (_, i) => ((i * 13) % 97) / 2),
      },
      rows: n,
      baseline: { metrics: { mae: 2, r2: 0.9 } },
    });
    const events: TestEvent[] = Array.from({ length: 120 }, (_, i) => ({
      id: `r${i}`,
      features: { x: (i * 11) % 101 },
      prediction: ((i * 17) % 89) / 2 + 5,
    }));
    const key = await putWindow(store, m, T0, events);
    const truth = (i: number) => ((i * 17) % 89) / 2 + 5 + ((i % 5) - 2);
    await store.insertLabels(
      m.modelId,
      events.slice(0, 80).map((e, i) => ({ id: e.id, label: truth(i), timestamp: T0 })),
    );
    const r = await evaluateWindow(store, key, undefined, T0 + 400_000);
    const p = r.drift!.prediction!;
    expect(p.method).toBe("ks");
    const exact = ksTwoSample(
      Float64Array.from({ length: n }, (_, i) => ((i * 13) % 97) / 2).sort(),
      Float64Array.from(events, (e) => e.prediction as number).sort(),
    );
    expect(p.errorBound).toBe(0); // both sketches hold every value
    expect(p.statistic).toBe(exact.statistic);
    const expected = evaluateColumns(
      {
        target: { name: "y", values: events.slice(0, 80).map((_, i) => String(truth(i))) },
        prediction: { name: "p", values: events.slice(0, 80).map((e) => String(e.prediction)) },
      },
      { task: "regression" },
    );
    const stored = await store.queryMetrics({ modelId: m.modelId, name: METRIC.MODEL_METRIC });
    const got = Object.fromEntries(stored.map((s) => [s.labels.metric, s.value]));
    expect(Object.keys(got).sort()).toEqual(
      ["mae", "rmse", "mse", "mape", "r2", "median_absolute_error", "max_error"].sort(),
    );
    for (const [k, v] of Object.entries(got)) expect(v).toBe(expected.metrics[k]);
    // Errors cycle through -2..2: MAE = (2 + 1 + 0 + 1 + 2) / 5.
    expect(got.mae).toBe(1.2);
    const drops = await store.queryMetrics({ modelId: m.modelId, name: METRIC.MODEL_METRIC_DROP });
    expect(Object.fromEntries(drops.map((d) => [d.labels.metric, d.value]))).toEqual({
      mae: got.mae! - 2,
      r2: 0.9 - got.r2!,
    });
  });

  it("multiclass: class-probability objects give ROC AUC and log loss", async () => {
    const store = await open();
    const classes = ["cat", "dog", "fox"];
    const m = await seedModel(store, {
      name: "animals",
      task: "multiclass",
      schema: { features: { x: "numeric" }, classes },
      reference: {
        x: Array.from({ length: 200 }, (_, i) => i % 10),
        $prediction: Array.from({ length: 200 }, (_, i) => classes[i % 3]),
      },
      rows: 200,
    });
    const events: TestEvent[] = Array.from({ length: 90 }, (_, i) => {
      const top = i % 3;
      const probs = [0.2, 0.2, 0.2];
      probs[top] = 0.6;
      return {
        id: `m${i}`,
        features: { x: i % 10 },
        prediction: classes[top]!,
        scores: Object.fromEntries(classes.map((c, j) => [c, probs[j]!])),
      };
    });
    const key = await putWindow(store, m, T0, events);
    const truth = (i: number) => classes[i % 5 === 0 ? (i + 1) % 3 : i % 3]!;
    await store.insertLabels(
      m.modelId,
      events.map((e, i) => ({ id: e.id, label: truth(i), timestamp: T0 })),
    );
    const r = await evaluateWindow(store, key, undefined, T0 + 400_000);
    expect(r.drift!.prediction!.method).toBe("chisquare");
    const expected = evaluateColumns(
      {
        target: { name: "y", values: events.map((_, i) => truth(i)) },
        prediction: { name: "p", values: events.map((e) => e.prediction as string) },
        scores: classes.map((c) => ({
          name: c,
          cls: c,
          values: Float64Array.from(events, (e) => (e.scores as Record<string, number>)[c]!),
        })),
      },
      { task: "multiclass", labels: classes },
    );
    expect(r.performance.metrics.accuracy).toBe(72 / 90);
    for (const k of ["accuracy", "f1_macro", "roc_auc", "log_loss", "brier"]) {
      expect(r.performance.metrics[k]).toBe(expected.metrics[k]);
    }
    expect(r.performance.coverage).toBe(1);
  });
});
