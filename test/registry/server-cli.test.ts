/**
 * `vigil model` and `vigil auditlog` with --server against a real `vigil serve` on SQLite and
 * PostgreSQL, people as API tokens. The same scenario runs on the embedded store (--db, with
 * --actor and --role saying who acts) and through the server (VIGIL_SERVER, VIGIL_TOKEN):
 * every step must end with the same exit code and error code, and the registries and audit
 * trails they leave must match entry for entry. Then the server-only parts: exports that
 * verify offline, anchors, a tampered log, tokens that may not act, and servers that are
 * not there or are not Vigil.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { parseAuditJsonl, verifyEntries } from "../../src/auditlog/index.js";
import type { TokenRole } from "../../src/store/index.js";
import { type Captured, vigil } from "../cli/capture.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeBackends, type TestBackend } from "../helpers/store-backends.js";

const { backends } = await storeBackends("registry-server-cli");

const cwd = mkdtempSync(join(tmpdir(), "vigil-registry-server-cli-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const gate = (status: string) =>
  JSON.stringify({
    policy: "policy.yaml",
    gates: [{ name: "drift", kind: "drift", status }],
    summary: {},
    strict: false,
    status,
  });
for (const [name, text] of Object.entries({
  "model.pkl": "not really a pickle\n",
  "train.csv": "age,plan,churned\n31,basic,0\n45,pro,1\n22,basic,0\n",
  "metrics.json": '{ "auc": 0.91 }\n',
  "card.yaml": "name: churn\ndescription: Predicts churn.\nfeatures: [age, plan]\n",
  "bad-card.yaml": "name: churn\ndescripton: typo\n",
  "policy.yaml":
    "transitions:\n  staging:\n    gate: { maxAgeDays: 7 }\n  production:\n    approvals: { count: 1, role: approver }\n    reasonRequired: true\n",
  // As `vigil gate --format json` writes them: no generatedAt, so the file time is the age.
  "gate.json": gate("PASS"),
  "gate-fail.json": gate("FAIL"),
})) {
  writeFileSync(join(cwd, name), text);
}

const cli = (argv: string[], env: Record<string, string> = {}) => vigil(argv, { cwd, env });

/** People and the role their token has. `dana2` is dana holding an approver token. */
const PEOPLE: Record<string, { name: string; role: TokenRole }> = {
  dana: { name: "dana", role: "data-scientist" },
  dana2: { name: "dana", role: "approver" },
  erin: { name: "erin", role: "ml-engineer" },
  bob: { name: "bob", role: "approver" },
  admin: { name: "admin", role: "admin" },
  vera: { name: "vera", role: "viewer" },
};

/** [who, argv after `vigil model`, expected exit code, expected error code]. */
const SCENARIO: [string, string[], number, string?][] = [
  [
    "dana",
    [
      "register",
      "churn",
      "--artifact",
      "model.pkl",
      "--data",
      "train.csv",
      "--metrics",
      "metrics.json",
      "--card",
      "card.yaml",
      "--tag",
      "team=growth",
    ],
    0,
  ],
  ["dana", ["register", "churn", "--artifact", "model.pkl"], 0],
  ["dana", ["register", "churn", "--artifact", "missing.pkl"], 2, "VIGIL_FILE_NOT_FOUND"],
  [
    "dana",
    ["register", "churn", "--artifact", "model.pkl", "--card", "bad-card.yaml"],
    2,
    "VIGIL_INVALID_MODEL_CARD",
  ],
  ["admin", ["policy", "churn", "--policy", "policy.yaml"], 0],
  ["erin", ["promote", "churn", "1"], 1, "VIGIL_GATE_EVIDENCE"],
  ["erin", ["promote", "churn", "1", "--gate", "gate-fail.json"], 1, "VIGIL_GATE_EVIDENCE"],
  ["erin", ["promote", "churn", "1", "--gate", "gate.json"], 0],
  ["dana2", ["approve", "churn", "1"], 1, "VIGIL_SELF_APPROVAL"],
  ["erin", ["promote", "churn", "1", "--reason", "first release"], 1, "VIGIL_POLICY_NOT_MET"],
  ["bob", ["approve", "churn", "1"], 0],
  ["bob", ["approve", "churn", "1"], 2, "VIGIL_ALREADY_EXISTS"],
  ["erin", ["promote", "churn", "1"], 1, "VIGIL_POLICY_NOT_MET"],
  ["erin", ["promote", "churn", "1", "--reason", "first release"], 0],
  ["erin", ["alias", "churn", "1", "--alias", "champion"], 0],
  ["erin", ["promote", "churn", "2", "--gate", "gate.json"], 0],
  ["bob", ["approve", "churn", "2", "--reason", "retrained"], 0],
  ["erin", ["promote", "churn", "2", "--reason", "retrained on May data"], 0],
  ["bob", ["reject", "churn", "3"], 2, "VIGIL_VERSION_NOT_FOUND"],
  ["dana", ["register", "churn", "--artifact", "model.pkl"], 0],
  ["bob", ["reject", "churn", "3"], 1, "VIGIL_POLICY_NOT_MET"],
  ["bob", ["reject", "churn", "3", "--reason", "not calibrated"], 0],
  ["erin", ["promote", "churn", "3", "--gate", "gate.json"], 1, "VIGIL_POLICY_NOT_MET"],
  ["erin", ["rollback", "churn"], 1, "VIGIL_POLICY_NOT_MET"],
  ["erin", ["rollback", "churn", "--reason", "latency regression"], 0],
  ["erin", ["rollback", "churn", "--reason", "again"], 2, "VIGIL_FORBIDDEN_TRANSITION"],
  ["erin", ["promote", "churn", "1", "--to", "staging"], 2, "VIGIL_FORBIDDEN_TRANSITION"],
  ["erin", ["promote", "churn", "1", "--to", "live"], 2, "VIGIL_USAGE"],
  ["erin", ["archive", "churn", "3"], 0],
  ["erin", ["alias", "churn", "--alias", "champion", "--delete"], 0],
  ["erin", ["alias", "churn", "--alias", "champion", "--delete"], 2, "VIGIL_VERSION_NOT_FOUND"],
  ["admin", ["policy", "churn", "--policy", "nope.yaml"], 2, "VIGIL_FILE_NOT_FOUND"],
  ["vera", ["show", "churn", "9"], 2, "VIGIL_VERSION_NOT_FOUND"],
  ["vera", ["show", "nope"], 2, "VIGIL_MODEL_NOT_FOUND"],
  ["vera", ["policy", "nope"], 2, "VIGIL_MODEL_NOT_FOUND"],
  ["vera", ["list"], 0],
  ["vera", ["show", "churn"], 0],
  ["vera", ["policy", "churn"], 0],
];

/** What must match between the two modes: no times, ids or hashes over times. */
function comparable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (k, v) =>
    ["createdAt", "updatedAt", "at", "time", "hash", "prevHash", "versionId"].includes(k)
      ? undefined
      : v,
  );
}

for (const backend of backends) {
  describe(`vigil model --server on ${backend.name}`, () => {
    let srv: TestServer;
    /** The server's database as a --db URL, to read it embedded next to the server. */
    let serverDb = "";
    const backendUrl = () => serverDb;
    const env: Record<string, Record<string, string>> = {};
    const embedded = backend.fresh();
    afterAll(async () => {
      await srv?.close();
      await backend.cleanup();
    });

    it("ends every step of the scenario as the embedded store does", async () => {
      const recording: TestBackend = {
        ...backend,
        open: async () => {
          const opened = await backend.open();
          serverDb = opened.cliUrl;
          return opened;
        },
      };
      srv = await startTestServer({ backend: recording });
      for (const [key, p] of Object.entries(PEOPLE)) {
        env[key] = { VIGIL_SERVER: srv.url, VIGIL_TOKEN: await srv.token(p.role, null, p.name) };
      }
      for (const [who, argv, code, error] of SCENARIO) {
        const p = PEOPLE[who]!;
        const role = argv[0] === "approve" || argv[0] === "reject" ? ["--role", p.role] : [];
        const local = await cli([
          "model",
          ...argv,
          "--db",
          embedded.cliUrl,
          "--actor",
          p.name,
          ...role,
        ]);
        const remote = await cli(["model", ...argv], env[who]);
        const line = `${who}: vigil model ${argv.join(" ")}`;
        expect(local.code, `${line} (embedded)\n${local.stderr}`).toBe(code);
        expect(remote.code, `${line} (server)\n${remote.stderr}`).toBe(code);
        if (error) {
          expect(local.stderr, line).toContain(error);
          expect(remote.stderr, line).toContain(error);
        } else if (argv[0] !== "show" && argv[0] !== "policy") {
          // Same words, except times: `show` and `policy` print them.
          expect(remote.stdout, line).toBe(local.stdout);
        }
      }

      const json = async (argv: string[]) => {
        const l = await cli(["model", ...argv, "--format", "json", "--db", embedded.cliUrl]);
        const r = await cli(["model", ...argv, "--format", "json"], env.vera);
        expect([l.code, r.code], `${argv.join(" ")}\n${l.stderr}${r.stderr}`).toEqual([0, 0]);
        return [JSON.parse(l.stdout), JSON.parse(r.stdout)];
      };
      for (const v of ["1", "2", "3"]) {
        const [l, r] = await json(["show", "churn", v]);
        expect(comparable(r)).toEqual(comparable(l));
      }
      const [, v1] = await json(["show", "churn", "1"]);
      expect(v1).toMatchObject({ stage: "production", registeredBy: "dana" });
      expect(v1.metadata.lineage.data[0]).toMatchObject({ rows: 3 });
      expect(v1.metadata.lineage.card.name).toBe("churn");
      expect(v1.events.find((e: { kind: string }) => e.kind === "approve")).toMatchObject({
        actor: "bob",
        role: "approver",
      });
      const [, list] = await json(["list"]);
      expect(list).toEqual([{ name: "churn", task: "binary", versions: 3, production: 1 }]);

      // The two audit trails tell the same story.
      const local = await cli(["auditlog", "export", "--format", "jsonl", "--db", embedded.cliUrl]);
      const remote = await cli(["auditlog", "export", "--format", "jsonl"], env.vera);
      expect([local.code, remote.code]).toEqual([0, 0]);
      const entries = (t: string) =>
        t
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
      expect(comparable(entries(remote.stdout))).toEqual(comparable(entries(local.stdout)));
      expect(entries(remote.stdout).map((e) => e.action)).toEqual([
        "model.register",
        "model.register",
        "model.policy.set",
        "model.promote",
        "model.approve",
        "model.promote",
        "model.alias.set",
        "model.promote",
        "model.approve",
        "model.promote",
        "model.register",
        "model.reject",
        "model.rollback",
        "model.promote",
        "model.alias.delete",
      ]);
    });

    it("exports, verifies and anchors the server's log; a tampered log fails as embedded", async () => {
      const viaServer = await cli(["auditlog", "export", "--format", "jsonl"], env.vera);
      // Byte for byte what the embedded export of the server's own database writes.
      const direct = await cli(["auditlog", "export", "--format", "jsonl", "--db", backendUrl()]);
      expect(viaServer.stdout).toBe(direct.stdout);
      expect((await verifyEntries(parseAuditJsonl(viaServer.stdout))).intact).toBe(true);
      const filtered = await cli(
        ["auditlog", "export", "--format", "jsonl", "--subject", "model:churn/1", "--actor", "bob"],
        env.vera,
      );
      expect(
        filtered.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l).action),
      ).toEqual(["model.approve"]);
      const out = join(cwd, `export-${backend.name}.jsonl`);
      const toFile = await cli(["auditlog", "export", "--format", "jsonl", "--out", out], env.bob);
      expect(toFile.stderr).toMatch(/^exported \d+ audit entries to /);

      const anchor = await cli(["auditlog", "anchor", "--format", "text"], env.vera);
      expect(anchor.code, anchor.stderr).toBe(0);
      const head = await srv.store.auditHead();
      expect(anchor.stdout).toBe(`${head.sequence}:${head.hash}\n`);
      const verified = await cli(
        ["auditlog", "verify", "--anchor-hash", anchor.stdout.trim()],
        env.vera,
      );
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toContain(`audit log intact: ${head.sequence} entries`);

      await sql`update audit_log set details_json = '{"to":"production"}' where sequence = 5`.execute(
        srv.store.kysely,
      );
      const broken = await cli(["auditlog", "verify"], env.vera);
      const brokenLocal = await cli(["auditlog", "verify", "--db", backendUrl()]);
      expect([broken.code, brokenLocal.code]).toEqual([1, 1]);
      expect(broken.stdout).toBe(brokenLocal.stdout);
      expect(broken.stdout).toContain("BROKEN at sequence 5 (modified)");
      const refused = await cli(["auditlog", "anchor"], env.vera);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("VIGIL_AUDIT_TAMPERED");
    });
  });
}

describe("vigil model --server when the server says no or is not there", () => {
  let srv: TestServer;
  let fake: Server;
  let fakeUrl = "";
  const seen: { url: string; authorization: string | undefined }[] = [];
  afterAll(async () => {
    await srv?.close();
    if (fake) {
      fake.closeAllConnections();
      await new Promise((r) => fake.close(r));
    }
  });

  it("maps refusals, bad targets and foreign answers to codes and exit statuses", async () => {
    srv = await startTestServer();
    const viewer = await srv.token("viewer", null, "vera");
    const scoped = await srv.token("ml-engineer", ["other"], "sam");
    const as = (token: string | undefined, extra: Record<string, string> = {}) => ({
      VIGIL_SERVER: srv.url,
      ...(token ? { VIGIL_TOKEN: token } : {}),
      ...extra,
    });
    const expectError = (r: Captured, code: number, error: string) => {
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toContain(error);
      // No token ever appears in a message.
      for (const t of [viewer, scoped, "vgl_secret"]) expect(r.stderr).not.toContain(t);
    };

    expectError(
      await cli(["model", "register", "churn", "--artifact", "model.pkl"], as(viewer)),
      2,
      "VIGIL_FORBIDDEN",
    );
    const anonymous = await cli(["model", "list"], as(undefined));
    expectError(anonymous, 2, "VIGIL_UNAUTHENTICATED");
    expect(anonymous.stderr).toContain("VIGIL_TOKEN is not set");
    expectError(
      await cli(["model", "list"], as("vgl_not-a-real-token")),
      2,
      "VIGIL_UNAUTHENTICATED",
    );
    expectError(await cli(["model", "rollback", "churn"], as(scoped)), 2, "VIGIL_FORBIDDEN");
    expectError(
      await cli(["model", "approve", "churn", "1", "--actor", "bob"], as(viewer)),
      2,
      "VIGIL_USAGE",
    );
    expectError(
      await cli(["model", "approve", "churn", "1", "--role", "approver"], as(viewer)),
      2,
      "VIGIL_USAGE",
    );
    expectError(
      await cli(["model", "list", "--server", srv.url, "--db", join(cwd, "x.db")], {}),
      2,
      "VIGIL_USAGE",
    );
    expectError(await cli(["model", "list", "--server", "ftp://example.com"]), 2, "VIGIL_USAGE");
    expectError(
      await cli(["model", "list", "--server", "http://u:p@127.0.0.1:1"]),
      2,
      "VIGIL_USAGE",
    );
    // An explicit --db beats VIGIL_SERVER: the embedded store answers.
    const embedded = await cli(["model", "list", "--db", join(cwd, "explicit.db")], as(viewer));
    expect([embedded.code, embedded.stdout]).toEqual([0, "no registered models\n"]);
    // VIGIL_ACTOR in the environment is ambient, not a claim: it is not an error.
    const listed = await cli(["model", "list"], as(viewer, { VIGIL_ACTOR: "someone" }));
    expect([listed.code, listed.stdout]).toEqual([0, "no registered models\n"]);

    // A port nobody listens on.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expectError(
      await cli(["model", "list"], {
        VIGIL_SERVER: `http://127.0.0.1:${port}`,
        VIGIL_TOKEN: viewer,
      }),
      2,
      "VIGIL_SERVER_UNREACHABLE",
    );

    // Something else answers: a proxy's error page, a newer server's unknown code, a redirect.
    fake = createServer((req, res) => {
      seen.push({ url: req.url ?? "", authorization: req.headers.authorization });
      if (req.url?.includes("/proxy/")) {
        res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad Gateway</html>");
      } else if (req.url?.includes("/newer/")) {
        res
          .writeHead(409, { "content-type": "application/json" })
          .end('{"error":{"code":"VIGIL_FROM_THE_FUTURE","message":"new rule"}}');
      } else if (req.url?.includes("/moved/")) {
        // Following it would resend the token; the client must stop instead.
        res.writeHead(307, { location: `${fakeUrl}/followed` }).end();
      } else {
        res
          .writeHead(409, { "content-type": "application/json" })
          .end(
            '{"error":{"code":"VIGIL_POLICY_NOT_MET","message":"needs 2 approvals","details":[]}}',
          );
      }
    });
    await new Promise<void>((r) => fake.listen(0, "127.0.0.1", r));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const at = (prefix: string) => ({
      VIGIL_SERVER: `${fakeUrl}/${prefix}`,
      VIGIL_TOKEN: "vgl_secret",
    });
    const proxy = await cli(["model", "list"], at("proxy"));
    expectError(proxy, 2, "VIGIL_SERVER_UNREACHABLE");
    expect(proxy.stderr).toContain("HTTP 502");
    const newer = await cli(["model", "list"], at("newer"));
    expectError(newer, 2, "VIGIL_SERVER_UNREACHABLE");
    expect(newer.stderr).toContain("error code VIGIL_FROM_THE_FUTURE");
    const moved = await cli(["model", "list"], at("moved"));
    expectError(moved, 2, "VIGIL_SERVER_UNREACHABLE");
    expect(moved.stderr).toContain("redirected");
    // A known code keeps its exit status, under any path prefix.
    expectError(
      await cli(["model", "promote", "churn", "1"], at("vigil/behind/prefix")),
      1,
      "VIGIL_POLICY_NOT_MET",
    );
    expect(seen.at(-1)).toEqual({
      url: "/vigil/behind/prefix/api/v1/registry/models/churn/versions/1/promote",
      authorization: "Bearer vgl_secret",
    });
    expect(seen.map((s) => s.url)).not.toContain("/followed");
  });
});
