/**
 * `importFromMlflow` against a local server replaying recorded MLflow 2.x answers
 * (test/mlflow/server.ts), on SQLite and PostgreSQL (test/helpers/store-backends.ts): the
 * requests made (pagination with next_page_token), the registry state (stages, aliases,
 * lineage, MLflow ids), idempotency, updates after MLflow changed, the audit entries, and
 * that every MLflow failure leaves the database exactly as it was.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { verifyAuditLog } from "../../src/auditlog/index.js";
import { VigilError } from "../../src/errors.js";
import { importFromMlflow, type MlflowImportReport } from "../../src/mlflow/index.js";
import { Registry } from "../../src/registry/index.js";
import type { JsonValue, Store } from "../../src/store/index.js";
import { storeSnapshot } from "../helpers/snapshot.js";
import { storeBackends } from "../helpers/store-backends.js";
import {
  BASE,
  CHANGED,
  deadUrl,
  type Exchanges,
  type FakeMlflow,
  requestKey,
  startFakeMlflow,
} from "./server.js";

const { backends } = await storeBackends("mlflow");

const T2 = "eyJvZmZzZXQiOiAyfQ==";
const T4 = "eyJvZmZzZXQiOiA0fQ==";
const RUN = {
  churn1: "5b9c1f0e2a7d4e3c9f1a6b8d0c2e4f61",
  churn2: "8e2d4a6c1b3f4d5e9a7c0b2d4f6e8a13",
  churn3: "c3a5e7f9b1d24c6e8a0b2c4d6e8f0a25",
  churn4: "1f3e5d7c9b0a4e2d6c8b0a1f3e5d7c97",
  churn6: "7c9e1a3b5d7f4a9c1e3b5d7f9a1c3e52",
  fraud1: "9a1b2c3d4e5f40718293a4b5c6d7e8f9",
  fraud2: "0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5e",
  pricing1: "6e4c2a0f8d6b4c2a0e8f6d4b2a0c8e61",
  ranker1: "0d2f4b6a8c0e4d2f6b8a0c2e4f6a8b73",
};
const A = "/api/2.0/mlflow";
const search = (token?: string) =>
  `GET ${A}/registered-models/search?max_results=2${token ? `&page_token=${token}` : ""}`;
const get = (name: string) => `GET ${A}/registered-models/get?name=${name}`;
const versions = (name: string, token?: string) =>
  `GET ${A}/model-versions/search?filter=name='${name}'&max_results=2${token ? `&page_token=${token}` : ""}`;
const run = (id: string) => `GET ${A}/runs/get?run_id=${id}`;

/** Every request of a full import of the base state, in order. */
const FULL_IMPORT = [
  search(),
  search(T2),
  search(T4),
  get("churn"),
  get("forecast"),
  get("fraud"),
  get("pricing"),
  get("ranker"),
  versions("churn"),
  versions("churn", T2),
  versions("churn", T4),
  run(RUN.churn1),
  run(RUN.churn2),
  run(RUN.churn3),
  run(RUN.churn4),
  versions("forecast"),
  versions("fraud"),
  versions("fraud", T2),
  run(RUN.fraud1),
  run(RUN.fraud2),
  versions("pricing"),
  run(RUN.pricing1),
  versions("ranker"),
  run(RUN.ranker1),
];

const NOW = Date.UTC(2026, 5, 1);
const clock = () => NOW;

let fake: FakeMlflow | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function serve(exchanges: Exchanges, options = {}): Promise<FakeMlflow> {
  fake = await startFakeMlflow(exchanges, options);
  return fake;
}

function importAll(store: Store, uri: string, extra: Record<string, unknown> = {}) {
  return importFromMlflow(store, { uri, pageSize: 2, now: clock, ...extra });
}

async function errorOf(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VigilError) return err;
    throw err;
  }
  throw new Error("expected a VigilError");
}

/** Everything an import may write (with the audit log unless told), to compare. */
const snapshot = (store: Store, withAudit = true) =>
  storeSnapshot(
    store,
    [
      "models",
      "model_versions",
      "registry_versions",
      "registry_aliases",
      "registry_events",
      ...(withAudit ? ["audit_log"] : []),
    ],
    { auditHead: withAudit },
  );

type Version = Awaited<ReturnType<Registry["versions"]>>[number];
const meta = (v: Version) => v.metadata as Record<string, Record<string, JsonValue>>;
const lineageOf = (v: Version) => meta(v).lineage as Record<string, JsonValue>;
const summary = (versions: Version[]) =>
  versions.map((v) => `${v.version}:${v.stage}${v.aliases.length ? `[${v.aliases}]` : ""}`);
const actions = (r: MlflowImportReport, model: string) =>
  r.models.find((m) => m.name === model)?.versions.map((v) => `${v.version}:${v.action}`);

for (const backend of backends) {
  describe(`mlflow import on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    it("imports every model across pages: stages, aliases, lineage and MLflow ids", async () => {
      const { store } = await backend.open();
      try {
        const mlflow = await serve(BASE);
        const report = await importAll(store, mlflow.url);
        expect(mlflow.requests).toEqual(FULL_IMPORT);
        expect(report).toMatchObject({
          trackingUri: mlflow.url,
          dryRun: false,
          created: 9,
          updated: 0,
          unchanged: 0,
          skipped: 1,
          auditEntries: 10,
          requests: FULL_IMPORT.length,
        });
        expect(report.models.map((m) => [m.name, m.mlflowVersions, m.modelCreated])).toEqual([
          ["churn", 5, true],
          ["forecast", 0, false],
          ["fraud", 3, true],
          ["pricing", 1, true],
          ["ranker", 1, true],
        ]);
        const churnReport = report.models[0]!;
        expect(churnReport.skipped).toEqual([
          {
            version: 5,
            reason:
              "status FAILED_REGISTRATION (Failed to copy the model artifacts: permission denied)",
          },
        ]);
        expect(report.models[1]!.warnings).toEqual(["no versions in MLflow; nothing to import"]);
        expect(report.warnings).toEqual([
          `ranker v1: run ${RUN.ranker1} not found in MLflow (deleted?); imported without run lineage`,
        ]);

        const reg = new Registry(store);
        expect((await reg.list()).map((m) => [m.name, m.versions, m.production])).toEqual([
          ["churn", 4, 2],
          ["fraud", 3, 2],
          ["pricing", 1, null],
          ["ranker", 1, null],
        ]);
        expect(await store.getModel("forecast")).toBeUndefined();

        const churn = await reg.versions("churn");
        expect(summary(churn)).toEqual([
          "1:archived",
          "2:production[champion]",
          "3:staging[challenger]",
          "4:none",
        ]);
        const v2 = churn[1]!;
        expect(meta(v2).mlflow).toEqual({
          trackingUri: mlflow.url,
          registeredModel: "churn",
          version: "2",
          runId: RUN.churn2,
          experimentId: "1",
          stage: "Production",
          mappedStage: "production",
          aliases: ["champion"],
          status: "READY",
          source: `mlflow-artifacts:/1/${RUN.churn2}/artifacts/model`,
          runLink: null,
          description: "Gradient boosting on April data",
          userId: null,
          creationTimestamp: 1715000000000,
          lastUpdatedTimestamp: 1716100000000,
        });
        expect(meta(v2).tags).toEqual({ team: "growth", validated: "true" });
        expect(v2.registeredBy).toBe("alice");
        const l2 = lineageOf(v2);
        expect(l2.source).toBe("mlflow");
        expect(l2.artifact).toEqual({
          uri: `mlflow-artifacts:/1/${RUN.churn2}/artifacts/model`,
          runArtifactUri: `mlflow-artifacts:/1/${RUN.churn2}/artifacts`,
          sha256: null,
          size: null,
        });
        // The remote loses the credentials MLflow recorded in it.
        expect(l2.git).toEqual({
          known: true,
          commit: "9c4d1e7f2a3b5c6d8e9f0a1b2c3d4e5f6a7b8c9d",
          branch: "main",
          remote: "https://github.com/acme/churn.git",
          dirty: null,
        });
        expect(l2.params).toEqual({ learning_rate: "0.05", max_depth: "5", n_estimators: "600" });
        expect(l2.metrics).toEqual({ auc: 0.871, f1: 0.733, log_loss: 0.352 });
        expect(l2.data).toEqual([
          {
            name: "churn-train-2024-04",
            uri: "s3://acme-ml/churn/train-2024-04.parquet",
            digest: "a41b9e02",
            sourceType: "s3",
            source: { uri: "s3://acme-ml/churn/train-2024-04.parquet" },
            context: "training",
            rows: 50934,
            schema: [
              { name: "age", type: "long" },
              { name: "plan", type: "string" },
              { name: "tenure_months", type: "double" },
              { name: "churned", type: "long" },
            ],
            profile: { num_elements: 203736, num_rows: 50934 },
            sha256: null,
            size: null,
            tags: { "mlflow.data.context": "training" },
          },
        ]);
        expect(l2.run).toMatchObject({
          id: RUN.churn2,
          experimentId: "1",
          name: "calm-heron-7",
          status: "FINISHED",
          user: "alice",
        });
        expect(l2.mlflowTags).toMatchObject({
          "mlflow.source.git.commit": "9c4d1e7f2a3b5c6d8e9f0a1b2c3d4e5f6a7b8c9d",
          "mlflow.source.git.repoURL": "https://github.com/acme/churn.git",
          "mlflow.source.name": "train.py",
        });
        expect(l2.mlflowTags).not.toHaveProperty(["mlflow.log-model.history"]);
        expect(l2.runTags).toEqual({ team: "growth" });
        expect(JSON.stringify(churn)).not.toContain("s3cr3t");

        // v1: two dataset inputs (training, eval); v3: a NaN metric and a runs:/ source.
        expect((lineageOf(churn[0]!).data as JsonValue[]).length).toBe(2);
        expect((lineageOf(churn[0]!).data as { context: string }[])[1]!.context).toBe("eval");
        expect((lineageOf(churn[2]!).metrics as Record<string, JsonValue>).log_loss).toBe("NaN");
        expect((lineageOf(churn[2]!).artifact as { uri: string }).uri).toBe(
          `runs:/${RUN.churn3}/model`,
        );
        expect((lineageOf(churn[2]!).git as { branch: string }).branch).toBe("feature/tenure");
        // v4: a notebook run without git or datasets; its user is the registrant.
        expect(lineageOf(churn[3]!).git).toMatchObject({ known: false, commit: null });
        expect(lineageOf(churn[3]!).data).toEqual([]);
        expect(churn[3]!.registeredBy).toBe("bob");

        const fraud = await reg.versions("fraud");
        expect(summary(fraud)).toEqual(["1:archived", "2:production[prod]", "3:none"]);
        expect(fraud[0]!.registeredBy).toBe("dana@example.com");
        expect(meta(fraud[0]!).mlflow).toMatchObject({
          stage: "Production",
          mappedStage: "archived",
        });
        expect(lineageOf(fraud[2]!)).toMatchObject({
          run: null,
          params: null,
          metrics: null,
          data: [],
          artifact: { uri: "s3://models/fraud/v3" },
        });
        expect(meta(fraud[2]!).mlflow).toMatchObject({ runId: null, experimentId: null });
        expect((lineageOf(fraud[1]!).data as JsonValue[])[0]).toMatchObject({
          uri: "s3://lake/fraud/transactions",
          sourceType: "delta_table",
          digest: "98f1c2d0",
          rows: null,
          source: { path: "s3://lake/fraud/transactions", delta_table_version: 412 },
        });
        expect(report.models[2]!.warnings).toEqual([
          "versions 1, 2 are all in Production in MLflow; Vigil keeps one production version: v2 (updated last), and archives v1",
          'MLflow alias "2024-q2" (version 2) is not a valid Vigil alias name (a letter, then letters, digits, _ . -; at most 64); not imported',
        ]);

        expect(summary(await reg.versions("pricing"))).toEqual(["1:staging[candidate]"]);
        const pricing = (await reg.versions("pricing"))[0]!;
        expect((lineageOf(pricing).data as JsonValue[])[0]).toMatchObject({
          uri: "https://data.example.com/pricing/quotes-2024-05.csv",
          sourceType: "http",
          rows: 1200,
        });
        const ranker = (await reg.versions("ranker"))[0]!;
        expect(summary([ranker])).toEqual(["1:none[champion]"]);
        expect(lineageOf(ranker).run).toBeNull();
        expect(meta(ranker).mlflow).toMatchObject({ runId: RUN.ranker1, experimentId: null });

        // Stage changes are registry events by the importer.
        const shown = await reg.show("churn", 2);
        expect(shown.events.map((e) => [e.kind, e.from, e.to, e.actor, e.reason])).toEqual([
          ["transition", "none", "production", "mlflow-import", "MLflow stage Production"],
        ]);

        const log = await store.listAudit();
        expect(log.map((e) => `${e.action} ${e.subject}`)).toEqual([
          "model.import model:churn/1",
          "model.import model:churn/2",
          "model.import model:churn/3",
          "model.import model:churn/4",
          "model.import model:fraud/1",
          "model.import model:fraud/2",
          "model.import model:fraud/3",
          "model.import model:pricing/1",
          "model.import model:ranker/1",
          `mlflow.import mlflow:${mlflow.url}`,
        ]);
        expect(new Set(log.map((e) => e.actor))).toEqual(new Set(["mlflow-import"]));
        expect(log.every((e) => e.time === NOW)).toBe(true);
        expect(log[1]!.details).toEqual({
          mlflow: {
            trackingUri: mlflow.url,
            registeredModel: "churn",
            version: "2",
            runId: RUN.churn2,
            experimentId: "1",
          },
          stage: "production",
          mlflowStage: "Production",
          aliases: ["champion"],
          artifact: `mlflow-artifacts:/1/${RUN.churn2}/artifacts/model`,
          gitCommit: "9c4d1e7f2a3b5c6d8e9f0a1b2c3d4e5f6a7b8c9d",
          archived: [],
        });
        expect(log[9]!.details).toEqual({
          trackingUri: mlflow.url,
          model: null,
          models: ["churn", "forecast", "fraud", "pricing", "ranker"],
          created: 9,
          updated: 0,
          unchanged: 0,
          skipped: 1,
          warnings: 4,
        });
        expect((await verifyAuditLog(store)).intact).toBe(true);
      } finally {
        await store.close();
      }
    });

    it("is idempotent: a second import of the same state changes nothing but the summary", async () => {
      const { store } = await backend.open();
      try {
        const mlflow = await serve(BASE);
        await importAll(store, mlflow.url);
        const before = await snapshot(store, false);
        const head = await store.auditHead();
        const again = await importAll(store, mlflow.url);
        expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 9, auditEntries: 1 });
        expect(again.models.flatMap((m) => m.versions.flatMap((v) => v.changes))).toEqual([]);
        const after = await store.listAudit({ afterSequence: head.sequence });
        expect(after.map((e) => e.action)).toEqual(["mlflow.import"]);
        expect(after[0]!.details).toMatchObject({ created: 0, updated: 0, unchanged: 9 });
        // Apart from that entry, every row is what it was (updated_at included).
        expect(await snapshot(store, false)).toBe(before);
      } finally {
        await store.close();
      }
    });

    it("applies what changed in MLflow and keeps what changed only in Vigil", async () => {
      const { store } = await backend.open();
      try {
        const mlflow = await serve(BASE);
        await importAll(store, mlflow.url);
        const reg = new Registry(store);
        // In Vigil only: v4 archived, and the challenger alias is about to lose its MLflow twin.
        await reg.archive("churn", 4, { actor: "ops" });
        const head = await store.auditHead();
        mlflow.replay(CHANGED);
        const report = await importAll(store, mlflow.url);
        expect(actions(report, "churn")).toEqual([
          "1:unchanged",
          "2:updated",
          "3:updated",
          "4:unchanged",
          "6:created",
        ]);
        expect(report).toMatchObject({ created: 1, updated: 2, unchanged: 7, skipped: 1 });
        const churnReport = report.models.find((m) => m.name === "churn")!;
        const byVersion = new Map(churnReport.versions.map((v) => [v.version, v]));
        expect(byVersion.get(2)!.changes).toEqual([
          "MLflow record",
          "MLflow stage Production -> Archived",
          "MLflow aliases []",
          "stage production -> archived",
          "alias champion moved to version 3",
        ]);
        expect(byVersion.get(3)!.changes).toEqual([
          "MLflow record",
          "MLflow stage Staging -> Production",
          "MLflow aliases [champion]",
          "stage staging -> production",
          "alias champion",
        ]);
        expect(byVersion.get(4)!.notes).toEqual([
          "kept the Vigil stage archived: MLflow's stage (None) has not changed since the last import",
        ]);
        expect(churnReport.warnings).toEqual([
          'MLflow no longer has alias "challenger" (last imported on version 3); the Vigil alias was left in place (remove it with the registry if it should go)',
        ]);
        expect(summary(await reg.versions("churn"))).toEqual([
          "1:archived",
          "2:archived",
          "3:production[challenger,champion]",
          "4:archived",
          "6:none",
        ]);
        const v3 = await reg.show("churn", 3);
        expect(v3.events.map((e) => [e.from, e.to, e.actor])).toEqual([
          ["none", "staging", "mlflow-import"],
          ["staging", "production", "mlflow-import"],
        ]);
        const log = await store.listAudit({ afterSequence: head.sequence });
        expect(log.map((e) => `${e.action} ${e.subject}`)).toEqual([
          "model.import.update model:churn/2",
          "model.import.update model:churn/3",
          "model.import model:churn/6",
          `mlflow.import mlflow:${mlflow.url}`,
        ]);
        expect(log[1]!.details).toMatchObject({
          stage: { from: "staging", to: "production" },
          aliases: ["champion"],
          mlflow: { registeredModel: "churn", version: "3", runId: RUN.churn3 },
        });
        expect((await verifyAuditLog(store)).intact).toBe(true);
      } finally {
        await store.close();
      }
    });

    it("a dry run reports the same and writes nothing", async () => {
      const { store } = await backend.open();
      try {
        const mlflow = await serve(BASE);
        const before = await snapshot(store);
        const dry = await importAll(store, mlflow.url, { dryRun: true });
        expect(dry).toMatchObject({ dryRun: true, created: 9, skipped: 1, auditEntries: 0 });
        expect(actions(dry, "fraud")).toEqual(["1:created", "2:created", "3:created"]);
        expect(await snapshot(store)).toBe(before);
        expect((await store.auditHead()).sequence).toBe(0);
      } finally {
        await store.close();
      }
    });

    it("--model imports one model; an unknown model is VIGIL_MLFLOW_MODEL_NOT_FOUND", async () => {
      const { store } = await backend.open();
      try {
        const mlflow = await serve(BASE);
        const one = await importAll(store, mlflow.url, { model: "fraud" });
        expect(mlflow.requests).toEqual([
          get("fraud"),
          versions("fraud"),
          versions("fraud", T2),
          run(RUN.fraud1),
          run(RUN.fraud2),
        ]);
        expect(one).toMatchObject({ model: "fraud", created: 3 });
        expect((await new Registry(store).list()).map((m) => m.name)).toEqual(["fraud"]);
        const before = await snapshot(store);
        const err = await errorOf(importAll(store, mlflow.url, { model: "nope" }));
        expect(err.code).toBe("VIGIL_MLFLOW_MODEL_NOT_FOUND");
        expect(err.message).toContain("Registered Model with name=nope not found");
        expect(await snapshot(store)).toBe(before);
      } finally {
        await store.close();
      }
    });

    it("refuses the whole import when a Vigil version already holds an MLflow number", async () => {
      const { store } = await backend.open();
      try {
        const mlflow = await serve(BASE);
        await new Registry(store).register({
          name: "fraud",
          actor: "alice",
          lineage: { artifact: { uri: "file:///m.pkl", sha256: "ab".repeat(32), size: 3 } },
        });
        const before = await snapshot(store);
        const err = await errorOf(importAll(store, mlflow.url));
        expect(err.code).toBe("VIGIL_ALREADY_EXISTS");
        expect(err.message).toContain('Model "fraud" already has version(s) 1');
        // churn, imported before fraud in the same run, is rolled back too.
        expect(await snapshot(store)).toBe(before);
      } finally {
        await store.close();
      }
    });

    it("MLflow failures leave the database untouched, each with its code", async () => {
      const { store } = await backend.open();
      try {
        const before = await snapshot(store);
        const cases: [string, Exchanges, string, string[]][] = [
          [
            "HTTP 500 on page 2",
            { ...BASE, [search(T2)]: { status: 500, body: "error-internal.json" } },
            "VIGIL_MLFLOW_ERROR",
            ["HTTP 500", "INTERNAL_ERROR: (sqlite3.OperationalError) database is locked"],
          ],
          [
            "truncated JSON",
            {
              ...BASE,
              [versions("fraud")]: { status: 200, body: "malformed-truncated.json.txt" },
            },
            "VIGIL_MLFLOW_BAD_RESPONSE",
            ["is not JSON", "model-versions/search"],
          ],
          [
            "a field of the wrong type",
            { ...BASE, [search()]: { status: 200, body: "bad-shape-registered-models.json" } },
            "VIGIL_MLFLOW_BAD_RESPONSE",
            ["registered_models should be an array, got an object"],
          ],
          [
            "a page token that comes back",
            { ...BASE, [search(T2)]: { status: 200, body: "registered-models-search-1.json" } },
            "VIGIL_MLFLOW_BAD_RESPONSE",
            ["does not advance"],
          ],
          [
            "a run that fails with 500",
            { ...BASE, [run(RUN.churn3)]: { status: 500, body: "error-internal.json" } },
            "VIGIL_MLFLOW_ERROR",
            [`runs/get?run_id=${RUN.churn3}`],
          ],
        ];
        for (const [what, exchanges, code, parts] of cases) {
          const mlflow = await serve(exchanges);
          const err = await errorOf(importAll(store, mlflow.url));
          expect(err.code, what).toBe(code);
          for (const p of parts) expect(err.message, what).toContain(p);
          expect(await snapshot(store), what).toBe(before);
          await mlflow.close();
          fake = undefined;
        }
      } finally {
        await store.close();
      }
    });
  });
}

describe("mlflow client failures (no database involved)", () => {
  const store = undefined as unknown as Store;

  it("an unreachable server is VIGIL_MLFLOW_UNREACHABLE", async () => {
    const url = await deadUrl();
    const err = await errorOf(importAll(store, url));
    expect(err.code).toBe("VIGIL_MLFLOW_UNREACHABLE");
    expect(err.message).toContain("ECONNREFUSED");
  });

  it("a server that never answers times out", async () => {
    const mlflow = await serve(BASE, { silent: true });
    const err = await errorOf(importAll(store, mlflow.url, { timeoutMs: 200 }));
    expect(err.code).toBe("VIGIL_MLFLOW_UNREACHABLE");
    expect(err.message).toContain("did not answer GET /api/2.0/mlflow/registered-models/search");
  });

  it("a URL that is not the tracking server's base answers HTML 404", async () => {
    const mlflow = await serve(BASE);
    const err = await errorOf(importAll(store, `${mlflow.url}/mlflow`));
    expect(err.code).toBe("VIGIL_MLFLOW_ERROR");
    expect(err.message).toContain("HTTP 404");
    expect(err.message).toContain("Is --uri the tracking server's base URL");
    expect(mlflow.requests).toEqual([
      requestKey("GET", "/mlflow/api/2.0/mlflow/registered-models/search?max_results=2"),
    ]);
  });

  it("rejects non-http URIs and page sizes MLflow refuses", async () => {
    expect((await errorOf(importAll(store, "file:///tmp/mlruns"))).code).toBe(
      "VIGIL_INVALID_ARGUMENT",
    );
    const mlflow = await serve(BASE);
    const err = await errorOf(importAll(store, mlflow.url, { pageSize: 1001 }));
    expect(err.code).toBe("VIGIL_INVALID_ARGUMENT");
    expect(mlflow.requests).toEqual([]);
  });
});
