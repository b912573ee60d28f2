/**
 * The one store test suite, run against every backend (like hono's common.case.test.ts and
 * kysely's per-dialect tests; backends from test/helpers/store-backends.ts): SQLite on a
 * temp file, and PostgreSQL at VIGIL_TEST_PG_URL (default postgres://127.0.0.1:5432/test)
 * in a fresh schema per test, dropped afterwards, so parallel runs never collide. Outside CI an unreachable PostgreSQL skips its half with a
 * printed reason; with CI=true it fails.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { VigilError } from "../../src/errors.js";
import { SeededRandom } from "../../src/stats/random.js";
import {
  type AuditEntry,
  auditEntryHash,
  GENESIS_HASH,
  hashToken,
  type MetricRecord,
  migrationsFor,
  type OpenStoreOptions,
  openStore,
  type PredictionEventInput,
  type Store,
} from "../../src/store/index.js";
import { expectCode } from "../helpers/error-code.js";
import { PG_URL, storeBackends } from "../helpers/store-backends.js";

const { backends, pgProblem } = await storeBackends("store", { poolSize: 4 });

// Temp files of the tests that do not go through a backend.
const tmpRoot = mkdtempSync(join(tmpdir(), "vigil-store-files-"));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

const SCHEMA = { features: [{ name: "age", kind: "numeric" }], prediction: "label" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : "");

function events(n: number, opts: { prefix?: string; versionId: number; start?: number }) {
  const out: PredictionEventInput[] = [];
  for (let i = 0; i < n; i++) {
    const ts = (opts.start ?? 1_700_000_000_000) + i * 1000;
    out.push({
      id: `${opts.prefix ?? "e"}${i}`,
      versionId: opts.versionId,
      timestamp: ts,
      windowStart: ts - (ts % 300_000),
      payload: { features: { age: i % 90, city: `c${i % 7}` }, prediction: i % 2, latency_ms: 3 },
    });
  }
  return out;
}

for (const backend of backends) {
  describe(`store on ${backend.name}`, () => {
    const open: Store[] = [];
    async function fresh(): Promise<{
      store: Store;
      reopen: (o?: OpenStoreOptions) => Promise<Store>;
    }> {
      const { url, options } = backend.fresh();
      const reopen = async (extra: OpenStoreOptions = {}) => {
        const s = await openStore(url, { ...options, ...extra });
        open.push(s);
        return s;
      };
      return { store: await reopen(), reopen };
    }
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
      await backend.cleanup();
    });

    /** Every built-in migration, in order; test migrations sort after them. */
    const BUILTIN_MIGRATIONS = [
      "0001_initial",
      "0002_registry",
      "0003_deployments",
      "0004_labels_received_index",
      "0005_faster_ingest",
      "0006_latest_metrics",
      "0007_metrics_window_index",
      "0008_window_seq_index",
    ];

    async function modelWithVersion(store: Store) {
      const model = await store.createModel({ name: "churn", task: "binary", schema: SCHEMA });
      const version = await store.createVersion(model.id, { version: "1" });
      return { model, version };
    }

    it("applies the migration set on open and re-running it is a no-op", async () => {
      const { store, reopen } = await fresh();
      expect(store.dialect).toBe(backend.name);
      expect(await store.appliedMigrations()).toEqual(BUILTIN_MIGRATIONS);
      expect(await store.migrate()).toEqual([]);
      await store.createModel({ name: "m", task: "regression", schema: {} });
      const again = await reopen();
      expect(await again.appliedMigrations()).toEqual(BUILTIN_MIGRATIONS);
      expect((await again.listModels()).map((m) => m.name)).toEqual(["m"]);
      if (backend.name === "sqlite") {
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.kysely);
        expect(mode.rows[0]?.journal_mode).toBe("wal");
        const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(store.kysely);
        expect(busy.rows[0]?.timeout).toBe(5000);
      }
    });

    it("applies a later migration once, and refuses a database from a newer Vigil", async () => {
      const { store, reopen } = await fresh();
      await store.close();
      const extraMigrations = {
        "9000_test_extra": {
          up: async (db: Store["kysely"]) => {
            await db.schema.createTable("extra_t").addColumn("x", "integer").execute();
          },
        },
      };
      const newer = await reopen({ extraMigrations });
      expect(await newer.appliedMigrations()).toEqual([...BUILTIN_MIGRATIONS, "9000_test_extra"]);
      expect(await newer.migrate()).toEqual([]);
      await newer.close();
      await expectCode(reopen(), "VIGIL_DB_MIGRATION");
    });

    it("reports a failing migration with its name and leaves it unapplied", async () => {
      const { store, reopen } = await fresh();
      await store.close();
      const err = await expectCode(
        reopen({
          extraMigrations: {
            "9000_broken": {
              up: async (db: Store["kysely"]) => {
                await db.schema.createTable("half_t").addColumn("x", "integer").execute();
                await sql`select * from no_such_table`.execute(db);
              },
            },
          },
        }),
        "VIGIL_DB_MIGRATION",
      );
      expect(err.message).toContain("9000_broken");
      const ok = await reopen();
      expect(await ok.appliedMigrations()).toEqual(BUILTIN_MIGRATIONS);
      const tables = await ok.kysely.introspection.getTables();
      expect(tables.some((t) => t.name === "half_t")).toBe(false);
    });

    it("creates, reads, lists and updates models", async () => {
      const { store } = await fresh();
      const m = await store.createModel({
        name: "churn",
        task: "binary",
        schema: SCHEMA,
        monitors: { drift: { method: "ks" } },
      });
      expect(m).toMatchObject({ name: "churn", task: "binary", windowSeconds: 300 });
      expect(m.schema).toEqual(SCHEMA);
      expect(m.monitors).toEqual({ drift: { method: "ks" } });
      await store.createModel({ name: "alpha", task: "multiclass", schema: {}, windowSeconds: 60 });
      expect((await store.listModels()).map((x) => x.name)).toEqual(["alpha", "churn"]);
      expect(await store.getModelById(m.id)).toEqual(m);
      expect(await store.getModel("nope")).toBeUndefined();
      await expectCode(store.requireModel("nope"), "VIGIL_MODEL_NOT_FOUND");
      await expectCode(
        store.createModel({ name: "churn", task: "regression", schema: {} }),
        "VIGIL_ALREADY_EXISTS",
      );
      await expectCode(
        store.createModel({ name: "x", task: "ranking" as "binary", schema: {} }),
        "VIGIL_INVALID_ARGUMENT",
      );
      await expectCode(
        store.createModel({ name: "x", task: "binary", schema: {}, windowSeconds: 0 }),
        "VIGIL_INVALID_ARGUMENT",
      );
      const u = await store.updateModel("churn", { windowSeconds: 600, monitors: { a: 1 } });
      expect(u).toMatchObject({ windowSeconds: 600, monitors: { a: 1 }, schema: SCHEMA });
      expect(u.updatedAt).toBeGreaterThanOrEqual(m.updatedAt);
      await expectCode(store.updateModel("nope", { task: "binary" }), "VIGIL_MODEL_NOT_FOUND");
    });

    it("creates and lists versions of a model", async () => {
      const { store } = await fresh();
      const { model, version } = await modelWithVersion(store);
      const v2 = await store.createVersion(model.id, { version: "2", metadata: { git: "abc" } });
      expect(v2).toMatchObject({ modelId: model.id, version: "2", metadata: { git: "abc" } });
      expect((await store.listVersions(model.id)).map((v) => v.version)).toEqual(["1", "2"]);
      expect(await store.getVersion(model.id, "1")).toEqual(version);
      expect(await store.getVersionById(v2.id)).toEqual(v2);
      expect(await store.getVersion(model.id, "9")).toBeUndefined();
      await expectCode(store.createVersion(model.id, { version: "1" }), "VIGIL_ALREADY_EXISTS");
      await expectCode(store.createVersion(9999, { version: "1" }), "VIGIL_MODEL_NOT_FOUND");
    });

    it("stores and replaces a version's reference profile bytes", async () => {
      const { store } = await fresh();
      const { version } = await modelWithVersion(store);
      const data = new Uint8Array([0, 1, 2, 255, 128, 0, 7]);
      const ref = await store.putReferenceProfile(version.id, { data, baseline: { auc: 0.91 } });
      expect(ref.baseline).toEqual({ auc: 0.91 });
      const got = await store.getReferenceProfile(version.id);
      expect(Array.from(got!.data)).toEqual(Array.from(data));
      await store.putReferenceProfile(version.id, { data: bytes("v2") });
      const replaced = await store.getReferenceProfile(version.id);
      expect(text(replaced!.data)).toBe("v2");
      expect(replaced!.baseline).toBeNull();
      expect(await store.getReferenceProfile(version.id + 100)).toBeUndefined();
      await expectCode(
        store.putReferenceProfile(version.id + 100, { data }),
        "VIGIL_VERSION_NOT_FOUND",
      );
    });

    it("merges window profiles, counts events, lists and closes windows", async () => {
      const { store } = await fresh();
      const { model, version } = await modelWithVersion(store);
      const key = { modelId: model.id, versionId: version.id, windowStart: 1_700_000_100_000 };
      const seen: string[] = [];
      const append = (s: string) => (cur: Uint8Array | undefined) => {
        seen.push(cur === undefined ? "<none>" : text(cur));
        return bytes(cur === undefined ? s : `${text(cur)}+${s}`);
      };
      const first = await store.mergeWindowProfile(key, append("a"), { eventCount: 3 });
      expect(text(first.data)).toBe("a");
      expect(first.eventCount).toBe(3);
      const second = await store.mergeWindowProfile(key, append("b"), { eventCount: 2 });
      expect(text(second.data)).toBe("a+b");
      expect(second.eventCount).toBe(5);
      expect(seen).toEqual(["<none>", "a"]);
      const other = { ...key, windowStart: key.windowStart + 300_000 };
      await store.mergeWindowProfile(other, append("c"));
      expect(text((await store.getWindowProfile(key))!.data)).toBe("a+b");
      expect(await store.getWindowProfile({ ...key, windowStart: 1 })).toBeUndefined();
      expect((await store.listWindowProfiles(model.id)).map((w) => w.windowStart)).toEqual([
        key.windowStart,
        other.windowStart,
      ]);
      expect(await store.closeWindow(key, 1_700_000_500_000)).toBe(true);
      expect(await store.closeWindow({ ...key, windowStart: 5 })).toBe(false);
      expect((await store.listWindowProfiles(model.id, { open: true })).length).toBe(1);
      const closed = await store.listWindowProfiles(model.id, { open: false });
      expect(closed.map((w) => w.closedAt)).toEqual([1_700_000_500_000]);
      expect((await store.listWindowProfiles(model.id, { from: other.windowStart })).length).toBe(
        1,
      );
      await expectCode(
        store.mergeWindowProfile({ ...key, versionId: version.id + 50 }, append("x")),
        "VIGIL_VERSION_NOT_FOUND",
      );
      // A merge function that fails leaves the stored profile untouched.
      await expect(
        store.mergeWindowProfile(key, () => {
          throw new Error("sketch failed");
        }),
      ).rejects.toThrow("sketch failed");
      expect(text((await store.getWindowProfile(key))!.data)).toBe("a+b");
    });

    it("loses no update when several connections merge one window concurrently", async () => {
      const { store, reopen } = await fresh();
      const { model, version } = await modelWithVersion(store);
      const key = { modelId: model.id, versionId: version.id, windowStart: 0 };
      const writers = [store, await reopen(), await reopen(), await reopen()];
      const perWriter = 15;
      await Promise.all(
        writers.map(async (w, wi) => {
          for (let i = 0; i < perWriter; i++) {
            await w.mergeWindowProfile(
              key,
              async (cur) => {
                const state = cur ? (JSON.parse(text(cur)) as string[]) : [];
                // Widen the read-modify-write window so an unlocked merge would lose updates.
                await sleep(Math.random() * 2);
                return bytes(JSON.stringify([...state, `${wi}:${i}`]));
              },
              { eventCount: 1 },
            );
          }
        }),
      );
      const final = (await store.getWindowProfile(key))!;
      const items = JSON.parse(text(final.data)) as string[];
      expect(items.length).toBe(writers.length * perWriter);
      expect(new Set(items).size).toBe(writers.length * perWriter);
      expect(final.eventCount).toBe(writers.length * perWriter);
    });

    it("stores events idempotently by id and counts the new ones", async () => {
      const { store } = await fresh();
      const { model, version } = await modelWithVersion(store);
      const batch = events(500, { versionId: version.id });
      expect(await store.insertEvents(model.id, batch)).toEqual({ inserted: 500, duplicates: 0 });
      expect(await store.insertEvents(model.id, batch)).toEqual({ inserted: 0, duplicates: 500 });
      const overlap = [
        ...batch.slice(490),
        ...events(5, { prefix: "n", versionId: version.id }),
        batch[0]!,
      ];
      overlap.push({ ...overlap[10]!, payload: { changed: true } }); // repeated within the batch
      expect(await store.insertEvents(model.id, overlap)).toEqual({ inserted: 5, duplicates: 12 });
      expect(await store.countEvents(model.id)).toBe(505);
      const n0 = await store.getEvent(model.id, "n0");
      expect(n0?.event.payload).toEqual(events(1, { prefix: "n", versionId: 1 })[0]!.payload);
      expect(n0?.label).toBeNull();
      // Another model may reuse ids.
      const other = await store.createModel({ name: "other", task: "regression", schema: {} });
      const ov = await store.createVersion(other.id, { version: "1" });
      expect((await store.insertEvents(other.id, events(3, { versionId: ov.id }))).inserted).toBe(
        3,
      );

      const page1 = await store.listEvents(model.id, { limit: 200 });
      const page2 = await store.listEvents(model.id, { limit: 400, afterSeq: page1.at(-1)!.seq });
      expect(page1.length).toBe(200);
      expect(page2.length).toBe(305);
      expect(new Set([...page1, ...page2].map((e) => e.id)).size).toBe(505);
      expect(page1[0]).toMatchObject({ id: "e0", versionId: version.id, modelId: model.id });
      const w = batch[0]!.windowStart;
      const inWindow = batch.filter((e) => e.windowStart === w).length;
      expect(await store.countEvents(model.id, { windowStart: w })).toBe(inWindow + 5); // + n0..n4
      const t0 = batch[0]!.timestamp;
      // e10..e19; n_i shares e_i's timestamp, so n0..n4 fall before the range.
      expect(await store.countEvents(model.id, { from: t0 + 10_000, to: t0 + 20_000 })).toBe(10);
      // In transactions of 7 rows: 15 of them, the last one short.
      expect(await store.deleteEventsBefore(model.id, t0 + 100_000, { batchRows: 7 })).toBe(
        100 + 5,
      );
      expect(await store.countEvents(model.id)).toBe(400);
      expect(await store.countEvents(model.id, { to: t0 + 100_000 })).toBe(0);
      // A full last batch: the next one finds nothing.
      expect(await store.deleteEventsBefore(model.id, t0 + 105_000, { batchRows: 5 })).toBe(5);
      expect(await store.countEvents(model.id)).toBe(395);
      expect(await store.countEvents(other.id)).toBe(3);

      await expectCode(store.insertEvents(4242, batch.slice(0, 1)), "VIGIL_MODEL_NOT_FOUND");
      const bad = [...events(3, { prefix: "b", versionId: version.id })];
      bad[2] = { ...bad[2]!, timestamp: Number.NaN };
      await expectCode(store.insertEvents(model.id, bad), "VIGIL_INVALID_ARGUMENT");
      expect(await store.getEvent(model.id, "b0")).toBeUndefined();
    });

    it("inserts batches of 500 events quickly", async () => {
      const { store } = await fresh();
      const { model, version } = await modelWithVersion(store);
      const all = events(10_000, { versionId: version.id });
      const t = performance.now();
      for (let i = 0; i < all.length; i += 500) {
        await store.insertEvents(model.id, all.slice(i, i + 500));
      }
      const seconds = (performance.now() - t) / 1000;
      expect(await store.countEvents(model.id)).toBe(10_000);
      // The bench (bench/store.mjs) measures the real rate; this guards against regressions
      // by an order of magnitude (e.g. one statement per row).
      expect(10_000 / seconds).toBeGreaterThan(5_000);
    });

    it("joins labels to predictions by id whenever either arrives", async () => {
      const { store } = await fresh();
      const { model, version } = await modelWithVersion(store);
      const batch = events(10, { versionId: version.id });
      // Labels that arrive before their predictions.
      const early = await store.insertLabels(model.id, [
        { id: "e0", label: 1, timestamp: 5 },
        { id: "e1", label: 0, timestamp: 5 },
      ]);
      expect(early).toEqual({ inserted: 2, updated: 0, windows: [] });
      await store.insertEvents(model.id, batch);
      const late = await store.insertLabels(model.id, [
        { id: "e1", label: 1, timestamp: 9 }, // replaces
        { id: "e7", label: { cls: "a" }, timestamp: 9 },
        { id: "e7", label: { cls: "b" }, timestamp: 10 }, // last in batch wins
      ]);
      expect(late.inserted).toBe(1);
      expect(late.updated).toBe(1);
      const windows = [...new Set([batch[1]!.windowStart, batch[7]!.windowStart])].sort();
      expect(late.windows).toEqual(
        windows.map((w) => ({ modelId: model.id, versionId: version.id, windowStart: w })),
      );
      const joined = await store.listLabeledEvents(model.id);
      expect(joined.length).toBe(10);
      const byId = new Map(joined.map((j) => [j.event.id, j.label?.value]));
      expect(byId.get("e0")).toBe(1);
      expect(byId.get("e1")).toBe(1);
      expect(byId.get("e7")).toEqual({ cls: "b" });
      expect(byId.get("e2")).toBeUndefined();
      expect(joined.filter((j) => j.label !== null).length).toBe(3);
      expect((await store.getEvent(model.id, "e7"))?.label?.timestamp).toBe(10);
      const inWindow = await store.listLabeledEvents(model.id, {
        windowStart: batch[0]!.windowStart,
      });
      expect(inWindow.every((j) => j.event.windowStart === batch[0]!.windowStart)).toBe(true);
      await expectCode(
        store.insertLabels(777, [{ id: "x", label: 1, timestamp: 1 }]),
        "VIGIL_MODEL_NOT_FOUND",
      );
    });

    it("writes metric series, replaces recomputed points and answers range queries", async () => {
      const { store } = await fresh();
      const { model, version } = await modelWithVersion(store);
      const v = version.id;
      const points = [0, 1, 2, 3].flatMap((i) => [
        {
          modelId: model.id,
          versionId: v,
          windowStart: i * 300,
          name: "drift_score",
          labels: { feature: "age", method: "ks" },
          value: i / 10,
        },
        {
          modelId: model.id,
          versionId: v,
          windowStart: i * 300,
          name: "drift_score",
          labels: { method: "psi", feature: "city" },
          value: i,
        },
        {
          modelId: model.id,
          versionId: null,
          windowStart: i * 300,
          name: "volume",
          value: 100 + i,
        },
      ]);
      expect(await store.putMetrics(points)).toBe(12);
      // Recomputing a window replaces its value instead of adding a second point.
      await store.putMetrics([{ ...points[0]!, value: 0.5 }]);
      const age = await store.queryMetrics({
        modelId: model.id,
        name: "drift_score",
        labels: { feature: "age" },
      });
      expect(age.map((p) => p.value)).toEqual([0.5, 0.1, 0.2, 0.3]);
      expect(age[0]!.labels).toEqual({ feature: "age", method: "ks" });
      const ranged = await store.queryMetrics({ modelId: model.id, from: 300, to: 900 });
      expect(ranged.map((p) => p.windowStart)).toEqual([300, 300, 300, 600, 600, 600]);
      const modelLevel = await store.queryMetrics({ modelId: model.id, versionId: null });
      expect(modelLevel.map((p) => p.value)).toEqual([100, 101, 102, 103]);
      expect(modelLevel[0]!.versionId).toBeNull();
      expect(
        (await store.queryMetrics({ modelId: model.id, versionId: v, name: "drift_score" })).length,
      ).toBe(8);
      expect(
        await store.queryMetrics({ modelId: model.id, labels: { feature: "age", method: "psi" } }),
      ).toEqual([]);
      await store.putMetrics([
        { modelId: model.id, versionId: v, windowStart: 0, name: "auc", value: Number.NaN },
        { modelId: model.id, versionId: v, windowStart: 0, name: "inf", value: Infinity },
      ]);
      expect((await store.queryMetrics({ modelId: model.id, name: "auc" }))[0]!.value).toBeNaN();
      expect((await store.queryMetrics({ modelId: model.id, name: "inf" }))[0]!.value).toBe(
        Infinity,
      );
      const latest = await store.latestMetrics(model.id, { name: "drift_score" });
      expect(latest.map((p) => [p.labels.feature, p.windowStart, p.value])).toEqual([
        ["age", 900, 0.3],
        ["city", 900, 3],
      ]);
      expect((await store.latestMetrics(model.id)).length).toBe(5);
      await expectCode(
        store.putMetrics([{ modelId: model.id, versionId: v, windowStart: 0, name: "", value: 1 }]),
        "VIGIL_INVALID_ARGUMENT",
      );
    });

    it("keeps each series' latest point in step with the history, in any write order", async () => {
      const { store } = await fresh();
      const { model, version } = await modelWithVersion(store);
      const other = await store.createModel({ name: "other", task: "binary", schema: SCHEMA });
      const tuple = (p: MetricRecord) => [p.name, p.versionId, p.labels, p.windowStart, p.value];
      // The definition latestMetrics must match: per series, the point of its latest window.
      const fromHistory = async (modelId: number) =>
        (await store.queryMetrics({ modelId, limit: 1_000_000 }))
          .filter(
            (p, _, all) =>
              !all.some(
                (q) =>
                  q.name === p.name &&
                  q.versionId === p.versionId &&
                  JSON.stringify(q.labels) === JSON.stringify(p.labels) &&
                  q.windowStart > p.windowStart,
              ),
          )
          .map(tuple);
      const latest = async (modelId: number, name?: string) =>
        (await store.latestMetrics(modelId, name === undefined ? {} : { name })).map(tuple);
      const rng = new SeededRandom(7);
      const rand = (n: number) => rng.below(n);
      for (let round = 0; round < 40; round++) {
        // Windows out of order (late labels re-evaluate old windows), several series and
        // windows per batch, the same series twice in one batch.
        const points = Array.from({ length: 1 + rand(6) }, () => ({
          modelId: rand(4) === 0 ? other.id : model.id,
          versionId: rand(3) === 0 ? null : version.id,
          windowStart: rand(8) * 60_000,
          name: ["drift_score", "event_count"][rand(2)] as string,
          labels: (rand(2) === 0 ? {} : { feature: ["age", "city"][rand(2)] }) as Record<
            string,
            string
          >,
          value: rand(1000) / 10,
        }));
        await store.putMetrics(points);
        expect(await latest(model.id)).toEqual(
          (await fromHistory(model.id)).sort((a, b) =>
            `${a[0]}\u0000${a[1] ?? 0}\u0000${JSON.stringify(a[2])}`.localeCompare(
              `${b[0]}\u0000${b[1] ?? 0}\u0000${JSON.stringify(b[2])}`,
            ),
          ),
        );
      }
      expect((await latest(model.id)).length).toBeGreaterThan(4);
      expect(await latest(model.id, "event_count")).toEqual(
        (await latest(model.id)).filter((p) => p[0] === "event_count"),
      );
      // A rewrite of an older window changes history but not the latest point.
      const before = await latest(model.id, "drift_score");
      const first = (await store.latestMetrics(model.id, { name: "drift_score" }))[0]!;
      await store.putMetrics([{ ...first, windowStart: first.windowStart - 60_000, value: -1 }]);
      expect(await latest(model.id, "drift_score")).toEqual(before);
      // Rewriting the latest window itself replaces the value.
      await store.putMetrics([{ ...first, value: -2 }]);
      expect((await store.latestMetrics(model.id, { name: "drift_score" }))[0]!.value).toBe(-2);

      // Migration 0006 fills the table from an existing history.
      const expected = await latest(model.id);
      await sql`DROP TABLE metric_latest`.execute(store.kysely);
      await migrationsFor(store.dialect)["0006_latest_metrics"]!.up(store.kysely);
      expect(await latest(model.id)).toEqual(expected);
    });

    it("stores only a token's hash and verifies it", async () => {
      const { store } = await fresh();
      const { token, record } = await store.createToken({
        name: "ci",
        role: "ingest",
        modelScope: ["churn"],
      });
      expect(token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(4), "base64url").length).toBe(32);
      expect(record).toMatchObject({ name: "ci", role: "ingest", modelScope: ["churn"] });
      const rows = await store.kysely.selectFrom("api_tokens").selectAll().execute();
      expect(rows.length).toBe(1);
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(token.slice(4));
      expect(rows[0]!.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
      expect(rows[0]!.token_hash).toBe(hashToken(token));

      const ok = await store.verifyToken(token);
      expect(ok).toMatchObject({ id: record.id, role: "ingest", modelScope: ["churn"] });
      expect(ok!.lastUsedAt).not.toBeNull();
      const last = token.at(-1) === "A" ? "B" : "A";
      expect(await store.verifyToken(token.slice(0, -1) + last)).toBeUndefined();
      expect(await store.verifyToken("vgl_short")).toBeUndefined();
      expect(await store.verifyToken(undefined as unknown as string)).toBeUndefined();

      // A row sharing the lookup prefix but not the hash must not match.
      await store.kysely
        .insertInto("api_tokens")
        .values({
          name: "decoy",
          role: "admin",
          model_scope_json: null,
          token_hash: `${rows[0]!.hash_prefix}${"0".repeat(52)}`,
          hash_prefix: rows[0]!.hash_prefix,
          created_at: 1,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
      expect((await store.verifyToken(token))?.name).toBe("ci");

      const admin = await store.createToken({ name: "root", role: "admin" });
      expect(admin.record.modelScope).toBeNull();
      expect((await store.listTokens()).map((t) => t.name)).toEqual(["ci", "decoy", "root"]);
      expect(await store.revokeToken(record.id)).toBe(true);
      expect(await store.revokeToken(record.id)).toBe(false);
      expect(await store.verifyToken(token)).toBeUndefined();
      expect((await store.getToken(record.id))!.revokedAt).not.toBeNull();
      expect((await store.verifyToken(admin.token))?.role).toBe("admin");
      await expectCode(
        store.createToken({ name: "x", role: "superuser" as "admin" }),
        "VIGIL_INVALID_ARGUMENT",
      );
    });

    function checkChain(entries: AuditEntry[]) {
      let prev = GENESIS_HASH;
      entries.forEach((e, i) => {
        expect(e.sequence).toBe(i + 1);
        expect(e.prevHash).toBe(prev);
        expect(auditEntryHash(e)).toBe(e.hash);
        prev = e.hash;
      });
      return prev;
    }

    it("appends a hash-chained audit log and queries it", async () => {
      const { store } = await fresh();
      expect(await store.auditHead()).toEqual({ sequence: 0, hash: GENESIS_HASH });
      const a = await store.appendAudit({
        actor: "alice",
        action: "model.register",
        subject: "model:churn",
        details: { b: 2, a: [1, { z: null, y: "é" }] },
        time: 1000,
      });
      expect(a).toMatchObject({ sequence: 1, prevHash: GENESIS_HASH, time: 1000 });
      await store.appendAudit({
        actor: "bob",
        action: "token.create",
        subject: "token:1",
        time: 2000,
      });
      await store.appendAudit({
        actor: "alice",
        action: "model.promote",
        subject: "model:churn",
        time: 3000,
      });
      const all = await store.listAudit();
      const head = checkChain(all);
      expect(await store.auditHead()).toEqual({ sequence: 3, hash: head });
      expect(all[0]!.details).toEqual({ a: [1, { y: "é", z: null }], b: 2 });
      expect((await store.listAudit({ subject: "model:churn" })).map((e) => e.sequence)).toEqual([
        1, 3,
      ]);
      expect((await store.listAudit({ actor: "bob" })).map((e) => e.action)).toEqual([
        "token.create",
      ]);
      expect((await store.listAudit({ from: 2000, to: 3000 })).map((e) => e.sequence)).toEqual([2]);
      expect(
        (await store.listAudit({ afterSequence: 1, limit: 1 })).map((e) => e.sequence),
      ).toEqual([2]);
      // The stored details are the canonical bytes the hash covers.
      const raw = await store.kysely
        .selectFrom("audit_log")
        .select("details_json")
        .where("sequence", "=", 1)
        .executeTakeFirstOrThrow();
      expect(raw.details_json).toBe('{"a":[1,{"y":"é","z":null}],"b":2}');
      await expectCode(
        store.appendAudit({ actor: "", action: "x", subject: "y" }),
        "VIGIL_INVALID_ARGUMENT",
      );
      await expectCode(
        store.appendAudit({ actor: "a", action: "x", subject: "y", details: { v: Number.NaN } }),
        "VIGIL_INVALID_ARGUMENT",
      );
      expect((await store.auditHead()).sequence).toBe(3);
      // A head moved back by hand makes the next append collide with a stored sequence: the
      // driver's error arrives as a VigilError, and nothing is appended.
      await store.kysely.updateTable("audit_head").set({ sequence: 2 }).execute();
      const collide = await expectCode(
        store.appendAudit({ actor: "a", action: "x", subject: "y" }),
        "VIGIL_INTERNAL",
      );
      expect(collide.message).toMatch(/appendAudit/);
      expect((await store.listAudit()).length).toBe(3);
    });

    it("keeps one unbroken audit chain under concurrent appenders", async () => {
      const { store, reopen } = await fresh();
      const writers = [store, await reopen(), await reopen()];
      await Promise.all(
        writers.map(async (w, wi) => {
          for (let i = 0; i < 10; i++) {
            await w.appendAudit({ actor: `w${wi}`, action: "test.append", subject: `s${i}` });
          }
        }),
      );
      const all = await store.listAudit();
      expect(all.length).toBe(30);
      expect((await store.auditHead()).hash).toBe(checkChain(all));
    });

    it("commits a change with its audit entry, and a failed transaction leaves nothing", async () => {
      const { store } = await fresh();
      const committed = await store.transaction(async (tx) => {
        expect(tx.inTransaction).toBe(true);
        const m = await tx.createModel({ name: "kept", task: "binary", schema: {} });
        await tx.appendAudit({
          actor: "alice",
          action: "model.register",
          subject: `model:${m.name}`,
        });
        return m;
      });
      expect((await store.getModel("kept"))?.id).toBe(committed.id);
      const headBefore = await store.auditHead();
      expect(headBefore.sequence).toBe(1);

      const boom = new Error("policy rejected");
      let leaked: Store["kysely"] | undefined;
      const err = await store
        .transaction(async (tx) => {
          leaked = tx.kysely;
          const m = await tx.createModel({ name: "ghost", task: "binary", schema: {} });
          const v = await tx.createVersion(m.id, { version: "1" });
          await tx.insertEvents(m.id, events(20, { versionId: v.id }));
          await tx.putReferenceProfile(v.id, { data: bytes("ref") });
          await tx.mergeWindowProfile({ modelId: m.id, versionId: v.id, windowStart: 0 }, () =>
            bytes("w"),
          );
          await tx.insertLabels(m.id, [{ id: "e1", label: 1, timestamp: 1 }]);
          await tx.putMetrics([
            { modelId: m.id, versionId: v.id, windowStart: 0, name: "x", value: 1 },
          ]);
          await tx.createToken({ name: "t", role: "viewer" });
          // A nested transaction joins the outer one.
          await tx.transaction((inner) =>
            inner.appendAudit({ actor: "alice", action: "model.register", subject: "model:ghost" }),
          );
          expect((await tx.auditHead()).sequence).toBe(2);
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(err).toBe(boom);
      expect(await store.getModel("ghost")).toBeUndefined();
      expect(await store.auditHead()).toEqual(headBefore);
      expect((await store.listAudit()).length).toBe(1);
      expect((await store.listTokens()).length).toBe(0);
      for (const table of [
        "model_versions",
        "prediction_events",
        "reference_profiles",
        "window_profiles",
        "labels",
        "metrics",
      ] as const) {
        const row = await store.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow();
        expect(Number(row.n), table).toBe(0);
      }
      // Caller errors pass through untouched, even when they look like driver errors.
      const netLike = Object.assign(new Error("notifier down"), { code: "ECONNRESET" });
      expect(
        await store
          .transaction(async () => {
            throw netLike;
          })
          .catch((e: unknown) => e),
      ).toBe(netLike);
      expect(
        await store
          .mergeWindowProfile({ modelId: committed.id, versionId: 1, windowStart: 0 }, () => {
            throw netLike;
          })
          .catch((e: unknown) => e),
      ).toBe(netLike);
      // Using the store instead of tx inside the transaction is refused (it would deadlock
      // on SQLite and escape the transaction on PostgreSQL), and nothing is written.
      const misuse = await expectCode(
        store.transaction(async () => {
          await store.createModel({ name: "outside", task: "binary", schema: {} });
        }),
        "VIGIL_INTERNAL",
      );
      expect(misuse.message).toContain("use the tx argument");
      expect(await store.getModel("outside")).toBeUndefined();
      // The transaction handle is dead once the transaction ended.
      expect(leaked).toBeDefined();
      const tx = await store.transaction(async (t) => t);
      expect(() => tx.kysely).toThrow(VigilError);
    });
  });
}

describe("opening stores", () => {
  it("uses VIGIL_DATABASE_URL, then ./.vigil/vigil.db by default", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-open-"));
    const saved = { cwd: process.cwd(), env: process.env.VIGIL_DATABASE_URL };
    try {
      process.env.VIGIL_DATABASE_URL = join(dir, "env", "from-env.db");
      const fromEnv = await openStore();
      expect(fromEnv.location).toBe(join(dir, "env", "from-env.db"));
      await fromEnv.close();
      delete process.env.VIGIL_DATABASE_URL;
      process.chdir(dir);
      const dflt = await openStore();
      expect(dflt.location).toBe(join(dir, ".vigil", "vigil.db"));
      expect(dflt.dialect).toBe("sqlite");
      await dflt.close();
      await dflt.close(); // idempotent
      const memory = await openStore(":memory:");
      expect(memory.location).toBe(":memory:");
      await memory.createModel({ name: "m", task: "binary", schema: {} });
      expect((await memory.listModels()).length).toBe(1);
      await memory.close();
      const viaScheme = await openStore(`sqlite:${join(dir, "s.db")}`);
      expect(viaScheme.location).toBe(join(dir, "s.db"));
      await viaScheme.close();
    } finally {
      process.chdir(saved.cwd);
      if (saved.env === undefined) delete process.env.VIGIL_DATABASE_URL;
      else process.env.VIGIL_DATABASE_URL = saved.env;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports an unreachable PostgreSQL with a code and without the password", async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const err = await expectCode(
      openStore("postgres://vigil:s3cr3t-pw@127.0.0.1:1/db", { connectTimeoutMs: 2000 }),
      "VIGIL_DB_UNAVAILABLE",
    );
    expect(err.message).toContain("vigil:***@127.0.0.1:1");
    expect(err.message).not.toContain("s3cr3t-pw");
    expect(err.cause).toBeUndefined();
    expect(err.stack ?? "").not.toContain("s3cr3t-pw");
  });

  it.skipIf(!!pgProblem)("reports a wrong PostgreSQL database without the password", async () => {
    const u = new URL(PG_URL);
    u.password = "pw-should-not-leak";
    u.pathname = "/vigil_no_such_database";
    const err = await expectCode(openStore(u.toString()), "VIGIL_DB_UNAVAILABLE");
    expect(err.message).toContain("vigil_no_such_database");
    expect(err.message).not.toContain("pw-should-not-leak");
  });

  it("rejects an unwritable SQLite location and unknown URL schemes", async () => {
    // A path below a regular file cannot be created, even by root.
    const file = join(tmpRoot, "not-a-dir");
    writeFileSync(file, "x");
    const err = await expectCode(openStore(join(file, "sub", "vigil.db")), "VIGIL_DB_UNAVAILABLE");
    expect(err.message).toContain(join(file, "sub", "vigil.db"));
    const scheme = await expectCode(
      openStore("mysql://root:hunter2@localhost/db"),
      "VIGIL_INVALID_ARGUMENT",
    );
    expect(scheme.message).not.toContain("hunter2");
    await expectCode(openStore(PG_URL, { schema: "bad;drop table x" }), "VIGIL_INVALID_ARGUMENT");
  });
});
