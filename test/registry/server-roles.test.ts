/**
 * Every registry and audit route of `vigil serve`, called with every role (TOKEN_ROLES and no
 * token) against a real server on SQLite and PostgreSQL. The expected outcome comes from the
 * table below (the one documented in docs/registry.md and docs/auditlog.md), not from the
 * route declarations, so a wrong declaration fails here. Each call gets its own model,
 * prepared through the registry so the call can succeed; a refused call must leave the
 * registry and the audit log exactly as they were, and an allowed mutation must append
 * exactly one audit entry whose actor is the token's name.
 */
import { afterAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "../../src/auditlog/index.js";
import { Registry } from "../../src/registry/index.js";
import { routes as auditRoutes } from "../../src/server/routes/audit.js";
import { routes as registryRoutes } from "../../src/server/routes/registry.js";
import { type Store, TOKEN_ROLES, type TokenRole } from "../../src/store/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeSnapshot } from "../helpers/snapshot.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("registry-server-roles");

const NOW = Date.UTC(2026, 5, 1);
const SHA = "ab".repeat(32);
const LINEAGE = { artifact: { uri: "file:///m.pkl", sha256: SHA, size: 3 } };
const M = "/api/v1/registry/models";
const READ: TokenRole[] = ["viewer", "data-scientist", "ml-engineer", "approver", "admin"];
const AUDIT: TokenRole[] = ["viewer", "approver", "admin"];

interface Action {
  method: string;
  /** The declared path, to check that every route is walked. */
  route: string;
  path(model: string): string;
  /** Who may call it: the documented table (admin included explicitly). */
  allowed: TokenRole[];
  status: number;
  /** The audit action an allowed call appends, or undefined for reads. */
  audit?: string;
  setup?(reg: Registry, model: string): Promise<void>;
  body?: unknown;
  headers?: Record<string, string>;
}

async function registered(reg: Registry, model: string, n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await reg.register({ name: model, actor: "setup", lineage: LINEAGE });
}

const ACTIONS: Record<string, Action> = {
  list: {
    method: "GET",
    route: M,
    path: () => M,
    allowed: READ,
    status: 200,
  },
  versions: {
    method: "GET",
    route: `${M}/:model/versions`,
    path: (m) => `${M}/${m}/versions`,
    allowed: READ,
    status: 200,
    setup: (reg, m) => registered(reg, m),
  },
  show: {
    method: "GET",
    route: `${M}/:model/versions/:version`,
    path: (m) => `${M}/${m}/versions/1`,
    allowed: READ,
    status: 200,
    setup: (reg, m) => registered(reg, m),
  },
  register: {
    method: "POST",
    route: `${M}/:model/versions`,
    path: (m) => `${M}/${m}/versions`,
    allowed: ["data-scientist", "ml-engineer", "admin"],
    status: 201,
    audit: "model.register",
    body: { lineage: LINEAGE, tags: { team: "growth" } },
  },
  promote: {
    method: "POST",
    route: `${M}/:model/versions/:version/promote`,
    path: (m) => `${M}/${m}/versions/1/promote`,
    allowed: ["ml-engineer", "admin"],
    status: 200,
    audit: "model.promote",
    setup: (reg, m) => registered(reg, m),
    body: { reason: "ready" },
  },
  archive: {
    method: "POST",
    route: `${M}/:model/versions/:version/archive`,
    path: (m) => `${M}/${m}/versions/1/archive`,
    allowed: ["ml-engineer", "admin"],
    status: 200,
    audit: "model.promote",
    setup: (reg, m) => registered(reg, m),
    body: {},
  },
  approve: {
    method: "POST",
    route: `${M}/:model/versions/:version/approve`,
    path: (m) => `${M}/${m}/versions/1/approve`,
    allowed: ["approver", "admin"],
    status: 200,
    audit: "model.approve",
    setup: (reg, m) => registered(reg, m),
    body: {},
  },
  reject: {
    method: "POST",
    route: `${M}/:model/versions/:version/reject`,
    path: (m) => `${M}/${m}/versions/1/reject`,
    allowed: ["approver", "admin"],
    status: 200,
    audit: "model.reject",
    setup: (reg, m) => registered(reg, m),
    body: { reason: "not calibrated" },
  },
  rollback: {
    method: "POST",
    route: `${M}/:model/rollback`,
    path: (m) => `${M}/${m}/rollback`,
    allowed: ["ml-engineer", "admin"],
    status: 200,
    audit: "model.rollback",
    setup: async (reg, m) => {
      await registered(reg, m, 2);
      for (const v of [1, 2]) {
        await reg.promote(m, v, { actor: "setup" });
        await reg.promote(m, v, { actor: "setup" });
      }
    },
    body: { reason: "regression" },
  },
  aliasSet: {
    method: "PUT",
    route: `${M}/:model/aliases/:alias`,
    path: (m) => `${M}/${m}/aliases/champion`,
    allowed: ["ml-engineer", "admin"],
    status: 200,
    audit: "model.alias.set",
    setup: (reg, m) => registered(reg, m),
    body: { version: "1" },
  },
  aliasDelete: {
    method: "DELETE",
    route: `${M}/:model/aliases/:alias`,
    path: (m) => `${M}/${m}/aliases/champion`,
    allowed: ["ml-engineer", "admin"],
    status: 200,
    audit: "model.alias.delete",
    setup: async (reg, m) => {
      await registered(reg, m);
      await reg.setAlias(m, "champion", 1, "setup");
    },
  },
  policyGet: {
    method: "GET",
    route: `${M}/:model/policy`,
    path: (m) => `${M}/${m}/policy`,
    allowed: READ,
    status: 200,
    setup: (reg, m) => registered(reg, m),
  },
  policyPut: {
    method: "PUT",
    route: `${M}/:model/policy`,
    path: (m) => `${M}/${m}/policy`,
    allowed: ["admin"],
    status: 200,
    audit: "model.policy.set",
    setup: (reg, m) => registered(reg, m),
    body: "transitions:\n  production:\n    reasonRequired: true\n",
    headers: { "content-type": "application/yaml" },
  },
  auditQuery: {
    method: "GET",
    route: "/api/v1/audit",
    path: () => "/api/v1/audit?limit=5",
    allowed: AUDIT,
    status: 200,
  },
  auditVerify: {
    method: "GET",
    route: "/api/v1/audit/verify",
    path: () => "/api/v1/audit/verify",
    allowed: AUDIT,
    status: 200,
  },
  auditAnchor: {
    method: "GET",
    route: "/api/v1/audit/anchor",
    path: () => "/api/v1/audit/anchor",
    allowed: AUDIT,
    status: 200,
  },
};

/** Everything a refused call must leave untouched: the audit head and the registry's rows. */
const TABLES = [
  "models",
  "model_versions",
  "registry_versions",
  "registry_aliases",
  "registry_policies",
  "registry_events",
  "deployments",
  "deployment_history",
];
const snapshot = (store: Store) => storeSnapshot(store, TABLES);

it("walks every registry and audit route", () => {
  const declared = [...registryRoutes, ...auditRoutes].map((r) => `${r.method} ${r.path}`).sort();
  const walked = Object.values(ACTIONS)
    .map((a) => `${a.method} ${a.route}`)
    .sort();
  expect(walked).toEqual(declared);
});

for (const backend of backends) {
  describe(`registry and audit routes by role on ${backend.name}`, () => {
    let srv: TestServer;
    const tokens = new Map<TokenRole, string>();
    afterAll(async () => {
      await srv?.close();
      await backend.cleanup();
    });

    it("answers 401, 403 or success exactly as the roles table says", async () => {
      srv = await startTestServer({ backend, now: () => NOW });
      for (const role of TOKEN_ROLES) tokens.set(role, await srv.token(role, null, `walk-${role}`));
      const reg = new Registry(srv.store, { now: () => NOW });
      const outcomes: string[] = [];
      for (const [name, action] of Object.entries(ACTIONS)) {
        for (const role of [...TOKEN_ROLES, null]) {
          const model = `${name}-${role ?? "anonymous"}`;
          await action.setup?.(reg, model);
          const before = await snapshot(srv.store);
          const headBefore = await srv.store.auditHead();
          const r = await srv.request(action.method, action.path(model), {
            ...(role ? { token: tokens.get(role)! } : {}),
            ...(action.body !== undefined ? { body: action.body } : {}),
            ...(action.headers ? { headers: action.headers } : {}),
          });
          const expected =
            role === null ? 401 : action.allowed.includes(role) ? action.status : 403;
          outcomes.push(`${name} ${role ?? "none"} ${r.status}`);
          expect(r.status, `${name} as ${role ?? "no token"}: ${r.text}`).toBe(expected);
          if (expected === 401 || expected === 403) {
            expect(r.json.error.code).toBe(
              expected === 401 ? "VIGIL_UNAUTHENTICATED" : "VIGIL_FORBIDDEN",
            );
            expect(await snapshot(srv.store), `${name} as ${role} wrote something`).toBe(before);
          } else if (action.audit) {
            const added = await srv.store.listAudit({ afterSequence: headBefore.sequence });
            expect(added.map((e) => [e.action, e.actor])).toEqual([[action.audit, `walk-${role}`]]);
          } else {
            expect(await snapshot(srv.store), `${name} is a read`).toBe(before);
          }
        }
      }
      expect(outcomes).toHaveLength(Object.keys(ACTIONS).length * (TOKEN_ROLES.length + 1));
      expect((await verifyAuditLog(srv.store)).intact).toBe(true);
    });
  });
}
