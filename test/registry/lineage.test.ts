/**
 * Lineage capture on real files and a real git repository in a temp directory. Hashes are
 * checked against `sha256sum` (coreutils), not against the code under test.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { VigilError } from "../../src/errors.js";
import {
  captureLineage,
  gitLineage,
  readGateEvidence,
  validateModelCard,
} from "../../src/registry/index.js";
import { errorCode } from "../helpers/error-code.js";

const root = mkdtempSync(join(tmpdir(), "vigil-lineage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sha256sum(path: string): string {
  return execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0] ?? "";
}

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  }).trim();
}

function project(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.pkl"), Buffer.from([0, 1, 2, 3, 250, 251, 252]));
  writeFileSync(join(dir, "train.csv"), "age,city,label\n31,Paris,1\n45,Lyon,0\n22,Nice,1\n");
  writeFileSync(join(dir, "params.yaml"), "lr: 0.1\ndepth: 6\n");
  writeFileSync(join(dir, "metrics.json"), '{"auc": 0.91, "f1": 0.8}');
  writeFileSync(join(dir, "requirements-train.txt"), "scikit-learn==1.5.0\n");
  writeFileSync(join(dir, "package-lock.json"), "{}\n");
  writeFileSync(
    join(dir, "card.yaml"),
    [
      "name: churn",
      "description: Predicts churn for subscription customers.",
      "created_by: alice",
      "training_data: { version: '2026-01', date_range: { from: '2025-01-01', to: '2025-12-31' }, samples: 3 }",
      "features: [age, { name: city, type: categorical }]",
      "algorithm: gradient boosting",
      "hyperparameters: { lr: 0.1 }",
      "performance: { auc: 0.91 }",
      "",
    ].join("\n"),
  );
  return dir;
}

describe("captureLineage", () => {
  it("records artifact, data, params, metrics, card, lock files and runtime", async () => {
    const dir = project("full");
    const l = await captureLineage({
      artifact: join(dir, "model.pkl"),
      data: [join(dir, "train.csv")],
      params: join(dir, "params.yaml"),
      metrics: join(dir, "metrics.json"),
      card: join(dir, "card.yaml"),
      projectDir: dir,
    });
    expect(l.artifact).toEqual({
      uri: pathToFileURL(join(dir, "model.pkl")).href,
      sha256: sha256sum(join(dir, "model.pkl")),
      size: 7,
    });
    expect(l.data).toHaveLength(1);
    expect(l.data[0]?.sha256).toBe(sha256sum(join(dir, "train.csv")));
    expect(l.data[0]?.rows).toBe(3);
    expect(l.data[0]?.schema.map((c) => c.name)).toEqual(["age", "city", "label"]);
    // Few distinct values: src/data types the integer column as categorical, read as BIGINT.
    expect(l.data[0]?.schema[0]?.type).toMatch(/INT/);
    expect(l.data[0]?.schema[1]?.type).toBe("VARCHAR");
    expect(l.params).toEqual({ lr: 0.1, depth: 6 });
    expect(l.metrics).toEqual({ auc: 0.91, f1: 0.8 });
    expect((l.card as { name: string }).name).toBe("churn");
    expect(l.environment.lockFiles).toEqual([
      {
        name: "package-lock.json",
        kind: "npm",
        sha256: sha256sum(join(dir, "package-lock.json")),
      },
      {
        name: "requirements-train.txt",
        kind: "pip",
        sha256: sha256sum(join(dir, "requirements-train.txt")),
      },
    ]);
    expect(l.environment.runtime.node).toBe(process.version);
    // Not a git repository: recorded as unknown, not an error.
    expect(l.git).toEqual({ known: false, commit: null, branch: null, remote: null, dirty: null });
  });

  it("records git commit, branch, remote without credentials, and dirtiness", async () => {
    const dir = project("repo");
    git(dir, "init", "-q", "-b", "main");
    git(dir, "remote", "add", "origin", "https://user:s3cret@example.com/org/churn.git");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "initial");
    const clean = await gitLineage(dir);
    expect(clean).toEqual({
      known: true,
      commit: git(dir, "rev-parse", "HEAD"),
      branch: "main",
      remote: "https://example.com/org/churn.git",
      dirty: false,
    });
    writeFileSync(join(dir, "params.yaml"), "lr: 0.2\n");
    expect((await gitLineage(dir)).dirty).toBe(true);
  });

  it("records git as unknown when the git program is absent", async () => {
    const dir = project("nogit");
    git(dir, "init", "-q");
    const saved = process.env.PATH;
    process.env.PATH = join(root, "empty-bin");
    try {
      expect((await gitLineage(dir)).known).toBe(false);
    } finally {
      process.env.PATH = saved;
    }
  });

  it("rejects missing files, bad metrics and an invalid model card with their codes", async () => {
    const dir = project("bad");
    expect(await errorCode(captureLineage({ artifact: join(dir, "nope.pkl") }))).toBe(
      "VIGIL_FILE_NOT_FOUND",
    );
    expect(
      await errorCode(
        captureLineage({ artifact: join(dir, "model.pkl"), data: [join(dir, "missing.csv")] }),
      ),
    ).toBe("VIGIL_FILE_NOT_FOUND");
    writeFileSync(join(dir, "bad.json"), "{auc: ");
    expect(
      await errorCode(
        captureLineage({ artifact: join(dir, "model.pkl"), metrics: join(dir, "bad.json") }),
      ),
    ).toBe("VIGIL_PARSE_ERROR");
    writeFileSync(join(dir, "card2.yaml"), "name: churn\ndescripton: typo\nfeatures: 3\n");
    let err: VigilError | undefined;
    try {
      await captureLineage({ artifact: join(dir, "model.pkl"), card: join(dir, "card2.yaml") });
    } catch (e) {
      err = e as VigilError;
    }
    expect(err?.code).toBe("VIGIL_INVALID_MODEL_CARD");
    expect(err?.message).toContain("descripton");
    expect(err?.details.map((d) => d.field)).toEqual(expect.arrayContaining(["/", "/features"]));
  });

  it("validates a minimal card and refuses a non-object", () => {
    expect(validateModelCard({ name: "m", description: "d" })).toEqual({
      name: "m",
      description: "d",
    });
    expect(() => validateModelCard("just text")).toThrow(VigilError);
  });
});

describe("readGateEvidence", () => {
  it("hashes the exact bytes and takes the time from generatedAt, else the file time", () => {
    const p = join(root, "gate.json");
    writeFileSync(
      p,
      JSON.stringify({
        policy: "p.yaml",
        status: "PASS",
        gates: [{ name: "drift", status: "PASS" }],
        generatedAt: "2026-01-02T00:00:00Z",
      }),
    );
    const e = readGateEvidence(p);
    expect(e.sha256).toBe(sha256sum(p));
    expect(e.generatedAt).toBe(Date.UTC(2026, 0, 2));
    expect(e.timeSource).toBe("report");
    const q = join(root, "gate2.json");
    writeFileSync(q, JSON.stringify({ status: "FAIL", gates: [] }));
    const f = readGateEvidence(q);
    expect(f.timeSource).toBe("file-mtime");
    expect(Math.abs(f.generatedAt - Date.now())).toBeLessThan(60_000);
    writeFileSync(q, '{"gates": 3}');
    expect(() => readGateEvidence(q)).toThrow(/not a `vigil gate --format json` result/);
  });
});
