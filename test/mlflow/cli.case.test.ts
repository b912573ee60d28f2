/**
 * `vigil mlflow import` in-process on both backends (--db SQLite path or PostgreSQL URL with
 * ?schema=), against the replaying MLflow server: output in text and JSON, exit codes and
 * error codes, authentication from the environment, and that credentials appear nowhere
 * (stdout, stderr, the registry, the audit log).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { vigil as run } from "../cli/capture.js";
import { storeBackends } from "../helpers/store-backends.js";
import { BASE, type FakeMlflow, type FakeOptions, startFakeMlflow } from "./server.js";

const { backends } = await storeBackends("mlflow-cli");

const cwd = mkdtempSync(join(tmpdir(), "vigil-mlflow-cli-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const vigil = (argv: string[], env: Record<string, string> = {}) => run(argv, { cwd, env });

let fake: FakeMlflow | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
async function serve(options: FakeOptions = {}): Promise<FakeMlflow> {
  fake = await startFakeMlflow(BASE, options);
  return fake;
}

const TOKEN = "mlflow-token-7f1d2e";
const PASSWORD = "pa55-w0rd-91c";

for (const backend of backends) {
  describe(`vigil mlflow import on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    it("imports with a bearer token, prints a report, and keeps the token out of everything", async () => {
      const { url, options, cliUrl } = backend.fresh();
      const mlflow = await serve({ authorization: `Bearer ${TOKEN}` });
      const args = ["mlflow", "import", "--uri", mlflow.url, "--db", cliUrl, "--page-size", "2"];

      const denied = await vigil(args);
      expect(denied.code).toBe(2);
      expect(denied.stderr).toContain("error VIGIL_MLFLOW_ERROR");
      expect(denied.stderr).toContain("HTTP 401");
      expect(denied.stderr).toContain("Set MLFLOW_TRACKING_TOKEN");

      const env = { MLFLOW_TRACKING_TOKEN: TOKEN };
      const dry = await vigil([...args, "--dry-run"], env);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout.split("\n")[0]).toBe(
        `MLflow ${mlflow.url} -> Vigil registry (dry run: nothing was written)`,
      );

      const first = await vigil(args, env);
      expect(first.code, first.stderr).toBe(0);
      const lines = first.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe(`MLflow ${mlflow.url} -> Vigil registry`);
      expect(lines).toContain("churn: 5 MLflow version(s), new Vigil model");
      expect(lines).toContain("  v2    created    production [champion]");
      expect(lines).toContain(
        "  v5    skipped    status FAILED_REGISTRATION (Failed to copy the model artifacts: permission denied)",
      );
      expect(lines).toContain("forecast: 0 MLflow version(s)");
      expect(lines.at(-1)).toBe(
        "created 9, updated 0, unchanged 0, skipped 1; 10 audit entries; 24 MLflow request(s)",
      );
      expect(mlflow.authorizations.slice(1).every((a) => a === `Bearer ${TOKEN}`)).toBe(true);

      const again = await vigil([...args, "--format", "json"], env);
      expect(again.code, again.stderr).toBe(0);
      const report = JSON.parse(again.stdout);
      expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 9, auditEntries: 1 });

      const shown = await vigil([
        "model",
        "show",
        "churn",
        "champion",
        "--db",
        cliUrl,
        "--format",
        "json",
      ]);
      expect(JSON.parse(shown.stdout)).toMatchObject({
        version: 2,
        stage: "production",
        metadata: { mlflow: { registeredModel: "churn", version: "2", experimentId: "1" } },
      });
      const verify = await vigil(["auditlog", "verify", "--db", cliUrl]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);

      const store = await openStore(url, options);
      try {
        const everything = JSON.stringify([
          await store.listAudit(),
          await Promise.all((await store.listModels()).map(async (m) => store.listVersions(m.id))),
        ]);
        expect(everything).not.toContain(TOKEN);
        expect(everything).toContain("mlflow-import");
      } finally {
        await store.close();
      }
      for (const r of [denied, dry, first, again]) {
        expect(r.stdout + r.stderr).not.toContain(TOKEN);
      }
    });

    it("basic auth from the environment or the URI; the stored URI has no credentials", async () => {
      const { cliUrl } = backend.fresh();
      const basic = `Basic ${Buffer.from(`carol:${PASSWORD}`).toString("base64")}`;
      const mlflow = await serve({ authorization: basic });
      const fromEnv = await vigil(
        [
          "mlflow",
          "import",
          "--uri",
          mlflow.url,
          "--db",
          cliUrl,
          "--page-size",
          "2",
          "--model",
          "pricing",
        ],
        { MLFLOW_TRACKING_USERNAME: "carol", MLFLOW_TRACKING_PASSWORD: PASSWORD },
      );
      expect(fromEnv.code, fromEnv.stderr).toBe(0);
      const withCreds = mlflow.url.replace("http://", `http://carol:${PASSWORD}@`);
      const fromUri = await vigil([
        "mlflow",
        "import",
        "--uri",
        withCreds,
        "--db",
        cliUrl,
        "--page-size",
        "2",
        "--model",
        "pricing",
        "--format",
        "json",
      ]);
      expect(fromUri.code, fromUri.stderr).toBe(0);
      // The same tracking URI both times, so the second run recognizes the first's versions.
      expect(JSON.parse(fromUri.stdout)).toMatchObject({
        trackingUri: mlflow.url,
        unchanged: 1,
        created: 0,
      });
      expect(mlflow.authorizations.every((a) => a === basic)).toBe(true);
      for (const r of [fromEnv, fromUri]) expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    });

    it("errors carry their code and exit 2; usage is checked before any request", async () => {
      const { cliUrl } = backend.fresh();
      const mlflow = await serve();
      const run = (...extra: string[]) =>
        vigil(["mlflow", "import", "--db", cliUrl, "--page-size", "2", ...extra]);
      const unknown = await run("--uri", mlflow.url, "--model", "nope");
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("error VIGIL_MLFLOW_MODEL_NOT_FOUND");
      expect(unknown.stderr).toContain('no registered model named "nope"');
      expect(unknown.stderr).toContain("hint: Check the name given to --model");
      const missing = await run();
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("missing --uri URL (or set MLFLOW_TRACKING_URI)");
      const fromEnv = await vigil(
        ["mlflow", "import", "--db", cliUrl, "--page-size", "2", "--model", "ranker"],
        { MLFLOW_TRACKING_URI: mlflow.url, VIGIL_ACTOR: "ci" },
      );
      expect(fromEnv.code, fromEnv.stderr).toBe(0);
      expect(fromEnv.stdout).toContain(
        `warning: ranker v1: run 0d2f4b6a8c0e4d2f6b8a0c2e4f6a8b73 not found`,
      );
      const requests = mlflow.requests.length;
      for (const bad of [
        ["--uri", mlflow.url, "--page-size", "0"],
        ["--uri", mlflow.url, "--timeout", "soon"],
        ["--uri", mlflow.url, "--format", "html"],
        ["--uri", mlflow.url, "--task", "ranking"],
      ]) {
        const r = await run(...bad);
        expect(r.code, bad.join(" ")).toBe(2);
        expect(r.stderr, bad.join(" ")).toContain("error VIGIL_USAGE");
      }
      expect((await vigil(["mlflow", "export", "--uri", mlflow.url])).stderr).toContain(
        "unknown subcommand",
      );
      expect(mlflow.requests.length).toBe(requests);
      const help = await vigil(["mlflow", "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("--page-size N");
      expect(help.stdout).toContain("--dry-run");
    });
  });
}
