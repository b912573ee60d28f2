/**
 * Ingestion on both store backends (test/helpers/store-backends.ts): validation with
 * per-event rejections, idempotency, unknown features, the window profile against a
 * profile built directly from the same events, group commit, several writers, versions,
 * reference bins, labels, sampling, retention and rebuilds from raw events.
 */
import { describe, expect, it } from "vitest";
import { Ingestor, isSampledOut } from "../../src/monitor/ingest.js";
import { ingestLabels } from "../../src/monitor/labels.js";
import { configureModel } from "../../src/monitor/models.js";
import {
  compareProfiles,
  rebuildWindowProfile,
  sweepRetention,
} from "../../src/monitor/rebuild.js";
import { jsonTextItems } from "../../src/monitor/request-items.js";
import {
  buildReferenceProfile,
  DatasetProfile,
  deserializeDatasetProfile,
  type FrequentItems,
  serializeDatasetProfile,
} from "../../src/sketch/index.js";
import type { JsonValue, Store } from "../../src/store/index.js";
import { COLUMNS, type Event, NOW, PREVIOUS, setupChurn, WINDOW } from "../helpers/churn-model.js";
import { expectCode } from "../helpers/error-code.js";
import { storeBackends, suiteStores } from "../helpers/store-backends.js";

/** The frequent-items counter of a category. */
function categoryCount(col: { frequent: unknown }, item: string): number {
  return (col.frequent as FrequentItems<string>).get(item);
}

const { backends } = await storeBackends("monitor-ingest");

async function setup(store: Store, monitors: JsonValue = {}) {
  const churn = await setupChurn(store, monitors);
  const v2 = await store.createVersion(churn.model.id, { version: "2" });
  return { ...churn, v2 };
}

let seed = 7;
function rnd(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

function makeEvents(n: number, prefix: string, start = WINDOW, version = "1"): Event[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    timestamp: start + Math.floor(rnd() * 110_000),
    version,
    features: { age: Math.round(rnd() * 800) / 10, plan: ["free", "pro", "team"][i % 3] },
    prediction: rnd() < 0.4 ? "1" : "0",
    scores: Math.round(rnd() * 1000) / 1000,
    latency_ms: Math.round(rnd() * 4000) / 100,
  }));
}

const items = (events: unknown[]) => jsonTextItems(JSON.stringify(events));

/** The window profile as the layout defines it, built with DatasetProfile.updateRow. */
function expectedProfile(events: Event[], bins?: ConstructorParameters<typeof DatasetProfile>[1]) {
  const p = new DatasetProfile({ ...COLUMNS }, bins);
  for (const e of events) {
    const f = (e.features ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(f)
      .filter((k) => k !== "age" && k !== "plan")
      .sort();
    const s = e.scores;
    p.updateRow({
      age: f.age,
      plan: f.plan,
      $prediction: e.prediction,
      $score: typeof s === "number" ? s : (s as Record<string, number> | undefined)?.["1"],
      $latency_ms: e.latency_ms,
      $error: e.error ? "1" : "0",
      $unknown: unknown.length > 0 ? unknown.join(",") : undefined,
    });
  }
  return p;
}

function bytesOf(p: DatasetProfile): Buffer {
  return Buffer.from(serializeDatasetProfile(p));
}

for (const backend of backends) {
  describe(`ingest on ${backend.name}`, () => {
    const { open } = suiteStores(backend);

    it("stores the valid events of a batch and lists each refused one by index, field and reason", async () => {
      const store = await open();
      const { model, v1 } = await setup(store);
      const events: unknown[] = makeEvents(6, "a");
      events.splice(1, 0, { ...(events[0] as Event), id: "bad-type", features: { age: "41" } });
      events.splice(3, 0, { ...(events[0] as Event), id: "bad-nan", features: { age: "NaN" } });
      events.splice(5, 0, { ...(events[0] as Event), id: "bad-version", version: "9" });
      events.push("not an event");
      const out = await new Ingestor(store).ingest("churn", items(events), NOW);
      expect(out.accepted).toBe(6);
      expect(out.duplicates).toBe(0);
      expect(out.rejected).toEqual([
        {
          index: 1,
          id: "bad-type",
          field: "features.age",
          reason: 'must be a number or null, got the string "41"',
          code: "VIGIL_INVALID_EVENT",
        },
        {
          index: 3,
          id: "bad-nan",
          field: "features.age",
          reason:
            'the string "NaN" is not a number; send null for a missing value (JSON has no NaN or Infinity)',
          code: "VIGIL_INVALID_EVENT",
        },
        expect.objectContaining({
          index: 5,
          id: "bad-version",
          field: "version",
          code: "VIGIL_VERSION_NOT_FOUND",
        }),
        expect.objectContaining({ index: 9, field: "", code: "VIGIL_INVALID_EVENT" }),
      ]);
      expect(out.acceptedByVersion).toEqual({ "1": 6 });
      expect(out.latenciesMsByVersion["1"]).toHaveLength(6);
      expect(await store.countEvents(model.id)).toBe(6);
      const w = await store.getWindowProfile({
        modelId: model.id,
        versionId: v1.id,
        windowStart: WINDOW,
      });
      expect(w?.eventCount).toBe(6);
      // The stored raw event is the event as sent.
      const stored = await store.getEvent(model.id, "a0");
      expect(stored?.event.payload).toEqual(events[0]);
    });

    it("counts a re-sent event once: duplicates in later requests and within one request", async () => {
      const store = await open();
      const { model, v1 } = await setup(store);
      const ingestor = new Ingestor(store);
      const events = makeEvents(50, "d");
      expect((await ingestor.ingest("churn", items(events), NOW)).accepted).toBe(50);
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      const before = await store.getWindowProfile(key);
      const again = await ingestor.ingest("churn", items(events), NOW);
      expect(again).toMatchObject({ accepted: 0, duplicates: 50, rejected: [] });
      const after = await store.getWindowProfile(key);
      expect(Buffer.from(after!.data).equals(Buffer.from(before!.data))).toBe(true);
      expect(after?.eventCount).toBe(50);
      // Within one request the first occurrence wins; a changed payload under a known id is ignored.
      const mixed = [
        ...makeEvents(3, "n"),
        { ...makeEvents(1, "n")[0], features: { age: 1 } },
        events[0],
      ];
      const out = await ingestor.ingest("churn", items(mixed), NOW);
      expect(out).toMatchObject({ accepted: 3, duplicates: 2 });
      expect(await store.countEvents(model.id)).toBe(53);
      expect((await store.getWindowProfile(key))?.eventCount).toBe(53);
      // A fresh ingestor (another process) sees the same ids as duplicates.
      expect(
        await new Ingestor(store).ingest("churn", items(events.slice(0, 5)), NOW),
      ).toMatchObject({
        accepted: 0,
        duplicates: 5,
      });
    });

    it("builds the window profile exactly as DatasetProfile does from the same events", async () => {
      const store = await open();
      const { model, v1, v2 } = await setup(store);
      const ingestor = new Ingestor(store);
      const current = makeEvents(120, "c");
      const previous = makeEvents(30, "p", PREVIOUS);
      const other = makeEvents(20, "v", WINDOW, "2");
      const odd: Event[] = [
        {
          id: "o1",
          version: "1",
          timestamp: WINDOW + 5,
          features: { age: null, plan: 3 },
          prediction: 1,
        },
        {
          id: "o2",
          version: "1",
          timestamp: WINDOW + 6,
          prediction: null,
          error: "timeout",
          latency_ms: 3000,
        },
        {
          id: "o3",
          version: "1",
          timestamp: WINDOW + 7,
          features: { plan: true },
          prediction: "0",
          scores: { "0": 0.7, "1": 0.3 },
        },
        {
          id: "o4",
          version: "1",
          timestamp: WINDOW + 8,
          features: { age: 1e300, colour: "red", zip: 1 },
          prediction: "1",
        },
      ];
      // Three requests; windows and versions interleaved within each.
      await ingestor.ingest("churn", items([...current.slice(0, 50), ...previous, ...odd]), NOW);
      await ingestor.ingest("churn", items([...other, ...current.slice(50, 100)]), NOW);
      await ingestor.ingest("churn", items(current.slice(100)), NOW);
      const stored = async (versionId: number, windowStart: number) => {
        const w = await store.getWindowProfile({ modelId: model.id, versionId, windowStart });
        return Buffer.from(w!.data);
      };
      const inWindow = [...current.slice(0, 50), ...odd, ...current.slice(50)];
      expect((await stored(v1.id, WINDOW)).equals(bytesOf(expectedProfile(inWindow)))).toBe(true);
      expect((await stored(v1.id, PREVIOUS)).equals(bytesOf(expectedProfile(previous)))).toBe(true);
      expect((await stored(v2.id, WINDOW)).equals(bytesOf(expectedProfile(other)))).toBe(true);
      const p = deserializeDatasetProfile(await stored(v1.id, WINDOW));
      expect(p.rows).toBe(124);
      expect(categoryCount(p.column("$error"), "1")).toBe(1);
      expect(p.column("$prediction").missing).toBe(1);
      expect(categoryCount(p.column("plan"), "3")).toBe(1);
      expect(categoryCount(p.column("plan"), "true")).toBe(1);
      // Unknown features: one value per event that had any, naming them.
      const unknown = p.column("$unknown");
      expect(unknown.count - unknown.missing).toBe(1);
      expect(categoryCount(unknown, "colour,zip")).toBe(1);
    });

    it("commits concurrent requests in groups and counts every event once", async () => {
      const store = await open();
      const { model, v1 } = await setup(store);
      const ingestor = new Ingestor(store, { maxGroupEvents: 120 });
      const all = makeEvents(400, "g");
      // 40 requests of 20 events, every event sent twice across different requests.
      const requests = Array.from({ length: 40 }, (_, r) =>
        Array.from({ length: 20 }, (_, j) => all[(r * 10 + j) % 400]),
      );
      const outs = await Promise.all(requests.map((r) => ingestor.ingest("churn", items(r), NOW)));
      expect(outs.reduce((s, o) => s + o.accepted, 0)).toBe(400);
      expect(outs.reduce((s, o) => s + o.duplicates, 0)).toBe(400);
      expect(await store.countEvents(model.id)).toBe(400);
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      expect((await store.getWindowProfile(key))?.eventCount).toBe(400);
      const rebuilt = await rebuildWindowProfile(store, key);
      expect(rebuilt.events).toBe(400);
      expect(rebuilt.identical).toBe(true);
      expect(rebuilt.differences).toEqual([]);
    });

    it("stays exact when another writer changed the window (cached profile not reused)", async () => {
      const store = await open();
      const { model, v1 } = await setup(store);
      const a = new Ingestor(store);
      const b = new Ingestor(store);
      const events = makeEvents(90, "w");
      for (let i = 0; i < 9; i++) {
        await (i % 3 === 0 ? b : a).ingest("churn", items(events.slice(i * 10, i * 10 + 10)), NOW);
      }
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      const w = await store.getWindowProfile(key);
      expect(w?.eventCount).toBe(90);
      expect(Buffer.from(w!.data).equals(bytesOf(expectedProfile(events)))).toBe(true);
      const rebuilt = await rebuildWindowProfile(store, key);
      expect(rebuilt.identical).toBe(true);
    });

    it("keeps one window exact under concurrent writers (separate processes' ingestors)", async () => {
      const store = await open();
      const { model, v1 } = await setup(store);
      const writers = [new Ingestor(store), new Ingestor(store), new Ingestor(store)];
      const events = makeEvents(300, "cw");
      await Promise.all(
        Array.from({ length: 15 }, (_, r) =>
          (writers[r % 3] as Ingestor).ingest(
            "churn",
            items(events.slice(r * 20, r * 20 + 20)),
            NOW,
          ),
        ),
      );
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      expect((await store.getWindowProfile(key))?.eventCount).toBe(300);
      const rebuilt = await rebuildWindowProfile(store, key);
      expect(rebuilt.events).toBe(300);
      // Commit order may differ from insertion order with truly concurrent writers
      // (PostgreSQL): then the profiles must still agree within their bounds.
      expect(rebuilt.differences).toEqual([]);
      if (backend.name === "sqlite") expect(rebuilt.identical).toBe(true);
    });

    it("rejects unknown versions, or creates them when the model allows it", async () => {
      const store = await open();
      const { model } = await setup(store);
      const out = await new Ingestor(store).ingest(
        "churn",
        items(makeEvents(2, "x", WINDOW, "3")),
        NOW,
      );
      expect(out.accepted).toBe(0);
      expect(out.rejected.map((r) => [r.index, r.field, r.code])).toEqual([
        [0, "version", "VIGIL_VERSION_NOT_FOUND"],
        [1, "version", "VIGIL_VERSION_NOT_FOUND"],
      ]);
      await configureModel(
        store,
        "churn",
        { settings: { ingest: { autoCreateVersions: true } } },
        "tester",
      );
      const created = await new Ingestor(store).ingest(
        "churn",
        items(makeEvents(2, "x", WINDOW, "3")),
        NOW,
      );
      expect(created.accepted).toBe(2);
      expect((await store.getVersion(model.id, "3"))?.metadata).toEqual({ createdBy: "ingest" });
    });

    it("fails the request for an unknown model or one without a monitoring schema", async () => {
      const store = await open();
      await setup(store);
      const ingestor = new Ingestor(store);
      await expectCode(
        ingestor.ingest("nope", items(makeEvents(1, "u")), NOW),
        "VIGIL_MODEL_NOT_FOUND",
      );
      await store.createModel({ name: "registered", task: "binary", schema: {} });
      const err = await expectCode(
        ingestor.ingest("registered", items(makeEvents(1, "u")), NOW),
        "VIGIL_INVALID_MONITOR_CONFIG",
      );
      expect(err.message).toMatch(/vigil monitor configure/);
      // The queue keeps serving after failed requests.
      expect((await ingestor.ingest("churn", items(makeEvents(1, "u")), NOW)).accepted).toBe(1);
    });

    it("counts new windows into the reference's bins; a window opened before keeps none", async () => {
      const store = await open();
      const { model, v1 } = await setup(store);
      const ingestor = new Ingestor(store);
      const early = makeEvents(10, "e", PREVIOUS);
      await ingestor.ingest("churn", items(early), NOW);
      const refRows = 300;
      const ref = buildReferenceProfile(
        { ...COLUMNS },
        {
          age: Array.from({ length: refRows }, (_, i) => (i * 7) % 90),
          plan: Array.from({ length: refRows }, (_, i) => ["free", "pro"][i % 2]),
          $prediction: Array.from({ length: refRows }, (_, i) => String(i % 2)),
        },
        refRows,
      );
      await store.putReferenceProfile(v1.id, { data: serializeDatasetProfile(ref) });
      const late = makeEvents(40, "l");
      await ingestor.ingest("churn", items(late), NOW);
      await ingestor.ingest("churn", items(makeEvents(5, "e2", PREVIOUS)), NOW);
      const w = deserializeDatasetProfile(
        (await store.getWindowProfile({
          modelId: model.id,
          versionId: v1.id,
          windowStart: WINDOW,
        }))!.data,
      );
      expect(w.binSpecs()).toEqual(ref.binSpecs());
      // "team" is not a reference category: counted in "other".
      const plan = w.column("plan").bins!;
      expect(plan.counts[plan.counts.length - 1]).toBe(
        late.filter((e) => (e.features as Event).plan === "team").length,
      );
      const expected = expectedProfile(late, { bins: ref.binSpecs() });
      expect(bytesOf(w).equals(bytesOf(expected))).toBe(true);
      const old = deserializeDatasetProfile(
        (await store.getWindowProfile({
          modelId: model.id,
          versionId: v1.id,
          windowStart: PREVIOUS,
        }))!.data,
      );
      expect(Object.values(old.binSpecs()).every((b) => b === null)).toBe(true);
      expect(old.rows).toBe(15);
    });

    it("stores labels before and after their predictions and reports bad ones", async () => {
      const store = await open();
      const { model, v1 } = await setup(store);
      const early = await ingestLabels(
        store,
        "churn",
        items([{ id: "lab0", label: "1", timestamp: NOW }]),
        NOW,
      );
      expect(early).toMatchObject({ accepted: 1, inserted: 1, updated: 0, windows: [] });
      await new Ingestor(store).ingest("churn", items(makeEvents(3, "lab")), NOW);
      const out = await ingestLabels(
        store,
        "churn",
        items([
          { id: "lab0", label: 0 },
          { id: "lab1", label: true, timestamp: "2026-01-15T12:01:00Z" },
          { id: "lab2" },
          { id: "lab2", label: { x: 1 } },
          { label: "1" },
          { id: "lab2", label: "0", timestamp: "soon" },
        ]),
        NOW,
      );
      expect(out.accepted).toBe(2);
      expect(out.inserted).toBe(1);
      expect(out.updated).toBe(1);
      expect(out.rejected.map((r) => [r.index, r.field])).toEqual([
        [2, "label"],
        [3, "label"],
        [4, "id"],
        [5, "timestamp"],
      ]);
      expect(out.windows).toEqual([{ modelId: model.id, versionId: v1.id, windowStart: WINDOW }]);
      const labeled = await store.listLabeledEvents(model.id);
      expect(labeled.map((l) => l.label?.value ?? null)).toEqual([0, true, null]);
      expect(labeled[1]?.label?.timestamp).toBe(Date.UTC(2026, 0, 15, 12, 1, 0));
    });

    it("samples raw payloads by id but counts every event; such windows cannot be rebuilt", async () => {
      const store = await open();
      const { model, v1 } = await setup(store, { ingest: { sampleRate: 0.5 } });
      const events = makeEvents(200, "s");
      await new Ingestor(store).ingest("churn", items(events), NOW);
      const stored = await store.listEvents(model.id, { limit: 1000 });
      expect(stored).toHaveLength(200);
      const out = stored.filter((e) => isSampledOut(e.payload));
      // A hash of the id decides; about half, and the same decision on every run.
      expect(out.length).toBeGreaterThan(70);
      expect(out.length).toBeLessThan(130);
      const first = out[0]!;
      const original = events.find((e) => e.id === first.id)!;
      expect(first.payload).toEqual({
        sampledOut: true,
        prediction: original.prediction,
        scores: original.scores,
        latency_ms: original.latency_ms,
      });
      const key = { modelId: model.id, versionId: v1.id, windowStart: WINDOW };
      const w = await store.getWindowProfile(key);
      expect(Buffer.from(w!.data).equals(bytesOf(expectedProfile(events)))).toBe(true);
      await expectCode(rebuildWindowProfile(store, key), "VIGIL_RAW_EVENTS_INCOMPLETE");
    });

    it("deletes raw events past retention, refuses older events, and keeps the profiles", async () => {
      const store = await open();
      const { model, v1 } = await setup(store, { ingest: { retentionDays: 1 } });
      const dayAgo = NOW - 86_400_000;
      const oldWindow = dayAgo - (dayAgo % 300_000) + 300_000;
      const ingestor = new Ingestor(store);
      await ingestor.ingest("churn", items(makeEvents(10, "r", oldWindow)), NOW);
      await ingestor.ingest("churn", items(makeEvents(10, "k")), NOW);
      const later = NOW + 3_600_000;
      const swept = await sweepRetention(store, later);
      expect(swept).toEqual([{ model: "churn", deleted: 10, before: later - 86_400_000 }]);
      expect(await store.countEvents(model.id)).toBe(10);
      const oldKey = { modelId: model.id, versionId: v1.id, windowStart: oldWindow };
      expect((await store.getWindowProfile(oldKey))?.eventCount).toBe(10);
      await expectCode(rebuildWindowProfile(store, oldKey), "VIGIL_RAW_EVENTS_INCOMPLETE");
      const tooOld = await ingestor.ingest("churn", items(makeEvents(1, "z", oldWindow)), later);
      expect(tooOld.rejected[0]).toMatchObject({ field: "timestamp", code: "VIGIL_INVALID_EVENT" });
    });

    it("compareProfiles names what differs between two profiles", async () => {
      const a = expectedProfile(makeEvents(50, "q"));
      const b = expectedProfile(makeEvents(50, "q"));
      expect(compareProfiles(a, a.clone())).toEqual([]);
      const diffs = compareProfiles(a, b);
      expect(diffs.some((d) => d.startsWith('column "age"'))).toBe(true);
      const c = a.clone();
      c.column("plan").missing++;
      c.column("plan").count++;
      expect(compareProfiles(a, c)).toEqual([
        'column "plan": count 50 vs 51',
        'column "plan": missing 0 vs 1',
      ]);
    });
  });
}
