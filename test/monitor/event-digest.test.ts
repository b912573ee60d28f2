/**
 * Event digests (window-profile.ts EventDigest): counting a digest must give the bytes that
 * counting the events one by one (EventProfiler.add, the definition) gives, whatever the
 * values; the profile worker counts checked events from their digest, and from their text
 * when the window was made under other rules.
 */
import { describe, expect, it } from "vitest";
import { profileColumns } from "../../src/monitor/layout.js";
import { DEFAULT_INGEST_SETTINGS } from "../../src/monitor/settings.js";
import { WindowCounter } from "../../src/monitor/window-counter.js";
import {
  binsFromReference,
  EventProfiler,
  newWindowProfile,
} from "../../src/monitor/window-profile.js";
import { serializeDatasetProfile } from "../../src/sketch/index.js";
import type { ModelTask } from "../../src/store/types.js";

type Event = Record<string, unknown>;

const FEATURES = { x: "numeric", y: "numeric", c: "categorical", constructor: "numeric" } as const;

/** Events with every kind of value each column can meet. */
function trickyEvents(task: ModelTask): Event[] {
  const values: unknown[] = [1.5, -0, 0, 1e308, -2, null, undefined, "7", true, [1], { a: 1 }];
  const predictions: unknown[] =
    task === "regression" ? [1.25, -3, "x", null, 0] : ["1", "0", 2, true, null, "other"];
  const out: Event[] = [];
  for (let i = 0; i < 60; i++) {
    const features: Event = {
      x: values[i % values.length],
      y: i % 7 === 0 ? undefined : (i * 37) % 101,
      c: [`cat${i % 5}`, 3, false, null, Number.NaN, ["a"], "é"][i % 7],
    };
    if (features.y === undefined) delete features.y;
    if (i % 9 === 0) features.extra = i;
    if (i % 13 === 0) features.another = "z";
    const e: Event = {
      id: `e${i}`,
      features: i % 17 === 5 ? "not an object" : features,
      prediction: predictions[i % predictions.length],
    };
    if (i % 3 === 0) e.scores = { "1": (i % 10) / 10, "0": 1 - (i % 10) / 10 };
    else if (i % 3 === 1) e.scores = (i % 10) / 10;
    if (i % 4 !== 0) e.latency_ms = i % 4 === 1 ? i * 1.5 : null;
    if (i % 5 === 0) e.error = ["timeout", true, "", false, 0][(i / 5) % 5];
    out.push(e);
  }
  return out;
}

function emptyProfiler(task: ModelTask, features: Record<string, "numeric" | "categorical">) {
  const columns = profileColumns(task, { features });
  const profile = newWindowProfile(columns, binsFromReference(columns, null));
  return new EventProfiler(profile, task, "1");
}

function bytes(p: EventProfiler): string {
  return Buffer.from(serializeDatasetProfile(p.profile)).toString("hex");
}

describe("event digests", () => {
  for (const task of ["binary", "multiclass", "regression"] as const) {
    it(`count as add() does, all events or picked ones (${task})`, () => {
      const events = trickyEvents(task);
      const one = emptyProfiler(task, FEATURES);
      for (const e of events) one.add(e);
      const all = emptyProfiler(task, FEATURES);
      all.addAll(events);
      expect(bytes(all)).toBe(bytes(one));

      // Picks from a digest made by another profiler of the same layout, in any order.
      const digester = emptyProfiler(task, FEATURES);
      const digest = digester.digest(events);
      const picks = [5, 0, 59, 17, 17, 33, 2];
      const picked = emptyProfiler(task, FEATURES);
      picked.apply(digest, picks);
      const reference = emptyProfiler(task, FEATURES);
      for (const i of picks) reference.add(events[i] as Event);
      expect(bytes(picked)).toBe(bytes(reference));
      expect(picked.profile.rows).toBe(picks.length);
    });
  }

  it("are refused by a profiler of another layout", () => {
    const a = emptyProfiler("binary", FEATURES);
    const b = emptyProfiler("binary", { x: "numeric" });
    const c = new EventProfiler(a.profile, "binary", "0");
    expect(b.layoutKey).not.toBe(a.layoutKey);
    expect(c.layoutKey).not.toBe(a.layoutKey);
    expect(() => b.apply(a.digest(trickyEvents("binary")))).toThrow(/another layout/);
  });

  it("are counted by the worker's counter, or the texts when the window has another layout", () => {
    // The events a check accepts (an object of features; a prediction unless an error).
    const events = trickyEvents("binary").filter(
      (e) => typeof e.features === "object" && (e.prediction !== null || e.error),
    );
    const texts = events.map((e) => JSON.stringify({ ...e, version: "1" }));
    const now = Date.parse("2026-11-23T00:00:00Z");
    const rules = (features: Record<string, "numeric" | "categorical">) => ({
      task: "binary" as const,
      positiveClass: "1",
      schema: { features },
      settings: { ingest: { ...DEFAULT_INGEST_SETTINGS, typeErrors: "count" as const } },
    });
    for (const windowFeatures of [FEATURES, { x: "numeric", c: "numeric" } as const]) {
      const counter = new WindowCounter();
      const results = counter.check({ id: 1, rules: rules(FEATURES), now, texts, lines: null });
      expect(results.rejections).toEqual([]);
      const window = emptyProfiler("binary", windowFeatures);
      const key = { modelId: 1, versionId: 1, windowStart: 0 };
      const order = [3, 1, 2, 10, 11, 0];
      counter.count({
        key,
        base: {
          bytes: serializeDatasetProfile(window.profile),
          storedSeq: null,
          sinceSeq: 0,
          sinceCount: 0,
          countedSeq: 0,
          eventCount: 0,
        },
        task: "binary",
        positiveClass: "1",
        // Checked events by reference, and one stored text in between.
        events: [...order.map((i) => 2 ** 21 + i), texts[20] as string, 2 ** 21 + 21],
        lastSeq: 8,
      });
      const reference = emptyProfiler("binary", windowFeatures);
      for (const i of [...order, 20, 21]) reference.add(events[i] as Event);
      const [flushed] = counter.flush();
      expect(Buffer.from(flushed?.bytes ?? []).toString("hex")).toBe(bytes(reference));
    }
  });
});
