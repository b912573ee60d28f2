/**
 * End to end over HTTP on both backends: configure a model, upload a reference CSV with
 * targets (baseline metrics), send predictions and labels through the ingest API, let the
 * scheduler close the window with the server's injected clock, then read the status, the
 * metric series and the window drill-down. Values are checked against exact statistics of
 * the same data (src/stats, src/evaluate, hand counts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateColumns } from "../../src/evaluate/evaluate.js";
import { METRIC } from "../../src/monitor/metric-names.js";
import { monitorScheduler, schedulerOf } from "../../src/monitor/scheduler.js";
import { jensenShannonDistance, SeededRandom, wassersteinNormed } from "../../src/stats/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("monitor-e2e");

const W = 300_000;
const T0 = Date.UTC(2026, 1, 2, 9, 0, 0);
const COUNTRIES = ["de", "fr", "it"];

interface Row {
  amount: number;
  country: string;
  y: string;
  p: string;
  s: number;
}

/** Rows where the score decides the prediction and the label agrees 85% of the time. */
function rows(n: number, seed: number, amountShift: number): Row[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const s = rng.uniform();
    const p = s >= 0.5 ? "1" : "0";
    const y = rng.uniform() < 0.85 ? p : p === "1" ? "0" : "1";
    return {
      amount: Math.round((amountShift + 100 * rng.uniform()) * 100) / 100,
      country: COUNTRIES[Math.floor(rng.uniform() * 3)]!,
      y,
      p,
      s: Math.round(s * 1e6) / 1e6,
    };
  });
}

describe.each(backends)("monitoring end to end on $name", (backend) => {
  let srv: TestServer;
  const clock = { t: T0 + 10_000 };
  const ref = rows(3000, 5, 0);
  const cur = rows(1500, 6, 30);
  let baseline: Record<string, number>;

  afterAll(async () => {
    await srv?.close();
    await backend.cleanup();
  });

  beforeAll(async () => {
    srv = await startTestServer({ backend, now: () => clock.t });
    const admin = srv.adminToken;
    const put = await srv.request("PUT", "/api/v1/models/fraud", {
      token: admin,
      body: {
        task: "binary",
        schema: { features: { amount: "numeric", country: "categorical" }, positiveClass: "1" },
        windowSeconds: 300,
        settings: { graceSeconds: 30 },
      },
    });
    expect(put.status).toBe(201);
    expect(
      (
        await srv.request("POST", "/api/v1/models/fraud/versions", {
          token: admin,
          body: { version: "v1" },
        })
      ).status,
    ).toBe(201);
    const csv = [
      "amount,country,y,p,s",
      ...ref.map((r) => `${r.amount},${r.country},${r.y},${r.p},${r.s}`),
    ].join("\n");
    const up = await srv.request(
      "POST",
      "/api/v1/models/fraud/versions/v1/reference?target=y&prediction=p&score=s",
      {
        token: admin,
        body: csv,
        headers: { "content-type": "text/csv" },
      },
    );
    expect(up.status).toBe(201);
    baseline = up.json.baseline.metrics;
    expect(baseline.accuracy).toBeGreaterThan(0.8);

    const ingest = await srv.token("ingest", ["fraud"]);
    const events = cur.map((r, i) => ({
      id: `e${i}`,
      timestamp: T0 + i * 100,
      version: "v1",
      features: { amount: r.amount, country: r.country },
      prediction: r.p,
      scores: r.s,
      latency_ms: 5 + (i % 50),
      ...(i % 100 === 0 ? { error: "upstream timeout" } : {}),
    }));
    for (let i = 0; i < events.length; i += 500) {
      const r = await srv.request("POST", "/api/v1/models/fraud/predictions", {
        token: ingest,
        body: events.slice(i, i + 500),
      });
      expect(r.status).toBe(200);
      expect(r.json.accepted).toBe(Math.min(500, events.length - i));
    }
    // Labels for the first 600 events before the window closes.
    const labels = await srv.request("POST", "/api/v1/models/fraud/labels", {
      token: ingest,
      body: cur.slice(0, 600).map((r, i) => ({ id: `e${i}`, label: r.y })),
    });
    expect(labels.status).toBe(200);

    await monitorScheduler({ intervalMs: 0, sweeps: [], log: () => undefined }).start!(srv.ctx);
    clock.t = T0 + W + 30_000;
    const tick = await schedulerOf(srv.ctx)!.runOnce();
    expect(tick.errors).toEqual([]);
    expect(tick.evaluated.map((k) => k.windowStart)).toEqual([T0]);
  });

  const get = (path: string) => srv.request("GET", path, { token: srv.adminToken });

  it("drift and operations of the closed window match the exact values", async () => {
    const r = await get(`/api/v1/models/fraud/windows/${T0}`);
    expect(r.status).toBe(200);
    const [v] = r.json.versions;
    expect(v.events).toBe(1500);
    const col = (name: string) => v.columns.find((c: { name: string }) => c.name === name);
    const amount = col("amount");
    expect(amount.drift.method).toBe("wasserstein");
    const exact = wassersteinNormed(
      Float64Array.from(ref, (x) => x.amount).sort(),
      Float64Array.from(cur, (x) => x.amount).sort(),
    );
    expect(Math.abs(amount.drift.score - exact)).toBeLessThanOrEqual(amount.drift.errorBound);
    expect(Math.abs(amount.drift.score - exact)).toBeLessThan(0.01);
    expect(amount.drift.drifted).toBe(true);
    const count = (xs: Row[]) => COUNTRIES.map((c) => xs.filter((x) => x.country === c).length);
    expect(col("country").drift.method).toBe("jensenshannon");
    expect(col("country").drift.score).toBe(jensenShannonDistance(count(ref), count(cur)));
    // Amounts above the reference maximum (100) are out of range.
    const refMax = Math.max(...ref.map((x) => x.amount));
    expect(amount.quality.outOfRangeShare).toBe(cur.filter((x) => x.amount > refMax).length / 1500);
    expect(v.operations.errorRate).toBe(15 / 1500);
    expect(v.operations.throughput).toBe(1500 / 300);
  });

  it("performance uses the labeled events and the uploaded baseline", async () => {
    const labeled = cur.slice(0, 600);
    const expected = evaluateColumns(
      {
        target: { name: "y", values: labeled.map((r) => r.y) },
        prediction: { name: "p", values: labeled.map((r) => r.p) },
        scores: [{ name: "s", cls: "1", values: Float64Array.from(labeled, (r) => r.s) }],
      },
      { task: "binary", positive: "1" },
    );
    const m = await get("/api/v1/models/fraud/metrics?name=model_metric");
    const byMetric = Object.fromEntries(
      m.json.points.map((p: { labels: { metric: string }; value: number }) => [
        p.labels.metric,
        p.value,
      ]),
    );
    expect(byMetric.accuracy).toBe(labeled.filter((r) => r.y === r.p).length / 600);
    for (const k of ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"]) {
      expect(byMetric[k]).toBe(expected.metrics[k]);
    }
    const drop = await get("/api/v1/models/fraud/metrics?name=model_metric_drop&metric=accuracy");
    expect(drop.json.points[0].value).toBe(baseline.accuracy! - expected.metrics.accuracy!);
    const cov = await get("/api/v1/models/fraud/metrics?name=label_coverage");
    expect(cov.json.points[0].value).toBe(600 / 1500);

    // The rest of the labels arrive a day later: the next tick recomputes the window.
    const ingest = await srv.token("ingest", ["fraud"]);
    clock.t += 86_400_000;
    const more = await srv.request("POST", "/api/v1/models/fraud/labels", {
      token: ingest,
      body: cur.slice(600).map((r, i) => ({ id: `e${600 + i}`, label: r.y })),
    });
    expect(more.status).toBe(200);
    const tick = await schedulerOf(srv.ctx)!.runOnce();
    expect(tick.performanceRefreshed.map((k) => k.windowStart)).toEqual([T0]);
    const all = await get(
      `/api/v1/models/fraud/metrics?name=${METRIC.MODEL_METRIC}&metric=accuracy`,
    );
    expect(all.json.points[0].value).toBe(cur.filter((r) => r.y === r.p).length / 1500);
    const cov2 = await get("/api/v1/models/fraud/metrics?name=label_coverage");
    expect(cov2.json.points[0].value).toBe(1);
  });

  it("status flags the drifted feature", async () => {
    const s = await get("/api/v1/models/fraud/status");
    expect(s.status).toBe(200);
    expect(s.json.monitors.drift.state).toBe("alert");
    const amount = s.json.monitors.drift.entries.find(
      (e: { labels: { feature?: string } }) => e.labels.feature === "amount",
    );
    expect(amount).toMatchObject({
      state: "alert",
      version: "v1",
      windowStart: T0,
      threshold: 0.1,
    });
    const quality = s.json.monitors.quality.entries.find(
      (e: { name: string; labels: { feature?: string } }) =>
        e.name === METRIC.FEATURE_OUT_OF_RANGE_SHARE && e.labels.feature === "amount",
    );
    expect(quality.state).toBe("alert"); // about 30% above the reference maximum
  });
});
