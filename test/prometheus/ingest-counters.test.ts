import { describe, expect, it } from "vitest";
import {
  IngestCounters,
  LATENCY_BUCKETS_SECONDS,
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
    expect(writeExposition(c.families())).toBe(
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
