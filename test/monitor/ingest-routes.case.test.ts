/**
 * The models and ingest routes through a real `vigil serve` HTTP server (test/helpers/
 * server.ts) on both store backends: configuration, versions, predictions as JSON and NDJSON
 * with per-event rejections, the all-rejected 400, labels, reference upload, roles, and the
 * server still serving after bad input.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { IngestObservation } from "../../src/server/route.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("monitor-routes");
const NOW = Date.UTC(2026, 0, 15, 12, 2, 0);

const config = {
  task: "binary",
  schema: { features: { age: "numeric", plan: "categorical" }, classes: ["0", "1"] },
  window: "5m",
  settings: { ingest: { retentionDays: 7 }, graceSeconds: 30 },
};

function event(i: number, extra: Record<string, unknown> = {}) {
  return {
    id: `e${i}`,
    timestamp: NOW - 1000 * i,
    version: "1",
    features: { age: 20 + i, plan: i % 2 ? "pro" : "free" },
    prediction: String(i % 2),
    scores: { "0": 0.4, "1": 0.6 },
    latency_ms: 10 + i,
    ...extra,
  };
}

for (const backend of backends) {
  describe(`models and ingest routes on ${backend.name}`, () => {
    let srv: TestServer;
    const observed: IngestObservation[] = [];
    afterAll(async () => {
      await srv?.close();
      await backend.cleanup();
    });

    it("configures a model, its versions and its reference over HTTP", async () => {
      srv = await startTestServer({ backend, now: () => NOW });
      srv.ctx.ingestObservers.push((o) => observed.push(o));
      const engineer = await srv.token("ml-engineer");
      const viewer = await srv.token("viewer");

      const created = await srv.request("PUT", "/api/v1/models/churn", {
        token: engineer,
        body: config,
      });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        name: "churn",
        task: "binary",
        configured: true,
        windowSeconds: 300,
        schema: config.schema,
        settings: config.settings,
      });
      expect(created.json.effectiveSettings.ingest.retentionDays).toBe(7);
      expect(created.json.effectiveSettings.evaluation.graceSeconds).toBe(30);
      const updated = await srv.request("PUT", "/api/v1/models/churn", {
        token: engineer,
        body: { window: "10m" },
      });
      expect(updated.status).toBe(200);
      expect(updated.json.windowSeconds).toBe(600);
      expect(updated.json.schema).toEqual(config.schema);
      const back = await srv.request("PUT", "/api/v1/models/churn", {
        token: engineer,
        body: { window: 300 },
      });
      expect(back.json.windowSeconds).toBe(300);

      const bad = await srv.request("PUT", "/api/v1/models/churn", {
        token: engineer,
        body: { schema: { features: { $x: "numeric" } } },
      });
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatchObject({
        code: "VIGIL_INVALID_MONITOR_CONFIG",
        details: [{ field: "schema.features.$x" }],
      });
      const noTask = await srv.request("PUT", "/api/v1/models/fresh", {
        token: engineer,
        body: { schema: config.schema },
      });
      expect(noTask.json.error).toMatchObject({
        code: "VIGIL_INVALID_MONITOR_CONFIG",
        details: [{ field: "task" }],
      });
      expect(
        (await srv.request("PUT", "/api/v1/models/churn", { token: viewer, body: config })).status,
      ).toBe(403);

      const list = await srv.request("GET", "/api/v1/models", { token: viewer });
      expect(list.json.models.map((m: { name: string }) => m.name)).toEqual(["churn"]);
      expect((await srv.request("GET", "/api/v1/models/churn", { token: viewer })).json.name).toBe(
        "churn",
      );
      expect(
        (await srv.request("GET", "/api/v1/models/nope", { token: viewer })).json.error.code,
      ).toBe("VIGIL_MODEL_NOT_FOUND");

      const v1 = await srv.request("POST", "/api/v1/models/churn/versions", {
        token: engineer,
        body: { version: "1", metadata: { git: "abc" } },
      });
      expect(v1.status).toBe(201);
      expect(v1.json).toMatchObject({ version: "1", metadata: { git: "abc" }, reference: null });
      const dup = await srv.request("POST", "/api/v1/models/churn/versions", {
        token: engineer,
        body: { version: "1" },
      });
      expect(dup.status).toBe(409);
      expect(dup.json.error.code).toBe("VIGIL_ALREADY_EXISTS");

      const rows = Array.from(
        { length: 200 },
        (_, i) =>
          `${20 + (i % 50)},${i % 3 ? "pro" : "free"},${i % 2},${i % 4 === 0 ? 1 - (i % 2) : i % 2}`,
      );
      const upload = await srv.request(
        "POST",
        "/api/v1/models/churn/versions/1/reference?target=y&prediction=pred",
        {
          token: engineer,
          body: `age,plan,pred,y\n${rows.join("\n")}\n`,
          headers: { "content-type": "text/csv" },
        },
      );
      expect(upload.status).toBe(201);
      expect(upload.json).toMatchObject({
        model: "churn",
        version: "1",
        createdVersion: false,
        rows: 200,
      });
      expect(upload.json.baseline.metrics.accuracy).toBeCloseTo(0.75, 12);
      const versions = await srv.request("GET", "/api/v1/models/churn/versions", { token: viewer });
      expect(versions.json.versions[0].reference).toMatchObject({ rows: 200 });
      const junk = await srv.request("POST", "/api/v1/models/churn/versions/1/reference", {
        token: engineer,
        body: Buffer.from("PAR1 not really parquet"),
        headers: { "content-type": "application/octet-stream" },
      });
      expect(junk.status).toBe(400);
      expect(junk.json.error.code).toBe("VIGIL_PARSE_ERROR");
      const missingCol = await srv.request("POST", "/api/v1/models/churn/versions/1/reference", {
        token: engineer,
        body: "age\n1\n",
        headers: { "content-type": "text/csv" },
      });
      expect(missingCol.json.error.code).toBe("VIGIL_COLUMN_NOT_FOUND");
    });

    it("ingests JSON and NDJSON, lists refused events, and answers 400 when none is stored", async () => {
      const ingest = await srv.token("ingest", ["churn"]);
      const body = [
        event(1),
        event(2, { features: { age: "NaN" } }),
        event(3),
        event(4, { version: "9" }),
      ];
      const r = await srv.request("POST", "/api/v1/models/churn/predictions", {
        token: ingest,
        body,
      });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        accepted: 2,
        duplicates: 0,
        rejected: [
          expect.objectContaining({
            index: 1,
            id: "e2",
            field: "features.age",
            code: "VIGIL_INVALID_EVENT",
          }),
          expect.objectContaining({
            index: 3,
            id: "e4",
            field: "version",
            code: "VIGIL_VERSION_NOT_FOUND",
          }),
        ],
      });
      expect(observed.at(-1)).toMatchObject({
        model: "churn",
        acceptedByVersion: { "1": 2 },
        rejected: 2,
        duplicates: 0,
        latenciesMsByVersion: { "1": [11, 13] },
      });

      const ndjson = [
        event(1),
        event(5),
        "{broken",
        event(6, { error: "timeout", prediction: null }),
      ]
        .map((e) => (typeof e === "string" ? e : JSON.stringify(e)))
        .join("\n");
      const n = await srv.request("POST", "/api/v1/models/churn/predictions", {
        token: ingest,
        body: ndjson,
        headers: { "content-type": "application/x-ndjson" },
      });
      expect(n.status).toBe(200);
      expect(n.json.accepted).toBe(2);
      expect(n.json.duplicates).toBe(1);
      expect(n.json.rejected).toEqual([expect.objectContaining({ index: 2, line: 3, field: "" })]);
      expect(observed.at(-1)?.errorsByVersion).toEqual({ "1": 1 });

      const single = await srv.request("POST", "/api/v1/models/churn/predictions", {
        token: ingest,
        body: event(7),
      });
      expect(single.json).toEqual({ accepted: 1, duplicates: 0, rejected: [] });

      const none = await srv.request("POST", "/api/v1/models/churn/predictions", {
        token: ingest,
        body: [event(8, { features: { age: "Infinity" } }), { id: "x" }],
      });
      expect(none.status).toBe(400);
      expect(none.json.error.code).toBe("VIGIL_INVALID_EVENT");
      expect(none.json.rejected.map((x: { field: string }) => x.field)).toEqual([
        "features.age",
        "version",
      ]);

      const huge = await srv.request("POST", "/api/v1/models/churn/predictions", {
        token: ingest,
        body: [event(9, { features: { plan: "x".repeat(70_000) } })],
      });
      expect(huge.status).toBe(400);
      expect(huge.json.rejected[0].reason).toMatch(/at most 65536/);

      const malformed = await srv.request("POST", "/api/v1/models/churn/predictions", {
        token: ingest,
        body: '[{"id": "a"',
        headers: { "content-type": "application/json" },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.json.error.code).toBe("VIGIL_MALFORMED_JSON");
      const notEvents = await srv.request("POST", "/api/v1/models/churn/predictions", {
        token: ingest,
        body: "42",
        headers: { "content-type": "application/json" },
      });
      expect(notEvents.json.error.code).toBe("VIGIL_INVALID_EVENT");

      const other = await srv.request("POST", "/api/v1/models/other/predictions", {
        token: ingest,
        body: [event(1)],
      });
      expect(other.status).toBe(403);
      const admin = srv.adminToken;
      const unknown = await srv.request("POST", "/api/v1/models/other/predictions", {
        token: admin,
        body: [event(1)],
      });
      expect(unknown.status).toBe(404);
      expect(unknown.json.error.code).toBe("VIGIL_MODEL_NOT_FOUND");

      // Still serving, and every acknowledged event is stored exactly once.
      const model = await srv.store.requireModel("churn");
      expect(await srv.store.countEvents(model.id)).toBe(5);
      const windows = await srv.store.listWindowProfiles(model.id);
      expect(windows.reduce((s, w) => s + w.eventCount, 0)).toBe(5);
    });

    it("stores labels and refuses bad ones", async () => {
      const ingest = await srv.token("ingest", ["churn"]);
      const r = await srv.request("POST", "/api/v1/models/churn/labels", {
        token: ingest,
        body: [{ id: "e1", label: "1" }, { id: "later", label: 0, timestamp: NOW }, { id: "e3" }],
      });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        accepted: 2,
        inserted: 2,
        updated: 0,
        duplicates: 0,
        rejected: [expect.objectContaining({ index: 2, field: "label" })],
      });
      const one = await srv.request("POST", "/api/v1/models/churn/labels", {
        token: ingest,
        body: { id: "e1", label: "0" },
      });
      expect(one.json).toMatchObject({ accepted: 1, inserted: 0, updated: 1 });
      const bad = await srv.request("POST", "/api/v1/models/churn/labels", {
        token: ingest,
        body: [{ label: 1 }],
      });
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe("VIGIL_INVALID_EVENT");
      const viewer = await srv.token("viewer");
      expect(
        (await srv.request("POST", "/api/v1/models/churn/labels", { token: viewer, body: [] }))
          .status,
      ).toBe(403);
    });
  });
}
