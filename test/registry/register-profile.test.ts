/**
 * `vigil model register --data` records each data file's profile summary (and the hash of
 * the serialized profile), and stores the version's reference profile when the model has a
 * monitoring schema, on SQLite and PostgreSQL. Summary numbers are checked against values
 * computed here from the same rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { profileDataFile } from "../../src/registry/data-profile.js";
import { captureLineage } from "../../src/registry/lineage.js";
import { validateRegisterBody } from "../../src/registry/lineage-schema.js";
import { deserializeDatasetProfile } from "../../src/sketch/index.js";
import { kllRankError } from "../../src/sketch/kll.js";
import { openStore } from "../../src/store/index.js";
import { vigil } from "../cli/capture.js";
import { startTestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("register-profile");

const cwd = mkdtempSync(join(tmpdir(), "vigil-register-profile-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

// null = an empty CSV field (DuckDB reads it as NULL).
const rows: [number | null, string | null, number | null, number][] = [
  [31, "basic", 1000.5, 0],
  [45, "pro", null, 1],
  [22, "basic", 800, 0],
  [null, "pro", 1500, 1],
  [28, "basic", 1200.25, 0],
  [60, "team", 900, 1],
  [37, null, 1100, 0],
];
const csv = `age,plan,income,churned\n${rows
  .map((r) => r.map((v) => (v === null ? "" : String(v))).join(","))
  .join("\n")}\n`;
writeFileSync(join(cwd, "train.csv"), csv);
writeFileSync(join(cwd, "train-copy.csv"), csv);
writeFileSync(join(cwd, "other.csv"), `${csv}70,pro,2000,1\n`);
writeFileSync(join(cwd, "model.bin"), "weights");

const present = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);

function exactNumeric(values: (number | null)[]) {
  const xs = present(values);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return {
    count: values.length,
    missing: values.length - xs.length,
    mean,
    std,
    min: Math.min(...xs),
    max: Math.max(...xs),
    sorted: [...xs].sort((a, b) => a - b),
  };
}

describe("profile summary of a data file", () => {
  it("matches values computed from the same rows", async () => {
    const p = await profileDataFile(join(cwd, "train.csv"));
    expect(p.rows).toBe(rows.length);
    expect(p.columns.map((c) => [c.name, c.kind])).toEqual([
      ["age", "numeric"],
      ["plan", "categorical"],
      ["income", "numeric"],
      ["churned", "numeric"],
    ]);
    for (const [i, name] of [
      [0, "age"],
      [2, "income"],
      [3, "churned"],
    ] as const) {
      const want = exactNumeric(rows.map((r) => r[i]));
      const got = p.columns.find((c) => c.name === name);
      if (got?.kind !== "numeric") throw new Error(`${name} is not numeric`);
      expect(got.count).toBe(want.count);
      expect(got.missing).toBe(want.missing);
      expect(got.min).toBe(want.min);
      expect(got.max).toBe(want.max);
      // Streaming (Welford) mean and std: equal up to floating-point rounding.
      expect(Math.abs(got.mean! - want.mean)).toBeLessThanOrEqual(1e-12 * Math.abs(want.mean));
      expect(Math.abs(got.std! - want.std)).toBeLessThanOrEqual(1e-12 * want.std);
      // p50 within the KLL rank bound: its rank among the values is n/2 ± eps·n.
      const n = want.sorted.length;
      const eps = kllRankError(600);
      const below = want.sorted.filter((x) => x < got.p50!).length;
      const atOrBelow = want.sorted.filter((x) => x <= got.p50!).length;
      expect(want.sorted).toContain(got.p50);
      expect(atOrBelow).toBeGreaterThanOrEqual(Math.floor(n / 2 - eps * n));
      expect(below).toBeLessThanOrEqual(Math.ceil(n / 2 + eps * n));
    }
    const plan = p.columns.find((c) => c.name === "plan");
    if (plan?.kind !== "categorical") throw new Error("plan is not categorical");
    const plans = present(rows.map((r) => r[1]));
    expect(plan.count).toBe(rows.length);
    expect(plan.missing).toBe(rows.length - plans.length);
    expect(plan.distinct).toBe(3);
    expect(plan.topExact).toBe(true);
    const counts = new Map<string, number>();
    for (const v of plans) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect(plan.top).toEqual(
      [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([value, c]) => ({ value, share: c / plans.length })),
    );
  });

  it("is deterministic: same bytes give the same summary and hash, other bytes another hash", async () => {
    const a = await profileDataFile(join(cwd, "train.csv"));
    const b = await profileDataFile(join(cwd, "train-copy.csv"));
    const c = await profileDataFile(join(cwd, "other.csv"));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    expect(c.sha256).not.toBe(a.sha256);
    const l1 = await captureLineage({
      artifact: join(cwd, "model.bin"),
      data: [join(cwd, "train.csv")],
      projectDir: cwd,
    });
    expect(l1.data[0]?.profile).toEqual(a);
  });

  it("is part of the register body a server accepts, and is checked there", async () => {
    const lineage = await captureLineage({
      artifact: join(cwd, "model.bin"),
      data: [join(cwd, "train.csv")],
      projectDir: cwd,
    });
    const body = validateRegisterBody({ lineage: JSON.parse(JSON.stringify(lineage)) });
    const data = (body.lineage as { data: { profile: unknown }[] }).data;
    expect(data[0]?.profile).toEqual(lineage.data[0]?.profile);
    const bad = JSON.parse(JSON.stringify(lineage));
    bad.data[0].profile.columns[1].top[0].share = 2;
    expect(() => validateRegisterBody({ lineage: bad })).toThrow(/share/);
  });
});

for (const backend of backends) {
  describe(`register with profiles on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    it("stores the reference when the model has a schema, warns when a feature is missing", async () => {
      const { url, options, cliUrl } = backend.fresh();
      const run = (...argv: string[]) =>
        vigil(["model", ...argv, "--db", cliUrl, "--actor", "alice"], { cwd });
      const setup = await openStore(url, options);
      try {
        await setup.createModel({
          name: "churn",
          task: "binary",
          schema: { features: { age: "numeric", plan: "categorical" } },
        });
        await setup.createModel({
          name: "fraud",
          task: "binary",
          schema: { features: { age: "numeric", tenure: "numeric" } },
        });
      } finally {
        await setup.close();
      }

      // No schema (new model): registered, the summary recorded, no reference and no warning.
      const plain = await run(
        "register",
        "plain",
        "--artifact",
        "model.bin",
        "--data",
        "train.csv",
      );
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stderr).toBe("");
      expect(plain.stdout).toMatch(
        /^registered plain v1 \(artifact sha256 [0-9a-f]{64}\)\n {2}train\.csv: 4 columns \(3 numeric, 1 categorical; 3 with missing values\), profile sha256 [0-9a-f]{12}\n$/,
      );

      const reg = await run(
        "register",
        "churn",
        "--artifact",
        "model.bin",
        "--data",
        "train.csv",
        "--format",
        "json",
      );
      expect(reg.code, reg.stderr).toBe(0);
      const out = JSON.parse(reg.stdout);
      expect(out.reference).toEqual({ stored: true, file: "train.csv", rows: rows.length });
      const summary = await profileDataFile(join(cwd, "train.csv"));
      expect(out.metadata.lineage.data[0].profile).toEqual(summary);

      const fraud = await run(
        "register",
        "fraud",
        "--artifact",
        "model.bin",
        "--data",
        "train.csv",
        "--format",
        "json",
      );
      expect(fraud.code, fraud.stderr).toBe(0);
      expect(fraud.stderr).toMatch(
        /^warning: reference profile not stored \(VIGIL_COLUMN_NOT_FOUND\)/,
      );
      expect(fraud.stderr).toContain('"tenure"');
      expect(JSON.parse(fraud.stdout).reference).toMatchObject({
        stored: false,
        file: "train.csv",
      });

      // --reference-data names another file; text output says it was stored.
      const again = await run(
        "register",
        "churn",
        "--artifact",
        "model.bin",
        "--data",
        "train.csv",
        "--reference-data",
        "other.csv",
      );
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(
        `reference profile stored from other.csv (${rows.length + 1} rows)`,
      );

      const store = await openStore(url, options);
      try {
        const churn = await store.requireModel("churn");
        for (const [version, n] of [
          ["1", rows.length],
          ["2", rows.length + 1],
        ] as const) {
          const v = await store.getVersion(churn.id, version);
          const ref = await store.getReferenceProfile(v!.id);
          const profile = deserializeDatasetProfile(ref!.data);
          expect(profile.rows).toBe(n);
          expect(profile.column("age").count).toBe(n);
          expect([...profile.columns.keys()]).toContain("plan");
        }
        const fraudModel = await store.requireModel("fraud");
        const fv = await store.getVersion(fraudModel.id, "1");
        expect(fv).toBeDefined();
        expect(await store.getReferenceProfile(fv!.id)).toBeUndefined();
        const audit = await store.listAudit({ action: "monitor.reference.upload" });
        expect(audit.map((a) => [a.actor, a.subject])).toEqual([
          ["alice", "model:churn/1"],
          ["alice", "model:churn/2"],
        ]);
      } finally {
        await store.close();
      }

      const show = await run("show", "churn", "1");
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(
        /\n {2}data train\.csv: sha256 [0-9a-f]{12}, 7 rows; 4 columns \(3 numeric, 1 categorical; 3 with missing values\), profile sha256 [0-9a-f]{12}\n$/,
      );
      expect(show.stdout).toContain(summary.sha256.slice(0, 12));
      const card = await run("card", "churn", "1");
      expect(card.code, card.stderr).toBe(0);
      expect(card.stdout).toContain("Data profile train.csv");
      expect(card.stdout).toContain(`profile sha256 ${summary.sha256.slice(0, 12)}`);
    });

    it("with --server sends the summary and posts the reference after registering", async () => {
      const srv = await startTestServer({ backend });
      try {
        await srv.store.createModel({
          name: "churn",
          task: "binary",
          schema: { features: { age: "numeric", plan: "categorical" } },
        });
        const env = (token: string) => ({ VIGIL_SERVER: srv.url, VIGIL_TOKEN: token });
        const engineer = env(await srv.token("ml-engineer", null, "erin"));
        const reg = await vigil(
          [
            "model",
            "register",
            "churn",
            "--artifact",
            "model.bin",
            "--data",
            "train.csv",
            "--format",
            "json",
          ],
          { cwd, env: engineer },
        );
        expect(reg.code, reg.stderr).toBe(0);
        const out = JSON.parse(reg.stdout);
        expect(out.reference).toEqual({ stored: true, file: "train.csv", rows: rows.length });
        expect(out.metadata.lineage.data[0].profile).toEqual(
          await profileDataFile(join(cwd, "train.csv")),
        );
        const churn = await srv.store.requireModel("churn");
        const v = await srv.store.getVersion(churn.id, "1");
        expect(
          deserializeDatasetProfile((await srv.store.getReferenceProfile(v!.id))!.data).rows,
        ).toBe(rows.length);

        // A data scientist may register but not upload references: registered, with a warning.
        const scientist = env(await srv.token("data-scientist", null, "dana"));
        const second = await vigil(
          ["model", "register", "churn", "--artifact", "model.bin", "--data", "train.csv"],
          { cwd, env: scientist },
        );
        expect(second.code, second.stderr).toBe(0);
        expect(second.stdout).toMatch(/^registered churn v2 /);
        expect(second.stderr).toMatch(/^warning: reference profile not stored \(VIGIL_FORBIDDEN\)/);
        // A model without a schema: no upload attempted, no warning.
        const plain = await vigil(
          ["model", "register", "plain", "--artifact", "model.bin", "--data", "train.csv"],
          { cwd, env: scientist },
        );
        expect(plain.code, plain.stderr).toBe(0);
        expect(plain.stderr).toBe("");
      } finally {
        await srv.close();
      }
    });
  });
}
