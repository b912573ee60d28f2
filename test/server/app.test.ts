/**
 * The request path of the server on its own: error shape, 404/405, body limit, rate limit,
 * bad JSON of every kind, schema validation naming the field, unknown exceptions as a clean
 * 500, raw bodies, and that the server keeps answering after each. Uses a few test-only
 * routes next to the real ones (the store is incidental here: SQLite).
 */
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES, VigilError } from "../../src/errors.js";
import { defineRoutes } from "../../src/server/route.js";
import { startTestServer, type TestResponse, type TestServer } from "../helpers/server.js";

const echoBody = {
  type: "object",
  additionalProperties: false,
  required: ["name", "count"],
  properties: {
    name: { type: "string", maxLength: 20 },
    count: { type: "integer", minimum: 0 },
    nested: { type: "object", properties: { age: { type: "number" } } },
    anything: {},
  },
};

const testRoutes = defineRoutes([
  {
    method: "POST",
    path: "/test/echo/:model",
    summary: "echo",
    tag: "test",
    roles: ["viewer"],
    modelParam: "model",
    params: {
      type: "object",
      properties: { model: { type: "string", maxLength: 10 } },
    },
    query: {
      type: "object",
      properties: { limit: { type: "integer", minimum: 1, default: 5 } },
    },
    body: echoBody,
    responses: { 200: { description: "echo" } },
    handler: async (input) => ({
      body: { params: input.params, query: input.query, body: input.body, who: input.principal },
    }),
  },
  {
    method: "POST",
    path: "/test/raw",
    summary: "raw",
    tag: "test",
    roles: ["viewer"],
    rawBody: ["application/x-ndjson"],
    bodyLimitBytes: 64,
    responses: { 200: { description: "lines" } },
    handler: async (input) => ({
      body: {
        lines: input.rawBody?.toString("utf8").split("\n").filter(Boolean).length ?? null,
        json: input.body ?? null,
        type: input.contentType ?? null,
      },
    }),
  },
  {
    method: "POST",
    path: "/test/stream",
    summary: "stream",
    tag: "test",
    roles: ["viewer"],
    rawBody: ["application/x-ndjson", "text/csv"],
    streamBody: true,
    bodyLimitBytes: 1024,
    responses: { 200: { description: "bytes" } },
    handler: async (input) => {
      let bytes = 0;
      let chunks = 0;
      for await (const chunk of input.bodyStream!) {
        bytes += (chunk as Buffer).length;
        chunks++;
      }
      return { body: { bytes, chunks, buffered: input.rawBody !== undefined } };
    },
  },
  {
    method: "GET",
    path: "/test/boom",
    summary: "throws a plain Error",
    tag: "test",
    roles: "public",
    responses: { 200: { description: "never" } },
    handler: async () => {
      throw new Error("secret detail: password=hunter2");
    },
  },
  {
    method: "GET",
    path: "/test/conflict",
    summary: "throws a VigilError",
    tag: "test",
    roles: "public",
    responses: { 200: { description: "never" } },
    handler: async () => {
      throw new VigilError("VIGIL_ALREADY_EXISTS", "model m exists", [
        { field: "name", message: "taken" },
      ]);
    },
  },
  {
    method: "GET",
    path: "/test/text",
    summary: "plain text",
    tag: "test",
    roles: "public",
    responses: { 200: { description: "text", contentType: "text/plain" } },
    handler: async () => ({
      body: "hello\n",
      contentType: "text/plain; charset=utf-8",
      headers: { "x-a": "1" },
    }),
  },
]);

let srv: TestServer;
let viewer: string;

function expectError(r: TestResponse, status: number, code: keyof typeof ERROR_CODES): void {
  expect({ status: r.status, code: r.json?.error?.code }).toEqual({ status, code });
  expect(ERROR_CODES[code].http).toBe(status);
  expect(Object.keys(r.json).sort()).toEqual(["error"]);
  expect(Object.keys(r.json.error).sort()).toEqual(["code", "details", "message"]);
  expect(typeof r.json.error.message).toBe("string");
  expect(Array.isArray(r.json.error.details)).toBe(true);
  expect(r.headers.get("content-type")).toMatch(/^application\/json/);
}

async function stillServing(): Promise<void> {
  const r = await srv.request("POST", "/test/echo/m", {
    token: viewer,
    body: { name: "ok", count: 1 },
  });
  expect(r.status).toBe(200);
}

beforeAll(async () => {
  srv = await startTestServer({ extraRoutes: testRoutes, bodyLimitBytes: 256 * 1024 });
  viewer = await srv.token("viewer");
});
afterAll(() => srv.close());

describe("routing", () => {
  it("passes validated, coerced input to the handler with the principal", async () => {
    const r = await srv.request("POST", "/test/echo/m1?limit=7", {
      token: viewer,
      body: { name: "a", count: 2, nested: { age: 3.5 } },
    });
    expect(r.status).toBe(200);
    expect(r.json.params).toEqual({ model: "m1" });
    expect(r.json.query).toEqual({ limit: 7 });
    expect(r.json.body).toEqual({ name: "a", count: 2, nested: { age: 3.5 } });
    expect(r.json.who).toMatchObject({ role: "viewer", models: null });
    // defaults are filled in
    const d = await srv.request("POST", "/test/echo/m1", {
      token: viewer,
      body: { name: "a", count: 0 },
    });
    expect(d.json.query).toEqual({ limit: 5 });
  });

  it("sends non-JSON replies with their content type and headers", async () => {
    const r = await srv.request("GET", "/test/text");
    expect(r.status).toBe(200);
    expect(r.text).toBe("hello\n");
    expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(r.headers.get("x-a")).toBe("1");
  });

  it("404 for unknown paths, in the error shape", async () => {
    const r = await srv.request("GET", "/api/v1/nope");
    expectError(r, 404, "VIGIL_ROUTE_NOT_FOUND");
    expect(r.json.error.message).toContain("/api/v1/nope");
    await stillServing();
  });

  it("405 with Allow for a known path and a wrong method", async () => {
    const r = await srv.request("DELETE", "/test/echo/m");
    expectError(r, 405, "VIGIL_METHOD_NOT_ALLOWED");
    expect(r.headers.get("allow")).toBe("POST");
    const h = await srv.request("PUT", "/healthz");
    expectError(h, 405, "VIGIL_METHOD_NOT_ALLOWED");
    expect(h.headers.get("allow")).toBe("GET, HEAD");
    await stillServing();
  });

  it("HEAD on a GET route answers without a body", async () => {
    const r = await srv.request("HEAD", "/healthz");
    expect(r.status).toBe(200);
    expect(r.text).toBe("");
  });
});

describe("validation errors name the field", () => {
  it.each([
    [{ name: "a" }, "body.count", "must have required property 'count'"],
    [{ name: "a", count: "5" }, "body.count", "must be integer"],
    [{ name: "a", count: -1 }, "body.count", "must be >= 0"],
    [{ name: "a", count: 1, extra: 1 }, "body.extra", "must NOT have additional properties"],
    [{ name: "a", count: 1, nested: { age: "NaN" } }, "body.nested.age", "must be number"],
    [{ name: "a", count: 1, nested: { age: "Infinity" } }, "body.nested.age", "must be number"],
    [{ name: "x".repeat(21), count: 1 }, "body.name", "must NOT have more than 20 characters"],
    [[1, 2], "body", "must be object"],
  ])("%j -> %s", async (body, field, message) => {
    const r = await srv.request("POST", "/test/echo/m", { token: viewer, body });
    expectError(r, 400, "VIGIL_INVALID_ARGUMENT");
    expect(r.json.error.details[0]).toEqual({ field, message: `${field} ${message}` });
    expect(r.json.error.message).toContain(field);
  });

  it("a missing body is a missing field, not a crash", async () => {
    const r = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      headers: { "content-type": "application/json" },
    });
    expectError(r, 400, "VIGIL_INVALID_ARGUMENT");
    expect(r.json.error.details[0].field).toBe("body");
  });

  it("query and path parameters are checked too", async () => {
    const q = await srv.request("POST", "/test/echo/m?limit=zero", {
      token: viewer,
      body: { name: "a", count: 1 },
    });
    expectError(q, 400, "VIGIL_INVALID_ARGUMENT");
    expect(q.json.error.details[0].field).toBe("query.limit");
    const p = await srv.request("POST", `/test/echo/${"m".repeat(11)}`, {
      token: viewer,
      body: { name: "a", count: 1 },
    });
    expectError(p, 400, "VIGIL_INVALID_ARGUMENT");
    expect(p.json.error.details[0].field).toBe("params.model");
    await stillServing();
  });
});

describe("bad bodies", () => {
  it("malformed JSON -> 400 VIGIL_MALFORMED_JSON", async () => {
    for (const text of ['{"name": "a",', "{name: 1}", "[1,2", "nul", '{"a":1}x']) {
      const r = await srv.request("POST", "/test/echo/m", {
        token: viewer,
        body: text,
        headers: { "content-type": "application/json" },
      });
      expectError(r, 400, "VIGIL_MALFORMED_JSON");
    }
    await stillServing();
  });

  it("__proto__ keys are refused", async () => {
    const r = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      body: '{"name":"a","count":1,"anything":{"__proto__":{"admin":true}}}',
      headers: { "content-type": "application/json" },
    });
    expectError(r, 400, "VIGIL_MALFORMED_JSON");
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("nesting deeper than 64 -> 400 VIGIL_JSON_TOO_DEEP; 64 is fine", async () => {
    // n nested arrays; the body object is level 1, so `anything` adds levels 2..n+1.
    const nest = (n: number) => `${"[".repeat(n)}1${"]".repeat(n)}`;
    const ok = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      body: `{"name":"a","count":1,"anything":${nest(63)}}`,
      headers: { "content-type": "application/json" },
    });
    expect(ok.status).toBe(200);
    const deep = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      body: `{"name":"a","count":1,"anything":${nest(64)}}`,
      headers: { "content-type": "application/json" },
    });
    expectError(deep, 400, "VIGIL_JSON_TOO_DEEP");
    // 100k levels: refused the same way, no stack overflow.
    const huge = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      body: nest(100_000),
      headers: { "content-type": "application/json" },
    });
    expectError(huge, 400, "VIGIL_JSON_TOO_DEEP");
    await stillServing();
  });

  it("a body over the limit -> 413 VIGIL_PAYLOAD_TOO_LARGE, also a 10 MB one", async () => {
    const big = JSON.stringify({ name: "a", count: 1, anything: "x".repeat(300 * 1024) });
    const r = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      body: big,
      headers: { "content-type": "application/json" },
    });
    expectError(r, 413, "VIGIL_PAYLOAD_TOO_LARGE");
    expect(r.json.error.message).toContain(String(256 * 1024));
    const ten = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      body: Buffer.alloc(10 * 1024 * 1024, 0x20),
      headers: { "content-type": "application/json" },
    });
    expectError(ten, 413, "VIGIL_PAYLOAD_TOO_LARGE");
    await stillServing();
  });

  it("a huge string under the limit is a field error, not a crash", async () => {
    const r = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      body: { name: "y".repeat(200 * 1024), count: 1 },
    });
    expectError(r, 400, "VIGIL_INVALID_ARGUMENT");
    expect(r.json.error.details[0].field).toBe("body.name");
    expect(r.text.length).toBeLessThan(1000);
  });

  it("an unsupported content type -> 415", async () => {
    const r = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      body: "name=a",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectError(r, 415, "VIGIL_UNSUPPORTED_MEDIA_TYPE");
    // NDJSON is parsed raw for the routes that take it, refused by the others.
    const n = await srv.request("POST", "/test/echo/m", {
      token: viewer,
      body: '{"a":1}\n',
      headers: { "content-type": "application/x-ndjson" },
    });
    expectError(n, 415, "VIGIL_UNSUPPORTED_MEDIA_TYPE");
    await stillServing();
  });

  it("raw bodies reach routes that declare them, with their own size limit", async () => {
    const r = await srv.request("POST", "/test/raw", {
      token: viewer,
      body: '{"a":1}\n{"a":2}\n',
      headers: { "content-type": "application/x-ndjson; charset=utf-8" },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ lines: 2, json: null, type: "application/x-ndjson; charset=utf-8" });
    const j = await srv.request("POST", "/test/raw", { token: viewer, body: { a: 1 } });
    expect(j.json).toEqual({ lines: null, json: { a: 1 }, type: "application/json" });
    const big = await srv.request("POST", "/test/raw", {
      token: viewer,
      body: "x".repeat(65),
      headers: { "content-type": "application/x-ndjson" },
    });
    expectError(big, 413, "VIGIL_PAYLOAD_TOO_LARGE");
    expect(big.json.error.message).toContain("limit of 64 bytes");
  });

  it("malformed HTTP gets a 400 in the error shape", async () => {
    const url = new URL(srv.url);
    const text = await new Promise<string>((resolve, reject) => {
      const s = connect(Number(url.port), url.hostname, () => s.write("GARBAGE\r\n\r\n"));
      let out = "";
      s.on("data", (d) => (out += d.toString()));
      s.on("end", () => resolve(out));
      s.on("error", reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).error.code).toBe(
      "VIGIL_INVALID_ARGUMENT",
    );
    await stillServing();
  });
});

describe("errors from handlers", () => {
  it("a VigilError keeps its code, status and details", async () => {
    const r = await srv.request("GET", "/test/conflict");
    expectError(r, 409, "VIGIL_ALREADY_EXISTS");
    expect(r.json.error).toEqual({
      code: "VIGIL_ALREADY_EXISTS",
      message: "model m exists",
      details: [{ field: "name", message: "taken" }],
    });
  });

  it("an unknown exception is a 500 VIGIL_INTERNAL without detail; the log has the stack", async () => {
    const before = srv.logs.length;
    const r = await srv.request("GET", "/test/boom");
    expectError(r, 500, "VIGIL_INTERNAL");
    expect(r.text).not.toContain("hunter2");
    expect(r.text).not.toContain("at ");
    expect(r.json.error.details).toEqual([]);
    const logged = srv.logs.slice(before).join("\n");
    expect(logged).toContain("GET /test/boom");
    expect(logged).toContain("secret detail");
    expect(logged).toMatch(/\n\s+at /);
    await stillServing();
  });
});

describe("rate limit", () => {
  it("429 with Retry-After once a token's bucket is empty, per token, refilled by the clock", async () => {
    let now = 1_000_000;
    const rl = await startTestServer({
      now: () => now,
      rateLimit: { perSecond: 2, burst: 3 },
    });
    try {
      const a = await rl.token("viewer");
      const b = await rl.token("viewer");
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push((await rl.request("GET", "/api/v1/whoami", { token: a })).status);
      expect(codes).toEqual([200, 200, 200, 429]);
      const limited = await rl.request("GET", "/api/v1/whoami", { token: a });
      expectError(limited, 429, "VIGIL_RATE_LIMITED");
      expect(limited.headers.get("retry-after")).toBe("1");
      // another token has its own bucket; public routes are not limited
      expect((await rl.request("GET", "/api/v1/whoami", { token: b })).status).toBe(200);
      expect((await rl.request("GET", "/healthz")).status).toBe(200);
      // half a second refills one request at 2/s
      now += 500;
      expect((await rl.request("GET", "/api/v1/whoami", { token: a })).status).toBe(200);
      expect((await rl.request("GET", "/api/v1/whoami", { token: a })).status).toBe(429);
    } finally {
      await rl.close();
    }
  });
});

/** POSTs `parts` with chunked transfer encoding (no Content-Length), one write per part. */
function chunkedPost(
  path: string,
  token: string,
  type: string,
  parts: string[],
): Promise<Pick<TestResponse, "status" | "json">> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${srv.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": type },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on("error", reject);
    const write = (i: number): void => {
      if (i === parts.length) return void req.end();
      req.write(parts[i], () => setImmediate(() => write(i + 1)));
    };
    write(0);
  });
}

describe("streamed bodies", () => {
  it("a streamBody route reads the upload as a stream, limited to its body limit", async () => {
    const ok = await chunkedPost("/test/stream", viewer, "text/csv", ["a,b\n", "1,2\n", "3,4\n"]);
    expect(ok).toMatchObject({ status: 200, json: { bytes: 12, buffered: false } });
    const over = await chunkedPost("/test/stream", viewer, "text/csv", [
      "x".repeat(600),
      "y".repeat(600),
    ]);
    expect(over.status).toBe(413);
    expect(over.json.error.code).toBe("VIGIL_PAYLOAD_TOO_LARGE");
    const declared = await srv.request("POST", "/test/stream", {
      token: viewer,
      body: "z".repeat(2000),
      headers: { "content-type": "text/csv" },
    });
    expectError(declared, 413, "VIGIL_PAYLOAD_TOO_LARGE");
    await stillServing();
  });

  it("a type shared with a streaming route still arrives as a Buffer on a buffered route", async () => {
    const r = await chunkedPost("/test/raw", viewer, "application/x-ndjson", [
      '{"a":1}\n',
      '{"a":2}\n',
    ]);
    expect(r).toMatchObject({ status: 200, json: { lines: 2 } });
    const over = await chunkedPost("/test/raw", viewer, "application/x-ndjson", ["q".repeat(100)]);
    expect(over.status).toBe(413);
  });
});
