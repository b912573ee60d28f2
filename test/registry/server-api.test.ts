/**
 * The registry and audit API beyond roles, against a real server on SQLite and PostgreSQL:
 * the actor and an approval's role come from the token (never from the body), separation
 * of duties across tokens, the register body's validation and normalization, gate evidence
 * hashed by the server, the policy as YAML, audit queries with paging, verification of a
 * tampered log, and model-scoped tokens.
 */
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { auditEntryToJsonl, verifyEntries } from "../../src/auditlog/index.js";
import { Registry } from "../../src/registry/index.js";
import type { AuditEntry, Store } from "../../src/store/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("registry-server-api");

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;
const SHA = "cd".repeat(32);
const LINEAGE = { artifact: { uri: "file:///m.pkl", sha256: SHA, size: 3 } };
const M = "/api/v1/registry/models";

async function auditCount(store: Store): Promise<number> {
  return (await store.auditHead()).sequence;
}

function gateText(status: string, generatedAt?: number): string {
  return JSON.stringify({
    policy: "policy.yaml",
    gates: [{ name: "drift", kind: "drift", status }],
    summary: {},
    strict: false,
    status,
    ...(generatedAt !== undefined ? { generatedAt: new Date(generatedAt).toISOString() } : {}),
  });
}

for (const backend of backends) {
  describe(`registry API on ${backend.name}`, () => {
    let srv: TestServer;
    let reg: Registry;
    const tok: Record<string, string> = {};
    afterAll(async () => {
      await srv?.close();
      await backend.cleanup();
    });

    it("starts with people as tokens", async () => {
      srv = await startTestServer({ backend, now: () => NOW });
      reg = new Registry(srv.store, { now: () => NOW });
      tok.dana = await srv.token("data-scientist", null, "dana");
      tok.erin = await srv.token("ml-engineer", null, "erin");
      tok.bob = await srv.token("approver", null, "bob");
      // The same person with a second token in another role is still the same actor.
      tok.danaApprover = await srv.token("approver", null, "dana");
      tok.viewer = await srv.token("viewer", null, "vera");
      tok.scoped = await srv.token("ml-engineer", ["churn"], "sam");
      expect(Object.keys(tok)).toHaveLength(6);
    });

    it("records the token's name as the actor and refuses one claimed in the body", async () => {
      const r = await srv.request("POST", `${M}/churn/versions`, {
        token: tok.dana,
        body: { lineage: LINEAGE, tags: { team: "growth" } },
      });
      expect(r.status, r.text).toBe(201);
      expect(r.json).toMatchObject({
        model: "churn",
        version: 1,
        stage: "none",
        registeredBy: "dana",
      });
      const before = await auditCount(srv.store);
      for (const body of [
        { lineage: LINEAGE, actor: "mallory" },
        { lineage: LINEAGE, registeredBy: "mallory" },
      ]) {
        const bad = await srv.request("POST", `${M}/churn/versions`, { token: tok.dana, body });
        expect(bad.status).toBe(400);
        expect(bad.json.error.code).toBe("VIGIL_INVALID_ARGUMENT");
      }
      const claim = await srv.request("POST", `${M}/churn/versions/1/approve`, {
        token: tok.bob,
        body: { role: "admin" },
      });
      expect(claim.status).toBe(400);
      expect(claim.json.error.details[0].field).toBe("body.role");
      expect(await auditCount(srv.store)).toBe(before);
    });

    it("counts an approval in the token's role, and keeps separation of duties across tokens", async () => {
      const policy = "transitions:\n  staging:\n    approvals: { count: 1, role: approver }\n";
      const put = await srv.request("PUT", `${M}/churn/policy`, {
        token: srv.adminToken,
        body: policy,
        headers: { "content-type": "application/yaml" },
      });
      expect(put.status, put.text).toBe(200);
      expect(put.json).toMatchObject({ revision: 1, createdBy: "test-admin" });
      expect(put.json.sha256).toBe(createHash("sha256").update(policy).digest("hex"));

      const before = await auditCount(srv.store);
      // Admin may call the route, but its approval is in role admin, not approver.
      const admin = await srv.request("POST", `${M}/churn/versions/1/approve`, {
        token: srv.adminToken,
        body: {},
      });
      expect(admin.status).toBe(409);
      expect(admin.json.error.code).toBe("VIGIL_POLICY_NOT_MET");
      expect(admin.json.error.message).toContain("not admin");
      // dana registered version 1; her approver token is still dana.
      const self = await srv.request("POST", `${M}/churn/versions/1/approve`, {
        token: tok.danaApprover,
        body: {},
      });
      expect(self.status).toBe(403);
      expect(self.json.error.code).toBe("VIGIL_SELF_APPROVAL");
      expect(await auditCount(srv.store)).toBe(before);

      const promoteEarly = await srv.request("POST", `${M}/churn/versions/1/promote`, {
        token: tok.erin,
        body: {},
      });
      expect(promoteEarly.status).toBe(409);
      expect(promoteEarly.json.error.code).toBe("VIGIL_POLICY_NOT_MET");

      const ok = await srv.request("POST", `${M}/churn/versions/1/approve`, {
        token: tok.bob,
        body: { reason: "looks fine" },
      });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json).toMatchObject({ actor: "bob", role: "approver", to: "staging" });
      const promoted = await srv.request("POST", `${M}/churn/versions/1/promote`, {
        token: tok.erin,
        body: {},
      });
      expect(promoted.status, promoted.text).toBe(200);
      expect(promoted.json.stage).toBe("staging");
      const audit = await srv.store.listAudit({ afterSequence: before });
      expect(audit.map((e) => [e.action, e.actor])).toEqual([
        ["model.approve", "bob"],
        ["model.promote", "erin"],
      ]);
      expect(audit[0]!.details).toMatchObject({ role: "approver" });
    });

    it("validates and normalizes the lineage a client sends", async () => {
      const full = {
        lineage: {
          artifact: { uri: "https://user:secret@models.example.com/m.pkl", sha256: SHA, size: 10 },
          git: {
            known: true,
            commit: "a".repeat(40),
            branch: "main",
            remote: "https://x-token:ghp_abc@github.com/acme/churn.git",
            dirty: false,
          },
          data: [
            {
              uri: "file:///data/train.csv",
              sha256: SHA,
              size: 100,
              rows: 4,
              schema: [{ name: "age", kind: "numeric", type: "BIGINT" }],
            },
          ],
          environment: {
            lockFiles: [{ name: "uv.lock", kind: "uv", sha256: SHA }],
            runtime: { node: "v20", platform: "linux", arch: "x64", python: null },
          },
          params: { depth: 4 },
          metrics: { auc: 0.9 },
          card: { name: "fraud", description: "Flags fraud." },
        },
        tags: { team: "risk" },
        task: "regression",
      };
      const r = await srv.request("POST", `${M}/fraud/versions`, { token: tok.erin, body: full });
      expect(r.status, r.text).toBe(201);
      const lineage = r.json.metadata.lineage;
      expect(lineage.artifact.uri).toBe("https://models.example.com/m.pkl");
      expect(lineage.git.remote).toBe("https://github.com/acme/churn.git");
      expect(lineage.data[0].rows).toBe(4);
      expect(lineage.params).toEqual({ depth: 4 });
      expect((await srv.store.getModel("fraud"))?.task).toBe("regression");

      const minimal = await srv.request("POST", `${M}/fraud/versions`, {
        token: tok.erin,
        body: { lineage: LINEAGE },
      });
      expect(minimal.status).toBe(201);
      expect(minimal.json.metadata.lineage).toEqual({
        artifact: LINEAGE.artifact,
        git: { known: false, commit: null, branch: null, remote: null, dirty: null },
        data: [],
        environment: null,
        params: null,
        metrics: null,
        card: null,
      });

      const before = await auditCount(srv.store);
      const cases: [unknown, string, string][] = [
        [{}, "VIGIL_INVALID_ARGUMENT", "body.lineage"],
        [
          { lineage: { artifact: { ...LINEAGE.artifact, sha256: "nothex" } } },
          "VIGIL_INVALID_ARGUMENT",
          "body.lineage.artifact.sha256",
        ],
        [
          { lineage: { artifact: { ...LINEAGE.artifact, size: -1 } } },
          "VIGIL_INVALID_ARGUMENT",
          "body.lineage.artifact.size",
        ],
        [
          { lineage: { ...LINEAGE, data: [{ uri: "x", sha256: SHA, size: 1 }] } },
          "VIGIL_INVALID_ARGUMENT",
          "body.lineage.data.0.rows",
        ],
        [{ lineage: LINEAGE, tags: { team: 7 } }, "VIGIL_INVALID_ARGUMENT", "body.tags.team"],
        [{ lineage: LINEAGE, task: "ranking" }, "VIGIL_INVALID_ARGUMENT", "body.task"],
        [
          { lineage: { ...LINEAGE, card: { name: "fraud", descripton: "typo" } } },
          "VIGIL_INVALID_MODEL_CARD",
          "",
        ],
      ];
      for (const [body, code, field] of cases) {
        const bad = await srv.request("POST", `${M}/fraud/versions`, { token: tok.erin, body });
        expect(bad.status, JSON.stringify(body)).toBe(400);
        expect(bad.json.error.code).toBe(code);
        if (field)
          expect(bad.json.error.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      expect(await auditCount(srv.store)).toBe(before);
      expect((await reg.versions("fraud")).length).toBe(2);
    });

    it("hashes the gate result it receives and judges its age by the server's clock", async () => {
      await reg.setPolicy(
        "fraud",
        "transitions:\n  staging:\n    gate: { maxAgeDays: 7 }\n",
        "admin",
      );
      const promote = (body: unknown) =>
        srv.request("POST", `${M}/fraud/versions/1/promote`, { token: tok.erin, body });
      const before = await auditCount(srv.store);
      const stale = await promote({ gate: { content: gateText("PASS", NOW - 8 * DAY) } });
      expect(stale.status).toBe(409);
      expect(stale.json.error.code).toBe("VIGIL_GATE_EVIDENCE");
      const failed = await promote({ gate: { content: gateText("FAIL", NOW - DAY) } });
      expect(failed.json.error.code).toBe("VIGIL_GATE_EVIDENCE");
      const undated = await promote({ gate: { content: gateText("PASS") } });
      expect(undated.json.error.code).toBe("VIGIL_GATE_EVIDENCE");
      expect(undated.json.error.message).toContain("generatedAt");
      const notJson = await promote({ gate: { content: "{nope" } });
      expect(notJson.json.error.code).toBe("VIGIL_GATE_EVIDENCE");
      expect(await auditCount(srv.store)).toBe(before);

      // No generatedAt: the file time the client read is the age.
      const text = gateText("PASS");
      const ok = await promote({ gate: { content: text, mtime: NOW - DAY } });
      expect(ok.status, ok.text).toBe(200);
      const [entry] = await srv.store.listAudit({ afterSequence: before });
      expect(entry!.details).toMatchObject({
        gate: {
          sha256: createHash("sha256").update(text, "utf8").digest("hex"),
          status: "PASS",
          generatedAt: NOW - DAY,
          timeSource: "file-mtime",
        },
      });
    });

    it("takes the policy as YAML and refuses anything else", async () => {
      const put = (body: string, type = "application/yaml", token = srv.adminToken) =>
        srv.request("PUT", `${M}/fraud/policy`, { token, body, headers: { "content-type": type } });
      const before = await auditCount(srv.store);
      const invalid = await put("transitions:\n  production:\n    approvals: { count: -1 }\n");
      expect(invalid.status).toBe(400);
      expect(invalid.json.error.code).toBe("VIGIL_INVALID_POLICY");
      const json = await srv.request("PUT", `${M}/fraud/policy`, {
        token: srv.adminToken,
        body: { transitions: {} },
      });
      expect(json.status).toBe(415);
      expect(json.json.error.code).toBe("VIGIL_UNSUPPORTED_MEDIA_TYPE");
      expect((await put("")).status).toBe(400);
      const huge = await put(`# ${"x".repeat(300 * 1024)}\ntransitions: {}\n`);
      expect(huge.status).toBe(413);
      expect(huge.json.error.code).toBe("VIGIL_PAYLOAD_TOO_LARGE");
      const notUtf8 = await srv.request("PUT", `${M}/fraud/policy`, {
        token: srv.adminToken,
        body: Buffer.from([0x74, 0xff, 0xfe, 0x0a]),
        headers: { "content-type": "application/yaml" },
      });
      expect(notUtf8.json.error.code).toBe("VIGIL_INVALID_POLICY");
      expect(await auditCount(srv.store)).toBe(before);

      const got = await srv.request("GET", `${M}/fraud/policy`, { token: tok.viewer });
      expect(got.json.current.revision).toBe(1);
      const none = await srv.request("GET", `${M}/churn2/policy`, { token: tok.viewer });
      expect(none.status).toBe(404);
      expect(none.json.error.code).toBe("VIGIL_MODEL_NOT_FOUND");
    });

    it("sets, reads and deletes aliases; unknown models and versions are 404", async () => {
      const set = await srv.request("PUT", `${M}/churn/aliases/champion`, {
        token: tok.erin,
        body: { version: 1 },
      });
      expect(set.status, set.text).toBe(200);
      expect(set.json).toMatchObject({ version: 1, aliases: ["champion"] });
      const shown = await srv.request("GET", `${M}/churn/versions/champion`, { token: tok.viewer });
      expect(shown.json.version).toBe(1);
      const del = await srv.request("DELETE", `${M}/churn/aliases/champion`, { token: tok.erin });
      expect(del.json).toEqual({ model: "churn", alias: "champion", version: 1 });
      const again = await srv.request("DELETE", `${M}/churn/aliases/champion`, { token: tok.erin });
      expect(again.status).toBe(404);
      expect(again.json.error.code).toBe("VIGIL_VERSION_NOT_FOUND");
      const badName = await srv.request("DELETE", `${M}/churn/aliases/7`, { token: tok.erin });
      expect(badName.json.error.code).toBe("VIGIL_INVALID_ARGUMENT");
      const unknown = await srv.request("GET", `${M}/nope/versions/1`, { token: tok.viewer });
      expect([unknown.status, unknown.json.error.code]).toEqual([404, "VIGIL_MODEL_NOT_FOUND"]);
      const noVersion = await srv.request("GET", `${M}/churn/versions/9`, { token: tok.viewer });
      expect([noVersion.status, noVersion.json.error.code]).toEqual([
        404,
        "VIGIL_VERSION_NOT_FOUND",
      ]);
    });

    it("takes any model name in the path once it is percent-encoded", async () => {
      const name = "team a/churn ü";
      const path = `${M}/${encodeURIComponent(name)}/versions`;
      const r = await srv.request("POST", path, { token: tok.erin, body: { lineage: LINEAGE } });
      expect(r.status, r.text).toBe(201);
      expect(r.json.model).toBe(name);
      const shown = await srv.request("GET", `${path}/1`, { token: tok.viewer });
      expect(shown.json).toMatchObject({ model: name, version: 1 });
    });

    it("keeps a model-scoped token to its models", async () => {
      const other = await srv.request("POST", `${M}/fraud/versions/2/archive`, {
        token: tok.scoped,
        body: {},
      });
      expect(other.status).toBe(403);
      expect(other.json.error.code).toBe("VIGIL_FORBIDDEN");
      const own = await srv.request("POST", `${M}/churn/versions/1/archive`, {
        token: tok.scoped,
        body: { reason: "superseded" },
      });
      expect(own.status, own.text).toBe(200);
      expect(own.json.stage).toBe("archived");
      const listed = await srv.request("GET", M, { token: tok.scoped });
      expect(listed.json.models.map((m: { name: string }) => m.name)).toEqual(["churn"]);
      const everyone = await srv.request("GET", M, { token: tok.viewer });
      expect(everyone.json.models.length).toBeGreaterThan(1);
      // The audit trail spans every model: a scoped token may not read it, even as a viewer.
      const scopedViewer = await srv.token("viewer", ["churn"], "sid");
      for (const path of ["/api/v1/audit", "/api/v1/audit/verify", "/api/v1/audit/anchor"]) {
        const r = await srv.request("GET", path, { token: scopedViewer });
        expect([r.status, r.json.error.code], path).toEqual([403, "VIGIL_FORBIDDEN"]);
      }
    });

    it("queries the audit log by subject, actor and time, in pages that export exactly", async () => {
      const all: AuditEntry[] = [];
      let after = 0;
      for (;;) {
        const page = await srv.request("GET", `/api/v1/audit?limit=3&after=${after}`, {
          token: tok.viewer,
        });
        expect(page.status, page.text).toBe(200);
        all.push(...page.json.entries);
        if (page.json.next === null) break;
        expect(page.json.entries).toHaveLength(3);
        after = page.json.next;
      }
      const stored = await srv.store.listAudit();
      expect(all).toEqual(JSON.parse(JSON.stringify(stored)));
      const lines = all.map((e) => auditEntryToJsonl(e)).join("\n");
      expect((await verifyEntries(JSON.parse(`[${lines.split("\n").join(",")}]`))).intact).toBe(
        true,
      );

      const bob = await srv.request("GET", "/api/v1/audit?actor=bob", { token: tok.bob });
      expect(bob.json.entries.map((e: { action: string }) => e.action)).toEqual(["model.approve"]);
      const v1 = await srv.request(
        "GET",
        `/api/v1/audit?subject=${encodeURIComponent("model:churn/1")}`,
        { token: tok.viewer },
      );
      expect(v1.json.entries.length).toBe(
        stored.filter((e) => e.subject === "model:churn/1").length,
      );
      // [from, to) splits the log at any instant: ISO 8601 on one side, epoch ms on the other.
      const mid = stored[Math.floor(stored.length / 2)]!.time;
      const later = await srv.request(
        "GET",
        `/api/v1/audit?from=${encodeURIComponent(new Date(mid).toISOString())}`,
        { token: tok.viewer },
      );
      const earlier = await srv.request("GET", `/api/v1/audit?to=${mid}`, { token: tok.viewer });
      expect(later.json.entries.length).toBe(stored.filter((e) => e.time >= mid).length);
      expect(earlier.json.entries.length).toBe(stored.filter((e) => e.time < mid).length);
      expect(later.json.entries.length + earlier.json.entries.length).toBe(stored.length);
      expect(later.json.entries.length).toBeGreaterThan(0);
      for (const q of ["from=yesterday", "limit=0", "limit=1001", "after=-1", "colour=red"]) {
        const bad = await srv.request("GET", `/api/v1/audit?${q}`, { token: tok.viewer });
        expect(bad.status, q).toBe(400);
        expect(bad.json.error.code, q).toBe("VIGIL_INVALID_ARGUMENT");
      }
    });

    it("verifies, anchors, and reports a tampered log", async () => {
      const anchor = await srv.request("GET", "/api/v1/audit/anchor", { token: tok.viewer });
      expect(anchor.status).toBe(200);
      const head = await srv.store.auditHead();
      expect(anchor.json).toMatchObject({ sequence: head.sequence, hash: head.hash });
      const ok = await srv.request(
        "GET",
        `/api/v1/audit/verify?anchor=${head.sequence}:${head.hash}`,
        { token: tok.bob },
      );
      expect(ok.json).toMatchObject({ intact: true, entries: head.sequence });
      const badAnchor = await srv.request("GET", "/api/v1/audit/verify?anchor=12:zz", {
        token: tok.bob,
      });
      expect([badAnchor.status, badAnchor.json.error.code]).toEqual([400, "VIGIL_INVALID_ANCHOR"]);

      await sql`update audit_log set actor = 'mallory' where sequence = 2`.execute(
        srv.store.kysely,
      );
      const broken = await srv.request("GET", "/api/v1/audit/verify", { token: tok.viewer });
      expect(broken.status).toBe(200);
      expect(broken.json.intact).toBe(false);
      expect(broken.json.firstBreak).toMatchObject({ sequence: 2, kind: "modified" });
      const refused = await srv.request("GET", "/api/v1/audit/anchor", { token: tok.viewer });
      expect([refused.status, refused.json.error.code]).toEqual([409, "VIGIL_AUDIT_TAMPERED"]);
    });
  });
}
