/**
 * The window scheduler with an injected clock on both backends: windows close only after
 * their end plus the grace period, late events re-evaluate a closed window, late labels
 * recompute its performance (also after a restart, from the store alone), empty window slots
 * count as zero volume, and two schedulers on one database evaluate each window once.
 */
import { describe, expect, it } from "vitest";
import { METRIC } from "../../src/monitor/metric-names.js";
import {
  MonitorScheduler,
  monitorScheduler,
  schedulerOf,
  type TickReport,
} from "../../src/monitor/scheduler.js";
import type { ServerContext } from "../../src/server/route.js";
import { openStore, type Store } from "../../src/store/index.js";
import { storeBackends, suiteStores } from "../helpers/store-backends.js";
import { putWindow, seedModel, type TestEvent } from "./evaluate-fixture.js";

const { backends } = await storeBackends("monitor-scheduler", { poolSize: 4 });

const W = 300_000;
const T0 = 1_700_000_100_000 - (1_700_000_100_000 % W);
const GRACE = 60_000;
const SCHEMA = { features: { x: "numeric", c: "categorical" } };

function events(n: number, prefix: string, shift = 0): TestEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    features: { x: (i % 17) + shift, c: ["a", "b", "c"][i % 3] },
    prediction: i % 2 === 0 ? "1" : "0",
    scores: (i % 10) / 10,
    latency_ms: 10 + (i % 7),
  }));
}

function reference() {
  const n = 400;
  return {
    rows: n,
    cols: {
      x: Array.from({ length: n }, (_, i) => i % 17),
      c: Array.from({ length: n }, (_, i) => ["a", "b", "c"][i % 3]),
      $prediction: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? "1" : "0")),
    },
  };
}

class Clock {
  constructor(public t: number) {}
  now = () => this.t;
}

function context(store: Store, clock: Clock): ServerContext {
  return { store, now: clock.now, ingestObservers: [], services: new Map() };
}

const keys = (r: TickReport, field: "evaluated" | "lost" | "performanceRefreshed") =>
  r[field].map((k) => k.windowStart);

describe.each(backends)("scheduler on $name", (backend) => {
  const { open, closeLater } = suiteStores(backend);
  const quiet = { intervalMs: 0, labelCheckEveryMs: 0, sweeps: [], log: () => undefined };

  async function seed(store: Store, name = "m") {
    const ref = reference();
    return seedModel(store, {
      name,
      task: "binary",
      schema: SCHEMA as never,
      reference: ref.cols,
      rows: ref.rows,
      monitors: { graceSeconds: GRACE / 1000 },
    });
  }

  it("closes a window only after its end plus the grace period", async () => {
    const store = await open();
    const m = await seed(store);
    const key = await putWindow(store, m, T0, events(50, "a"));
    const clock = new Clock(T0 + W + GRACE - 1);
    const s = new MonitorScheduler(context(store, clock), quiet);
    expect(keys(await s.runOnce(), "evaluated")).toEqual([]);
    expect((await store.getWindowProfile(key))!.closedAt).toBeNull();
    clock.t += 1;
    const r = await s.runOnce();
    expect(keys(r, "evaluated")).toEqual([T0]);
    expect(r.errors).toEqual([]);
    expect((await store.getWindowProfile(key))!.closedAt).toBe(T0 + W + GRACE);
    const count = await store.queryMetrics({ modelId: m.modelId, name: METRIC.EVENT_COUNT });
    expect(count.map((p) => [p.versionId, p.value])).toEqual([
      [null, 50],
      [m.versionId, 50],
    ]);
    expect(keys(await s.runOnce(), "evaluated")).toEqual([]);
  });

  it("re-evaluates a closed window that received late events", async () => {
    const store = await open();
    const m = await seed(store);
    await putWindow(store, m, T0, events(30, "a"));
    const clock = new Clock(T0 + W + GRACE);
    const s = new MonitorScheduler(context(store, clock), quiet);
    expect(keys(await s.runOnce(), "evaluated")).toEqual([T0]);
    await putWindow(store, m, T0, events(12, "late"), 1);
    clock.t += 5000;
    expect(keys(await s.runOnce(), "evaluated")).toEqual([T0]);
    const count = await store.queryMetrics({
      modelId: m.modelId,
      versionId: m.versionId,
      name: METRIC.EVENT_COUNT,
    });
    expect(count.map((p) => p.value)).toEqual([42]);
    expect(keys(await s.runOnce(), "evaluated")).toEqual([]);
  });

  it("recomputes performance when labels arrive late, also after a restart", async () => {
    const store = await open();
    const m = await seed(store);
    const evs = events(40, "a");
    const key = await putWindow(store, m, T0, evs);
    const clock = new Clock(T0 + W + GRACE);
    const ctx = context(store, clock);
    const s1 = new MonitorScheduler(ctx, quiet);
    await s1.runOnce();
    const coverage = async () =>
      (await store.queryMetrics({ modelId: m.modelId, name: METRIC.LABEL_COVERAGE }))[0]!.value;
    expect(await coverage()).toBe(0);

    await store.insertLabels(
      m.modelId,
      evs.slice(0, 10).map((e) => ({ id: e.id, label: e.prediction, timestamp: T0 })),
    );
    clock.t += 1000;
    let r = await s1.runOnce();
    expect(keys(r, "performanceRefreshed")).toEqual([T0]);
    expect(await coverage()).toBe(10 / 40);
    const accuracy = await store.queryMetrics({
      modelId: m.modelId,
      name: METRIC.MODEL_METRIC,
      labels: { metric: "accuracy" },
    });
    expect(accuracy.map((p) => p.value)).toEqual([1]);
    // Nothing new: the labels are looked at again (safety margin) but nothing is written.
    r = await s1.runOnce();
    expect(keys(r, "performanceRefreshed")).toEqual([]);

    // A restarted server (fresh scheduler, no memory) recomputes nothing that is current...
    const s2 = new MonitorScheduler(ctx, quiet);
    expect(keys(await s2.runOnce(), "performanceRefreshed")).toEqual([]);
    // ...and picks up labels that arrived while it was down.
    await store.insertLabels(
      m.modelId,
      evs
        .slice(10, 30)
        .map((e) => ({ id: e.id, label: e.prediction === "1" ? "0" : "1", timestamp: T0 })),
    );
    const s3 = new MonitorScheduler(ctx, quiet);
    expect(keys(await s3.runOnce(), "performanceRefreshed")).toEqual([T0]);
    expect(await coverage()).toBe(30 / 40);
    const acc = await store.queryMetrics({
      modelId: m.modelId,
      name: METRIC.MODEL_METRIC,
      labels: { metric: "accuracy" },
    });
    expect(acc.map((p) => p.value)).toEqual([10 / 30]);
    expect((await store.getWindowProfile(key))!.closedAt).toBe(T0 + W + GRACE);
  });

  it("scans labels at most every labelCheckEveryMs of the server clock", async () => {
    const store = await open();
    const m = await seed(store);
    const evs = events(10, "a");
    await putWindow(store, m, T0, evs);
    const clock = new Clock(T0 + W + GRACE);
    const s = new MonitorScheduler(context(store, clock), { ...quiet, labelCheckEveryMs: 30_000 });
    await s.runOnce();
    await store.insertLabels(
      m.modelId,
      evs.map((e) => ({ id: e.id, label: e.prediction, timestamp: T0 })),
    );
    clock.t += 29_999;
    expect(keys(await s.runOnce(), "performanceRefreshed")).toEqual([]);
    clock.t += 1;
    expect(keys(await s.runOnce(), "performanceRefreshed")).toEqual([T0]);
  });

  it("labels of an open window wait for its evaluation", async () => {
    const store = await open();
    const m = await seed(store);
    const evs = events(20, "a");
    await putWindow(store, m, T0, evs);
    await store.insertLabels(
      m.modelId,
      evs.map((e) => ({ id: e.id, label: e.prediction, timestamp: T0 })),
    );
    const clock = new Clock(T0 + W);
    const s = new MonitorScheduler(context(store, clock), quiet);
    const r = await s.runOnce();
    expect(keys(r, "performanceRefreshed")).toEqual([]);
    expect(await store.queryMetrics({ modelId: m.modelId, name: METRIC.LABEL_COVERAGE })).toEqual(
      [],
    );
    clock.t = T0 + W + GRACE;
    expect(keys(await s.runOnce(), "evaluated")).toEqual([T0]);
    const cov = await store.queryMetrics({ modelId: m.modelId, name: METRIC.LABEL_COVERAGE });
    expect(cov.map((p) => p.value)).toEqual([1]);
  });

  it("counts window slots without events as zero volume", async () => {
    const store = await open();
    const m = await seed(store);
    for (let i = 0; i < 3; i++) await putWindow(store, m, T0 + i * W, events(100, `w${i}`));
    const clock = new Clock(T0 + 3 * W + GRACE);
    const s = new MonitorScheduler(context(store, clock), quiet);
    expect(keys(await s.runOnce(), "evaluated")).toEqual([T0, T0 + W, T0 + 2 * W]);
    // Traffic stops for two windows, then one window with 50 events.
    await putWindow(store, m, T0 + 5 * W, events(50, "w5"));
    clock.t = T0 + 6 * W + GRACE;
    const r = await s.runOnce();
    expect(r.emptyWindows.map((e) => e.windowStart)).toEqual([T0 + 3 * W, T0 + 4 * W]);
    expect(keys(r, "evaluated")).toEqual([T0 + 5 * W]);
    const model = await store.queryMetrics({ modelId: m.modelId, versionId: null });
    const series = (name: string) =>
      model.filter((p) => p.name === name).map((p) => [(p.windowStart - T0) / W, p.value]);
    expect(series(METRIC.EVENT_COUNT)).toEqual([
      [0, 100],
      [1, 100],
      [2, 100],
      [3, 0],
      [4, 0],
      [5, 50],
    ]);
    // The zero windows count in the usual volume: median(100, 100, 100, 0, 0) = 100.
    const ratios = series(METRIC.EVENT_VOLUME_RATIO);
    expect(ratios[3]).toEqual([3, 0]);
    expect(ratios[4]).toEqual([4, 0]);
    expect(ratios[5]).toEqual([5, 50 / 100]);
    // Nothing more to do.
    const again = await s.runOnce();
    expect(again.emptyWindows).toEqual([]);
  });

  it("two schedulers on one database evaluate each window once", async () => {
    const f = backend.fresh();
    const a = await openStore(f.url, f.options);
    const b = await openStore(f.url, f.options);
    closeLater(a, b);
    const m = await seed(a);
    for (let i = 0; i < 6; i++) await putWindow(a, m, T0 + i * W, events(40, `w${i}`), 1);
    const clock = new Clock(T0 + 6 * W + GRACE);
    const s1 = new MonitorScheduler(context(a, clock), quiet);
    const s2 = new MonitorScheduler(context(b, clock), quiet);
    const [r1, r2] = await Promise.all([s1.runOnce(), s2.runOnce()]);
    const all = [...keys(r1, "evaluated"), ...keys(r2, "evaluated")].sort();
    expect(all).toEqual(Array.from({ length: 6 }, (_, i) => T0 + i * W));
    const windows = await a.listWindowProfiles(m.modelId);
    expect(windows.every((w) => w.closedAt === clock.t)).toBe(true);
    const counts = await a.queryMetrics({
      modelId: m.modelId,
      versionId: m.versionId,
      name: METRIC.EVENT_COUNT,
    });
    expect(counts.map((p) => p.value)).toEqual([40, 40, 40, 40, 40, 40]);
    expect(r1.errors).toEqual([]);
    expect(r2.errors).toEqual([]);
  });

  it("a model with broken settings is reported and the others still run", async () => {
    const store = await open();
    const bad = await seed(store, "bad");
    const good = await seed(store, "good");
    await putWindow(store, bad, T0, events(10, "b"));
    await putWindow(store, good, T0, events(10, "g"));
    await store.updateModel("bad", { monitors: { drift: { driftShare: 7 } } });
    const lines: string[] = [];
    const s = new MonitorScheduler(context(store, new Clock(T0 + W + GRACE)), {
      ...quiet,
      log: (l) => lines.push(l),
    });
    const r = await s.runOnce();
    expect(r.evaluated.map((k) => k.modelId)).toEqual([good.modelId]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.model).toBe("bad");
    expect(r.errors[0]!.message).toMatch(/driftShare/);
    expect(lines.join("\n")).toMatch(/model bad/);
  });

  it("runs as a server plugin: service registered, sweeps called with the clock, stop waits", async () => {
    const store = await open();
    const clock = new Clock(T0);
    const ctx = context(store, clock);
    const seen: number[] = [];
    const plugin = monitorScheduler({
      intervalMs: 0,
      sweeps: [async (_c, now) => void seen.push(now)],
      log: () => undefined,
    });
    await plugin.start!(ctx);
    const s = schedulerOf(ctx);
    expect(s).toBeInstanceOf(MonitorScheduler);
    await s!.runOnce();
    clock.t += 1234;
    await s!.runOnce();
    expect(seen).toEqual([T0, T0 + 1234]);
    await plugin.stop!(ctx);
  });
});
