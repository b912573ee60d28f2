import { describe, expect, it } from "vitest";
import {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  type MetricFamily,
  writeExposition,
} from "../../src/monitor/prometheus/exposition.js";
import { sanitizeLabelName, sanitizeMetricName } from "../../src/monitor/prometheus/names.js";

describe("escaping", () => {
  it("escapes backslash, double quote and line feed in label values, nothing else", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue("plain é ✓ {}=,\t\r")).toBe("plain é ✓ {}=,\t\r");
    expect(escapeLabelValue('\\"')).toBe('\\\\\\"');
    expect(escapeLabelValue("")).toBe("");
  });

  it("escapes backslash and line feed in help, keeps double quotes", () => {
    expect(escapeHelp('say "x"\\\nnext')).toBe('say "x"\\\\\\nnext');
  });

  it("formats values as Go's ParseFloat reads them", () => {
    expect(
      [Number.NaN, Infinity, -Infinity, 0, -0, 1, 0.25, 1e-7, 1e21, 2 ** 53].map(formatValue),
    ).toEqual(["NaN", "+Inf", "-Inf", "0", "0", "1", "0.25", "1e-7", "1e+21", "9007199254740992"]);
  });
});

describe("names", () => {
  it("keeps valid snake_case names and fixes the rest", () => {
    expect(sanitizeMetricName("vigil_predictions_total")).toBe("vigil_predictions_total");
    expect(sanitizeMetricName("drift.score")).toBe("drift_score");
    expect(sanitizeMetricName("missingShare")).toBe("missing_share");
    expect(sanitizeMetricName("HTTPRequests")).toBe("http_requests");
    expect(sanitizeMetricName("a:b-c d")).toBe("a_b_c_d");
    expect(sanitizeMetricName("9lives")).toBe("_9lives");
    expect(sanitizeMetricName("%%%")).toBe("_");
    expect(sanitizeLabelName("__name__")).toBe("name");
    expect(sanitizeLabelName("feature name")).toBe("feature_name");
    expect(sanitizeLabelName("p99")).toBe("p99");
    expect(sanitizeLabelName("1x")).toBe("_1x");
  });
});

describe("writeExposition", () => {
  it("writes counters, gauges and histograms byte for byte", () => {
    const families: MetricFamily[] = [
      {
        type: "counter",
        name: "vigil_predictions",
        help: "Prediction events.",
        samples: [
          { labels: { model: "churn", version: "1" }, value: 3 },
          { labels: { model: "churn", version: "2" }, value: 0 },
        ],
      },
      {
        type: "gauge",
        name: "vigil_feature_drift_score",
        help: 'Drift "score" \\ of a feature\nper window.',
        samples: [
          { labels: { model: 'm"1', feature: "a\\b\nc", method: "ks" }, value: 0.125 },
          { labels: {}, value: Number.NaN },
        ],
      },
      {
        type: "histogram",
        name: "lat_seconds",
        help: "Latency.",
        bounds: [0.001, 0.5, 10],
        samples: [{ labels: { model: "m" }, counts: [1, 0, 2, 1], sum: 12.5 }],
      },
      { type: "gauge", name: "empty", help: "No samples yet.", samples: [] },
    ];
    expect(writeExposition(families)).toBe(
      [
        "# HELP vigil_predictions_total Prediction events.",
        "# TYPE vigil_predictions_total counter",
        'vigil_predictions_total{model="churn",version="1"} 3',
        'vigil_predictions_total{model="churn",version="2"} 0',
        '# HELP vigil_feature_drift_score Drift "score" \\\\ of a feature\\nper window.',
        "# TYPE vigil_feature_drift_score gauge",
        'vigil_feature_drift_score{model="m\\"1",feature="a\\\\b\\nc",method="ks"} 0.125',
        "vigil_feature_drift_score NaN",
        "# HELP lat_seconds Latency.",
        "# TYPE lat_seconds histogram",
        'lat_seconds_bucket{model="m",le="0.001"} 1',
        'lat_seconds_bucket{model="m",le="0.5"} 1',
        'lat_seconds_bucket{model="m",le="10"} 3',
        'lat_seconds_bucket{model="m",le="+Inf"} 4',
        'lat_seconds_sum{model="m"} 12.5',
        'lat_seconds_count{model="m"} 4',
        "# HELP empty No samples yet.",
        "# TYPE empty gauge",
        "",
      ].join("\n"),
    );
  });

  it("keeps a counter name that already ends in _total and sanitizes names", () => {
    const text = writeExposition([
      { type: "counter", name: "x_total", help: "h", samples: [{ labels: {}, value: 1 }] },
      {
        type: "gauge",
        name: "drift.score",
        help: "h",
        samples: [{ labels: { "feature-name": "f", feature_name: "g", __x: "y" }, value: 1 }],
      },
    ]);
    expect(text).toBe(
      [
        "# HELP x_total h",
        "# TYPE x_total counter",
        "x_total 1",
        "# HELP drift_score h",
        "# TYPE drift_score gauge",
        'drift_score{feature_name="f",feature_name_2="g",x="y"} 1',
        "",
      ].join("\n"),
    );
  });

  it("writes nothing for no families", () => {
    expect(writeExposition([])).toBe("");
  });

  it("refuses a family written twice and histograms with bad bounds or counts", () => {
    const g = (name: string): MetricFamily => ({ type: "gauge", name, help: "h", samples: [] });
    expect(() => writeExposition([g("a.b"), g("a_b")])).toThrow(/written twice/);
    const h = (bounds: number[], counts: number[]): MetricFamily => ({
      type: "histogram",
      name: "h",
      help: "h",
      bounds,
      samples: [{ labels: {}, counts, sum: 0 }],
    });
    expect(() => writeExposition([h([1, 1], [0, 0, 0])])).toThrow(/strictly increasing/);
    expect(() => writeExposition([h([1, Infinity], [0, 0, 0])])).toThrow(/finite/);
    expect(() => writeExposition([h([1, 2], [0, 0])])).toThrow(/3 bucket counts/);
  });
});
