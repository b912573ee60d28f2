/**
 * Tokens through the API and through `vigil token`, on both backends: the secret appears
 * once, listings never show it, the store keeps only its hash, create and revoke are in the
 * audit log (and roll back with it), and a token made by the CLI works against the server.
 */
import { afterAll, describe, expect, it } from "vitest";
import { hashToken } from "../../src/store/index.js";
import { vigil } from "../cli/capture.js";
import { startTestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("server-tokens");

describe.each(backends)("tokens on $name", (backend) => {
  afterAll(() => backend.cleanup());

  it("API: create shows the secret once, list never, revoke ends it; all audited", async () => {
    const srv = await startTestServer({ backend });
    try {
      const admin = srv.adminToken;
      const c = await srv.request("POST", "/api/v1/tokens", {
        token: admin,
        body: { name: "ci", role: "ingest", models: ["fraud", "churn"] },
      });
      expect(c.status).toBe(201);
      const secret: string = c.json.token;
      expect(secret).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
      expect(c.json.record).toMatchObject({
        name: "ci",
        role: "ingest",
        models: ["churn", "fraud"],
        revokedAt: null,
        hashPrefix: hashToken(secret).slice(0, 12),
      });
      const id: number = c.json.record.id;

      const who = await srv.request("GET", "/api/v1/whoami", { token: secret });
      expect(who.json).toEqual({
        tokenId: id,
        name: "ci",
        role: "ingest",
        models: ["churn", "fraud"],
      });

      const list = await srv.request("GET", "/api/v1/tokens", { token: admin });
      expect(list.status).toBe(200);
      expect(list.json.tokens.map((t: { name: string }) => t.name)).toEqual(["test-admin", "ci"]);
      expect(list.text).not.toContain(secret);
      expect(list.text).not.toContain(hashToken(secret));

      // The raw secret is nowhere in the database.
      const rows = await srv.store.kysely.selectFrom("api_tokens").selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(secret);
      expect(rows.find((r) => r.id === id)?.token_hash).toBe(hashToken(secret));

      const del = await srv.request("DELETE", `/api/v1/tokens/${id}`, { token: admin });
      expect(del.status).toBe(200);
      expect(del.json.revoked).toBe(true);
      expect(typeof del.json.record.revokedAt).toBe("number");
      expect((await srv.request("GET", "/api/v1/whoami", { token: secret })).status).toBe(401);
      const again = await srv.request("DELETE", `/api/v1/tokens/${id}`, { token: admin });
      expect(again.json.revoked).toBe(false);
      const missing = await srv.request("DELETE", "/api/v1/tokens/999999", { token: admin });
      expect(missing.status).toBe(404);
      expect(missing.json.error.code).toBe("VIGIL_TOKEN_NOT_FOUND");
      const bad = await srv.request("DELETE", "/api/v1/tokens/abc", { token: admin });
      expect(bad.status).toBe(400);
      expect(bad.json.error.details[0].field).toBe("params.id");

      const audit = await srv.store.listAudit({ subject: `token:${id}` });
      expect(audit.map((e) => [e.action, e.actor])).toEqual([
        ["token.create", "test-admin"],
        ["token.revoke", "test-admin"],
      ]);
      expect(audit[0]!.details).toMatchObject({
        name: "ci",
        role: "ingest",
        modelScope: ["churn", "fraud"],
      });
      expect(JSON.stringify(audit)).not.toContain(secret);
    } finally {
      await srv.close();
    }
  });

  it("API: bad input is a field error; a failed audit append rolls the token back", async () => {
    const srv = await startTestServer({ backend });
    try {
      const bad = await srv.request("POST", "/api/v1/tokens", {
        token: srv.adminToken,
        body: { name: "x", role: "root" },
      });
      expect(bad.status).toBe(400);
      expect(bad.json.error.details[0].field).toBe("body.role");
      const before = (await srv.store.listTokens()).length;
      // An actor the audit log refuses (empty) makes the append fail inside the transaction.
      const { createTokenAudited } = await import("../../src/server/tokens.js");
      await expect(
        createTokenAudited(srv.store, { name: "t", role: "viewer" }, ""),
      ).rejects.toThrow();
      expect((await srv.store.listTokens()).length).toBe(before);
    } finally {
      await srv.close();
    }
  });

  it("CLI: create prints the token once, list hides it, revoke ends it", async () => {
    const { cliUrl } = backend.fresh();
    const db = ["--db", cliUrl, "--actor", "alice"];
    const created = await vigil([
      "token",
      "create",
      "ci-ingest",
      "--role",
      "ingest",
      "--models",
      "churn,fraud",
      ...db,
    ]);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain(
      'created token 1 "ci-ingest" (role ingest, models churn,fraud)',
    );

    const list = await vigil(["token", "list", ...db]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+ROLE\s+MODELS/);
    expect(list.stdout).toContain("ci-ingest");
    expect(list.stdout).toContain("churn,fraud");
    expect(list.stdout).not.toContain(secret);
    const json = await vigil(["token", "list", "--format", "json", ...db]);
    expect(JSON.parse(json.stdout).tokens[0]).toMatchObject({
      id: 1,
      role: "ingest",
      revokedAt: null,
    });
    expect(json.stdout).not.toContain(secret);

    const revoked = await vigil(["token", "revoke", "1", ...db]);
    expect(revoked).toMatchObject({ code: 0, stdout: 'revoked token 1 "ci-ingest"\n' });
    const twice = await vigil(["token", "revoke", "1", ...db]);
    expect(twice.stdout).toContain("was already revoked");
    const missing = await vigil(["token", "revoke", "42", ...db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("VIGIL_TOKEN_NOT_FOUND");

    const badRole = await vigil(["token", "create", "x", "--role", "root", ...db]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("VIGIL_USAGE");
    const badId = await vigil(["token", "revoke", "one", ...db]);
    expect(badId.code).toBe(2);

    const { openStore } = await import("../../src/store/index.js");
    const store = await openStore(cliUrl);
    try {
      const audit = await store.listAudit({ subject: "token:1" });
      expect(audit.map((e) => [e.action, e.actor])).toEqual([
        ["token.create", "alice"],
        ["token.revoke", "alice"],
      ]);
    } finally {
      await store.close();
    }
  });
});

it("CLI: list/revoke on a missing SQLite file is an error, not a new database", async () => {
  for (const sub of [["list"], ["revoke", "1"]]) {
    const r = await vigil(["token", ...sub, "--db", "/nonexistent/dir/vigil.db"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("VIGIL_FILE_NOT_FOUND");
  }
});
