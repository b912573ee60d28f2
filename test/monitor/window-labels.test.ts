/**
 * A window's labeled events, read in pages from either side (the model's labels, or the
 * window's events): every page size and both sides give what the plain join of the store's
 * listLabeledEvents gives, in event order, on SQLite and PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { labeledRows, windowLabelStats } from "../../src/monitor/window-state.js";
import { SeededRandom } from "../../src/stats/index.js";
import type { Repo, WindowKey } from "../../src/store/index.js";
import { storeBackends, suiteStores } from "../helpers/store-backends.js";

const { backends } = await storeBackends("monitor-window-labels");

const T0 = 1_700_000_100_000 - (1_700_000_100_000 % 300_000);
const W = 300_000;

async function expected(store: Repo, key: WindowKey) {
  const rows = await store.listLabeledEvents(key.modelId, {
    versionId: key.versionId,
    windowStart: key.windowStart,
    limit: 100_000,
  });
  return rows
    .filter((r) => r.label !== null)
    .map((r) => ({
      payload: r.event.payload,
      label: r.label!.value,
      receivedAt: r.label!.receivedAt,
    }));
}

describe.each(backends)("a window's labeled events on $name", (backend) => {
  const { open } = suiteStores(backend);

  it("every page size and both sides return the joined rows in event order", async () => {
    const store = await open();
    const model = await store.createModel({ name: "m", task: "binary", schema: {} });
    const other = await store.createModel({ name: "other", task: "binary", schema: {} });
    const v1 = await store.createVersion(model.id, { version: "1" });
    const v2 = await store.createVersion(model.id, { version: "2" });
    const ov = await store.createVersion(other.id, { version: "1" });
    const rng = new SeededRandom(5);
    const windows = [
      { versionId: v1.id, windowStart: T0, n: 40 },
      { versionId: v1.id, windowStart: T0 + W, n: 25 },
      { versionId: v2.id, windowStart: T0, n: 10 },
    ];
    const ids: string[] = [];
    for (const w of windows) {
      // Ids out of insertion order, so the labels side (by id) and the events side (by seq)
      // see the rows in different orders.
      const events = Array.from({ length: w.n }, (_, i) => ({
        id: `e-${Math.floor(rng.uniform() * 1e9)}-${w.windowStart}-${w.versionId}-${i}`,
        versionId: w.versionId,
        timestamp: w.windowStart + i,
        windowStart: w.windowStart,
        payload: { prediction: String(i % 2), features: { x: i } },
      }));
      ids.push(...events.map((e) => e.id));
      await store.insertEvents(model.id, events);
      // The other model has events with the same ids in the same window, and labels for them.
      await store.insertEvents(
        other.id,
        events.map((e) => ({ ...e, versionId: ov.id })),
      );
    }
    await store.insertLabels(
      other.id,
      ids.map((id) => ({ id, label: "1", timestamp: T0 })),
    );
    const windowKey = (i: number): WindowKey => ({ modelId: model.id, ...windows[i]! });
    for (const [i, w] of windows.entries()) {
      expect(await labeledRows(store, windowKey(i), w.n)).toEqual([]);
      expect(await windowLabelStats(store, windowKey(i), w.n)).toEqual({
        labeled: 0,
        receivedThrough: 0,
      });
    }

    // About 60% of the events labeled, in two batches, plus labels whose prediction has not
    // arrived (yet).
    const labeledIds = ids.filter(() => rng.uniform() < 0.6);
    const half = Math.floor(labeledIds.length / 2);
    await store.insertLabels(
      model.id,
      labeledIds.slice(0, half).map((id, i) => ({ id, label: String(i % 2), timestamp: T0 })),
    );
    await new Promise((r) => setTimeout(r, 5));
    await store.insertLabels(model.id, [
      ...labeledIds.slice(half).map((id, i) => ({ id, label: String(i % 3), timestamp: T0 })),
      ...Array.from({ length: 15 }, (_, i) => ({ id: `orphan-${i}`, label: "1", timestamp: T0 })),
    ]);

    for (const [i, w] of windows.entries()) {
      const key = windowKey(i);
      const want = await expected(store, key);
      expect(want.length).toBeGreaterThan(0);
      const stats = {
        labeled: want.length,
        receivedThrough: Math.max(...want.map((r) => r.receivedAt)),
      };
      // windowEvents 1: the model's labels outnumber it, so the events are read; the real
      // count or a large one: the labels are fewer, so they are read.
      for (const windowEvents of [1, w.n, 1_000_000]) {
        for (const pageRows of [1, 3, 7, 5000]) {
          expect(await labeledRows(store, key, windowEvents, pageRows)).toEqual(want);
          expect(await windowLabelStats(store, key, windowEvents, pageRows)).toEqual(stats);
        }
      }
    }
  });
});
