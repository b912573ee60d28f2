/**
 * The registry suite on every backend (SQLite file, PostgreSQL schema; see
 * test/helpers/store-backends.ts).
 * Every scenario ends by verifying the audit chain; every refused action is checked to
 * leave the database exactly as it was (same audit head, same registry rows).
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "../../src/auditlog/index.js";
import { type GateEvidence, Registry, readGateEvidence } from "../../src/registry/index.js";
import type { Store } from "../../src/store/index.js";
import { errorCode } from "../helpers/error-code.js";
import { storeSnapshot } from "../helpers/snapshot.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("registry");

const files = mkdtempSync(join(tmpdir(), "vigil-registry-gates-"));
afterAll(() => rmSync(files, { recursive: true, force: true }));

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;
let gateN = 0;

function gateFile(
  status: string,
  generatedAt: number | null,
  gates = [{ name: "drift", status }],
): string {
  const p = join(files, `gate${++gateN}.json`);
  const report: Record<string, unknown> = {
    policy: "policy.yaml",
    gates,
    summary: {},
    strict: false,
    status,
  };
  if (generatedAt !== null) report.generatedAt = new Date(generatedAt).toISOString();
  writeFileSync(p, JSON.stringify(report));
  return p;
}
const gate = (status: string, ageDays: number, gates?: { name: string; status: string }[]) =>
  readGateEvidence(gateFile(status, NOW - ageDays * DAY, gates));

const LINEAGE = { artifact: { uri: "file:///m.pkl", sha256: "ab".repeat(32), size: 3 } };

/** Everything a refused action must leave untouched. */
const snapshot = (store: Store) =>
  storeSnapshot(store, [
    "registry_versions",
    "registry_aliases",
    "registry_events",
    "registry_policies",
    "model_versions",
  ]);

async function refused(
  store: Store,
  action: () => Promise<unknown>,
  expected: string,
): Promise<void> {
  const before = await snapshot(store);
  expect(await errorCode(action())).toBe(expected);
  expect(await snapshot(store)).toBe(before);
}

async function chainIntact(store: Store, entries: number): Promise<void> {
  const r = await verifyAuditLog(store);
  expect(r.intact).toBe(true);
  expect(r.entries).toBe(entries);
}

for (const backend of backends) {
  describe(`registry on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    async function setup() {
      const { store } = await backend.open();
      return { store, reg: new Registry(store, { now: () => NOW }) };
    }

    it("registers numbered versions with lineage, and reports unknown models and versions", async () => {
      const { store, reg } = await setup();
      try {
        const v1 = await reg.register({ name: "churn", actor: "alice", lineage: LINEAGE });
        const v2 = await reg.register({
          name: "churn",
          actor: "bob",
          lineage: LINEAGE,
          tags: { team: "growth" },
        });
        expect([v1.version, v2.version]).toEqual([1, 2]);
        expect(v1.stage).toBe("none");
        const shown = await reg.show("churn", 2);
        expect(shown.registeredBy).toBe("bob");
        expect(shown.metadata).toEqual({ lineage: LINEAGE, tags: { team: "growth" } });
        expect(await reg.list()).toEqual([
          { name: "churn", task: "binary", versions: 2, production: null },
        ]);
        const audit = await store.listAudit();
        expect(audit.map((e) => [e.action, e.subject, e.actor])).toEqual([
          ["model.register", "model:churn/1", "alice"],
          ["model.register", "model:churn/2", "bob"],
        ]);
        await refused(store, () => reg.show("nope", 1), "VIGIL_MODEL_NOT_FOUND");
        await refused(store, () => reg.promote("nope", 1, { actor: "a" }), "VIGIL_MODEL_NOT_FOUND");
        await refused(
          store,
          () => reg.promote("churn", 9, { actor: "a" }),
          "VIGIL_VERSION_NOT_FOUND",
        );
        await refused(
          store,
          () => reg.approve("churn", "champion", { actor: "a" }),
          "VIGIL_VERSION_NOT_FOUND",
        );
        await chainIntact(store, 2);
      } finally {
        await store.close();
      }
    });

    it("walks none -> staging -> production -> archived and refuses other moves", async () => {
      const { store, reg } = await setup();
      try {
        await reg.register({ name: "m", actor: "alice", lineage: LINEAGE });
        await refused(
          store,
          () => reg.promote("m", 1, { actor: "bob", to: "production" }),
          "VIGIL_FORBIDDEN_TRANSITION",
        );
        await refused(
          store,
          () => reg.rollback("m", { actor: "bob" }),
          "VIGIL_FORBIDDEN_TRANSITION",
        );
        expect((await reg.promote("m", 1, { actor: "bob" })).stage).toBe("staging");
        expect((await reg.promote("m", 1, { actor: "bob" })).stage).toBe("production");
        // The first production version has nothing to roll back to.
        await refused(
          store,
          () => reg.rollback("m", { actor: "bob" }),
          "VIGIL_FORBIDDEN_TRANSITION",
        );
        await refused(
          store,
          () => reg.promote("m", 1, { actor: "bob" }),
          "VIGIL_FORBIDDEN_TRANSITION",
        );
        expect((await reg.archive("m", 1, { actor: "bob" })).stage).toBe("archived");
        await refused(
          store,
          () => reg.promote("m", 1, { actor: "bob", to: "staging" }),
          "VIGIL_FORBIDDEN_TRANSITION",
        );
        const events = (await reg.show("m", 1)).events.map((e) => `${e.from}->${e.to}`);
        expect(events).toEqual(["none->staging", "staging->production", "production->archived"]);
        await chainIntact(store, 4);
      } finally {
        await store.close();
      }
    });

    it("keeps one production version, rolls back in one step, and never restores a rolled-back version", async () => {
      const { store, reg } = await setup();
      try {
        for (let i = 0; i < 3; i++) {
          await reg.register({ name: "m", actor: "alice", lineage: LINEAGE });
          await reg.promote("m", i + 1, { actor: "bob" });
          await reg.promote("m", i + 1, { actor: "bob" });
        }
        const stages = async () => (await reg.versions("m")).map((v) => v.stage);
        expect(await stages()).toEqual(["archived", "archived", "production"]);
        // The partial unique index holds even against a direct write.
        await expect(
          store.transaction((tx) =>
            sql`update registry_versions set stage = 'production' where number = 1`.execute(
              tx.kysely,
            ),
          ),
        ).rejects.toThrow(/unique|duplicate/i);
        const t0 = performance.now();
        const r = await reg.rollback("m", { actor: "carol", reason: "latency regression" });
        const ms = performance.now() - t0;
        console.info(`[registry] ${backend.name} rollback took ${ms.toFixed(1)} ms`);
        expect(ms).toBeLessThan(5 * 60_000);
        expect(r.restored.version).toBe(2);
        expect(r.archived).toBe(3);
        expect(await stages()).toEqual(["archived", "production", "archived"]);
        const r2 = await reg.rollback("m", { actor: "carol", reason: "again" });
        expect(r2.restored.version).toBe(1);
        expect(await stages()).toEqual(["production", "archived", "archived"]);
        // 3 and 2 were rolled back; 1 has no earlier production version left.
        await refused(
          store,
          () => reg.rollback("m", { actor: "carol" }),
          "VIGIL_FORBIDDEN_TRANSITION",
        );
        const last = (await store.listAudit()).at(-1);
        expect(last?.action).toBe("model.rollback");
        expect(last?.details).toEqual({ restored: 1, archived: 2, reason: "again" });
        await chainIntact(store, 3 * 3 + 2);
      } finally {
        await store.close();
      }
    });

    it("enforces gate evidence: missing, failed, stale, missing named gate; then records its hash", async () => {
      const { store, reg } = await setup();
      try {
        await reg.register({ name: "m", actor: "alice", lineage: LINEAGE });
        await reg.setPolicy(
          "m",
          "transitions:\n  staging:\n    gate: { maxAgeDays: 7, require: [drift] }\n",
          "admin",
        );
        const promote = (g?: GateEvidence) =>
          reg.promote("m", 1, { actor: "bob", ...(g ? { gate: g } : {}) });
        await refused(store, () => promote(), "VIGIL_GATE_EVIDENCE");
        await refused(store, () => promote(gate("FAIL", 1)), "VIGIL_GATE_EVIDENCE");
        await refused(store, () => promote(gate("WARN", 1)), "VIGIL_GATE_EVIDENCE");
        await refused(store, () => promote(gate("PASS", 7.5)), "VIGIL_GATE_EVIDENCE");
        await refused(
          store,
          () => promote(gate("PASS", 1, [{ name: "quality", status: "PASS" }])),
          "VIGIL_GATE_EVIDENCE",
        );
        // No generatedAt in the report: the file's modification time decides.
        const old = gateFile("PASS", null);
        utimesSync(old, new Date(NOW - 30 * DAY), new Date(NOW - 30 * DAY));
        const stale = readGateEvidence(old);
        expect(stale.timeSource).toBe("file-mtime");
        await refused(store, () => promote(stale), "VIGIL_GATE_EVIDENCE");
        const good = gate("PASS", 6.9);
        expect((await promote(good)).stage).toBe("staging");
        const last = (await store.listAudit()).at(-1);
        expect(last?.action).toBe("model.promote");
        expect(last?.details).toMatchObject({ gate: { sha256: good.sha256, status: "PASS" } });
        const evidence = (await reg.show("m", 1)).events.find((e) => e.kind === "evidence");
        expect(evidence?.details).toMatchObject({ sha256: good.sha256 });
        await chainIntact(store, 3);
      } finally {
        await store.close();
      }
    });

    it("enforces approvals: self-approval, role, count, duplicates, rejection and reasons", async () => {
      const { store, reg } = await setup();
      try {
        await reg.register({ name: "m", actor: "alice", lineage: LINEAGE });
        await reg.promote("m", 1, { actor: "alice" });
        const p = await reg.setPolicy(
          "m",
          "transitions:\n  production:\n    approvals: { count: 2, role: approver }\n    reasonRequired: true\n",
          "admin",
        );
        expect(p.revision).toBe(1);
        await refused(
          store,
          () => reg.approve("m", 1, { actor: "alice", role: "approver" }),
          "VIGIL_SELF_APPROVAL",
        );
        await refused(
          store,
          () => reg.approve("m", 1, { actor: "bob", role: "viewer" }),
          "VIGIL_POLICY_NOT_MET",
        );
        await reg.approve("m", 1, { actor: "bob", role: "approver" });
        await refused(
          store,
          () => reg.approve("m", 1, { actor: "bob", role: "approver" }),
          "VIGIL_ALREADY_EXISTS",
        );
        await refused(
          store,
          () => reg.promote("m", 1, { actor: "alice", reason: "ok" }),
          "VIGIL_POLICY_NOT_MET",
        );
        await reg.approve("m", 1, { actor: "carol", role: "approver" });
        await refused(store, () => reg.promote("m", 1, { actor: "alice" }), "VIGIL_POLICY_NOT_MET");
        const prod = await reg.promote("m", 1, { actor: "alice", reason: "Q3 release" });
        expect(prod.stage).toBe("production");
        const promoted = (await store.listAudit()).at(-1);
        expect(promoted?.details).toMatchObject({ approvers: ["bob", "carol"] });

        // A rejection blocks the move even with enough approvals; it needs a reason.
        await reg.register({ name: "m", actor: "alice", lineage: LINEAGE });
        await reg.promote("m", 2, { actor: "alice" });
        await reg.approve("m", 2, { actor: "bob", role: "approver" });
        await reg.approve("m", 2, { actor: "carol", role: "approver" });
        await refused(store, () => reg.reject("m", 2, { actor: "dave" }), "VIGIL_POLICY_NOT_MET");
        await reg.reject("m", 2, { actor: "dave", reason: "bias on segment B" });
        await refused(
          store,
          () => reg.promote("m", 2, { actor: "alice", reason: "x" }),
          "VIGIL_POLICY_NOT_MET",
        );

        // A new policy revision allowing self-approval with one approval.
        const p2 = await reg.setPolicy(
          "m",
          "transitions:\n  production:\n    approvals: { count: 1 }\n    allowSelfApproval: true\n",
          "admin",
        );
        expect(p2.revision).toBe(2);
        expect((await reg.getPolicy("m"))?.policy.transitions.production?.allowSelfApproval).toBe(
          true,
        );
        await reg.register({ name: "m", actor: "alice", lineage: LINEAGE });
        await reg.promote("m", 3, { actor: "alice" });
        await reg.approve("m", 3, { actor: "alice" });
        expect((await reg.promote("m", 3, { actor: "alice" })).stage).toBe("production");
        expect((await reg.show("m", 1)).stage).toBe("archived");
        await refused(
          store,
          () => reg.setPolicy("m", "transitions:\n  live: {}\n", "admin"),
          "VIGIL_INVALID_POLICY",
        );
        // 3 register + 5 promote + 2 policy + 5 approve + 1 reject
        await chainIntact(store, 16);
      } finally {
        await store.close();
      }
    });

    it("rolls back every write when the audit append fails after the stage changes", async () => {
      const { store, reg } = await setup();
      try {
        for (const v of [1, 2]) {
          await reg.register({ name: "m", actor: "alice", lineage: LINEAGE });
          await reg.promote("m", v, { actor: "bob" });
        }
        await reg.promote("m", 1, { actor: "bob" });
        // appendAudit refuses actors over 200 characters: by then promote has already
        // archived version 1 and moved version 2 within the transaction.
        await refused(
          store,
          () => reg.promote("m", 2, { actor: "x".repeat(201) }),
          "VIGIL_INVALID_ARGUMENT",
        );
        expect((await reg.versions("m")).map((v) => v.stage)).toEqual(["production", "staging"]);
        await chainIntact(store, 5);
      } finally {
        await store.close();
      }
    });

    it("points aliases at versions and resolves them", async () => {
      const { store, reg } = await setup();
      try {
        await reg.register({ name: "m", actor: "alice", lineage: LINEAGE });
        await reg.register({ name: "m", actor: "alice", lineage: LINEAGE });
        await reg.setAlias("m", "champion", 1, "bob");
        await reg.setAlias("m", "challenger", 2, "bob");
        expect((await reg.show("m", "champion")).version).toBe(1);
        await reg.setAlias("m", "champion", 2, "bob");
        expect((await reg.show("m", "champion")).version).toBe(2);
        expect((await reg.versions("m")).map((v) => v.aliases)).toEqual([
          [],
          ["challenger", "champion"],
        ]);
        await refused(store, () => reg.setAlias("m", "7up", 1, "bob"), "VIGIL_INVALID_ARGUMENT");
        await refused(store, () => reg.setAlias("m", "x", 5, "bob"), "VIGIL_VERSION_NOT_FOUND");
        await chainIntact(store, 5);
      } finally {
        await store.close();
      }
    });
  });
}
