/**
 * `vigil model card` on every backend: the card rendered from the registry in Markdown and
 * self-contained HTML. Content is asserted piece by piece (no snapshots); hostile strings in
 * every user-controlled field must come out escaped, and the HTML page must not load
 * anything (no scripts, links, images or URLs in styles).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildModelCard,
  captureLineage,
  Registry,
  readGateEvidence,
  renderCardHtml,
  renderCardMarkdown,
} from "../../src/registry/index.js";
import type { Store } from "../../src/store/index.js";
import { vigil } from "../cli/capture.js";
import { startTestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("card");

const NOW = Date.UTC(2026, 5, 1, 12);
const HOSTILE = `<script>alert("x")</script> & <img src=x onerror=alert(1)> | [click](javascript:alert(1))`;

const dir = mkdtempSync(join(tmpdir(), "vigil-card-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CARD = `name: churn
version: "2026.06"
description: |
  Predicts which subscribers cancel next month.

  Second paragraph ${HOSTILE}
created_by: alice
training_data: { version: "2026-05", date_range: { from: "2025-06-01", to: "2026-05-31" }, samples: 4 }
features:
  - age
  - { name: "plan|<b>tier</b>", type: categorical, description: "${HOSTILE.replace(/"/g, '\\"')}" }
algorithm: gradient boosting
hyperparameters: { max_depth: 4, optimizer: { lr: 0.05 }, "<h1>key</h1>": 1 }
performance: { auc: 0.91, recall: { value: 0.7 } }
fairness: { demographic_parity_gap: 0.03 }
approvals: [{ by: carol, role: risk, date: "2026-05-30" }]
`;
for (const [name, text] of Object.entries({
  "model.pkl": "weights\n",
  "train.csv": "age,plan,churned\n31,basic,0\n45,pro,1\n22,basic,0\n60,pro,1\n",
  "metrics.json": '{ "f1": 0.78, "logloss": 0.000012 }\n',
  "card.yaml": CARD,
  "gate.json": JSON.stringify({
    policy: "policy.yaml",
    gates: [{ name: "drift", kind: "drift", status: "PASS" }],
    summary: {},
    strict: false,
    status: "PASS",
    generatedAt: new Date(NOW).toISOString(),
  }),
})) {
  writeFileSync(join(dir, name), text);
}

async function scenario(store: Store): Promise<void> {
  const reg = new Registry(store, { now: () => NOW });
  const lineage = await captureLineage({
    artifact: join(dir, "model.pkl"),
    data: [join(dir, "train.csv")],
    metrics: join(dir, "metrics.json"),
    card: join(dir, "card.yaml"),
    projectDir: dir,
  });
  await reg.register({
    name: "churn",
    actor: "alice",
    lineage: lineage as never,
    tags: { owner: HOSTILE },
  });
  await reg.register({
    name: "churn",
    actor: "alice",
    lineage: { artifact: { ...lineage.artifact } },
  });
  await reg.promote("churn", 1, { actor: "alice", gate: readGateEvidence(join(dir, "gate.json")) });
  await reg.approve("churn", 1, { actor: "bob", role: "approver", reason: HOSTILE });
  await reg.promote("churn", 1, { actor: "alice" });
  await reg.setAlias("churn", "champion", 1, "alice");
  await reg.deploy("churn", { environment: "production", version: 1, actor: "ops" });
  await reg.deploy("churn", {
    environment: "eu-west",
    version: 2,
    canary: 1,
    share: 5,
    actor: "ops",
  });
}

/** Every tag in the page, with its attributes: only these may appear, and none loads anything. */
const ALLOWED_TAGS = new Set(
  "html head meta title style body h1 h2 p span section table thead tbody tr th td".split(" "),
);
const ALLOWED_ATTRS = new Set(["lang", "charset", "name", "content", "http-equiv", "class"]);

function checkSelfContained(html: string): void {
  for (const m of html.matchAll(/<\/?([A-Za-z][A-Za-z0-9-]*)([^>]*)>/g)) {
    const [, tag = "", attrs = ""] = m;
    expect(ALLOWED_TAGS.has(tag.toLowerCase()), `tag <${tag}>`).toBe(true);
    for (const a of attrs.matchAll(/([A-Za-z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/g)) {
      expect(ALLOWED_ATTRS.has(a[1]!.toLowerCase()), `attribute ${a[1]} in <${tag}>`).toBe(true);
    }
  }
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
  expect(style).not.toMatch(/url\(|@import|expression\(/i);
  expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  expect(html).not.toMatch(/<script|<img|<a\s|<link|<iframe|<h1>key/i);
}

/** The text a reader sees: Markdown backslash escapes and HTML character references undone. */
const unescapeMd = (md: string) => md.replace(/\\(.)/g, "$1");
const unescapeHtml = (html: string) =>
  html.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

function checkContent(text: string): void {
  for (const needle of [
    "Predicts which subscribers cancel next month.",
    "churn",
    "production",
    "gradient boosting",
    "2025-06-01 to 2026-05-31",
    "max_depth",
    "optimizer.lr",
    "0.05",
    "auc",
    "0.91",
    "recall.value",
    "f1",
    "0.78",
    "1.200e-5",
    "metrics file",
    "demographic_parity_gap",
    "carol",
    "declared in the card",
    "bob",
    "approver",
    "2026-06-01T12:00:00Z",
    "eu-west",
    "canary",
    "5%",
    "champion",
    "100%",
  ]) {
    expect(text, needle).toContain(needle);
  }
}

for (const backend of backends) {
  describe(`model card on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    it("renders the registry's record as Markdown and HTML, escaping every user string", async () => {
      const { store, cliUrl } = await backend.open();
      try {
        await scenario(store);
        const doc = await buildModelCard(store, "churn", "champion", NOW);
        expect(doc).toMatchObject({ model: "churn", version: 1, stage: "production" });
        expect(doc.deployments.map((d) => d.environment)).toEqual(["eu-west", "production"]);
        expect(doc.lineage.artifact?.sha256).toMatch(/^[0-9a-f]{64}$/);

        const md = renderCardMarkdown(doc);
        checkContent(unescapeMd(md));
        expect(md).toContain("# Model card: churn v1");
        expect(md).toContain(doc.lineage.artifact!.sha256);
        expect(md).toContain("Second paragraph");
        // No raw markup or link syntax survives: every < > [ ] is escaped.
        expect(md).not.toMatch(/(^|[^\\])[<>[\]]/m);
        expect(md).toContain("\\<script\\>");
        // A | inside a cell is escaped, so each row of a table has the header's column count.
        for (const table of md.split(/\n\n/).filter((b) => b.startsWith("| "))) {
          const [header = "", ...rows] = table.split("\n");
          const cells = (l: string) => l.replace(/\\\|/g, "").split("|").length;
          for (const r of rows) expect(cells(r), r).toBe(cells(header));
        }

        const html = renderCardHtml(doc);
        checkContent(unescapeHtml(html));
        checkSelfContained(html);
        expect(html).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;");
        expect(html).toContain("plan|&#60;b&#62;tier&#60;/b&#62;");

        // Version 2 has no card: the page says so instead of failing.
        const bare = renderCardMarkdown(await buildModelCard(store, "churn", 2, NOW));
        expect(bare).toContain("No model card was supplied at registration");
        expect(bare).toContain("# Model card: churn v2");

        // The CLI: Markdown to stdout by default, HTML to --out.
        const run = (...argv: string[]) => vigil(["model", ...argv, "--db", cliUrl], { cwd: dir });
        const mdOut = await run("card", "churn", "1");
        expect(mdOut.code, mdOut.stderr).toBe(0);
        expect(mdOut.stdout).toContain("# Model card: churn v1");
        const out = join(dir, `card-${backend.name}.html`);
        const htmlOut = await run("card", "churn", "1", "--format", "html", "--out", out);
        expect(htmlOut.code, htmlOut.stderr).toBe(0);
        const written = readFileSync(out, "utf8");
        checkSelfContained(written);
        checkContent(unescapeHtml(written));
        for (const [argv, exit, code] of [
          [["card", "churn", "9"], 2, "VIGIL_VERSION_NOT_FOUND"],
          [["card", "nope", "1"], 2, "VIGIL_MODEL_NOT_FOUND"],
          [["card", "churn"], 2, "VIGIL_USAGE"],
          [["card", "churn", "1", "--format", "pdf"], 2, "VIGIL_USAGE"],
        ] as const) {
          const r = await run(...argv);
          expect([r.code, r.stderr.split("\n")[0]], argv.join(" ")).toEqual([
            exit,
            expect.stringContaining(code),
          ]);
        }
      } finally {
        await store.close();
      }
    });

    it("serves the card over HTTP as JSON, Markdown or HTML, and to the CLI's --server", async () => {
      const srv = await startTestServer({ backend, now: () => NOW });
      try {
        await scenario(srv.store);
        const viewer = await srv.token("viewer");
        const path = "/api/v1/registry/models/churn/versions/1/card";
        const local = await buildModelCard(srv.store, "churn", 1, NOW);
        const json = await srv.request("GET", path, { token: viewer });
        expect(json.status, json.text).toBe(200);
        expect(json.json).toEqual(JSON.parse(JSON.stringify(local)));
        const html = await srv.request("GET", `${path}?format=html`, { token: viewer });
        expect(html.headers.get("content-type")).toMatch(/^text\/html/);
        expect(html.text).toBe(renderCardHtml(local));
        const md = await srv.request("GET", `${path}?format=md`, { token: viewer });
        expect(md.headers.get("content-type")).toMatch(/^text\/markdown/);
        expect(md.text).toBe(renderCardMarkdown(local));
        expect((await srv.request("GET", path)).status).toBe(401);
        const bad = await srv.request("GET", `${path}?format=pdf`, { token: viewer });
        expect([bad.status, bad.json.error.code]).toEqual([400, "VIGIL_INVALID_ARGUMENT"]);
        const missing = await srv.request("GET", path.replace("/1/", "/7/"), { token: viewer });
        expect([missing.status, missing.json.error.code]).toEqual([404, "VIGIL_VERSION_NOT_FOUND"]);

        const remote = await vigil(["model", "card", "churn", "1"], {
          cwd: dir,
          env: { VIGIL_SERVER: srv.url, VIGIL_TOKEN: viewer },
        });
        expect(remote.code).toBe(0);
        expect(remote.stdout).toBe(renderCardMarkdown(local));
      } finally {
        await srv.close();
      }
    });
  });
}
