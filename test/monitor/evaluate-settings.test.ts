/**
 * Evaluation settings (defaults, overrides, refusals naming the field) and the status
 * states computed from stored points.
 */
import { describe, expect, it } from "vitest";
import { VigilError } from "../../src/errors.js";
import {
  defaultEvaluationSettings,
  evaluationSettings,
  levelState,
} from "../../src/monitor/evaluation-settings.js";
import { METRIC } from "../../src/monitor/metric-names.js";
import { statusFromMetrics } from "../../src/monitor/status.js";
import type { MetricRecord, ModelRecord } from "../../src/store/index.js";

function refusal(monitors: unknown): VigilError {
  try {
    evaluationSettings(monitors as never);
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return err as VigilError;
  }
  throw new Error("accepted");
}

describe("evaluation settings", () => {
  it("fill defaults and take overrides", () => {
    expect(evaluationSettings(undefined)).toEqual(defaultEvaluationSettings());
    expect(evaluationSettings({ ingest: { sampleRate: 0.5 } })).toEqual(
      defaultEvaluationSettings(),
    );
    const s = evaluationSettings({
      graceSeconds: 0,
      drift: {
        method: { numeric: "kl_div", categorical: "g_test" },
        threshold: { js: 0.2 },
        features: { age: { method: "psi", threshold: 0.3 }, $prediction: { threshold: 0.01 } },
        driftShare: 1,
      },
      quality: { missingShareChange: { warning: 0.1, alert: null } },
      volume: { history: 24, minHistory: 24, low: { alert: 0.1 } },
      performance: { drop: { rmse: { alert: 3 } }, threshold: 0.7 },
      operations: { latencyMs: { "0.99": { warning: 200 } } },
    });
    expect(s.graceSeconds).toBe(0);
    expect(s.drift.methodByKind).toEqual({ numeric: "kl", categorical: "g_test" });
    expect(s.drift.thresholdByMethod).toEqual({ jensenshannon: 0.2 });
    expect(s.drift.features).toEqual({
      age: { method: "psi", threshold: 0.3 },
      $prediction: { threshold: 0.01 },
    });
    expect(s.quality.missingShareChange).toEqual({ warning: 0.1 });
    expect(s.volume).toMatchObject({
      history: 24,
      minHistory: 24,
      low: { warning: 0.5, alert: 0.1 },
    });
    expect(s.performance.drop.rmse).toEqual({ alert: 3 });
    expect(s.performance.drop.accuracy).toEqual({ warning: 0.02, alert: 0.05 });
    expect(s.operations.latencyMs).toEqual({ "0.99": { warning: 200 } });
  });

  it("refuse wrong shapes naming the field", () => {
    const cases: [unknown, string, string][] = [
      [[], "VIGIL_CONFIG_INVALID", "monitors"],
      [{ graceSeconds: -1 }, "VIGIL_CONFIG_INVALID", "graceSeconds"],
      [{ drift: { driftShare: 0 } }, "VIGIL_CONFIG_INVALID", "drift.driftShare"],
      [{ drift: { method: { text: "psi" } } }, "VIGIL_CONFIG_INVALID", "drift.method.text"],
      [{ drift: { method: { numeric: "nope" } } }, "VIGIL_CONFIG_INVALID", "drift.method.numeric"],
      [
        { drift: { features: { age: { threshold: "high" } } } },
        "VIGIL_CONFIG_INVALID",
        "drift.features.age.threshold",
      ],
      [
        { quality: { outOfRangeShare: { critical: 1 } } },
        "VIGIL_CONFIG_INVALID",
        "quality.outOfRangeShare.critical",
      ],
      [{ volume: { history: 3, minHistory: 4 } }, "VIGIL_CONFIG_INVALID", "volume.minHistory"],
      [{ volume: { history: 1.5 } }, "VIGIL_CONFIG_INVALID", "volume.history"],
      [
        { operations: { latencyMs: { "0.9": { alert: 1 } } } },
        "VIGIL_CONFIG_INVALID",
        "operations.latencyMs.0.9",
      ],
    ];
    for (const [monitors, code, field] of cases) {
      const err = refusal(monitors);
      expect([field, err.code, err.details[0]?.field]).toEqual([field, code, field]);
    }
  });

  it("refuse methods a window cannot compute", () => {
    for (const [monitors, field] of [
      [{ drift: { method: { numeric: "anderson" } } }, "drift.method.numeric"],
      [{ drift: { method: { categorical: "ks" } } }, "drift.method.categorical"],
      [{ drift: { features: { x: { method: "mann_whitney" } } } }, "drift.features.x.method"],
    ] as const) {
      const err = refusal(monitors);
      expect(err.code).toBe("VIGIL_METHOD_NOT_APPLICABLE");
      expect(err.details[0]?.field).toBe(field);
    }
  });

  it("levels: above and below, alert before warning, NaN is ok", () => {
    const l = { warning: 0.5, alert: 0.2 };
    expect(levelState(0.6, l, "below")).toBe("ok");
    expect(levelState(0.5, l, "below")).toBe("warning");
    expect(levelState(0.2, l, "below")).toBe("alert");
    expect(levelState(3, { warning: 2, alert: 5 }, "above")).toBe("warning");
    expect(levelState(Number.NaN, l, "below")).toBe("ok");
    expect(levelState(100, undefined)).toBe("ok");
  });
});

describe("status from stored points", () => {
  const model = { id: 1, name: "m" } as ModelRecord;
  let t = 0;
  const point = (
    name: string,
    value: number,
    labels: Record<string, string> = {},
    windowStart = 1000,
    versionId: number | null = 7,
  ): MetricRecord => ({ modelId: 1, versionId, windowStart, name, labels, value, updatedAt: ++t });

  it("judges each monitor and keeps the newest series of a feature", () => {
    const settings = evaluationSettings({
      operations: { latencyMs: { "0.99": { warning: 100, alert: 500 } } },
    });
    const s = statusFromMetrics(
      model,
      [
        // age: an old chisquare series (drifted) and the newer z series (not drifted).
        point(METRIC.FEATURE_DRIFT_SCORE, 0.001, { feature: "age", method: "chisquare" }, 500),
        point(METRIC.FEATURE_DRIFTED, 1, { feature: "age", method: "chisquare" }, 500),
        point(METRIC.FEATURE_DRIFT_SCORE, 0.4, { feature: "age", method: "z" }),
        point(METRIC.FEATURE_DRIFTED, 0, { feature: "age", method: "z" }),
        point(METRIC.FEATURE_DRIFT_THRESHOLD, 0.05, { feature: "age", method: "z" }),
        point(METRIC.FEATURE_MISSING_SHARE_CHANGE, 0.07, { feature: "age" }),
        point(METRIC.EVENT_VOLUME_RATIO, 0.1, {}, 1000, null),
        point(METRIC.LATENCY_MS, 150, { quantile: "0.99" }),
        point(METRIC.LATENCY_MS, 900, { quantile: "0.5" }),
        point(METRIC.MODEL_METRIC, 0.85, { metric: "accuracy" }),
        point(METRIC.MODEL_METRIC_DROP, 0.03, { metric: "accuracy" }),
        point(METRIC.MODEL_METRIC, 0.5, { metric: "log_loss" }),
        point(METRIC.MODEL_METRIC_DROP, 0.4, { metric: "log_loss" }),
      ],
      new Map([[7, "v7"]]),
      settings,
    );
    expect(s.monitors.drift.entries).toEqual([
      {
        name: METRIC.FEATURE_DRIFT_SCORE,
        version: "v7",
        labels: { feature: "age", method: "z" },
        windowStart: 1000,
        value: 0.4,
        state: "ok",
        threshold: 0.05,
      },
    ]);
    expect(s.monitors.quality.entries[0]).toMatchObject({ state: "warning", value: 0.07 });
    expect(s.monitors.volume.state).toBe("alert");
    expect(s.monitors.volume.entries[0]).toMatchObject({ version: null, value: 0.1 });
    const lat = Object.fromEntries(
      s.monitors.operations.entries.map((e) => [e.labels.quantile, e.state]),
    );
    expect(lat).toEqual({ "0.99": "warning", "0.5": "ok" });
    const perf = Object.fromEntries(
      s.monitors.performance.entries.map((e) => [e.labels.metric, [e.state, e.drop]]),
    );
    // accuracy: drop 0.03 between the default warning 0.02 and alert 0.05; log loss has no level.
    expect(perf).toEqual({ accuracy: ["warning", 0.03], log_loss: ["ok", 0.4] });
    expect(s.state).toBe("alert");
    expect(s.latestWindowStart).toBe(1000);
  });
});
