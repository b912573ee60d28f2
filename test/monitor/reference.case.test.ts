/**
 * Reference profiles from files (CSV, Parquet, JSON Lines) streamed through DuckDB: equal to
 * the in-memory two-pass profile of the same values, baseline metrics by exact arithmetic,
 * storage on both backends, windows counting into the reference's bins, and bad input.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { VigilError } from "../../src/errors.js";
import { requireMonitorConfig } from "../../src/monitor/config.js";
import { Ingestor } from "../../src/monitor/ingest.js";
import { configureModel } from "../../src/monitor/models.js";
import { buildReference, uploadReference } from "../../src/monitor/reference.js";
import { jsonTextItems } from "../../src/monitor/request-items.js";
import {
  buildReferenceProfile,
  deserializeDatasetProfile,
  type FrequentItems,
  serializeDatasetProfile,
} from "../../src/sketch/index.js";
import type { ModelRecord } from "../../src/store/index.js";
import { storeBackends, suiteStores } from "../helpers/store-backends.js";

/** The frequent-items counter of a category. */
function categoryCount(col: { frequent: unknown }, item: string): number {
  return (col.frequent as FrequentItems<string>).get(item);
}

const { backends } = await storeBackends("monitor-reference");
const dir = mkdtempSync(join(tmpdir(), "vigil-reference-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 3000;
const plans = ["free", "pro", "team", "enterprise"];
// Deterministic data: age, plan, the model's prediction and score, and the truth.
const data = Array.from({ length: ROWS }, (_, i) => {
  const age = 18 + ((i * 37) % 61) + ((i * 13) % 10) / 10;
  const score = ((i * 7919) % 1000) / 1000;
  const pred = score >= 0.5 ? 1 : 0;
  const y = (i * 31) % 7 < 3 ? 1 - pred : pred;
  return { age, plan: plans[(i * 5) % 4] as string, pred, score, y };
});

function csv(rows: typeof data): string {
  return `age,plan,pred,score,y\n${rows.map((r) => `${r.age},${r.plan},${r.pred},${r.score},${r.y}`).join("\n")}\n`;
}

const csvPath = join(dir, "ref.csv");
writeFileSync(csvPath, csv(data));
const jsonlPath = join(dir, "ref.jsonl");
writeFileSync(jsonlPath, `${data.map((r) => JSON.stringify(r)).join("\n")}\n`);
const parquetPath = join(dir, "ref.parquet");
{
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run(
    `COPY (SELECT * FROM read_csv('${csvPath}')) TO '${parquetPath}' (FORMAT parquet)`,
  );
  conn.closeSync();
  db.closeSync();
}

const model: ModelRecord = {
  id: 1,
  name: "churn",
  task: "binary",
  schema: { features: { age: "numeric", plan: "categorical" } },
  windowSeconds: 300,
  monitors: {},
  createdAt: 0,
  updatedAt: 0,
};
const config = requireMonitorConfig(model);

/** The reference as src/sketch builds it from in-memory columns. */
function inMemory() {
  return buildReferenceProfile(
    { ...config.columns },
    {
      age: Float64Array.from(data, (r) => r.age),
      plan: data.map((r) => r.plan),
      $prediction: data.map((r) => r.pred),
      $score: Float64Array.from(data, (r) => r.score),
    },
    ROWS,
  );
}

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VigilError);
  return (err as VigilError).code;
}

describe("reference profiles from files", () => {
  it("streams CSV, Parquet and JSON Lines into the same profile as the in-memory build", async () => {
    const expected = Buffer.from(serializeDatasetProfile(inMemory()));
    for (const path of [csvPath, parquetPath, jsonlPath]) {
      const built = await buildReference(path, config, { prediction: "pred", scores: ["score"] });
      expect(built.rows).toBe(ROWS);
      expect(Buffer.from(built.bytes).equals(expected), path).toBe(true);
    }
  });

  it("computes baseline metrics that match exact counts", async () => {
    const built = await buildReference(csvPath, config, {
      target: "y",
      prediction: "pred",
      scores: ["score"],
    });
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    for (const r of data) {
      if (r.pred === 1 && r.y === 1) tp++;
      else if (r.pred === 1) fp++;
      else if (r.y === 1) fn++;
      else tn++;
    }
    const m = built.baseline.metrics as Record<string, number>;
    expect(m.accuracy).toBeCloseTo((tp + tn) / ROWS, 12);
    expect(m.precision).toBeCloseTo(tp / (tp + fp), 12);
    expect(m.recall).toBeCloseTo(tp / (tp + fn), 12);
    expect(typeof m.roc_auc).toBe("number");
    expect(built.baseline.rows).toBe(ROWS);
    expect(built.baseline.evaluatedRows).toBe(ROWS);
    // Without a target there is no baseline, only the profile.
    expect(
      (await buildReference(csvPath, config, { prediction: "pred" })).baseline.metrics,
    ).toEqual({});
  });

  it("counts text in a numeric feature as type errors and reads numeric categories as events would", async () => {
    const path = join(dir, "mixed.csv");
    writeFileSync(path, "age,plan\n41,1\nunknown,2.5\n,1\n38.5,true\n");
    const built = await buildReference(path, config);
    const age = built.profile.column("age");
    expect([age.count, age.missing, age.typeErrors, age.valid]).toEqual([4, 1, 1, 2]);
    const plan = built.profile.column("plan");
    // DuckDB reads this column as text: the categories are the strings as written.
    expect(categoryCount(plan, "1")).toBe(2);
    expect(categoryCount(plan, "2.5")).toBe(1);
  });

  it("refuses missing columns, empty and unreadable files", async () => {
    const noPlan = join(dir, "noplan.csv");
    writeFileSync(noPlan, "age\n1\n2\n");
    const err = (await buildReference(noPlan, config).catch((e: unknown) => e)) as VigilError;
    expect(err).toBeInstanceOf(VigilError);
    expect(err.code).toBe("VIGIL_COLUMN_NOT_FOUND");
    expect(err.details[0]).toMatchObject({ column: "plan" });
    expect(await code(buildReference(csvPath, config, { prediction: "nope" }))).toBe(
      "VIGIL_COLUMN_NOT_FOUND",
    );
    const header = join(dir, "header.csv");
    writeFileSync(header, "age,plan\n");
    expect(await code(buildReference(header, config))).toBe("VIGIL_EMPTY_DATASET");
    const junk = join(dir, "junk.parquet");
    writeFileSync(junk, "this is not parquet");
    expect(await code(buildReference(junk, config))).toBe("VIGIL_PARSE_ERROR");
    expect(await code(buildReference(join(dir, "ref.xlsx"), config))).toBe(
      "VIGIL_UNSUPPORTED_FORMAT",
    );
  });

  it("streams a large Parquet file in chunks", async () => {
    const big = join(dir, "big.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const n = 250_000;
    await conn.run(
      `COPY (SELECT (i % 997) / 10.0 AS age, 'p' || (i % 13) AS plan FROM range(${n}) t(i)) TO '${big}' (FORMAT parquet)`,
    );
    conn.closeSync();
    db.closeSync();
    const built = await buildReference(big, config);
    expect(built.rows).toBe(n);
    const age = built.profile.column("age");
    expect(age.valid).toBe(n);
    expect(age.moments.max).toBeCloseTo(99.6, 12);
    expect(built.profile.column("plan").bins?.spec).toEqual({
      type: "categories",
      categories: Array.from({ length: 13 }, (_, i) => `p${i}`).sort(),
    });
  });
});

for (const backend of backends) {
  describe(`reference upload on ${backend.name}`, () => {
    const { open } = suiteStores(backend);

    it("stores the profile and baseline, creates the version, and new windows use its bins", async () => {
      const store = await open();
      await configureModel(store, "churn", { task: "binary", schema: model.schema }, "tester");
      const out = await uploadReference(store, "churn", "4", parquetPath, {
        target: "y",
        prediction: "pred",
        scores: ["score"],
        actor: "alice",
      });
      expect(out).toMatchObject({ model: "churn", version: "4", createdVersion: true, rows: ROWS });
      const m = await store.requireModel("churn");
      const v = await store.getVersion(m.id, "4");
      const ref = await store.getReferenceProfile(v!.id);
      expect(Buffer.from(ref!.data).equals(Buffer.from(serializeDatasetProfile(inMemory())))).toBe(
        true,
      );
      expect(
        (ref!.baseline as { metrics: Record<string, number> }).metrics.accuracy,
      ).toBeGreaterThan(0);
      const audit = await store.listAudit({ action: "monitor.reference.upload" });
      expect(audit.map((a) => [a.actor, a.subject])).toEqual([["alice", "model:churn/4"]]);

      const now = Date.UTC(2026, 0, 15, 12, 2, 0);
      await new Ingestor(store).ingest(
        "churn",
        jsonTextItems(
          JSON.stringify([
            {
              id: "a",
              version: "4",
              timestamp: now,
              features: { age: 30, plan: "pro" },
              prediction: 1,
            },
            {
              id: "b",
              version: "4",
              timestamp: now,
              features: { age: 500, plan: "gold" },
              prediction: 0,
            },
          ]),
        ),
        now,
      );
      const w = await store.listWindowProfiles(m.id, { versionId: v!.id });
      const p = deserializeDatasetProfile(w[0]!.data);
      expect(p.binSpecs()).toEqual(inMemory().binSpecs());
      const age = p.column("age").bins!.counts;
      expect(age[age.length - 1]).toBe(1); // 500 is above the reference's range
      // Replacing the reference is allowed; an unconfigured model is refused.
      const again = await uploadReference(store, "churn", "4", csvPath, { actor: "alice" });
      expect(again.createdVersion).toBe(false);
      await store.createModel({ name: "bare", task: "binary", schema: {} });
      expect(await code(uploadReference(store, "bare", "1", csvPath, { actor: "alice" }))).toBe(
        "VIGIL_INVALID_MONITOR_CONFIG",
      );
      expect(await code(uploadReference(store, "ghost", "1", csvPath, { actor: "alice" }))).toBe(
        "VIGIL_MODEL_NOT_FOUND",
      );
    });
  });
}
