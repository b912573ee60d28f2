/**
 * Event validation and request splitting, without a store: every rule of docs/monitoring.md
 * ("Events") with the field and reason it reports.
 */
import { describe, expect, it } from "vitest";
import { VigilError } from "../../src/errors.js";
import { type MonitorConfig, monitorConfig } from "../../src/monitor/config.js";
import { type CheckedEvent, checkEvent, type Rejection } from "../../src/monitor/events.js";
import { ARRAY_ELEMENT, jsonTextItems, ndjsonItems } from "../../src/monitor/request-items.js";
import type { JsonValue, ModelTask } from "../../src/store/index.js";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

function config(task: ModelTask = "binary", monitors: JsonValue = {}): MonitorConfig {
  const c = monitorConfig({
    id: 1,
    name: "churn",
    task,
    schema: { features: { age: "numeric", plan: "categorical" } },
    windowSeconds: 300,
    monitors,
    createdAt: 0,
    updatedAt: 0,
  });
  if (!c) throw new Error("not configured");
  return c;
}

const good = {
  id: "e1",
  timestamp: NOW - 1000,
  version: "1",
  features: { age: 41, plan: "pro" },
  prediction: "1",
  scores: 0.8,
  latency_ms: 12.5,
};

function check(value: unknown, c: MonitorConfig = config()): CheckedEvent | Rejection {
  return checkEvent({ value }, 0, { config: c, now: NOW });
}

function rejected(value: unknown, c?: MonitorConfig): Rejection {
  const r = check(value, c);
  expect("code" in r, `expected a rejection for ${JSON.stringify(value)?.slice(0, 200)}`).toBe(
    true,
  );
  return r as Rejection;
}

describe("event validation", () => {
  it("accepts a well-formed event", () => {
    const r = check(good) as CheckedEvent;
    expect(r).toMatchObject({ id: "e1", version: "1", timestamp: NOW - 1000 });
  });

  it.each([
    [
      { ...good, features: { age: "41" } },
      "features.age",
      /must be a number or null, got the string "41"/,
    ],
    [{ ...good, features: { age: "NaN" } }, "features.age", /not a number; send null/],
    [{ ...good, features: { age: "Infinity" } }, "features.age", /not a number; send null/],
    [{ ...good, features: { age: "-inf" } }, "features.age", /not a number; send null/],
    [{ ...good, features: { age: true } }, "features.age", /must be a number/],
    [{ ...good, features: { age: [1] } }, "features.age", /an array/],
    [
      { ...good, features: { plan: { a: 1 } } },
      "features.plan",
      /must be a string, number, boolean or null/,
    ],
    [{ ...good, features: "age=1" }, "features", /must be an object/],
    [{ ...good, id: undefined }, "id", /required/],
    [{ ...good, id: "" }, "id", /non-empty/],
    [{ ...good, id: "x".repeat(257) }, "id", /at most 256/],
    [{ ...good, id: { a: 1 } }, "id", /must be a string/],
    [{ ...good, version: undefined }, "version", /required/],
    [{ ...good, version: ["1"] }, "version", /must be a string/],
    [{ ...good, timestamp: "yesterday" }, "timestamp", /ISO 8601/],
    [{ ...good, timestamp: "2026-01-15T11:00:00" }, "timestamp", /with a zone/],
    [{ ...good, timestamp: -5 }, "timestamp", />= 0/],
    [{ ...good, timestamp: NOW + 2 * 3600_000 }, "timestamp", /ahead of the server's clock/],
    [
      { ...good, timestamp: NOW - 31 * 86_400_000 },
      "timestamp",
      /older than the model's raw-event retention \(30 days\)/,
    ],
    [{ ...good, prediction: undefined }, "prediction", /required/],
    [{ ...good, prediction: { label: 1 } }, "prediction", /must be a string/],
    [{ ...good, scores: "0.8" }, "scores", /must be a number/],
    [{ ...good, scores: { "1": "high" } }, "scores.1", /finite number/],
    [{ ...good, latency_ms: -1 }, "latency_ms", />= 0/],
    [{ ...good, latency_ms: "12" }, "latency_ms", />= 0/],
    [[good], "", /must be a JSON object, got an array/],
    ["event", "", /must be a JSON object/],
    [null, "", /must be a JSON object, got null/],
  ])("refuses %j at %s", (event, field, reason) => {
    const r = rejected(event);
    expect(r.field).toBe(field);
    expect(r.reason).toMatch(reason);
    expect(r.code).toBe("VIGIL_INVALID_EVENT");
    expect(r.index).toBe(0);
  });

  it("refuses strings over the limit anywhere in the event, and deep nesting", () => {
    const big = "x".repeat(65_537);
    expect(rejected({ ...good, features: { plan: big } }).field).toBe("features.plan");
    expect(rejected({ ...good, features: { comment: big } }).field).toBe("features.comment");
    expect(rejected({ ...good, error: { detail: big } }).field).toBe("error.detail");
    expect(rejected({ ...good, note: big }).field).toBe("note");
    // Multi-byte characters count as their UTF-8 bytes: 30,000 "é" are 60,000 bytes.
    expect("code" in check({ ...good, features: { plan: "é".repeat(30_000) } })).toBe(false);
    expect(rejected({ ...good, features: { plan: "é".repeat(33_000) } }).reason).toMatch(
      /66000 bytes/,
    );
    const small = config("binary", { ingest: { maxStringBytes: 16 } });
    expect(rejected({ ...good, features: { plan: "seventeen bytes!!" } }, small).reason).toMatch(
      /maxStringBytes/,
    );
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(rejected({ ...good, features: { extra: deep } }).reason).toMatch(/nested more than 32/);
    expect(
      rejected(JSON.parse('{"id":"p","version":"1","prediction":1,"__proto__":{"x":1}}')).reason,
    ).toMatch(/__proto__/);
  });

  it("accepts unknown features of any type, missing features, and errors without a prediction", () => {
    expect(
      "code" in check({ ...good, features: { age: null, colour: { r: 1 }, tags: ["a"] } }),
    ).toBe(false);
    expect("code" in check({ ...good, features: undefined })).toBe(false);
    expect("code" in check({ ...good, prediction: undefined, error: "timeout" })).toBe(false);
    expect("code" in check({ ...good, id: 12345 })).toBe(false);
    expect((check({ ...good, id: 12345 }) as CheckedEvent).id).toBe("12345");
  });

  it("reads timestamps as epoch ms or ISO 8601 with a zone, and defaults to now", () => {
    expect((check({ ...good, timestamp: "2026-01-15T11:59:00Z" }) as CheckedEvent).timestamp).toBe(
      NOW - 60_000,
    );
    expect(
      (check({ ...good, timestamp: "2026-01-15T12:59:00+01:00" }) as CheckedEvent).timestamp,
    ).toBe(NOW - 60_000);
    expect((check({ ...good, timestamp: undefined }) as CheckedEvent).timestamp).toBe(NOW);
  });

  it("checks the prediction's type by task", () => {
    const reg = config("regression");
    expect(rejected({ ...good, prediction: "3.5" }, reg).reason).toMatch(
      /must be a number for a regression/,
    );
    expect("code" in check({ ...good, prediction: 3.5, scores: undefined }, reg)).toBe(false);
    expect(
      "code" in
        check({ ...good, prediction: 2, scores: { "0": 0.1, "2": 0.9 } }, config("multiclass")),
    ).toBe(false);
  });

  it("with typeErrors: count, accepts wrong types (the profile counts them)", () => {
    const counting = config("binary", { ingest: { typeErrors: "count" } });
    expect("code" in check({ ...good, features: { age: "NaN", plan: { a: 1 } } }, counting)).toBe(
      false,
    );
    expect(rejected({ ...good, features: { plan: "x".repeat(70_000) } }, counting).field).toBe(
      "features.plan",
    );
  });

  it("takes the default version when the model names one", () => {
    const c = config("binary", { ingest: { defaultVersion: "7" } });
    expect((check({ ...good, version: undefined }, c) as CheckedEvent).version).toBe("7");
  });
});

describe("request bodies", () => {
  it("splits a JSON array into the same values JSON.parse gives, each with its own text", () => {
    const events = [
      { id: "a", s: 'quote " and \\ backslash ] } , [ {', n: -1.5e-7, u: "é😀" },
      { id: "b", nested: { list: [1, [2, [3]], { x: "]" }] }, t: true, f: null },
      [],
      "str\\",
      42,
    ];
    const text = ` \n[\n${events.map((e) => JSON.stringify(e, null, 1)).join(" ,\n")}\n ]\n`;
    const items = jsonTextItems(text);
    expect(items.map((i) => i.value)).toEqual(JSON.parse(text));
    for (const item of items) expect(JSON.parse(item.text as string)).toEqual(item.value);
    expect(jsonTextItems("[]")).toEqual([]);
    expect(jsonTextItems(' { "id": "only" } ')).toEqual([
      { value: { id: "only" }, text: '{ "id": "only" }' },
    ]);
  });

  it("isolates a malformed element and refuses a broken array", () => {
    const items = jsonTextItems('[{"id":"a"}, {"id": nope}, {"id":"c"}]');
    expect(items.map((i) => i.parseError === undefined)).toEqual([true, false, true]);
    expect(items[2]?.value).toEqual({ id: "c" });
    // A missing comma only spoils the element it runs into.
    expect(jsonTextItems("[1 2, 3]").map((i) => i.parseError === undefined)).toEqual([false, true]);
    for (const bad of ['[{"id":"a"}', '[{"id":"a}]', '[{"id":"a"}] x', "[1}", "{", "nope"]) {
      let err: unknown;
      try {
        jsonTextItems(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(VigilError);
      expect((err as VigilError).code).toBe("VIGIL_MALFORMED_JSON");
    }
    let notEvents: unknown;
    try {
      jsonTextItems("42");
    } catch (e) {
      notEvents = e;
    }
    expect((notEvents as VigilError).code).toBe("VIGIL_INVALID_EVENT");
  });

  it("reads NDJSON line by line, skipping blank lines and keeping line numbers", () => {
    const items = ndjsonItems('\uFEFF{"id":"a"}\r\n\n  \n{"id":\n{"id":"c"}');
    expect(items.map((i) => [i.line, i.value, i.parseError !== undefined])).toEqual([
      [1, { id: "a" }, false],
      [4, undefined, true],
      [5, { id: "c" }, false],
    ]);
    expect(items[0]?.text).toBe('{"id":"a"}');
  });

  it("cuts objects nested deeper than the fast path and odd elements the same way", () => {
    // The split has a fast path for objects nested at most three levels and a scanner for
    // everything else; both must cut every element at the same place.
    const elements = [
      '{"id":"a","features":{"x":{"y":{"z":{"w":[1,[2,[3]]]}}}}}',
      '{"s":"brackets } ] { [ , inside","e":"esc \\" \\\\ \\n","u":"\u00e9"}',
      '[1,{"a":[2,{"b":3}]}]',
      '"a string"',
      "42",
      "null",
      '{"id":"b","features":{"x":1}}',
    ];
    const body = `[ ${elements.join(" ,\n\t")} ]`;
    const items = jsonTextItems(body);
    expect(items.map((i) => i.text)).toEqual(elements);
    expect(items.map((i) => i.value)).toEqual(JSON.parse(body));
    expect(jsonTextItems(body, false).map((i) => [i.text, i.unparsed])).toEqual(
      elements.map((e) => [e, true]),
    );
    // A non-JSON space around an element is trimmed as before; inside it, it spoils it.
    const odd = jsonTextItems('[\u00a0{"id":"a"}\u00a0, {"id":"b"\u00a0}, {"id":"c"} x]');
    expect(odd.map((i) => [i.text, i.parseError === undefined])).toEqual([
      ['{"id":"a"}', true],
      [undefined, false],
      [undefined, false],
    ]);
    expect(jsonTextItems('[{"id":"c"} x]', false).map((i) => i.text)).toEqual(['{"id":"c"} x']);
  });

  it("takes the fast path for elements nested up to three levels, escapes included", () => {
    // The results above are the same either way; this checks the fast path is really taken
    // (an escaping mistake once made it match nothing, which no output showed).
    const fast = (element: string, after = ",") => {
      ARRAY_ELEMENT.lastIndex = 1;
      return ARRAY_ELEMENT.exec(`[ ${element} ${after}`)?.[1];
    };
    const shallow = [
      '{"id":"a","timestamp":1,"features":{"x":1.5,"c":"k"},"scores":{"1":0.3}}',
      '{"s":"brackets } ] { [ , inside","e":"esc \\" \\\\ \\n","u":"\u00e9"}',
      '{"a":[1,{"b":2}]}',
      '[1,{"a":[2]}]',
      '{"empty":"","end":"\\\\"}',
    ];
    for (const e of shallow) {
      expect(JSON.parse(e), e).toBeDefined();
      expect(fast(e), e).toBe(e);
      expect(fast(e, "]"), e).toBe(e);
    }
    expect(fast('{"x":{"y":{"z":{"w":1}}}}')).toBeUndefined();
    expect(fast('{"id":"unterminated}')).toBeUndefined();
    expect(fast('{"id":"a"} x')).toBeUndefined();
  });
});
