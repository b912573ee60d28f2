/**
 * Bearer-token auth on both store backends: 401 for no, unknown, malformed and revoked
 * tokens; 403 for a role the route does not list and for a model outside the token's scope;
 * the verified-token cache (revocation through the API is immediate, through the store it
 * takes the cache time, measured on the injected clock); tokens never reach the log.
 */
import { afterAll, describe, expect, it } from "vitest";
import { defineRoutes } from "../../src/server/route.js";
import { startTestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("server-auth");

const scoped = defineRoutes([
  {
    method: "POST",
    path: "/test/models/:model/events",
    summary: "a model-scoped write",
    tag: "test",
    roles: ["ingest", "ml-engineer"],
    modelParam: "model",
    responses: { 200: { description: "ok" } },
    handler: async (input) => ({ body: { model: input.params.model, who: input.principal?.name } }),
  },
  {
    method: "GET",
    path: "/test/anyone",
    summary: "no model",
    tag: "test",
    roles: ["ingest", "viewer"],
    responses: { 200: { description: "ok" } },
    handler: async () => ({ body: { ok: true } }),
  },
]);

describe.each(backends)("auth on $name", (backend) => {
  afterAll(() => backend.cleanup());

  it("401 without a token, with a malformed, unknown or revoked one", async () => {
    const srv = await startTestServer({ backend, extraRoutes: scoped });
    try {
      const check = async (headers: Record<string, string>, message: RegExp) => {
        const r = await srv.request("GET", "/api/v1/whoami", { headers });
        expect(r.status).toBe(401);
        expect(r.json.error.code).toBe("VIGIL_UNAUTHENTICATED");
        expect(r.json.error.message).toMatch(message);
        expect(r.headers.get("www-authenticate")).toBe('Bearer realm="vigil"');
      };
      await check({}, /needs an API token/);
      await check({ authorization: "Basic dXNlcjpwYXNz" }, /needs an API token/);
      await check({ authorization: "Bearer " }, /needs an API token/);
      await check({ authorization: "Bearer not-a-token" }, /unknown, malformed or revoked/);
      const unknown = `vgl_${"A".repeat(43)}`;
      await check({ authorization: `Bearer ${unknown}` }, /unknown, malformed or revoked/);
      const tok = await srv.token("viewer");
      // the scheme is case-insensitive
      const ok = await srv.request("GET", "/api/v1/whoami", {
        headers: { authorization: `bearer ${tok}` },
      });
      expect(ok.status).toBe(200);
      const id = (await srv.store.listTokens()).find((t) => t.role === "viewer")!.id;
      await srv.store.revokeToken(id);
      await check({ authorization: `Bearer ${tok}` }, /unknown, malformed or revoked/);
      // the admin token still works
      expect(
        (await srv.request("GET", "/api/v1/whoami", { token: srv.adminToken })).json.role,
      ).toBe("admin");
    } finally {
      await srv.close();
    }
  });

  it("403 for a role the route does not list; admin is always allowed", async () => {
    const srv = await startTestServer({ backend, extraRoutes: scoped });
    try {
      const viewer = await srv.token("viewer");
      const r = await srv.request("POST", "/test/models/churn/events", { token: viewer });
      expect(r.status).toBe(403);
      expect(r.json.error.code).toBe("VIGIL_FORBIDDEN");
      expect(r.json.error.message).toContain(
        "Role viewer may not call POST /test/models/:model/events",
      );
      expect(r.json.error.message).toContain("admin, ingest, ml-engineer");
      const ds = await srv.token("data-scientist");
      expect((await srv.request("POST", "/test/models/churn/events", { token: ds })).status).toBe(
        403,
      );
      const admin = await srv.request("POST", "/test/models/churn/events", {
        token: srv.adminToken,
      });
      expect(admin.status).toBe(200);
      expect(admin.json).toEqual({ model: "churn", who: "test-admin" });
    } finally {
      await srv.close();
    }
  });

  it("a scoped token may act only on its models", async () => {
    const srv = await startTestServer({ backend, extraRoutes: scoped });
    try {
      const ingest = await srv.token("ingest", ["churn", "fraud model"]);
      expect(
        (await srv.request("POST", "/test/models/churn/events", { token: ingest })).status,
      ).toBe(200);
      // path parameters are matched after URL decoding
      const enc = await srv.request("POST", "/test/models/fraud%20model/events", { token: ingest });
      expect(enc.status).toBe(200);
      expect(enc.json.model).toBe("fraud model");
      const other = await srv.request("POST", "/test/models/pricing/events", { token: ingest });
      expect(other.status).toBe(403);
      expect(other.json.error.code).toBe("VIGIL_FORBIDDEN");
      expect(other.json.error.message).toContain('limited to the models "churn", "fraud model"');
      // the scope binds every role that has one
      const eng = await srv.token("ml-engineer", ["churn"]);
      expect(
        (await srv.request("POST", "/test/models/pricing/events", { token: eng })).status,
      ).toBe(403);
      // routes without a model parameter do not look at the scope
      expect((await srv.request("GET", "/test/anyone", { token: ingest })).status).toBe(200);
      // an unscoped ingest token may write to any model
      const all = await srv.token("ingest");
      expect(
        (await srv.request("POST", "/test/models/pricing/events", { token: all })).status,
      ).toBe(200);
    } finally {
      await srv.close();
    }
  });

  it("verified tokens are cached for tokenCacheMs; API revocation is immediate anyway", async () => {
    let now = 5_000_000;
    const srv = await startTestServer({ backend, now: () => now, tokenCacheMs: 5_000 });
    try {
      const a = await srv.token("viewer", null, "cached-a");
      const b = await srv.token("viewer", null, "cached-b");
      expect((await srv.request("GET", "/api/v1/whoami", { token: a })).status).toBe(200);
      expect((await srv.request("GET", "/api/v1/whoami", { token: b })).status).toBe(200);
      const ids = Object.fromEntries((await srv.store.listTokens()).map((t) => [t.name, t.id]));

      // Revoked behind the server's back (CLI, another instance): cached until the TTL ends.
      await srv.store.revokeToken(ids["cached-a"]!);
      expect((await srv.request("GET", "/api/v1/whoami", { token: a })).status).toBe(200);
      now += 4_999;
      expect((await srv.request("GET", "/api/v1/whoami", { token: a })).status).toBe(200);
      now += 2;
      expect((await srv.request("GET", "/api/v1/whoami", { token: a })).status).toBe(401);

      // Revoked through the API: the cache entry is dropped at once.
      const del = await srv.request("DELETE", `/api/v1/tokens/${ids["cached-b"]}`, {
        token: srv.adminToken,
      });
      expect(del.status).toBe(200);
      expect((await srv.request("GET", "/api/v1/whoami", { token: b })).status).toBe(401);
    } finally {
      await srv.close();
    }
  });

  it("never writes a token to the log, even on a 500", async () => {
    const boom = defineRoutes([
      {
        method: "GET",
        path: "/test/boom",
        summary: "boom",
        tag: "test",
        roles: ["viewer"],
        responses: { 200: { description: "never" } },
        handler: async () => {
          throw new TypeError("cannot read x of undefined");
        },
      },
    ]);
    const srv = await startTestServer({ backend, extraRoutes: boom });
    try {
      const tok = await srv.token("viewer");
      const r = await srv.request("GET", "/test/boom?x=1", { token: tok });
      expect(r.status).toBe(500);
      const log = srv.logs.join("\n");
      expect(log).toContain("cannot read x of undefined");
      expect(log).not.toContain(tok);
      expect(log).not.toContain(tok.slice(4, 20));
      expect(log).not.toContain(srv.adminToken);
      expect(log).not.toContain("x=1");
    } finally {
      await srv.close();
    }
  });
});
