/**
 * Deferred window profiles (src/monitor/deferred-profiles.ts) on SQLite: events counted
 * after their commit and written at flush give the same bytes as in-transaction counting
 * and as a rebuild from raw events; a process that stops before writing is repaired from
 * the raw events; two writers on one file, a model that starts sampling, and a worker that
 * checks large requests itself all stay exact. On PostgreSQL deferral is refused and the
 * ingestor keeps updating profiles in each transaction.
 */
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VigilError } from "../../src/errors.js";
import {
  catchUpWindow,
  DeferredProfiles,
  repairLagging,
} from "../../src/monitor/deferred-profiles.js";
import { Ingestor } from "../../src/monitor/ingest.js";
import { configureModel } from "../../src/monitor/models.js";
import { rebuildWindowProfile } from "../../src/monitor/rebuild.js";
import { jsonTextItems } from "../../src/monitor/request-items.js";
import { DatasetProfile, serializeDatasetProfile } from "../../src/sketch/index.js";
import type { Store, WindowKey } from "../../src/store/index.js";
import { COLUMNS, type Event, NOW, PREVIOUS, setupChurn, WINDOW } from "../helpers/churn-model.js";
import { transpiledCli } from "../helpers/cli-process.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("monitor-deferred");

let seed = 11;
function rnd(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

function makeEvents(n: number, prefix: string, start = WINDOW): Event[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    timestamp: start + Math.floor(rnd() * 110_000),
    version: "1",
    features: { age: Math.round(rnd() * 800) / 10, plan: ["free", "pro", "team"][i % 3] },
    prediction: rnd() < 0.4 ? "1" : "0",
    scores: Math.round(rnd() * 1000) / 1000,
    latency_ms: Math.round(rnd() * 4000) / 100,
    ...(i % 17 === 5 ? { error: "timeout" } : {}),
  }));
}

/** As the HTTP route hands them over: split, not parsed. */
const raw = (events: unknown[]) => jsonTextItems(JSON.stringify(events), false);

/** The window profile the layout defines, built directly with DatasetProfile.updateRow. */
function expectedBytes(events: Event[]): Buffer {
  const p = new DatasetProfile({ ...COLUMNS });
  for (const e of events) {
    const f = (e.features ?? {}) as Record<string, unknown>;
    p.updateRow({
      age: f.age,
      plan: f.plan,
      $prediction: e.prediction,
      $score: e.scores,
      $latency_ms: e.latency_ms,
      $error: e.error ? "1" : "0",
      $unknown: undefined,
    });
  }
  return Buffer.from(serializeDatasetProfile(p));
}

async function storedBytes(store: Store, key: WindowKey): Promise<Buffer> {
  const w = await store.getWindowProfile(key);
  return Buffer.from(w!.data);
}

for (const backend of backends) {
  describe(`deferred window profiles on ${backend.name}`, () => {
    const stores: Store[] = [];
    const deferreds: DeferredProfiles[] = [];
    afterAll(async () => {
      for (const d of deferreds) await d.close().catch(() => undefined);
      for (const s of stores) await s.close();
      await backend.cleanup();
    });
    async function open(): Promise<Store> {
      const { store } = await backend.open();
      stores.push(store);
      return store;
    }
    async function deferredOn(
      store: Store,
      opts: ConstructorParameters<typeof DeferredProfiles>[1] = {},
    ) {
      const d = new DeferredProfiles(store, { flushIntervalMs: 0, ...opts });
      deferreds.push(d);
      await d.start();
      return d;
    }

    if (backend.name === "postgres") {
      it("is refused: several writers' seq order is not their commit order", async () => {
        const store = await open();
        expect(DeferredProfiles.supports(store)).toBe(false);
        expect(() => new DeferredProfiles(store)).toThrow(VigilError);
      });
      return;
    }

    it("writes at flush the same bytes as counting in the transaction, and a rebuild agrees", async () => {
      const store = await open();
      const { model, v1 } = await setupChurn(store);
      const deferred = await deferredOn(store);
      const ingestor = new Ingestor(store, { deferred });
      const current = makeEvents(120, "c");
      const previous = makeEvents(30, "p", PREVIOUS);
      const a = await ingestor.ingest("churn", raw([...current.slice(0, 60), ...previous]), NOW);
      expect(a).toMatchObject({ accepted: 90, duplicates: 0, rejected: [] });
      expect(a.errorsByVersion["1"]).toBe(
        [...current.slice(0, 60), ...previous].filter((e) => e.error).length,
      );
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      // Committed and acknowledged; the window exists, its profile is written at flush.
      expect(await store.countEvents(model.id)).toBe(90);
      const before = await store.getWindowProfile(key);
      expect(before?.countedSeq).toBe(0);
      expect(before?.eventCount).toBe(0);
      await ingestor.ingest("churn", raw(current.slice(60)), NOW);
      // A retry is a duplicate and is not counted again.
      expect(await ingestor.ingest("churn", raw(current.slice(0, 10)), NOW)).toMatchObject({
        accepted: 0,
        duplicates: 10,
      });
      await deferred.flush();
      const w = await store.getWindowProfile(key);
      expect(w?.eventCount).toBe(120);
      expect(Buffer.from(w!.data).equals(expectedBytes(current))).toBe(true);
      const prev = { ...key, windowStart: PREVIOUS };
      expect((await storedBytes(store, prev)).equals(expectedBytes(previous))).toBe(true);
      for (const k of [key, prev]) {
        const r = await rebuildWindowProfile(store, k);
        expect(r.identical).toBe(true);
        expect(r.events).toBe((await store.getWindowProfile(k))!.eventCount);
      }
      // The counted seq is the window's last event.
      expect(w?.countedSeq).toBe(await store.maxWindowEventSeq(key));
    });

    it("replays what a process counted but never wrote (kill -9), on the next start", async () => {
      const store = await open();
      const { model, v1 } = await setupChurn(store);
      const first = await deferredOn(store);
      const ingestor = new Ingestor(store, { deferred: first });
      const events = makeEvents(80, "k");
      await ingestor.ingest("churn", raw(events.slice(0, 50)), NOW);
      await first.flush();
      await ingestor.ingest("churn", raw(events.slice(50)), NOW);
      // The process dies here: 30 events committed, counted in memory only.
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      const lagging = await store.getWindowProfile(key);
      expect(lagging?.eventCount).toBe(50);
      // A rebuild covers what the stored profile covers: still identical.
      expect((await rebuildWindowProfile(store, key)).identical).toBe(true);
      expect(await store.laggingWindows()).toEqual([
        { key, countedSeq: lagging!.countedSeq, maxSeq: await store.maxWindowEventSeq(key) },
      ]);
      expect(await repairLagging(store)).toBe(1);
      const w = await store.getWindowProfile(key);
      expect(w?.eventCount).toBe(80);
      expect(Buffer.from(w!.data).equals(expectedBytes(events))).toBe(true);
      expect(await store.laggingWindows()).toEqual([]);
      // The dead process's counter must not overwrite the repair (its row moved on).
      await first.flush();
      expect((await storedBytes(store, key)).equals(expectedBytes(events))).toBe(true);
    });

    it("stays exact with two writers on one file: a write over the other's events is replayed", async () => {
      const store = await open();
      const { model, v1 } = await setupChurn(store);
      const da = await deferredOn(store);
      const db = await deferredOn(store);
      const a = new Ingestor(store, { deferred: da });
      const b = new Ingestor(store, { deferred: db });
      const events = makeEvents(120, "w");
      for (let i = 0; i < 12; i++) {
        await (i % 3 === 0 ? b : a).ingest("churn", raw(events.slice(i * 10, i * 10 + 10)), NOW);
        if (i === 5) await da.flush();
      }
      await da.flush();
      await db.flush();
      await da.flush();
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      const w = await store.getWindowProfile(key);
      expect(w?.eventCount).toBe(120);
      expect(Buffer.from(w!.data).equals(expectedBytes(events))).toBe(true);
      expect((await rebuildWindowProfile(store, key)).identical).toBe(true);
    });

    it("hands a window back to in-transaction counting when its model starts sampling", async () => {
      const store = await open();
      const { model, v1 } = await setupChurn(store);
      const deferred = await deferredOn(store);
      const ingestor = new Ingestor(store, { deferred });
      const events = makeEvents(60, "s");
      await ingestor.ingest("churn", raw(events.slice(0, 30)), NOW);
      await configureModel(store, "churn", { settings: { ingest: { sampleRate: 0.5 } } }, "t");
      await ingestor.ingest("churn", raw(events.slice(30)), NOW);
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      const w = await store.getWindowProfile(key);
      // Every event counted, the deferred ones replayed first; now updated in each transaction.
      expect(w?.countedSeq).toBeNull();
      expect(w?.eventCount).toBe(60);
      expect(Buffer.from(w!.data).equals(expectedBytes(events))).toBe(true);
      // The counter's unwritten copy of the window must not overwrite it.
      await deferred.flush();
      expect((await storedBytes(store, key)).equals(expectedBytes(events))).toBe(true);
      expect(await catchUpWindow(store, key)).toBe(0);
    });

    it("checks large requests on a worker thread with the same answers and profiles", async () => {
      const store = await open();
      const { model, v1 } = await setupChurn(store);
      // The transpiled copy of src/ the CLI tests run (the compiled worker entry).
      const workerFile = join(
        dirname(transpiledCli()),
        "..",
        "dist",
        "monitor",
        "profile-worker.js",
      );
      const deferred = await deferredOn(store, { workerFile });
      expect(deferred.threaded).toBe(true);
      const ingestor = new Ingestor(store, { deferred });
      const plain = new Ingestor(store);
      const events = makeEvents(100, "t");
      // The first request teaches the ingestor the model's rules; later ones go to the worker.
      await ingestor.ingest("churn", raw(events.slice(0, 20)), NOW);
      const bad: unknown[] = events.slice(20, 60);
      bad.splice(3, 0, { ...events[0], id: "bad-type", features: { age: "41" } });
      bad.splice(7, 0, "not an event");
      bad.splice(9, 0, { ...events[0], id: "bad-version", version: "9" });
      const text = JSON.stringify(bad);
      const withBroken = `${text.slice(0, -1)},{"id": broken}]`;
      const off = await ingestor.ingest("churn", jsonTextItems(withBroken, false), NOW);
      expect(ingestor.offThreadChecks).toBe(1);
      // The same request checked on this thread by an ingestor without a worker.
      await configureModel(
        store,
        "other",
        {
          task: "binary",
          schema: { features: { age: "numeric", plan: "categorical" } },
          window: "5m",
        },
        "t",
      );
      await store.createVersion((await store.requireModel("other")).id, { version: "1" });
      const here = await plain.ingest("other", jsonTextItems(withBroken), NOW);
      // (The version message names the model.)
      expect(off.rejected).toEqual(
        here.rejected.map((r) => ({ ...r, reason: r.reason.replaceAll("other", "churn") })),
      );
      expect(off.rejected.map((r) => r.index)).toEqual([3, 7, 9, 43]);
      expect(off.accepted).toBe(40);
      expect(off.latenciesMsByVersion).toEqual(here.latenciesMsByVersion);
      expect(off.errorsByVersion).toEqual(here.errorsByVersion);
      await ingestor.ingest("churn", raw(events.slice(60)), NOW);
      expect(ingestor.offThreadChecks).toBe(2);
      await deferred.flush();
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      expect((await storedBytes(store, key)).equals(expectedBytes(events))).toBe(true);
      expect((await rebuildWindowProfile(store, key)).identical).toBe(true);
    });
  });
}
