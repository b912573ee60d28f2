import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { isVigilError, type VigilError } from "../../src/errors.js";
import { parsePolicy, runPolicy } from "../../src/gate/index.js";
import { policyJsonSchema } from "../../src/gate/schema.js";
import { readGateEvidence } from "../../src/registry/evidence.js";

let dir = "";
const model = '{"weights":[1,2,3]}\n';

function io() {
  let out = "";
  let err = "";
  const x: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd: dir,
    env: {},
  };
  return { io: x, out: () => out, err: () => err };
}

function policyError(yaml: string): VigilError {
  try {
    parsePolicy(yaml, "p.yaml");
  } catch (err) {
    if (isVigilError(err)) return err;
    throw err;
  }
  throw new Error("policy was accepted");
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vigil-gate-"));
  // 8 holdout rows: y, two models, a sensitive attribute.
  writeFileSync(
    join(dir, "holdout.csv"),
    "y,a,b,pa,pb,g\n1,1,1,0.9,0.95,x\n1,0,1,0.4,0.8,x\n0,0,0,0.2,0.1,x\n0,1,0,0.6,0.3,x\n1,1,1,0.7,0.9,y\n0,0,0,0.3,0.2,y\n1,0,1,0.45,0.7,y\n0,0,0,0.1,0.05,y\n",
  );
  writeFileSync(join(dir, "batch.csv"), "id,v\n1,5\n2,7\n3,-1\n");
  writeFileSync(
    join(dir, "suite.yaml"),
    "expectations:\n  - expect: expect_column_values_to_be_between\n    column: v\n    min_value: 0\n",
  );
  writeFileSync(
    join(dir, "warn-suite.yaml"),
    "expectations:\n  - expect: expect_column_values_to_be_between\n    column: v\n    min_value: 0\n    severity: warning\n",
  );
  writeFileSync(
    join(dir, "lat.csv"),
    `ms\n${Array.from({ length: 101 }, (_, i) => i).join("\n")}\n`,
  );
  mkdirSync(join(dir, "m"));
  writeFileSync(join(dir, "m", "model.json"), model);
  writeFileSync(
    join(dir, "m", "model.sha256"),
    `${createHash("sha256").update(model).digest("hex")}  model.json\n`,
  );
  writeFileSync(
    join(dir, "CARD.md"),
    "# Card\nOwner: me\n## Intended use\ntext\n**Metrics**: auc\n",
  );
  const old = new Date("2024-01-01T00:00:00Z");
  writeFileSync(join(dir, "OLD_CARD.md"), "## Intended use\n");
  utimesSync(join(dir, "OLD_CARD.md"), old, old);
});

async function one(gateYaml: string) {
  const p = parsePolicy(
    `gates:\n  - ${gateYaml.trim().replace(/\n/g, "\n    ")}\n`,
    join(dir, "p.yaml"),
  );
  const r = await runPolicy(p);
  return r.gates[0]!;
}

describe("gate report", () => {
  it("carries the time it ran, which the registry uses to age the evidence", async () => {
    const p = parsePolicy(
      "gates:\n  - kind: artifact\n    path: model.json\n",
      join(dir, "p.yaml"),
    );
    const r = await runPolicy(p, { now: new Date(Date.UTC(2026, 10, 1, 12)) });
    expect(r.generatedAt).toBe("2026-11-01T12:00:00.000Z");
    const file = join(dir, "gate-result.json");
    writeFileSync(file, JSON.stringify(r));
    const e = readGateEvidence(file);
    expect(e.timeSource).toBe("report");
    expect(e.generatedAt).toBe(Date.UTC(2026, 10, 1, 12));
  });
});

describe("gate kinds", () => {
  it("validate: fails on an error-severity failure and warns on a warning", async () => {
    const g = await one("kind: validate\ndata: batch.csv\nsuite: suite.yaml");
    expect(g.status).toBe("FAIL");
    expect(g.reasons[0]).toContain("1 of 3 rows");
    expect((await one("kind: validate\ndata: batch.csv\nsuite: warn-suite.yaml")).status).toBe(
      "WARN",
    );
  });

  it("metrics: require fails, warn warns, both meet passes", async () => {
    // Model b: accuracy 1, ROC AUC 1. Model a: accuracy 5/8.
    expect(
      (
        await one(
          "kind: metrics\ndata: holdout.csv\ntarget: y\nprediction: b\nscore: [pb]\nrequire: ['roc_auc >= 0.99', 'accuracy >= 1']",
        )
      ).status,
    ).toBe("PASS");
    const f = await one(
      "kind: metrics\ndata: holdout.csv\ntarget: y\nprediction: a\nrequire: ['accuracy >= 0.7']",
    );
    expect(f.status).toBe("FAIL");
    expect(f.reasons[0]).toBe("failed: accuracy = 0.625 does not meet >= 0.7");
    expect(
      (
        await one(
          "kind: metrics\ndata: holdout.csv\ntarget: y\nprediction: a\nrequire: ['accuracy >= 0.6']\nwarn: ['accuracy >= 0.7']",
        )
      ).status,
    ).toBe("WARN");
  });

  it("compare: a better challenger passes, a worse one fails", async () => {
    const base = "kind: compare\ndata: holdout.csv\ntarget: y\nmetric: accuracy\nresamples: 200";
    expect((await one(`${base}\nchampion: a\nchallenger: b`)).status).toBe("PASS");
    const g = await one(`${base}\nchampion: b\nchallenger: a`);
    expect(g.status).toBe("FAIL");
    expect(g.reasons[0]).toContain("is not non-inferior");
  });

  it("fairness: fails the four-fifths rule and passes with loose bounds", async () => {
    // Model a selects 2/4 in x and 1/4 in y: DI 0.5.
    const g = await one(
      "kind: fairness\ndata: holdout.csv\ntarget: y\nprediction: a\nsensitive: [g]\nprivileged: {g: x}",
    );
    expect(g.status).toBe("FAIL");
    expect(g.reasons[0]).toContain("disparate_impact = 0.5000");
    expect(
      (
        await one(
          "kind: fairness\ndata: holdout.csv\ntarget: y\nprediction: a\nsensitive: [g]\ndi_min: 0.4\nmax_difference: 0.6",
        )
      ).status,
    ).toBe("PASS");
  });

  it("artifact: checks existence, size and the recorded sha256", async () => {
    expect(
      (await one("kind: artifact\npath: m/model.json\nmax_size: 1KB\nsha256_file: m/model.sha256"))
        .status,
    ).toBe("PASS");
    expect((await one("kind: artifact\npath: m/model.json\nmax_size: 10")).status).toBe("FAIL");
    const w = await one("kind: artifact\npath: m/model.json");
    expect(w.status).toBe("WARN");
    expect(w.details.sha256).toBe(createHash("sha256").update(model).digest("hex"));
    expect((await one("kind: artifact\npath: m/model.json\nsha256: abc")).status).toBe("FAIL");
    expect((await one("kind: artifact\npath: m/nope.bin")).status).toBe("FAIL");
  });

  it("latency: p99 with linear interpolation against max and warn", async () => {
    // 0..100: p99 = 99 exactly; p95 = 95.
    const g = await one("kind: latency\ndata: lat.csv\ncolumn: ms\nmax: 99");
    expect(g.status).toBe("PASS");
    expect(g.details.value).toBe(99);
    expect((await one("kind: latency\ndata: lat.csv\ncolumn: ms\nmax: 98.9")).status).toBe("FAIL");
    expect(
      (await one("kind: latency\ndata: lat.csv\ncolumn: ms\npercentile: 95\nmax: 99\nwarn: 94"))
        .status,
    ).toBe("WARN");
  });

  it("docs: required fields, and the card must not be older than the model", async () => {
    expect(
      (
        await one(
          "kind: docs\npath: CARD.md\nrequired_fields: [Owner, Intended use, Metrics]\nmodel: m/model.json",
        )
      ).status,
    ).toBe("PASS");
    const missing = await one("kind: docs\npath: CARD.md\nrequired_fields: [Limitations]");
    expect(missing.status).toBe("FAIL");
    expect(missing.reasons[0]).toBe("missing field: Limitations");
    const old = await one("kind: docs\npath: OLD_CARD.md\nmodel: m/model.json");
    expect(old.status).toBe("FAIL");
    expect(old.reasons[0]).toContain("older than the model");
  });

  it("a gate that cannot run fails with the reason; severity warning turns a failure into a warning", async () => {
    const g = await one("kind: latency\ndata: nope.csv\ncolumn: ms\nmax: 1");
    expect(g.status).toBe("FAIL");
    expect(g.reasons[0]).toContain("VIGIL_FILE_NOT_FOUND");
    expect(
      (await one("kind: latency\ndata: lat.csv\ncolumn: ms\nmax: 1\nseverity: warning")).status,
    ).toBe("WARN");
  });
});

describe("vigil gate CLI", () => {
  const policy = `name: release
gates:
  - name: metrics
    kind: metrics
    data: holdout.csv
    target: y
    prediction: b
    require: ["accuracy >= 0.9"]
  - name: latency
    kind: latency
    data: lat.csv
    column: ms
    max: 200
    warn: 50
`;
  it("exits 0 with a warning, 1 with --strict, and writes JUnit and Markdown", async () => {
    writeFileSync(join(dir, "policy.yaml"), policy);
    const a = io();
    expect(
      await main(["gate", "policy.yaml", "--junit", "gate.xml", "--markdown", "gate.md"], a.io),
    ).toBe(0);
    expect(a.out()).toContain("WARN: 1 passed, 1 warned, 0 failed");
    expect(readFileSync(join(dir, "gate.xml"), "utf8")).toContain('tests="2" failures="0"');
    expect(readFileSync(join(dir, "gate.md"), "utf8")).toContain("## ⚠️ Promotion gate: release");
    const b = io();
    expect(await main(["gate", "policy.yaml", "--strict", "--format", "junit"], b.io)).toBe(1);
    expect(b.out()).toContain('tests="2" failures="1"');
    const c = io();
    expect(await main(["gate", "policy.yaml", "--format", "json"], c.io)).toBe(0);
    const r = JSON.parse(c.out());
    expect(r.gates.map((g: { status: string }) => g.status)).toEqual(["PASS", "WARN"]);
    expect(r.summary).toEqual({ pass: 1, warn: 1, fail: 0 });
  });

  it("exits 1 when a gate fails and 2 for an invalid policy, with the YAML line", async () => {
    writeFileSync(join(dir, "fail.yaml"), policy.replace("accuracy >= 0.9", "accuracy > 1"));
    expect(await main(["gate", "fail.yaml"], io().io)).toBe(1);
    writeFileSync(join(dir, "bad.yaml"), policy.replace("max: 200", "max: lots"));
    const b = io();
    expect(await main(["gate", "bad.yaml"], b.io)).toBe(2);
    expect(b.err()).toContain("VIGIL_INVALID_POLICY");
    expect(b.err()).toContain("line 13");
  });
});

describe("policy validation", () => {
  it("names the line of an unknown kind, a bad condition, a missing field, an unknown field", () => {
    expect(policyError("gates:\n  - kind: speed\n").details[0]).toMatchObject({
      line: 2,
      message: expect.stringContaining('unknown kind "speed"'),
    });
    const e = policyError(
      "gates:\n  - kind: metrics\n    data: x.csv\n    target: y\n    require:\n      - 'roc_auc >= 0.8'\n      - 'auc >= 0.8'\n",
    );
    expect(e.details[0]).toMatchObject({
      line: 7,
      message: expect.stringContaining('unknown metric "auc"'),
    });
    expect(
      policyError("gates:\n  - kind: latency\n    data: x.csv\n    column: ms\n").details[0]!
        .message,
    ).toContain("needs `max`");
    expect(
      policyError("gates:\n  - kind: docs\n    path: a.md\n    fields: [x]\n").details[0],
    ).toMatchObject({ line: 4 });
    expect(
      policyError("gates:\n  - kind: docs\n    path: a.md\n  - kind: docs\n    path: b.md\n")
        .message,
    ).toContain('duplicate gate name "docs"');
  });

  it("is described by the committed schemas/policy.schema.json, which accepts the example policy", () => {
    const schema = policyJsonSchema();
    expect(
      JSON.parse(
        readFileSync(new URL("../../schemas/policy.schema.json", import.meta.url), "utf8"),
      ),
    ).toEqual(schema);
    const check = new Ajv2020.default({ strict: false }).compile(schema);
    const example = parse(
      readFileSync(new URL("../../examples/classifier/policy.yaml", import.meta.url), "utf8"),
    );
    expect(check(example)).toBe(true);
    expect(check({ gates: [{ kind: "latency", data: "x", column: "ms" }] })).toBe(false);
    // The loader accepts it too.
    expect(
      parsePolicy(
        readFileSync(new URL("../../examples/classifier/policy.yaml", import.meta.url), "utf8"),
      ).gates.length,
    ).toBe(8);
  });
});

describe("docs/ci.md", () => {
  it("documents every gate kind and each of its fields", async () => {
    const { GATE_KINDS } = await import("../../src/gate/catalog.js");
    const doc = readFileSync(new URL("../../docs/ci.md", import.meta.url), "utf8");
    for (const [kind, spec] of Object.entries(GATE_KINDS)) {
      const section = doc.split(`### \`${kind}\``)[1]?.split("### ")[0] ?? "";
      expect(section, kind).not.toBe("");
      for (const field of Object.keys(spec.fields))
        expect(section, `${kind}.${field}`).toContain(`| \`${field}\``);
    }
  });
});
