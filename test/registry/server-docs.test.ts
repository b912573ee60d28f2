/**
 * Runs the server walk-through of docs/registry.md ("Server mode", the ```sh server block)
 * against a real server: writes the doc's `file=NAME` blocks into an empty directory, makes
 * one token per person the doc names, and runs each line in-process with VIGIL_SERVER and
 * the line's `VIGIL_TOKEN=$NAME`. A line ending in `# fails: CODE` must fail naming CODE.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TokenRole } from "../../src/store/index.js";
import { vigil } from "../cli/capture.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const doc = readFileSync(new URL("../../docs/registry.md", import.meta.url), "utf8");
const dir = mkdtempSync(join(tmpdir(), "vigil-registry-server-doc-"));

const blocks = [...doc.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  info: m[1] ?? "",
  body: m[2] ?? "",
}));
const files = blocks.filter((b) => /\bfile=\S+/.test(b.info));
const lines = blocks
  .filter((b) => b.info.trim() === "sh server")
  .flatMap((b) => b.body.split("\n"))
  .map((l) => l.trim())
  .filter((l) => /^(VIGIL_TOKEN=\$\w+\s+)?vigil /.test(l));

/** The people of the doc's paragraph: token variable -> name and role. */
const PEOPLE: Record<string, { name: string; role: TokenRole }> = {
  DANA: { name: "dana", role: "data-scientist" },
  DANA_APPROVER: { name: "dana", role: "approver" },
  ERIN: { name: "erin", role: "ml-engineer" },
  BOB: { name: "bob", role: "approver" },
  VERA: { name: "vera", role: "viewer" },
  ADMIN: { name: "admin", role: "admin" },
};

function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

const cli = (argv: string[], env: Record<string, string>) => vigil(argv, { cwd: dir, env });

describe("docs/registry.md server walk-through", () => {
  let srv: TestServer;
  afterAll(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("has lines to run for every person", () => {
    expect(lines.length).toBeGreaterThanOrEqual(15);
    const used = new Set(lines.map((l) => /^VIGIL_TOKEN=\$(\w+)/.exec(l)?.[1]).filter(Boolean));
    expect([...used].sort()).toEqual(Object.keys(PEOPLE).sort());
  });

  it("runs every line with the documented outcome", async () => {
    for (const f of files) writeFileSync(join(dir, /\bfile=(\S+)/.exec(f.info)![1]!), f.body);
    srv = await startTestServer();
    const tokens: Record<string, string> = {};
    for (const [key, p] of Object.entries(PEOPLE))
      tokens[key] = await srv.token(p.role, null, p.name);
    for (const line of lines) {
      const [cmd = "", fails] = line.split(/\s+#\s*fails:\s*/);
      const who = /^VIGIL_TOKEN=\$(\w+)\s+/.exec(cmd);
      const argv = words(cmd.slice(who?.[0].length ?? 0)).slice(1);
      const env: Record<string, string> = { VIGIL_SERVER: srv.url };
      if (who) env.VIGIL_TOKEN = tokens[who[1]!]!;
      const started = performance.now();
      const r = await cli(argv, env);
      if (argv[1] === "rollback" && !fails) {
        console.log(
          `[registry server docs] rollback through the CLI and the server: ${(performance.now() - started).toFixed(1)} ms`,
        );
      }
      if (fails) {
        expect(r.code, `${line}\n${r.stdout}${r.stderr}`).not.toBe(0);
        expect(r.stderr, line).toContain(fails.trim());
      } else {
        expect(r.code, `${line}\n${r.stdout}${r.stderr}`).toBe(0);
      }
    }
    const v1 = await srv.request("GET", "/api/v1/registry/models/churn/versions/1", {
      token: tokens.VERA!,
    });
    expect(v1.json).toMatchObject({
      stage: "production",
      aliases: ["champion"],
      registeredBy: "dana",
    });
    expect(v1.json.metadata.lineage.card.name).toBe("churn");
    const actors = (await srv.store.listAudit()).map((e) => `${e.action} ${e.actor}`);
    expect(actors).toEqual([
      "model.register dana",
      "model.policy.set admin",
      "model.promote erin",
      "model.approve bob",
      "model.promote erin",
      "model.alias.set erin",
      "model.register dana",
      "model.promote erin",
      "model.approve bob",
      "model.promote erin",
      "model.rollback erin",
    ]);
  });
});
