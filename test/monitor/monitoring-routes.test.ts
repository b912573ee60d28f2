/**
 * The monitoring routes on a real HTTP server (127.0.0.1, port 0) over both backends:
 * windows are profiled on the server's store, closed by the scheduler plugin with the
 * server's injected clock, then read back through /metrics, /status and /windows/:start.
 * Bad parameters get their codes; roles are enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRIC } from "../../src/monitor/metric-names.js";
import { monitorScheduler, schedulerOf } from "../../src/monitor/scheduler.js";
import { parseTimeParam } from "../../src/server/routes/monitoring.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";
import { putWindow, type SeededModel, seedModel, type TestEvent } from "./evaluate-fixture.js";

const { backends } = await storeBackends("monitor-routes");

const W = 300_000;
const T0 = Date.UTC(2026, 0, 31, 12, 0, 0);
const ISO0 = "2026-01-31T12:00:00Z";

function events(n: number, prefix: string, shift: number, errorsEvery = 0): TestEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    features: { x: (i % 40) + shift, c: ["a", "b", "c", "d"][i % 4] },
    prediction: i % 3 === 0 ? "1" : "0",
    latency_ms: 10 + (i % 9),
    ...(errorsEvery > 0 && i % errorsEvery === 0 ? { error: "boom" } : {}),
  }));
}

describe("time parameters", () => {
  it("accept epoch ms, ISO 8601 date-times with a zone and dates", () => {
    expect(parseTimeParam(String(T0), "t")).toBe(T0);
    expect(parseTimeParam(ISO0, "t")).toBe(T0);
    expect(parseTimeParam("2026-01-31T13:00:00+01:00", "t")).toBe(T0);
    expect(parseTimeParam("2026-01-31T12:00:00.000Z", "t")).toBe(T0);
    expect(parseTimeParam("2026-01-31", "t")).toBe(Date.UTC(2026, 0, 31));
    for (const bad of ["yesterday", "2026-01-31T12:00:00", "-5", "1e12", "2026-13-45", ""]) {
      expect(() => parseTimeParam(bad, "query.from")).toThrow(
        expect.objectContaining({ code: "VIGIL_INVALID_ARGUMENT" }),
      );
    }
  });
});

describe.each(backends)("monitoring routes on $name", (backend) => {
  let srv: TestServer;
  let m: SeededModel;
  let viewer: string;
  const clock = { t: T0 };
  afterAll(async () => {
    await srv?.close();
    await backend.cleanup();
  });

  beforeAll(async () => {
    srv = await startTestServer({ backend, now: () => clock.t });
    const n = 400;
    m = await seedModel(srv.store, {
      name: "churn",
      task: "binary",
      schema: { features: { x: "numeric", c: "categorical" } },
      reference: {
        x: Array.from({ length: n }, (_, i) => i % 40),
        c: Array.from({ length: n }, (_, i) => ["a", "b", "c", "d"][i % 4]),
        $prediction: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? "1" : "0")),
      },
      rows: n,
      baseline: { metrics: { accuracy: 0.9 } },
      monitors: { graceSeconds: 30, operations: { errorRate: { warning: 0.01, alert: 0.05 } } },
    });
    // Window 0 like the reference; window 1 shifted (x drifts) with 10% errors.
    await putWindow(srv.store, m, T0, events(200, "a", 0));
    const w1 = events(200, "b", 25, 10);
    await putWindow(srv.store, m, T0 + W, w1);
    await srv.store.insertLabels(
      m.modelId,
      w1.slice(0, 100).map((e, i) => ({
        id: e.id,
        label: i < 80 ? e.prediction : e.prediction === "1" ? "0" : "1",
        timestamp: T0,
      })),
    );
    const plugin = monitorScheduler({ intervalMs: 0, sweeps: [], log: () => undefined });
    await plugin.start!(srv.ctx);
    clock.t = T0 + 2 * W + 30_000;
    const r = await schedulerOf(srv.ctx)!.runOnce();
    expect(r.evaluated.map((k) => k.windowStart)).toEqual([T0, T0 + W]);
    viewer = await srv.token("viewer");
  });

  const get = (path: string, token = viewer) => srv.request("GET", path, { token });

  it("GET metrics returns the stored series, filtered by name, feature, version and time", async () => {
    const r = await get(
      `/api/v1/models/churn/metrics?name=${METRIC.FEATURE_DRIFT_SCORE}&feature=x`,
    );
    expect(r.status).toBe(200);
    const stored = await srv.store.queryMetrics({
      modelId: m.modelId,
      name: METRIC.FEATURE_DRIFT_SCORE,
      labels: { feature: "x" },
    });
    expect(stored).toHaveLength(2);
    expect(r.json).toEqual({
      model: "churn",
      windowSeconds: 300,
      truncated: false,
      points: stored.map((p) => ({
        name: METRIC.FEATURE_DRIFT_SCORE,
        version: "v1",
        labels: { feature: "x", method: "ks" },
        windowStart: p.windowStart,
        windowEnd: p.windowStart + W,
        value: p.value,
      })),
    });
    // The same window by ISO 8601 and by epoch ms, [from, to).
    for (const [from, to] of [
      [encodeURIComponent("2026-01-31T12:05:00Z"), encodeURIComponent("2026-01-31T12:10:00+00:00")],
      [String(T0 + W), String(T0 + 2 * W)],
    ]) {
      const one = await get(
        `/api/v1/models/churn/metrics?name=event_count&from=${from}&to=${to}&version=v1`,
      );
      expect(one.status).toBe(200);
      expect(
        one.json.points.map((p: { windowStart: number; value: number }) => [
          p.windowStart,
          p.value,
        ]),
      ).toEqual([[T0 + W, 200]]);
    }
    const model = await get("/api/v1/models/churn/metrics?name=event_count&level=model");
    expect(
      model.json.points.map((p: { version: null; value: number }) => [p.version, p.value]),
    ).toEqual([
      [null, 200],
      [null, 200],
    ]);
    const perf = await get("/api/v1/models/churn/metrics?name=model_metric&metric=accuracy");
    expect(perf.json.points.map((p: { value: number }) => p.value)).toEqual([80 / 100]);
    const limited = await get("/api/v1/models/churn/metrics?limit=3");
    expect(limited.json.points).toHaveLength(3);
    expect(limited.json.truncated).toBe(true);
  });

  it("GET status gives the latest value and state per monitor", async () => {
    const r = await get("/api/v1/models/churn/status");
    expect(r.status).toBe(200);
    const s = r.json;
    expect(s.model).toBe("churn");
    expect(s.latestWindowStart).toBe(T0 + W);
    expect(s.state).toBe("alert");
    const drift = s.monitors.drift.entries.find(
      (e: { name: string; labels: { feature?: string } }) =>
        e.name === METRIC.FEATURE_DRIFT_SCORE && e.labels.feature === "x",
    );
    expect(drift).toMatchObject({
      version: "v1",
      windowStart: T0 + W,
      state: "alert",
      threshold: 0.05,
    });
    expect(drift.value).toBeLessThan(0.05);
    const c = s.monitors.drift.entries.find(
      (e: { name: string; labels: { feature?: string } }) => e.labels.feature === "c",
    );
    expect(c.state).toBe("ok");
    const err = s.monitors.operations.entries.find(
      (e: { name: string }) => e.name === METRIC.ERROR_RATE,
    );
    expect(err).toMatchObject({
      value: 20 / 200,
      state: "alert",
      levels: { warning: 0.01, alert: 0.05 },
    });
    expect(s.monitors.operations.state).toBe("alert");
    // Accuracy 0.8 against the baseline 0.9: a drop of 0.1, above the default alert level 0.05.
    const acc = s.monitors.performance.entries.find(
      (e: { name: string; labels: { metric?: string } }) => e.labels.metric === "accuracy",
    );
    expect(acc.state).toBe("alert");
    expect(acc.value).toBe(0.8);
    expect(acc.drop).toBeCloseTo(0.1, 12);
    expect(s.monitors.volume.state).toBe("ok");
    const v = await get("/api/v1/models/churn/status?version=v1");
    expect(v.status).toBe(200);
  });

  it("GET windows/:start lays out one feature's profiles against the reference", async () => {
    for (const start of [
      String(T0 + W),
      encodeURIComponent("2026-01-31T12:05:00Z"),
      String(T0 + W + 1234),
    ]) {
      const r = await get(`/api/v1/models/churn/windows/${start}?feature=x`);
      expect(r.status).toBe(200);
      expect(r.json.windowStart).toBe(T0 + W);
      const [v] = r.json.versions;
      expect(v.version).toBe("v1");
      expect(v.closedAt).toBe(T0 + 2 * W + 30_000);
      expect(v.events).toBe(200);
      expect(v.columns).toHaveLength(1);
      const x = v.columns[0];
      expect(x.name).toBe("x");
      expect(x.window.count).toBe(200);
      expect(x.reference.count).toBe(400);
      expect(x.window.numeric.min).toBe(25);
      expect(x.reference.numeric.max).toBe(39);
      // Values 40..64 are above the reference range: counted in the overflow bin.
      const over = events(200, "b", 25).filter((e) => (e.features.x as number) > 39).length;
      expect(x.bins.window.at(-1)).toBe(over);
      expect(x.bins.reference.reduce((a: number, b: number) => a + b, 0)).toBe(400);
      expect(x.quality.outOfRangeShare).toBe(over / 200);
      expect(x.drift.method).toBe("ks");
      expect(x.drift.drifted).toBe(true);
      const stored = v.metrics.find((p: { name: string }) => p.name === METRIC.FEATURE_DRIFT_SCORE);
      expect(stored.value).toBe(x.drift.score);
    }
    const all = await get(`/api/v1/models/churn/windows/${T0}`);
    expect(all.json.versions[0].columns.map((c: { name: string }) => c.name).sort()).toEqual([
      "$error",
      "$latency_ms",
      "$prediction",
      "$score",
      "$unknown",
      "c",
      "x",
    ]);
    expect(all.json.versions[0].dataset).toEqual({ driftShare: 0, drifted: false, tested: 2 });
  });

  it("bad parameters get their codes", async () => {
    const cases: [string, number, string][] = [
      ["/api/v1/models/nope/metrics", 404, "VIGIL_MODEL_NOT_FOUND"],
      ["/api/v1/models/churn/metrics?version=v9", 404, "VIGIL_VERSION_NOT_FOUND"],
      ["/api/v1/models/churn/metrics?name=bogus", 400, "VIGIL_INVALID_ARGUMENT"],
      ["/api/v1/models/churn/metrics?from=yesterday", 400, "VIGIL_INVALID_ARGUMENT"],
      [`/api/v1/models/churn/metrics?from=${T0 + W}&to=${T0}`, 400, "VIGIL_INVALID_ARGUMENT"],
      ["/api/v1/models/churn/metrics?limit=0", 400, "VIGIL_INVALID_ARGUMENT"],
      ["/api/v1/models/churn/metrics?level=model&version=v1", 400, "VIGIL_INVALID_ARGUMENT"],
      ["/api/v1/models/churn/metrics?colour=red", 400, "VIGIL_INVALID_ARGUMENT"],
      ["/api/v1/models/churn/status?version=v9", 404, "VIGIL_VERSION_NOT_FOUND"],
      ["/api/v1/models/churn/windows/notatime", 400, "VIGIL_INVALID_ARGUMENT"],
      [`/api/v1/models/churn/windows/${T0 + 5 * W}`, 404, "VIGIL_WINDOW_NOT_FOUND"],
      [`/api/v1/models/churn/windows/${T0}?version=v9`, 404, "VIGIL_VERSION_NOT_FOUND"],
      [`/api/v1/models/churn/windows/${T0}?feature=nope`, 400, "VIGIL_COLUMN_NOT_FOUND"],
    ];
    for (const [path, status, code] of cases) {
      const r = await get(path);
      expect([path, r.status, r.json?.error?.code]).toEqual([path, status, code]);
    }
  });

  it("reading roles may read; ingest tokens and anonymous requests may not", async () => {
    for (const role of ["viewer", "data-scientist", "ml-engineer", "approver", "admin"] as const) {
      const r = await get("/api/v1/models/churn/status", await srv.token(role));
      expect([role, r.status]).toEqual([role, 200]);
    }
    const ingest = await get("/api/v1/models/churn/status", await srv.token("ingest", ["churn"]));
    expect(ingest.status).toBe(403);
    expect(ingest.json.error.code).toBe("VIGIL_FORBIDDEN");
    const anon = await srv.request("GET", "/api/v1/models/churn/metrics");
    expect(anon.status).toBe(401);
    expect(anon.json.error.code).toBe("VIGIL_UNAUTHENTICATED");
  });
});
