/**
 * `vigil trace` on every backend: a prediction stored as ingest stores it, traced back to
 * the version that served it and that version's lineage (captured from real files in a
 * real git repository), gate evidence, approvals, stage history, deployments and audit
 * entries; in JSON (checked against schemas/trace.schema.json) and text, through the
 * library, the CLI and the HTTP route.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import {
  captureLineage,
  type PredictionTrace,
  Registry,
  readGateEvidence,
  renderTraceText,
  tracePrediction,
} from "../../src/registry/index.js";
import type { Store } from "../../src/store/index.js";
import { vigil } from "../cli/capture.js";
import { errorCode } from "../helpers/error-code.js";
import { startTestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("trace");

const NOW = Date.UTC(2026, 5, 1, 12);
const MIN = 60_000;

const dir = mkdtempSync(join(tmpdir(), "vigil-trace-"));
/** Outside the git work tree, so written files do not make it dirty. */
const outDir = mkdtempSync(join(tmpdir(), "vigil-trace-out-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});
const files: Record<string, string> = {
  "model.pkl": "weights v1\n",
  "train.csv": "age,plan,churned\n31,basic,0\n45,pro,1\n22,basic,0\n60,pro,1\n28,basic,0\n",
  "requirements.txt": "scikit-learn==1.5.0\n",
  "metrics.json": '{ "auc": 0.91 }\n',
  "card.yaml": "name: churn\ndescription: Predicts churn.\nfeatures: [age, plan]\n",
  "gate.json": JSON.stringify({
    policy: "policy.yaml",
    gates: [{ name: "drift", kind: "drift", status: "PASS" }],
    summary: {},
    strict: false,
    status: "PASS",
    generatedAt: new Date(NOW - 60 * MIN).toISOString(),
  }),
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
git("init", "-q", "-b", "main");
git("add", ".");
git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "train");
const COMMIT = git("rev-parse", "HEAD");
const sha = (name: string) =>
  createHash("sha256")
    .update(readFileSync(join(dir, name)))
    .digest("hex");

const schema = JSON.parse(
  readFileSync(new URL("../../schemas/trace.schema.json", import.meta.url), "utf8"),
);
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

const POLICY = `transitions:
  staging:
    gate: { maxAgeDays: 7 }
  production:
    approvals: { count: 1, role: approver }
`;

/** Registers churn v1 with lineage, takes it to production, deploys it, stores predictions. */
async function scenario(store: Store) {
  let t = NOW;
  const reg = new Registry(store, { now: () => t });
  const lineage = await captureLineage({
    artifact: join(dir, "model.pkl"),
    data: [join(dir, "train.csv")],
    metrics: join(dir, "metrics.json"),
    card: join(dir, "card.yaml"),
    projectDir: dir,
  });
  const v1 = await reg.register({
    name: "churn",
    actor: "alice",
    lineage: lineage as never,
    tags: { team: "growth" },
  });
  await reg.register({ name: "churn", actor: "alice", lineage: lineage as never });
  await reg.setPolicy("churn", POLICY, "admin");
  t += MIN;
  await reg.promote("churn", 1, { actor: "alice", gate: readGateEvidence(join(dir, "gate.json")) });
  t += MIN;
  await reg.approve("churn", 1, { actor: "bob", role: "approver", reason: "looks good" });
  t += MIN;
  await reg.promote("churn", 1, { actor: "alice", reason: "first release" });
  t += MIN;
  await reg.deploy("churn", { environment: "production", version: 1, actor: "ops" });
  const deployedAt = t;
  t += 10 * MIN;
  await reg.deploy("churn", {
    environment: "production",
    version: 1,
    canary: 2,
    share: 10,
    actor: "ops",
  });
  const model = await store.requireModel("churn");
  const ts = deployedAt + 5 * MIN;
  const stored = await store.createVersion(model.id, { version: "shadow-7" });
  await store.insertEvents(model.id, [
    {
      id: "pred-1",
      versionId: v1.versionId,
      timestamp: ts,
      windowStart: ts - (ts % (5 * MIN)),
      payload: {
        features: { age: 31, plan: "basic" },
        prediction: "1",
        scores: { "1": 0.83 },
        latency_ms: 12.5,
      },
    },
    {
      // As ingest stores an event its payload sampling dropped: outputs only.
      id: "pred-sampled",
      versionId: v1.versionId,
      timestamp: ts,
      windowStart: ts - (ts % (5 * MIN)),
      payload: { sampledOut: true, prediction: "0", scores: { "1": 0.2 } },
    },
    {
      id: "pred-shadow",
      versionId: stored.id,
      timestamp: ts,
      windowStart: ts - (ts % (5 * MIN)),
      // A hostile feature name: terminal escapes must not reach the text output raw.
      payload: { features: { age: 50, "\u001b[2Jevil": "\u001b[31mred" }, prediction: "0" },
    },
  ]);
  await store.insertLabels(model.id, [{ id: "pred-1", label: "0", timestamp: ts + 60 * MIN }]);
  return { v1, ts, deployedAt };
}

const cliWithEnv = (argv: string[], env: Record<string, string>) => vigil(argv, { cwd: dir, env });

function checkTrace(t: PredictionTrace, ts: number, deployedAt: number): void {
  expect(validate(t), JSON.stringify(validate.errors)).toBe(true);
  expect(t.model).toBe("churn");
  expect(t.prediction).toMatchObject({
    id: "pred-1",
    timestamp: ts,
    version: "1",
    features: { age: 31, plan: "basic" },
    prediction: "1",
    scores: { "1": 0.83 },
    latencyMs: 12.5,
    error: null,
    label: { value: "0", timestamp: ts + 60 * MIN },
  });
  expect(t.version).toMatchObject({
    number: 1,
    stage: "production",
    registeredBy: "alice",
    registeredAt: NOW,
    tags: { team: "growth" },
  });
  expect(t.artifact).toEqual({
    uri: expect.stringMatching(/^file:\/\/.*model\.pkl$/),
    sha256: sha("model.pkl"),
    size: files["model.pkl"]!.length,
  });
  expect(t.data).toEqual([
    {
      uri: expect.stringMatching(/train\.csv$/),
      sha256: sha("train.csv"),
      size: files["train.csv"]!.length,
      rows: 5,
      columns: ["age", "plan", "churned"],
      profile: expect.objectContaining({
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        rows: 5,
      }),
    },
  ]);
  expect(t.git).toEqual({
    known: true,
    commit: COMMIT,
    branch: "main",
    remote: null,
    dirty: false,
  });
  // sha256sum-style lines over the lock files, by name: one lock file here.
  const lockLine = `${sha("requirements.txt")}  requirements.txt\n`;
  expect(t.environment?.lockFiles).toEqual([
    { name: "requirements.txt", kind: "pip", sha256: sha("requirements.txt") },
  ]);
  expect(t.environment?.lockHash).toBe(createHash("sha256").update(lockLine).digest("hex"));
  expect(t.gates).toEqual([
    {
      to: "staging",
      attachedBy: "alice",
      at: NOW + MIN,
      sha256: sha("gate.json"),
      status: "PASS",
      generatedAt: NOW - 60 * MIN,
      timeSource: "report",
      policy: "policy.yaml",
      gates: [{ name: "drift", status: "PASS" }],
    },
  ]);
  expect(t.approvals).toEqual([
    {
      kind: "approve",
      to: "production",
      actor: "bob",
      role: "approver",
      reason: "looks good",
      at: NOW + 2 * MIN,
    },
  ]);
  expect(t.stages.map((s) => [s.from, s.to, s.actor])).toEqual([
    ["none", "staging", "alice"],
    ["staging", "production", "alice"],
  ]);
  expect(t.deployments).toEqual([
    {
      environment: "production",
      revision: 1,
      role: "champion",
      share: 100,
      experiment: "production#1",
      actor: "ops",
      from: deployedAt,
      until: deployedAt + 10 * MIN,
      atPrediction: true,
    },
    {
      environment: "production",
      revision: 2,
      role: "champion",
      share: 90,
      experiment: "production#2",
      actor: "ops",
      from: deployedAt + 10 * MIN,
      until: null,
      atPrediction: false,
    },
  ]);
  expect(t.audit.map((e) => [e.action, e.actor])).toEqual([
    ["model.register", "alice"],
    ["model.promote", "alice"],
    ["model.approve", "bob"],
    ["model.promote", "alice"],
  ]);
  expect(t.audit.every((e) => e.subject === "model:churn/1")).toBe(true);
  expect(t.notes).toEqual([]);
}

for (const backend of backends) {
  describe(`trace on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    it("traces a prediction to its version, lineage, evidence, approvals and deployments", async () => {
      const { store, cliUrl } = await backend.open();
      try {
        const { ts, deployedAt } = await scenario(store);
        const t = await tracePrediction(store, "churn", "pred-1");
        checkTrace(t, ts, deployedAt);

        const text = renderTraceText(t);
        for (const needle of [
          "Prediction pred-1 of model churn",
          `artifact    sha256 ${sha("model.pkl")}`,
          `git         ${COMMIT} on main`,
          `lock hash ${t.environment!.lockHash}`,
          sha("train.csv"),
          "train.csv: 3 columns (2 numeric, 1 categorical; 0 with missing values), profile sha256 ",
          `for staging: PASS (sha256 ${sha("gate.json")}`,
          "approved for production by bob (approver): looks good",
          "production rev 1: champion 100%",
          "<- at prediction time",
          "model.approve by bob",
          "label       0 (at 2026-06-01T13:09:00.000Z)",
        ]) {
          expect(text).toContain(needle);
        }

        // A version that was never registered is traced as far as it goes.
        const shadow = await tracePrediction(store, "churn", "pred-shadow");
        expect(validate(shadow), JSON.stringify(validate.errors)).toBe(true);
        expect(shadow.version).toBeNull();
        expect(shadow.prediction.version).toBe("shadow-7");
        expect(shadow.notes[0]).toMatch(/not in the registry/);
        const shadowText = renderTraceText(shadow);
        expect(shadowText).toContain("Version: not in the registry");
        expect(shadowText).toContain("\\x1b[2Jevil = \\x1b[31mred");
        expect(shadowText).not.toContain("\u001b");

        const sampled = await tracePrediction(store, "churn", "pred-sampled");
        expect(sampled.prediction).toMatchObject({ features: null, prediction: "0", label: null });
        expect(sampled.version?.number).toBe(1);
        expect(sampled.notes).toEqual([expect.stringMatching(/only the event's outputs/i)]);

        expect(await errorCode(tracePrediction(store, "churn", "nope"))).toBe(
          "VIGIL_PREDICTION_NOT_FOUND",
        );
        expect(await errorCode(tracePrediction(store, "fraud", "pred-1"))).toBe(
          "VIGIL_MODEL_NOT_FOUND",
        );
        expect(await errorCode(tracePrediction(store, "churn", ""))).toBe("VIGIL_INVALID_ARGUMENT");

        // The CLI on the same database (--db), JSON and text.
        const j = await vigil([
          "trace",
          "pred-1",
          "--model",
          "churn",
          "--db",
          cliUrl,
          "--format",
          "json",
        ]);
        expect(j.code, j.stderr).toBe(0);
        expect(JSON.parse(j.stdout)).toEqual(t);
        const tx = await vigil(["trace", "pred-1", "--model", "churn", "--db", cliUrl]);
        expect(tx.stdout).toBe(renderTraceText(t));
        const out = join(outDir, `trace-${backend.name}.json`);
        expect(
          (
            await vigil([
              "trace",
              "pred-1",
              "--model",
              "churn",
              "--db",
              cliUrl,
              "--format",
              "json",
              "--out",
              out,
            ])
          ).code,
        ).toBe(0);
        expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(t);
        const bad = await vigil(["trace", "nope", "--model", "churn", "--db", cliUrl]);
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain("VIGIL_PREDICTION_NOT_FOUND");
        const noModelFlag = await vigil(["trace", "pred-1", "--db", cliUrl]);
        expect([noModelFlag.code, noModelFlag.stderr]).toEqual([
          2,
          expect.stringContaining("VIGIL_USAGE"),
        ]);
        const noDb = await vigil([
          "trace",
          "p",
          "--model",
          "churn",
          "--db",
          join(outDir, "none.db"),
        ]);
        expect([noDb.code, noDb.stderr]).toEqual([
          2,
          expect.stringContaining("VIGIL_FILE_NOT_FOUND"),
        ]);
      } finally {
        await store.close();
      }
    });

    it("answers the same through the CLI and the HTTP route, with roles enforced", async () => {
      const srv = await startTestServer({ backend, now: () => NOW });
      try {
        const { ts, deployedAt } = await scenario(srv.store);
        const direct = await tracePrediction(srv.store, "churn", "pred-1");

        const viewer = await srv.token("viewer");
        const r = await srv.request("GET", "/api/v1/models/churn/predictions/pred-1/trace", {
          token: viewer,
        });
        expect(r.status, r.text).toBe(200);
        expect(r.json).toEqual(direct);
        checkTrace(r.json, ts, deployedAt);
        const path = (m: string, id: string) => `/api/v1/models/${m}/predictions/${id}/trace`;
        expect((await srv.request("GET", path("churn", "pred-1"))).status).toBe(401);
        const scoped = await srv.token("ingest", ["fraud"]);
        const outOfScope = await srv.request("GET", path("churn", "pred-1"), { token: scoped });
        expect([outOfScope.status, outOfScope.json.error.code]).toEqual([403, "VIGIL_FORBIDDEN"]);
        const missing = await srv.request("GET", path("churn", "nope"), { token: viewer });
        expect([missing.status, missing.json.error.code]).toEqual([
          404,
          "VIGIL_PREDICTION_NOT_FOUND",
        ]);
        const noModel = await srv.request("GET", path("fraud", "x"), { token: viewer });
        expect([noModel.status, noModel.json.error.code]).toEqual([404, "VIGIL_MODEL_NOT_FOUND"]);

        // The CLI through the server (VIGIL_SERVER / --server with VIGIL_TOKEN).
        const remote = await cliWithEnv(
          ["trace", "pred-1", "--model", "churn", "--server", srv.url, "--format", "json"],
          { VIGIL_TOKEN: viewer },
        );
        expect(remote.code, remote.stderr).toBe(0);
        expect(JSON.parse(remote.stdout)).toEqual(direct);
        const remoteMissing = await cliWithEnv(["trace", "nope", "--model", "churn"], {
          VIGIL_SERVER: srv.url,
          VIGIL_TOKEN: viewer,
        });
        expect([remoteMissing.code, remoteMissing.stderr]).toEqual([
          2,
          expect.stringContaining("VIGIL_PREDICTION_NOT_FOUND"),
        ]);
      } finally {
        await srv.close();
      }
    });
  });
}
