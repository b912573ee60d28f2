import { describe, expect, it } from "vitest";
import {
  IngestCounters,
  LATENCY_BUCKETS_SECONDS,
  STAGE_BUCKETS_SECONDS,
  writeExposition,
} from "../../src/monitor/prometheus/index.js";

const obs = (o: Partial<Parameters<IngestCounters["observe"]>[0]> & { model: string }) => ({
  acceptedByVersion: {},
  rejected: 0,
  duplicates: 0,
  errorsByVersion: {},
  latenciesMsByVersion: {},
  ...o,
});

describe("IngestCounters", () => {
  it("counts predictions, errors, rejections and latencies per model and version", () => {
    const c = new IngestCounters(100, [0.001, 0.01, 1]);
    c.declare("b", "9");
    c.observe(
      obs({
        model: "a",
        acceptedByVersion: { "2": 3, "1": 2 },
        errorsByVersion: { "1": 1 },
        rejected: 4,
        duplicates: 1,
        // 1 ms is in the le=0.001 bucket (upper bounds are inclusive), 5 s above the last.
        latenciesMsByVersion: { "1": [1, 0.5, 10, 5000], "2": [] },
      }),
    );
    c.observe(
      obs({ model: "a", acceptedByVersion: { "1": 1 }, latenciesMsByVersion: { "1": [2] } }),
    );
    // The stage histogram has its own test below.
    const withoutStages = writeExposition(c.families())
      .split("\n")
      .filter((line) => !line.includes("vigil_ingest_stage_seconds"))
      .join("\n");
    expect(withoutStages).toBe(
      [
        "# HELP vigil_predictions_total Prediction events accepted and stored.",
        "# TYPE vigil_predictions_total counter",
        'vigil_predictions_total{model="a",version="1"} 3',
        'vigil_predictions_total{model="a",version="2"} 3',
        'vigil_predictions_total{model="b",version="9"} 0',
        "# HELP vigil_prediction_errors_total Accepted prediction events that carried an error.",
        "# TYPE vigil_prediction_errors_total counter",
        'vigil_prediction_errors_total{model="a",version="1"} 1',
        'vigil_prediction_errors_total{model="a",version="2"} 0',
        'vigil_prediction_errors_total{model="b",version="9"} 0',
        "# HELP vigil_prediction_latency_seconds Latency of accepted predictions as the events reported it (latency_ms), in seconds.",
        "# TYPE vigil_prediction_latency_seconds histogram",
        'vigil_prediction_latency_seconds_bucket{model="a",version="1",le="0.001"} 2',
        'vigil_prediction_latency_seconds_bucket{model="a",version="1",le="0.01"} 4',
        'vigil_prediction_latency_seconds_bucket{model="a",version="1",le="1"} 4',
        'vigil_prediction_latency_seconds_bucket{model="a",version="1",le="+Inf"} 5',
        'vigil_prediction_latency_seconds_sum{model="a",version="1"} 5.0135',
        'vigil_prediction_latency_seconds_count{model="a",version="1"} 5',
        "# HELP vigil_ingest_rejected_total Prediction events rejected by validation (the rest of their batch was accepted).",
        "# TYPE vigil_ingest_rejected_total counter",
        'vigil_ingest_rejected_total{model="a"} 4',
        'vigil_ingest_rejected_total{model="b"} 0',
        "# HELP vigil_ingest_duplicates_total Prediction events ignored because their id was already stored.",
        "# TYPE vigil_ingest_duplicates_total counter",
        'vigil_ingest_duplicates_total{model="a"} 1',
        'vigil_ingest_duplicates_total{model="b"} 0',
        "# HELP vigil_metrics_series_overflow_total Events not counted per model and version because the series limit was reached.",
        "# TYPE vigil_metrics_series_overflow_total counter",
        "vigil_metrics_series_overflow_total 0",
        "",
      ].join("\n"),
    );
  });

  it("counts each request's ingest stages into one histogram per stage", () => {
    const c = new IngestCounters(100);
    const stages = (check: number, queue: number, backlog: number, commit: number, sync: number) =>
      obs({ model: "m", stagesMs: { check, queue, backlog, commit, sync } });
    c.observe(stages(0.2, 3, 0, 12, 700));
    c.observe(stages(0.5, 30, 0, 8, 0.1));
    // No stage times (a caller without them) or a NaN one: nothing counted for that stage.
    c.observe(obs({ model: "m" }));
    c.observe(stages(Number.NaN, 1, 1, 1, 1));
    const lines = writeExposition(c.families()).split("\n");
    const value = (series: string) => {
      const line = lines.find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    const b = (stage: string, le: string) =>
      value(`vigil_ingest_stage_seconds_bucket{stage="${stage}",le="${le}"}`);
    expect(lines).toContain("# TYPE vigil_ingest_stage_seconds histogram");
    expect(STAGE_BUCKETS_SECONDS[0]).toBe(0.0005);
    // check: 0.2 and 0.5 ms, both in the 0.5 ms bucket (bounds are inclusive); the NaN skipped.
    expect(b("check", "0.0005")).toBe(2);
    expect(value('vigil_ingest_stage_seconds_count{stage="check"}')).toBe(2);
    expect(value('vigil_ingest_stage_seconds_sum{stage="check"}')).toBeCloseTo(0.0007, 12);
    // queue: 3 ms, 30 ms and 1 ms.
    expect(b("queue", "0.001")).toBe(1);
    expect(b("queue", "0.005")).toBe(2);
    expect(b("queue", "0.025")).toBe(2);
    expect(b("queue", "0.05")).toBe(3);
    // sync: 0.1 ms, 1 ms and 700 ms.
    expect(b("sync", "0.0005")).toBe(1);
    expect(b("sync", "0.5")).toBe(2);
    expect(b("sync", "1")).toBe(3);
    expect(b("sync", "+Inf")).toBe(3);
    for (const stage of ["check", "queue", "backlog", "commit", "sync"]) {
      expect(value(`vigil_ingest_stage_seconds_count{stage="${stage}"}`), stage).toBeDefined();
    }
  });

  it("has buckets from 1 ms to 10 s", () => {
    expect(LATENCY_BUCKETS_SECONDS[0]).toBe(0.001);
    expect(LATENCY_BUCKETS_SECONDS.at(-1)).toBe(10);
  });

  it("ignores latencies that are not finite non-negative numbers", () => {
    const c = new IngestCounters(100, [1]);
    c.observe(
      obs({
        model: "m",
        acceptedByVersion: { v: 4 },
        latenciesMsByVersion: { v: [Number.NaN, -1, Infinity, 3] },
      }),
    );
    const text = writeExposition(c.families());
    expect(text).toContain('vigil_prediction_latency_seconds_count{model="m",version="v"} 1\n');
    expect(text).toContain('vigil_prediction_latency_seconds_sum{model="m",version="v"} 0.003\n');
  });

  it("stops adding series at the limit and counts what it could not attribute", () => {
    const c = new IngestCounters(3);
    c.observe(obs({ model: "m", acceptedByVersion: { a: 1, b: 2, c: 5 }, rejected: 1 }));
    c.observe(obs({ model: "n", acceptedByVersion: { x: 7 }, rejected: 2, duplicates: 1 }));
    const text = writeExposition(c.families());
    // Series: model m, (m,a), (m,b); (m,c) and everything of n overflow.
    expect(text).toContain('vigil_predictions_total{model="m",version="b"} 2\n');
    expect(text).not.toContain('version="c"');
    expect(text).not.toContain('model="n"');
    expect(text).toContain("vigil_metrics_series_overflow_total 15\n");
  });
});
