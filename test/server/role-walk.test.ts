/**
 * Walks every route of allRoutes() with every role (and with no token) and checks the
 * answer against the route's declaration: public routes never ask for a token; others give
 * 401 without one, 403 VIGIL_FORBIDDEN to a role they do not list, and anything but
 * 401/403-from-auth to a role they list (a 400 or 404 from the handler counts as allowed:
 * the walk only sends minimal requests). New routes are covered as they are added.
 *
 * Requests are built from the route's schemas: path parameters from their enum, example or
 * type, the model parameter named after an existing model (and `ingest` tokens scoped to
 * it), `{}` as the body of writes. Each request uses a fresh token, so a route that revokes
 * or deletes something cannot disturb the others.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/server/assemble.js";
import type { JsonSchema, RouteSpec } from "../../src/server/route.js";
import { TOKEN_ROLES, type TokenRole } from "../../src/store/index.js";
import { startTestServer, type TestResponse, type TestServer } from "../helpers/server.js";

const MODEL = "walk-model";
const routes = allRoutes();

function paramValue(name: string, schema: JsonSchema | undefined, spec: RouteSpec): string {
  if (name === spec.modelParam || name === "model") return MODEL;
  if (schema) {
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return String(schema.enum[0]);
    if (Array.isArray(schema.examples) && schema.examples.length > 0) {
      return String(schema.examples[0]);
    }
    if (schema.type === "integer" || schema.type === "number") return "1";
  }
  return "1";
}

function pathOf(spec: RouteSpec): string {
  const props = (spec.params?.properties ?? {}) as Record<string, JsonSchema>;
  return spec.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) =>
    encodeURIComponent(paramValue(name, props[name], spec)),
  );
}

function allowed(spec: RouteSpec, role: TokenRole | "none"): boolean {
  if (spec.roles === "public") return true;
  if (role === "none") return false;
  return role === "admin" || spec.roles.includes(role);
}

let srv: TestServer;
const serverErrors: string[] = [];

async function call(spec: RouteSpec, role: TokenRole | "none"): Promise<TestResponse> {
  const token =
    role === "none" ? undefined : await srv.token(role, role === "ingest" ? [MODEL] : null);
  const write = spec.method !== "GET";
  const r = await srv.request(spec.method, pathOf(spec), {
    ...(token ? { token } : {}),
    ...(write ? { body: {} } : {}),
  });
  if (r.status >= 500 && r.status !== 503) {
    serverErrors.push(
      `${spec.method} ${spec.path} as ${role}: ${r.status} ${r.text.slice(0, 200)}`,
    );
  }
  return r;
}

beforeAll(async () => {
  srv = await startTestServer();
  await srv.store.createModel({
    name: MODEL,
    task: "binary",
    schema: { features: [{ name: "x", kind: "numeric" }], prediction: { name: "y" } },
  });
});
afterAll(() => srv.close());

describe("role walk over allRoutes()", () => {
  it("has routes to walk", () => {
    expect(routes.length).toBeGreaterThan(3);
    expect(routes.some((r) => r.roles !== "public")).toBe(true);
  });

  for (const spec of routes) {
    const label = `${spec.method} ${spec.path} [${spec.roles === "public" ? "public" : spec.roles.join(", ")}]`;
    it(label, async () => {
      const outcome: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const role of [...TOKEN_ROLES, "none"] as const) {
        const r = await call(spec, role);
        const code: string | undefined = r.json?.error?.code;
        const authAnswer =
          (r.status === 401 && code === "VIGIL_UNAUTHENTICATED") ||
          (r.status === 403 && code === "VIGIL_FORBIDDEN");
        outcome[role] = authAnswer ? String(r.status) : "allowed";
        expected[role] = allowed(spec, role) ? "allowed" : role === "none" ? "401" : "403";
      }
      expect(outcome).toEqual(expected);
    });
  }

  it("no route answers a minimal request with a 5xx (other than 503)", () => {
    expect(serverErrors).toEqual([]);
  });
});
