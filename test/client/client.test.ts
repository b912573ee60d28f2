import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ClientErrorInfo,
  type ClientOptions,
  type ClientStats,
  createClient,
  fullJitterDelay,
  parseRetryAfter,
  type Rejection,
  type StreamStats,
  type VigilClient,
} from "../../src/client/index.js";
import { VigilError } from "../../src/errors.js";
import { type Sink, startSink } from "./sink.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Every logged item is in exactly one place. */
function balanced(s: StreamStats): boolean {
  return s.logged === s.accepted + s.duplicates + s.rejected + s.dropped + s.buffered + s.inFlight;
}

function event(i: number) {
  return { features: { x: i, c: `k${i % 3}` }, prediction: i % 2, version: "1" };
}

let sink: Sink;
const clients: VigilClient[] = [];

function client(opts: Partial<ClientOptions> = {}): VigilClient {
  const c = createClient({
    url: sink.url,
    model: "churn",
    token: "tok-123",
    handleExit: false,
    backoffBaseMs: 1,
    random: () => 0,
    ...opts,
  });
  clients.push(c);
  return c;
}

beforeEach(async () => {
  sink = await startSink();
});

afterEach(async () => {
  sink.release();
  for (const c of clients.splice(0)) await c.close(200);
  await sink.close();
});

describe("batching", () => {
  it("sends full batches of batchSize and the rest on flush, with ids, timestamps and the token", async () => {
    const c = client({ batchSize: 3, flushIntervalMs: 60_000, now: () => 1_700_000_000_000 });
    const ids = Array.from({ length: 7 }, (_, i) => c.log(event(i)));
    const stats = await c.flush();
    expect(sink.requests.map((r) => r.items.length)).toEqual([3, 3, 1]);
    for (const r of sink.requests) {
      expect(r.method).toBe("POST");
      expect(r.path).toBe("/api/v1/models/churn/predictions");
      expect(r.headers.authorization).toBe("Bearer tok-123");
      expect(r.headers["content-type"]).toBe("application/json");
    }
    const sent = sink.requests.flatMap((r) => r.items);
    expect(sent.map((e) => e.id)).toEqual(ids);
    for (const e of sent) {
      expect(e.id).toMatch(UUID);
      expect(e.timestamp).toBe(1_700_000_000_000);
    }
    expect(new Set(ids).size).toBe(7);
    expect(sent[4]).toMatchObject({ features: { x: 4, c: "k1" }, prediction: 0, version: "1" });
    expect(stats).toMatchObject({ logged: 7, sent: 7, accepted: 7, duplicates: 0, rejected: 0 });
    expect(stats).toMatchObject({ dropped: 0, retries: 0, inFlight: 0, buffered: 0 });
  });

  it("keeps given ids and timestamps and does not modify the caller's object", async () => {
    const c = client();
    const e = { features: { x: 1 }, prediction: 1 };
    const id = c.log(e);
    expect(c.log({ ...e, id: "given", timestamp: "2026-01-01T00:00:00Z" })).toBe("given");
    await c.flush();
    expect(e).toEqual({ features: { x: 1 }, prediction: 1 });
    expect(sink.requests[0]!.items.map((x) => x.id)).toEqual([id, "given"]);
    expect(sink.requests[0]!.items[1]!.timestamp).toBe("2026-01-01T00:00:00Z");
  });

  it("sends a partial batch after flushIntervalMs without a flush() call", async () => {
    const c = client({ batchSize: 100, flushIntervalMs: 5 });
    c.log(event(1));
    c.log(event(2));
    await sink.storedAtLeast(2);
    expect(sink.requests.map((r) => r.items.length)).toEqual([2]);
  });

  it("batches labels to /labels as {id, label, timestamp}", async () => {
    const c = client({ batchSize: 2, now: () => 42 });
    expect(c.label("a", 1)).toBe(true);
    expect(c.label("b", "yes", 7)).toBe(true);
    expect(c.label("c", { k: [1] })).toBe(true);
    const stats = await c.flush();
    expect(sink.requests.map((r) => r.path)).toEqual([
      "/api/v1/models/churn/labels",
      "/api/v1/models/churn/labels",
    ]);
    expect(sink.requests.flatMap((r) => r.items)).toEqual([
      { id: "a", label: 1, timestamp: 42 },
      { id: "b", label: "yes", timestamp: 7 },
      { id: "c", label: { k: [1] }, timestamp: 42 },
    ]);
    expect(stats.labels).toMatchObject({ logged: 3, accepted: 3 });
    expect(stats.logged).toBe(0);
  });

  it("encodes the model name in the path", async () => {
    const c = client({ model: "fraud/v2 eu", url: `${sink.url}/` });
    c.log(event(0));
    await c.flush();
    expect(sink.requests[0]!.path).toBe("/api/v1/models/fraud%2Fv2%20eu/predictions");
  });
});

describe("retries", () => {
  it("retries 500, 503, 429 and a cut connection with the same body, then counts the batch once", async () => {
    const plan: Array<"destroy" | { status: number }> = [
      { status: 500 },
      "destroy",
      { status: 429 },
      { status: 503 },
    ];
    sink.behave = () => plan.shift() ?? "ok";
    const errors: ClientErrorInfo[] = [];
    const c = client({ onError: (e) => errors.push(e) });
    for (let i = 0; i < 4; i++) c.log(event(i));
    const stats = await c.flush();
    expect(sink.requests).toHaveLength(5);
    expect(new Set(sink.requests.map((r) => r.body)).size).toBe(1);
    expect(errors.map((e) => [e.outcome, e.status, e.attempt])).toEqual([
      ["retry", 500, 1],
      ["retry", 0, 2],
      ["retry", 429, 3],
      ["retry", 503, 4],
    ]);
    expect(stats).toMatchObject({ sent: 4, accepted: 4, retries: 4, dropped: 0, rejected: 0 });
    expect(balanced(stats)).toBe(true);
  });

  it("waits with full jitter: uniform in [0, base * 2^(n-1)), capped", async () => {
    sink.behave = (r) => (r.n < 4 ? { status: 502 } : "ok");
    const errors: ClientErrorInfo[] = [];
    const c = client({
      backoffBaseMs: 4,
      backoffMaxMs: 12,
      random: () => 0.75,
      onError: (e) => errors.push(e),
    });
    c.log(event(0));
    await c.flush();
    // 0.75 * min(12, 4 * 2^(n-1)) for n = 1..4
    expect(errors.map((e) => e.retryInMs)).toEqual([3, 6, 9, 9]);
  });

  it("honours Retry-After (seconds or HTTP date), capped at maxRetryAfterMs", async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    const plan = [
      { status: 429, headers: { "retry-after": "0" } },
      { status: 503, headers: { "retry-after": past } },
      { status: 429, headers: { "retry-after": "120" } },
    ];
    sink.behave = () => plan.shift() ?? "ok";
    const errors: ClientErrorInfo[] = [];
    // A backoff of up to 60 s would be drawn without Retry-After; the test would time out.
    const c = client({
      backoffBaseMs: 60_000,
      random: () => 0.999,
      maxRetryAfterMs: 5,
      onError: (e) => errors.push(e),
    });
    c.log(event(0));
    const stats = await c.flush();
    expect(errors.map((e) => e.retryInMs)).toEqual([0, 0, 5]);
    expect(stats).toMatchObject({ accepted: 1, retries: 3 });
  });

  it("drops the batch after maxRetries and says so", async () => {
    sink.behave = () => ({ status: 500, body: { error: { code: "VIGIL_INTERNAL" } } });
    const errors: ClientErrorInfo[] = [];
    const c = client({ maxRetries: 2, onError: (e) => errors.push(e) });
    c.log(event(0));
    c.log(event(1));
    const stats = await c.flush();
    expect(sink.requests).toHaveLength(3);
    expect(errors.map((e) => e.outcome)).toEqual(["retry", "retry", "dropped"]);
    expect(errors[2]).toMatchObject({ items: 2, status: 500, attempt: 3 });
    expect(stats).toMatchObject({ sent: 0, accepted: 0, dropped: 2, retries: 2 });
    expect(balanced(stats)).toBe(true);
  });

  it("retries a timed-out request; the server's idempotency turns the resend into duplicates", async () => {
    // First request: stored by the server, but the answer never comes (lost acknowledgement).
    sink.behave = (r) => (r.n === 0 ? "store-then-hang" : "ok");
    const c = client({ requestTimeoutMs: 50 });
    for (let i = 0; i < 3; i++) c.log(event(i));
    const stats = await c.flush();
    expect(sink.requests).toHaveLength(2);
    expect(sink.storedCount()).toBe(3);
    expect(stats).toMatchObject({ sent: 3, accepted: 0, duplicates: 3, retries: 1 });
    expect(balanced(stats)).toBe(true);
  });
});

describe("refusals", () => {
  it("does not retry a 4xx other than 429: the items count as rejected with the server's code", async () => {
    sink.behave = () => ({
      status: 404,
      body: { error: { code: "VIGIL_MODEL_NOT_FOUND", message: "no model churn", details: [] } },
    });
    const rejected: Rejection[] = [];
    const errors: ClientErrorInfo[] = [];
    const c = client({ onRejected: (r) => rejected.push(...r), onError: (e) => errors.push(e) });
    const ids = [c.log(event(0)), c.log(event(1))];
    const stats = await c.flush();
    expect(sink.requests).toHaveLength(1);
    expect(stats).toMatchObject({ sent: 0, rejected: 2, dropped: 0, retries: 0 });
    expect(rejected).toEqual([
      {
        id: ids[0],
        index: 0,
        reason: "no model churn",
        code: "VIGIL_MODEL_NOT_FOUND",
        status: 404,
      },
      {
        id: ids[1],
        index: 1,
        reason: "no model churn",
        code: "VIGIL_MODEL_NOT_FOUND",
        status: 404,
      },
    ]);
    expect(errors).toMatchObject([{ outcome: "rejected", status: 404, items: 2 }]);
  });

  it("surfaces per-event rejections and duplicates from a 2xx answer", async () => {
    sink.behave = () => ({
      status: 200,
      body: {
        accepted: 2,
        duplicates: 1,
        rejected: [{ index: 3, field: "features.x", reason: "expected a number", code: "type" }],
      },
    });
    const rejected: Rejection[] = [];
    const c = client({ onRejected: (r) => rejected.push(...r) });
    const ids = [0, 1, 2, 3].map((i) => c.log(event(i)));
    const stats = await c.flush();
    expect(stats).toMatchObject({ sent: 4, accepted: 2, duplicates: 1, rejected: 1 });
    expect(rejected).toEqual([
      {
        id: ids[3],
        index: 3,
        field: "features.x",
        reason: "expected a number",
        code: "type",
        status: 200,
      },
    ]);
  });

  it("splits a batch the server finds too large (413) until the parts fit", async () => {
    sink.behave = (r) =>
      r.items.length > 2
        ? { status: 413, body: { error: { code: "VIGIL_PAYLOAD_TOO_LARGE", message: "big" } } }
        : "ok";
    const c = client({ batchSize: 7 });
    for (let i = 0; i < 7; i++) c.log(event(i));
    const stats = await c.flush();
    expect(sink.storedCount()).toBe(7);
    expect(stats).toMatchObject({ accepted: 7, rejected: 0, dropped: 0 });
    const sizes = sink.requests.map((r) => r.items.length);
    expect(sizes.filter((n) => n <= 2).reduce((a, b) => a + b, 0)).toBe(7);
  });

  it("rejects an event that is not JSON-serializable on its own and sends the rest", async () => {
    const rejected: Rejection[] = [];
    const c = client({ onRejected: (r) => rejected.push(...r) });
    const good = c.log(event(0));
    const bad = c.log({ features: { x: 10n }, prediction: 1 });
    const stats = await c.flush();
    expect(sink.requests[0]!.items.map((e) => e.id)).toEqual([good]);
    expect(stats).toMatchObject({ sent: 1, accepted: 1, rejected: 1 });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ id: bad, index: 1, status: 0 });
    expect(rejected[0]!.reason).toMatch(/not serializable as JSON.*BigInt/);
  });

  it("counts a non-object as rejected without throwing", () => {
    const rejected: Rejection[] = [];
    const c = client({ onRejected: (r) => rejected.push(...r) });
    expect(c.log(null as never)).toBeNull();
    expect(c.log([1, 2] as never)).toBeNull();
    expect(c.stats()).toMatchObject({ logged: 2, rejected: 2 });
    expect(rejected.map((r) => r.reason)).toEqual([
      "an event must be an object, got null",
      "an event must be an object, got an array",
    ]);
  });
});

describe("bounded buffer", () => {
  it("drops new events past maxBufferEvents (counting them) and never throws", async () => {
    sink.behave = () => "hang";
    const c = client({ batchSize: 5, maxBufferEvents: 10, concurrency: 1 });
    const results = Array.from({ length: 25 }, (_, i) => c.log(event(i)));
    expect(results.filter((r) => r !== null)).toHaveLength(10);
    expect(results.slice(10).every((r) => r === null)).toBe(true);
    let s: ClientStats = c.stats();
    expect(s).toMatchObject({ logged: 25, dropped: 15, buffered: 10, inFlight: 0 });
    expect(balanced(s)).toBe(true);
    // Once the first batch is on the wire it still counts against the bound.
    await sink.received(1);
    expect(c.stats()).toMatchObject({ buffered: 5, inFlight: 5 });
    expect(c.log(event(99))).toBeNull();
    sink.behave = () => "ok";
    const flushing = c.flush();
    sink.release();
    s = await flushing;
    expect(s).toMatchObject({ logged: 26, accepted: 10, dropped: 16, buffered: 0, inFlight: 0 });
    expect(balanced(s)).toBe(true);
  });
});

describe("close", () => {
  it("flushes, then drops what is logged after close()", async () => {
    const c = client({ batchSize: 100, flushIntervalMs: 60_000 });
    c.log(event(0));
    c.label("x", 1);
    const s = await c.close();
    expect(s).toMatchObject({ accepted: 1, labels: { accepted: 1 } });
    expect(c.log(event(1))).toBeNull();
    expect(c.label("y", 0)).toBe(false);
    expect(c.stats()).toMatchObject({ logged: 2, dropped: 1, labels: { logged: 2, dropped: 1 } });
  });

  it("gives up at the close deadline: in-flight and buffered items are dropped", async () => {
    sink.behave = () => "hang";
    const c = client({ batchSize: 2, concurrency: 1 });
    for (let i = 0; i < 5; i++) c.log(event(i));
    const s = await c.close(30);
    expect(s).toMatchObject({ logged: 5, accepted: 0, dropped: 5, inFlight: 0, buffered: 0 });
  });
});

describe("options and helpers", () => {
  it("refuses bad options with VIGIL_INVALID_ARGUMENT", () => {
    const bad: Array<Partial<ClientOptions>> = [
      { url: "127.0.0.1:7070" },
      { url: "http://" },
      { model: "" },
      { batchSize: 0 },
      { maxBufferEvents: 1.5 },
      { concurrency: -1 },
    ];
    for (const b of bad) {
      let err: unknown;
      try {
        createClient({ url: "http://127.0.0.1:1", model: "m", handleExit: false, ...b });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(b)).toBeInstanceOf(VigilError);
      expect((err as VigilError).code).toBe("VIGIL_INVALID_ARGUMENT");
    }
  });

  it("fullJitterDelay is random * min(max, base * 2^(n-1)), floored", () => {
    expect(fullJitterDelay(1, 100, 30_000, () => 0.5)).toBe(50);
    expect(fullJitterDelay(4, 100, 30_000, () => 0.5)).toBe(400);
    expect(fullJitterDelay(10, 100, 30_000, () => 0.5)).toBe(15_000);
    expect(fullJitterDelay(2000, 100, 30_000, () => 0.999)).toBe(29_970);
    expect(fullJitterDelay(3, 100, 30_000, () => 0)).toBe(0);
  });

  it("parseRetryAfter reads delta-seconds and HTTP dates", () => {
    const now = Date.parse("2026-03-01T12:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
