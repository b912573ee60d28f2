/**
 * The deployment, trace and model-card routes against a real `vigil serve` on SQLite and
 * PostgreSQL: every route with every role (and no token), expected outcomes from the table
 * in docs/registry.md rather than the route declarations; a refused call writes nothing, an
 * allowed change appends exactly one audit entry whose actor is the token's name. Then
 * `vigil model deploy|deployments --server` against the same server.
 */
import { afterAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "../../src/auditlog/index.js";
import { assign, Registry } from "../../src/registry/index.js";
import { routes as cardRoutes } from "../../src/server/routes/card.js";
import { routes as deploymentRoutes } from "../../src/server/routes/deployments.js";
import { routes as traceRoutes } from "../../src/server/routes/trace.js";
import { type Store, TOKEN_ROLES, type TokenRole } from "../../src/store/index.js";
import { vigil } from "../cli/capture.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeSnapshot } from "../helpers/snapshot.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("deployments-server");

const NOW = Date.UTC(2026, 5, 1);
const LINEAGE = { artifact: { uri: "file:///m.pkl", sha256: "ab".repeat(32), size: 3 } };
const D = "/api/v1/registry/models/:model/deployments";
const READ: TokenRole[] = ["viewer", "data-scientist", "ml-engineer", "approver", "admin"];

/** v1 production, v2 staging, deployed to production with v2 as a 10% canary; one prediction. */
async function prepare(store: Store, model: string): Promise<void> {
  const reg = new Registry(store, { now: () => NOW });
  await reg.register({ name: model, actor: "setup", lineage: LINEAGE });
  await reg.register({ name: model, actor: "setup", lineage: LINEAGE });
  await reg.promote(model, 1, { actor: "setup" });
  await reg.promote(model, 1, { actor: "setup" });
  await reg.promote(model, 2, { actor: "setup" });
  await reg.deploy(model, {
    environment: "production",
    version: 1,
    canary: 2,
    share: 10,
    actor: "setup",
  });
  const m = await store.requireModel(model);
  const v = await store.getVersion(m.id, "1");
  await store.insertEvents(m.id, [
    { id: "p1", versionId: v!.id, timestamp: NOW, windowStart: NOW, payload: { prediction: 1 } },
  ]);
}

interface Action {
  method: string;
  route: string;
  path(model: string): string;
  allowed: TokenRole[];
  body?: unknown;
  audit?: string;
}

const ACTIONS: Record<string, Action> = {
  list: {
    method: "GET",
    route: D,
    path: (m) => `/api/v1/registry/models/${m}/deployments?history=true`,
    allowed: READ,
  },
  get: {
    method: "GET",
    route: `${D}/:env`,
    path: (m) => `/api/v1/registry/models/${m}/deployments/production`,
    allowed: READ,
  },
  put: {
    method: "PUT",
    route: `${D}/:env`,
    path: (m) => `/api/v1/registry/models/${m}/deployments/production`,
    allowed: ["ml-engineer", "admin"],
    body: { version: 1, canary: 2, share: 20, reason: "ramp" },
    audit: "model.deploy",
  },
  assign: {
    method: "GET",
    route: `${D}/:env/assign`,
    path: (m) => `/api/v1/registry/models/${m}/deployments/production/assign?subject=cust-1`,
    allowed: READ,
  },
  trace: {
    method: "GET",
    route: "/api/v1/models/:model/predictions/:id/trace",
    path: (m) => `/api/v1/models/${m}/predictions/p1/trace`,
    allowed: READ,
  },
  card: {
    method: "GET",
    route: "/api/v1/registry/models/:model/versions/:version/card",
    path: (m) => `/api/v1/registry/models/${m}/versions/1/card`,
    allowed: READ,
  },
};

const snapshot = (store: Store) =>
  storeSnapshot(store, [
    "deployments",
    "deployment_history",
    "registry_versions",
    "registry_events",
  ]);

it("walks every deployment, trace and card route", () => {
  const declared = [...deploymentRoutes, ...traceRoutes, ...cardRoutes]
    .map((r) => `${r.method} ${r.path}`)
    .sort();
  expect(
    Object.values(ACTIONS)
      .map((a) => `${a.method} ${a.route}`)
      .sort(),
  ).toEqual(declared);
});

const cli = (argv: string[], env: Record<string, string>) => vigil(argv, { env });

for (const backend of backends) {
  describe(`deployment routes on ${backend.name}`, () => {
    let srv: TestServer | undefined;
    /** One server per backend, started by whichever test runs first. */
    const server = async (): Promise<TestServer> => {
      srv ??= await startTestServer({ backend, now: () => NOW });
      return srv;
    };
    afterAll(async () => {
      await srv?.close();
      await backend.cleanup();
    });

    it("answers 401, 403 or 200 exactly as the roles table says", async () => {
      const s = await server();
      const tokens = new Map<TokenRole, string>();
      for (const role of TOKEN_ROLES) tokens.set(role, await s.token(role, null, `walk-${role}`));
      for (const [name, action] of Object.entries(ACTIONS)) {
        for (const role of [...TOKEN_ROLES, null]) {
          // Reads share one model; each change gets its own, so every one starts alike.
          const model = action.audit ? `${name}-${role ?? "anonymous"}` : "shared";
          if (action.audit || !(await s.store.getModel(model))) await prepare(s.store, model);
          const before = await snapshot(s.store);
          const head = await s.store.auditHead();
          const r = await s.request(action.method, action.path(model), {
            ...(role ? { token: tokens.get(role)! } : {}),
            ...(action.body !== undefined ? { body: action.body } : {}),
          });
          const expected = role === null ? 401 : action.allowed.includes(role) ? 200 : 403;
          expect(r.status, `${name} as ${role ?? "no token"}: ${r.text}`).toBe(expected);
          if (expected !== 200) {
            expect(r.json.error.code).toBe(
              expected === 401 ? "VIGIL_UNAUTHENTICATED" : "VIGIL_FORBIDDEN",
            );
            expect(await snapshot(s.store)).toBe(before);
          } else if (action.audit) {
            const added = await s.store.listAudit({ afterSequence: head.sequence });
            expect(added.map((e) => [e.action, e.actor, e.subject])).toEqual([
              [action.audit, `walk-${role}`, `deployment:${model}/production`],
            ]);
            expect(r.json).toMatchObject({ revision: 2, canary: { version: 2, share: 20 } });
          } else {
            expect(await snapshot(s.store)).toBe(before);
          }
        }
      }
      expect((await verifyAuditLog(s.store)).intact).toBe(true);
    });

    it("validates requests and maps refusals to their codes, writing nothing", async () => {
      const s = await server();
      await prepare(s.store, "val");
      const eng = await s.token("ml-engineer", null, "eng");
      const viewer = await s.token("viewer", null, "vera");
      const put = (body: unknown, env = "production") =>
        s.request("PUT", `/api/v1/registry/models/val/deployments/${env}`, { token: eng, body });
      const before = await snapshot(s.store);
      for (const [body, status, code] of [
        [{ version: 1, canary: 2, share: 101 }, 400, "VIGIL_INVALID_ARGUMENT"],
        [{ version: 1, canary: 2, share: "10" }, 400, "VIGIL_INVALID_ARGUMENT"],
        [{ version: 1, canary: 2 }, 400, "VIGIL_INVALID_ARGUMENT"],
        [{ version: 1, extra: true }, 400, "VIGIL_INVALID_ARGUMENT"],
        [{}, 400, "VIGIL_INVALID_ARGUMENT"],
        [{ version: 9 }, 404, "VIGIL_VERSION_NOT_FOUND"],
        [{ version: 2 }, 409, "VIGIL_FORBIDDEN_DEPLOYMENT"],
      ] as const) {
        const r = await put(body);
        expect([r.status, r.json?.error?.code], JSON.stringify(body)).toEqual([status, code]);
      }
      const badEnv = await put({ version: 1 }, "bad%20env");
      expect([badEnv.status, badEnv.json.error.code]).toEqual([400, "VIGIL_INVALID_ARGUMENT"]);
      expect(await snapshot(s.store)).toBe(before);
      const none = await s.request("GET", "/api/v1/registry/models/val/deployments/qa", {
        token: viewer,
      });
      expect([none.status, none.json.error.code]).toEqual([404, "VIGIL_DEPLOYMENT_NOT_FOUND"]);
      const noSubject = await s.request(
        "GET",
        "/api/v1/registry/models/val/deployments/production/assign",
        { token: viewer },
      );
      expect([noSubject.status, noSubject.json.error.code]).toEqual([
        400,
        "VIGIL_INVALID_ARGUMENT",
      ]);

      const d = await new Registry(s.store).deployment("val", "production");
      for (const subject of ["cust-1", "cust-2", "ünï/cøde ?&"]) {
        const r = await s.request(
          "GET",
          `/api/v1/registry/models/val/deployments/production/assign?subject=${encodeURIComponent(subject)}`,
          { token: viewer },
        );
        expect(r.json).toEqual({
          model: "val",
          environment: "production",
          revision: 1,
          ...assign(subject, d),
        });
      }
    });

    it("runs vigil model deploy and deployments with --server", async () => {
      const s = await server();
      await prepare(s.store, "remote");
      const eng = await s.token("ml-engineer", null, "erin");
      const viewer = await s.token("viewer", null, "vera");
      const as = (token: string) => ({ VIGIL_SERVER: s.url, VIGIL_TOKEN: token });
      const deploy = [
        "model",
        "deploy",
        "remote",
        "--env",
        "production",
        "--version",
        "1",
        "--canary",
        "2",
        "--share",
        "30",
      ];
      const denied = await cli(deploy, as(viewer));
      expect([denied.code, denied.stderr]).toEqual([2, expect.stringContaining("VIGIL_FORBIDDEN")]);
      const withActor = await cli([...deploy, "--actor", "mallory"], as(eng));
      expect([withActor.code, withActor.stderr]).toEqual([
        2,
        expect.stringContaining("VIGIL_USAGE"),
      ]);
      const ok = await cli([...deploy, "--reason", "ramp", "--format", "json"], as(eng));
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({
        revision: 2,
        actor: "erin",
        reason: "ramp",
        canary: { share: 30 },
      });
      const list = await cli(
        ["model", "deployments", "remote", "--history", "--format", "json"],
        as(viewer),
      );
      expect(list.code, list.stderr).toBe(0);
      const parsed = JSON.parse(list.stdout);
      expect(parsed.history.map((h: { revision: number }) => h.revision)).toEqual([1, 2]);
      expect(parsed.deployments).toEqual(
        [await new Registry(s.store).deployment("remote", "production")].map((x) =>
          JSON.parse(JSON.stringify(x)),
        ),
      );
      const who = await cli(
        [
          "model",
          "deployments",
          "remote",
          "--env",
          "production",
          "--subject",
          "cust-9",
          "--format",
          "json",
        ],
        as(viewer),
      );
      const d = await new Registry(s.store).deployment("remote", "production");
      expect(JSON.parse(who.stdout)).toEqual({
        model: "remote",
        environment: "production",
        revision: 2,
        ...assign("cust-9", d),
      });
      const audit = await s.store.listAudit({ subject: "deployment:remote/production" });
      expect(audit.map((e) => e.actor)).toEqual(["setup", "erin"]);
    });
  });
}
