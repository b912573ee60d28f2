import { describe, expect, it } from "vitest";
import { VigilError } from "../../src/errors.js";
import {
  monitorConfig,
  parseMonitorSchema,
  parseWindow,
  windowStartOf,
} from "../../src/monitor/config.js";
import { DEFAULT_INGEST_SETTINGS, parseMonitorSettings } from "../../src/monitor/settings.js";
import type { ModelRecord } from "../../src/store/index.js";

function error(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return err as VigilError;
  }
  throw new Error("expected an error");
}

describe("monitoring schema", () => {
  it("accepts features with kinds and canonicalizes class labels", () => {
    const s = parseMonitorSchema(
      { features: { age: "numeric", plan: "categorical" }, classes: [0, 1], positiveClass: 1 },
      "binary",
    );
    expect(s).toEqual({
      features: { age: "numeric", plan: "categorical" },
      classes: ["0", "1"],
      positiveClass: "1",
    });
  });

  it.each([
    [{ features: { $age: "numeric" } }, "binary", "schema.features.$age", /reserved/],
    [{ features: { age: "number" } }, "binary", "schema.features.age", /numeric or categorical/],
    [{ features: [] }, "binary", "schema.features", /object/],
    [{ features: {}, classes: ["a", "b"] }, "regression", "schema.classes", /no classes/],
    [{ features: {}, classes: ["a", "b", "c"] }, "binary", "schema.classes", /2 classes/],
    [{ features: {}, classes: ["a", "a"] }, "multiclass", "schema.classes", /repeated/],
    [{ features: {}, positiveClass: "x" }, "multiclass", "schema.positiveClass", /only a binary/],
    [
      { features: {}, classes: ["0", "1"], positiveClass: "2" },
      "binary",
      "schema.positiveClass",
      /one of/,
    ],
    [{ features: {}, target: "y" }, "binary", "schema.target", /unknown key/],
  ] as const)("refuses %j (%s) naming %s", (schema, task, field, message) => {
    const err = error(() => parseMonitorSchema(schema, task));
    expect(err.code).toBe("VIGIL_INVALID_MONITOR_CONFIG");
    expect(err.details[0]?.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it("reads window sizes as seconds or durations", () => {
    expect(parseWindow(300)).toBe(300);
    expect(parseWindow("300s")).toBe(300);
    expect(parseWindow("5m")).toBe(300);
    expect(parseWindow("1h")).toBe(3600);
    expect(parseWindow("1d")).toBe(86_400);
    for (const bad of [0, -5, 1.5, "5 minutes", "", 40 * 86_400, null]) {
      expect(error(() => parseWindow(bad)).code).toBe("VIGIL_INVALID_MONITOR_CONFIG");
    }
  });

  it("aligns windows to the epoch, also before 1970", () => {
    expect(windowStartOf(1_700_000_123_456, 300_000)).toBe(1_700_000_100_000);
    expect(windowStartOf(300_000, 300_000)).toBe(300_000);
    expect(windowStartOf(-1, 300_000)).toBe(-300_000);
  });

  it("treats a registry model with an empty schema as not configured", () => {
    const model = {
      id: 1,
      name: "m",
      task: "binary",
      schema: {},
      windowSeconds: 300,
      monitors: {},
      createdAt: 0,
      updatedAt: 0,
    } satisfies ModelRecord;
    expect(monitorConfig(model)).toBeNull();
    const c = monitorConfig({ ...model, schema: { features: { x: "numeric" } } });
    expect(c?.columns).toEqual({
      x: "numeric",
      $prediction: "categorical",
      $score: "numeric",
      $latency_ms: "numeric",
      $error: "categorical",
      $unknown: "categorical",
    });
    expect(c?.windowMs).toBe(300_000);
    expect(c?.positiveClass).toBe("1");
  });
});

describe("monitor settings", () => {
  it("fills every default and keeps given values", () => {
    const s = parseMonitorSettings({
      ingest: { sampleRate: 0.25, retentionDays: null },
      graceSeconds: 30,
    });
    expect(s.ingest).toEqual({ ...DEFAULT_INGEST_SETTINGS, sampleRate: 0.25, retentionDays: null });
    expect(s.evaluation.graceSeconds).toBe(30);
    expect(parseMonitorSettings(undefined).ingest).toEqual(DEFAULT_INGEST_SETTINGS);
  });

  it.each([
    [{ ingest: { sampleRate: 0 } }, "settings.ingest.sampleRate"],
    [{ ingest: { sampleRate: 1.5 } }, "settings.ingest.sampleRate"],
    [{ ingest: { retentionDays: -1 } }, "settings.ingest.retentionDays"],
    [{ ingest: { typeErrors: "ignore" } }, "settings.ingest.typeErrors"],
    [{ ingest: { maxStringBytes: 1 } }, "settings.ingest.maxStringBytes"],
    [{ ingest: { sampelRate: 0.5 } }, "settings.ingest.sampelRate"],
    [{ ingest: [] }, "settings.ingest"],
    [{ drfit: {} }, "settings.drfit"],
    [{ graceSeconds: -1 }, "settings.graceSeconds"],
    [{ drift: { driftShare: 2 } }, "settings.drift.driftShare"],
  ])("refuses %j naming %s", (settings, field) => {
    const err = error(() => parseMonitorSettings(settings as never));
    expect(err.code).toBe("VIGIL_INVALID_MONITOR_CONFIG");
    expect(err.details[0]?.field).toBe(field);
  });
});
