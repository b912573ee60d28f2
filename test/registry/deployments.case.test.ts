/**
 * Deployment records on every backend: which version serves which environment with what
 * traffic share, changed only through the Registry and audited in the same transaction.
 * Every refused deployment is checked to leave the database exactly as it was.
 */
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "../../src/auditlog/index.js";
import { assign, Registry } from "../../src/registry/index.js";
import type { Store } from "../../src/store/index.js";
import { errorCode } from "../helpers/error-code.js";
import { storeSnapshot } from "../helpers/snapshot.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("deployments");

const NOW = Date.UTC(2026, 5, 1);
const LINEAGE = { artifact: { uri: "file:///m.pkl", sha256: "ab".repeat(32), size: 3 } };

const snapshot = (store: Store) =>
  storeSnapshot(store, [
    "deployments",
    "deployment_history",
    "registry_versions",
    "registry_events",
  ]);

async function refused(store: Store, action: () => Promise<unknown>, expected: string) {
  const before = await snapshot(store);
  expect(await errorCode(action())).toBe(expected);
  expect(await snapshot(store)).toBe(before);
}

for (const backend of backends) {
  describe(`deployments on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    /** churn v1 production, v2 staging, v3 none, v4 archived. */
    async function setup() {
      const { store } = await backend.open();
      let t = NOW;
      const reg = new Registry(store, { now: () => t });
      for (let i = 0; i < 4; i++)
        await reg.register({ name: "churn", actor: "alice", lineage: LINEAGE });
      await reg.promote("churn", 1, { actor: "ops" });
      await reg.promote("churn", 1, { actor: "ops" });
      await reg.promote("churn", 2, { actor: "ops" });
      await reg.archive("churn", 4, { actor: "ops" });
      await reg.setAlias("churn", "challenger", 2, "ops");
      const tick = () => {
        t += 60_000;
        return t;
      };
      return { store, reg, tick };
    }

    it("deploys a champion and a canary, keeps history and audits each change", async () => {
      const { store, reg, tick } = await setup();
      try {
        const auditBefore = (await store.auditHead()).sequence;
        const first = await reg.deploy("churn", {
          environment: "production",
          version: 1,
          actor: "ops",
          reason: "initial",
        });
        expect(first).toMatchObject({
          model: "churn",
          environment: "production",
          revision: 1,
          champion: { version: 1, stage: "production", share: 100 },
          canary: null,
          experiment: "production#1",
          actor: "ops",
          reason: "initial",
          at: NOW,
          warnings: [],
        });
        tick();
        const canary = await reg.deploy("churn", {
          environment: "production",
          version: 1,
          canary: "challenger",
          share: 10,
          actor: "ops",
        });
        expect(canary.revision).toBe(2);
        expect(canary.champion).toMatchObject({ version: 1, share: 90 });
        expect(canary.canary).toMatchObject({ version: 2, stage: "staging", share: 10 });
        expect(canary.experiment).toBe("production#2");
        tick();
        // A ramp keeps the experiment, so nobody already on the canary leaves it.
        const ramp = await reg.deploy("churn", {
          environment: "production",
          version: 1,
          canary: 2,
          share: 25.5,
          actor: "ops",
        });
        expect(ramp.revision).toBe(3);
        expect(ramp.experiment).toBe("production#2");
        expect([ramp.champion.share, ramp.canary?.share]).toEqual([74.5, 25.5]);
        // Any other environment name; the staging environment may run a staging version.
        tick();
        await reg.deploy("churn", { environment: "staging", version: 3, actor: "ci" });

        expect((await reg.deployments("churn")).map((d) => [d.environment, d.revision])).toEqual([
          ["production", 3],
          ["staging", 1],
        ]);
        expect((await reg.deployment("churn", "production")).canary?.share).toBe(25.5);
        const history = await reg.deploymentHistory("churn", { environment: "production" });
        expect(
          history.map((d) => [d.revision, d.champion.share, d.canary?.version ?? null]),
        ).toEqual([
          [1, 100, null],
          [2, 90, 2],
          [3, 74.5, 2],
        ]);
        expect((await reg.deploymentHistory("churn")).length).toBe(4);
        const v2 = await reg.deploymentHistory("churn", { versionId: canary.canary!.versionId });
        expect(v2.map((d) => d.revision)).toEqual([2, 3]);

        const audit = (await store.listAudit({ afterSequence: auditBefore })).map((e) => [
          e.action,
          e.subject,
          e.actor,
        ]);
        expect(audit).toEqual([
          ["model.deploy", "deployment:churn/production", "ops"],
          ["model.deploy", "deployment:churn/production", "ops"],
          ["model.deploy", "deployment:churn/production", "ops"],
          ["model.deploy", "deployment:churn/staging", "ci"],
        ]);
        const last = (await store.listAudit({ subject: "deployment:churn/production" }))[2]!;
        expect(last.details).toEqual({
          environment: "production",
          revision: 3,
          champion: { version: 1, share: 74.5 },
          canary: { version: 2, share: 25.5 },
          experiment: "production#2",
          reason: null,
          previous: {
            revision: 2,
            champion: { version: 1, share: 90 },
            canary: { version: 2, share: 10 },
            experiment: "production#2",
          },
        });
        const verified = await verifyAuditLog(store);
        expect(verified.intact).toBe(true);
      } finally {
        await store.close();
      }
    });

    it("refuses bad deployments with their code and writes nothing", async () => {
      const { store, reg } = await setup();
      try {
        await reg.deploy("churn", { environment: "production", version: 1, actor: "ops" });
        const base = { environment: "production", version: 1, actor: "ops" };
        await refused(store, () => reg.deploy("nope", base), "VIGIL_MODEL_NOT_FOUND");
        await refused(
          store,
          () => reg.deploy("churn", { ...base, version: 9 }),
          "VIGIL_VERSION_NOT_FOUND",
        );
        await refused(
          store,
          () => reg.deploy("churn", { ...base, canary: "ghost", share: 5 }),
          "VIGIL_VERSION_NOT_FOUND",
        );
        // Archived versions serve no traffic, as champion or canary.
        await refused(
          store,
          () => reg.deploy("churn", { ...base, environment: "staging", version: 4 }),
          "VIGIL_FORBIDDEN_DEPLOYMENT",
        );
        await refused(
          store,
          () => reg.deploy("churn", { ...base, canary: 4, share: 5 }),
          "VIGIL_FORBIDDEN_DEPLOYMENT",
        );
        // Production's champion must be the production version (no bypassing promotion).
        await refused(
          store,
          () => reg.deploy("churn", { ...base, version: 2 }),
          "VIGIL_FORBIDDEN_DEPLOYMENT",
        );
        for (const share of [-1, 100.5, Number.NaN, Number.POSITIVE_INFINITY, 10.001]) {
          await refused(
            store,
            () => reg.deploy("churn", { ...base, canary: 2, share }),
            "VIGIL_INVALID_ARGUMENT",
          );
        }
        await refused(
          store,
          () => reg.deploy("churn", { ...base, canary: 2 }),
          "VIGIL_INVALID_ARGUMENT",
        );
        await refused(
          store,
          () => reg.deploy("churn", { ...base, share: 10 }),
          "VIGIL_INVALID_ARGUMENT",
        );
        await refused(
          store,
          () => reg.deploy("churn", { ...base, canary: 1, share: 10 }),
          "VIGIL_INVALID_ARGUMENT",
        );
        for (const environment of ["", "prod env", "1prod", "x".repeat(65), "../etc"]) {
          await refused(
            store,
            () => reg.deploy("churn", { ...base, environment }),
            "VIGIL_INVALID_ARGUMENT",
          );
        }
        await refused(
          store,
          () => reg.deploy("churn", { ...base, actor: " " }),
          "VIGIL_INVALID_ARGUMENT",
        );
        await refused(
          store,
          () => reg.deploy("churn", { ...base, canary: 2, share: 5, experiment: "" }),
          "VIGIL_INVALID_ARGUMENT",
        );
        expect(await errorCode(reg.deployment("churn", "qa"))).toBe("VIGIL_DEPLOYMENT_NOT_FOUND");
        // Shares at the ends of the range are fine.
        expect((await reg.deploy("churn", { ...base, canary: 2, share: 0 })).canary?.share).toBe(0);
        expect((await reg.deploy("churn", { ...base, canary: 2, share: 100 })).champion.share).toBe(
          0,
        );
      } finally {
        await store.close();
      }
    });

    it("enforces the share rules in the database too", async () => {
      const { store, reg } = await setup();
      try {
        await reg.deploy("churn", { environment: "production", version: 1, actor: "ops" });
        for (const set of [
          sql`update deployments set canary_share = 150`,
          sql`update deployments set canary_share = 10`,
          sql`update deployments set canary_version_id = champion_version_id`,
        ]) {
          await expect(store.transaction((tx) => set.execute(tx.kysely))).rejects.toThrow();
        }
        expect((await reg.deployment("churn", "production")).canary).toBeNull();
      } finally {
        await store.close();
      }
    });

    it("moves traffic off a rolled-back version in the rollback's transaction", async () => {
      const { store, reg, tick } = await setup();
      try {
        await reg.deploy("churn", {
          environment: "production",
          version: 1,
          canary: 2,
          share: 20,
          actor: "ops",
        });
        tick();
        await reg.promote("churn", 2, { actor: "ops" }); // v2 production, v1 archived
        const stale = await reg.deployment("churn", "production");
        expect(stale.warnings).toEqual(["the champion v1 is archived"]);
        tick();
        await reg.deploy("churn", { environment: "production", version: 2, actor: "ops" });
        await reg.deploy("churn", {
          environment: "shadow",
          version: 3,
          canary: 2,
          share: 50,
          actor: "ops",
        });
        tick();
        const r = await reg.rollback("churn", { actor: "carol", reason: "latency" });
        expect(r).toMatchObject({ restored: { version: 1 }, archived: 2 });
        const prod = await reg.deployment("churn", "production");
        expect(prod).toMatchObject({
          revision: 3,
          champion: { version: 1, stage: "production", share: 100 },
          canary: null,
          actor: "carol",
          reason: "latency",
          warnings: [],
        });
        expect(prod.experiment).toBe("production#3");
        const shadow = await reg.deployment("churn", "shadow");
        expect(shadow).toMatchObject({ revision: 2, champion: { version: 3 }, canary: null });
        const entries = await store.listAudit({ action: "model.deploy", actor: "carol" });
        expect(entries.map((e) => [e.subject, (e.details as { cause?: string }).cause])).toEqual([
          ["deployment:churn/production", "rollback"],
          ["deployment:churn/shadow", "rollback"],
        ]);
        expect((await verifyAuditLog(store)).intact).toBe(true);
      } finally {
        await store.close();
      }
    });

    it("serializes concurrent deploys of one environment into distinct revisions", async () => {
      const { store, reg } = await setup();
      try {
        const results = await Promise.all(
          [10, 20, 30, 40].map((share) =>
            reg.deploy("churn", {
              environment: "production",
              version: 1,
              canary: 2,
              share,
              actor: `ops${share}`,
            }),
          ),
        );
        expect(results.map((d) => d.revision).sort()).toEqual([1, 2, 3, 4]);
        const history = await reg.deploymentHistory("churn", { environment: "production" });
        expect(history.map((d) => d.revision)).toEqual([1, 2, 3, 4]);
        const current = await reg.deployment("churn", "production");
        expect(current.canary?.share).toBe(history[3]!.canary?.share);
        expect((await verifyAuditLog(store)).intact).toBe(true);
      } finally {
        await store.close();
      }
    });

    it("assigns subjects to the stored record's versions, stable while it is unchanged", async () => {
      const { store, reg } = await setup();
      try {
        await reg.deploy("churn", {
          environment: "production",
          version: 1,
          canary: 2,
          share: 30,
          actor: "ops",
        });
        const d = await reg.deployment("churn", "production");
        const again = await reg.deployment("churn", "production");
        const subjects = Array.from({ length: 2000 }, (_, i) => `customer-${i}`);
        const first = subjects.map((s) => assign(s, d));
        expect(subjects.map((s) => assign(s, again).version)).toEqual(first.map((a) => a.version));
        expect(new Set(first.map((a) => a.version))).toEqual(new Set([1, 2]));
        const canary = first.filter((a) => a.role === "canary").length;
        // Binomial(2000, 0.3): mean 600, sd 20.5; 5 sd either side.
        expect(Math.abs(canary - 600)).toBeLessThan(103);
      } finally {
        await store.close();
      }
    });
  });
}
