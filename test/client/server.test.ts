/**
 * `mlvigil/client` against a real `vigil serve` (test/helpers/server.ts): what the client
 * counts is what the store holds, and the server's per-event and whole-request refusals
 * reach the caller with their fields and codes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient, type Rejection, type VigilClient } from "../../src/client/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let srv: TestServer;
let ingestToken: string;
const clients: VigilClient[] = [];

async function ok(method: string, path: string, body: unknown): Promise<void> {
  const r = await srv.request(method, path, { token: srv.adminToken, body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
}

beforeEach(async () => {
  srv = await startTestServer();
  await ok("PUT", "/api/v1/models/churn", {
    task: "binary",
    schema: { features: { age: "numeric", plan: "categorical" } },
  });
  await ok("POST", "/api/v1/models/churn/versions", { version: "1" });
  await ok("PUT", "/api/v1/models/other", {
    task: "binary",
    schema: { features: { age: "numeric" } },
  });
  ingestToken = await srv.token("ingest", ["churn"]);
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close(1000);
  await srv.close();
});

function client(opts: { model?: string; token?: string; onRejected?: (r: Rejection[]) => void }) {
  const c = createClient({
    url: srv.url,
    model: opts.model ?? "churn",
    token: opts.token ?? ingestToken,
    handleExit: false,
    batchSize: 40,
    backoffBaseMs: 1,
    ...(opts.onRejected ? { onRejected: opts.onRejected } : {}),
  });
  clients.push(c);
  return c;
}

function event(i: number) {
  return {
    version: "1",
    features: { age: 20 + (i % 50), plan: i % 3 ? "pro" : "free" },
    prediction: String(i % 2),
  };
}

describe("client against vigil serve", () => {
  it("stores exactly what it reports accepted; a resent id is a duplicate, not a second event", async () => {
    const c = client({});
    const ids = Array.from({ length: 250 }, (_, i) => c.log(event(i)));
    c.log({ ...event(0), id: ids[0]! });
    const s = await c.flush();
    expect(s).toMatchObject({
      logged: 251,
      sent: 251,
      accepted: 250,
      duplicates: 1,
      rejected: 0,
      dropped: 0,
    });
    const model = await srv.store.requireModel("churn");
    expect(await srv.store.countEvents(model.id)).toBe(250);
    for (const id of [ids[0]!, ids[123]!, ids[249]!]) {
      expect(await srv.store.getEvent(model.id, id)).toBeTruthy();
    }
  });

  it("surfaces the server's per-event rejections (index, field, reason, code); the rest is stored", async () => {
    const rejected: Rejection[] = [];
    const c = client({ onRejected: (r) => rejected.push(...r) });
    const good = c.log(event(1));
    const badAge = c.log({ ...event(2), features: { age: "old", plan: "pro" } });
    const badVersion = c.log({ ...event(3), version: "9" });
    const s = await c.flush();
    expect(s).toMatchObject({ accepted: 1, rejected: 2 });
    expect(rejected.map((r) => [r.id, r.index, r.status, r.code])).toEqual([
      [badAge, 1, 200, "VIGIL_INVALID_EVENT"],
      [badVersion, 2, 200, "VIGIL_VERSION_NOT_FOUND"],
    ]);
    expect(rejected[0]!.field).toBe("features.age");
    const model = await srv.store.requireModel("churn");
    expect(await srv.store.getEvent(model.id, good!)).toBeTruthy();
    expect(await srv.store.getEvent(model.id, badAge!)).toBeFalsy();
  });

  it("a batch the server refuses whole (400 with the list) keeps each event's own reason", async () => {
    const rejected: Rejection[] = [];
    const c = client({ onRejected: (r) => rejected.push(...r) });
    c.log({ ...event(1), features: { age: "x" } });
    c.log({ ...event(2), prediction: undefined });
    const s = await c.flush();
    expect(s).toMatchObject({ sent: 0, accepted: 0, rejected: 2, retries: 0 });
    expect(rejected.map((r) => [r.index, r.status, r.field])).toEqual([
      [0, 400, "features.age"],
      [1, 400, "prediction"],
    ]);
  });

  it("a token for another model: every event rejected with VIGIL_FORBIDDEN, not retried", async () => {
    const rejected: Rejection[] = [];
    const c = client({ model: "other", onRejected: (r) => rejected.push(...r) });
    c.log(event(1));
    c.log(event(2));
    const s = await c.flush();
    expect(s).toMatchObject({ rejected: 2, retries: 0, accepted: 0 });
    expect(new Set(rejected.map((r) => `${r.status} ${r.code}`))).toEqual(
      new Set(["403 VIGIL_FORBIDDEN"]),
    );
  });

  it("labels reach the store joined to their predictions", async () => {
    const c = client({});
    const ids = [0, 1, 2].map((i) => c.log(event(i))!);
    await c.flush();
    ids.forEach((id, i) => {
      c.label(id, String(i % 2));
    });
    const s = await c.flush();
    expect(s.labels).toMatchObject({ logged: 3, accepted: 3, rejected: 0 });
    const model = await srv.store.requireModel("churn");
    const joined = await srv.store.listLabeledEvents(model.id, {});
    expect(joined.filter((j) => j.label !== null).map((j) => [j.event.id, j.label!.value])).toEqual(
      ids.map((id, i) => [id, String(i % 2)]),
    );
  });
});
