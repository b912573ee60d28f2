/**
 * `vigil monitor configure` and `vigil reference upload` on the embedded store (--db) and
 * against a real server (VIGIL_SERVER + VIGIL_TOKEN), with the example in
 * examples/monitoring/ and bad files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { vigil } from "../cli/capture.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const cwd = mkdtempSync(join(tmpdir(), "vigil-monitor-cli-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const EXAMPLE = resolve("examples/monitoring/churn.yaml");
const REFERENCE = resolve("examples/monitoring/reference.csv");

const cli = (argv: string[], env: Record<string, string> = {}) =>
  vigil(argv, { cwd, env: { VIGIL_ACTOR: "carol", ...env } });

describe("vigil monitor configure / reference upload on the embedded store", () => {
  const db = join(cwd, "vigil.db");

  it("configures the example, then updates the window", async () => {
    const r = await cli(["monitor", "configure", "--schema", EXAMPLE, "--db", db]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "created churn: binary, 5 feature(s) (3 numeric, 2 categorical), window 300 s\n",
    );
    const again = await cli([
      "monitor",
      "configure",
      "--model",
      "churn",
      "--schema",
      EXAMPLE,
      "--window",
      "15m",
      "--db",
      db,
      "--format",
      "json",
    ]);
    expect(again.code).toBe(0);
    const view = JSON.parse(again.stdout);
    expect(view).toMatchObject({ name: "churn", windowSeconds: 900, configured: true });
    expect(view.settings.drift.features.plan).toEqual({ method: "jensenshannon", threshold: 0.15 });
    const store = await openStore(db);
    try {
      const audit = await store.listAudit({ subject: "model:churn" });
      expect(audit.map((a) => [a.actor, a.action])).toEqual([
        ["carol", "monitor.create"],
        ["carol", "monitor.configure"],
      ]);
    } finally {
      await store.close();
    }
  });

  it("uploads the example reference with baseline metrics", async () => {
    const r = await cli([
      "reference",
      "upload",
      REFERENCE,
      "--model",
      "churn",
      "--version",
      "1",
      "--db",
      db,
      "--target",
      "churned",
      "--prediction",
      "predicted",
      "--score",
      "score",
      "--format",
      "json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ model: "churn", version: "1", createdVersion: true, rows: 400 });
    expect(Object.keys(out.baseline.metrics)).toEqual(
      expect.arrayContaining(["accuracy", "roc_auc", "f1"]),
    );
    const text = await cli([
      "reference",
      "upload",
      REFERENCE,
      "--model",
      "churn",
      "--version",
      "1",
      "--db",
      db,
    ]);
    expect(text.stdout).toMatch(
      /^reference of churn version 1: 400 rows, 10 profile columns\nbaseline: none/,
    );
  });

  it("points configuration errors at their line and refuses bad usage", async () => {
    const bad = join(cwd, "bad.yaml");
    writeFileSync(bad, "task: binary\nfeatures:\n  age: numeric\n  $score: numeric\n");
    const r = await cli(["monitor", "configure", "--model", "m", "--schema", bad, "--db", db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("VIGIL_INVALID_MONITOR_CONFIG");
    expect(r.stderr).toContain("bad.yaml:4:");
    writeFileSync(bad, "task: binary\nfeatures: {a: numeric}\nsetings: {}\n");
    const typo = await cli(["monitor", "configure", "--model", "m", "--schema", bad, "--db", db]);
    expect(typo.stderr).toMatch(/bad\.yaml:3: unknown key "setings"/);
    writeFileSync(
      bad,
      "task: binary\nfeatures: {a: numeric}\nsettings: {ingest: {sampleRate: 2}}\n",
    );
    const range = await cli(["monitor", "configure", "--model", "m", "--schema", bad, "--db", db]);
    expect(range.stderr).toContain("bad.yaml:3:");
    expect(range.stderr).toContain("settings.ingest.sampleRate");
    expect((await cli(["monitor", "configure", "--schema", bad, "--db", db])).stderr).toContain(
      "missing --model",
    );
    expect((await cli(["monitor", "show", "--db", db])).stderr).toContain("VIGIL_USAGE");
    const missing = await cli([
      "reference",
      "upload",
      "nope.csv",
      "--model",
      "churn",
      "--version",
      "1",
      "--db",
      db,
    ]);
    expect(missing.stderr).toContain("VIGIL_FILE_NOT_FOUND");
    const noVersion = await cli(["reference", "upload", REFERENCE, "--model", "churn", "--db", db]);
    expect(noVersion.stderr).toContain("missing --version");
  });
});

describe("vigil monitor configure / reference upload against a server", () => {
  let srv: TestServer;
  afterAll(() => srv?.close());

  it("does the same through the API with the token's identity", async () => {
    srv = await startTestServer();
    const env = {
      VIGIL_SERVER: srv.url,
      VIGIL_TOKEN: await srv.token("ml-engineer", null, "erin"),
    };
    const r = await cli(["monitor", "configure", "--schema", EXAMPLE], env);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^created churn: binary, 5 feature/);
    const again = await cli(["monitor", "configure", "--schema", EXAMPLE], env);
    expect(again.stdout).toMatch(/^configured churn/);
    const up = await cli(
      [
        "reference",
        "upload",
        REFERENCE,
        "--model",
        "churn",
        "--version",
        "2",
        "--target",
        "churned",
        "--prediction",
        "predicted",
        "--score",
        "score",
        "--format",
        "json",
      ],
      env,
    );
    expect(up.stderr).toBe("");
    const out = JSON.parse(up.stdout);
    expect(out).toMatchObject({ version: "2", createdVersion: true, rows: 400 });
    // The same file gives the same reference as on the embedded store.
    const model = await srv.store.requireModel("churn");
    const v = await srv.store.getVersion(model.id, "2");
    expect((await srv.store.getReferenceProfile(v!.id))?.baseline).toEqual(out.baseline);
    const audit = await srv.store.listAudit({ action: "monitor.reference.upload" });
    expect(audit.map((a) => a.actor)).toEqual(["erin"]);

    const viewer = { VIGIL_SERVER: srv.url, VIGIL_TOKEN: await srv.token("viewer") };
    const denied = await cli(["monitor", "configure", "--schema", EXAMPLE], viewer);
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain("VIGIL_FORBIDDEN");
    const bad = join(cwd, "server-bad.yaml");
    writeFileSync(bad, "task: binary\nfeatures:\n  age: numbers\n");
    const invalid = await cli(["monitor", "configure", "--model", "x", "--schema", bad], env);
    expect(invalid.stderr).toContain("server-bad.yaml:3:");
    const actor = await cli(["monitor", "configure", "--schema", EXAMPLE, "--actor", "x"], env);
    expect(actor.stderr).toContain("--actor comes from the API token");
  });
});
