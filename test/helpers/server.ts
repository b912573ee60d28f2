/**
 * A real `vigil serve` HTTP server for tests, on 127.0.0.1 with a free port.
 *
 *   const srv = await startTestServer();                 // SQLite in a temp dir
 *   const tok = await srv.token("ingest", ["churn"]);    // raw token of a new API token
 *   const r = await srv.request("POST", "/api/v1/models/churn/predictions",
 *                               { token: tok, body: [{ id: "1", ... }] });
 *   expect(r.status).toBe(200); expect(r.json).toEqual(...);
 *   await srv.close();
 *
 * On both backends (call storeBackends at the top level of the test file):
 *
 *   const { backends } = await storeBackends("server-x");
 *   describe.each(backends)("$name", (backend) => {
 *     afterAll(() => backend.cleanup());          // after every server of it is closed
 *     it("...", async () => { const srv = await startTestServer({ backend }); ... });
 *   });
 *
 * API (keep it small and stable; other suites depend on it):
 * - startTestServer(opts?) -> TestServer. opts: backend (a TestBackend from storeBackends,
 *   or "sqlite" / "postgres" for a private one; default "sqlite"), now (clock, epoch ms),
 *   bodyLimitBytes, rateLimit (default false, i.e. off, so suites never meet it by
 *   accident), tokenCacheMs (default 0: every request checks the store), extraRoutes
 *   (added to allRoutes()), logger (default: collects lines in `logs`).
 * - TestServer: url, ctx (ServerContext: store, now, services), store, adminToken,
 *   token(role, models?, name?) -> raw token, request(method, path, {token, body, headers}),
 *   logs (lines the server logged), close().
 * - request(): `body` that is a string, Buffer or Uint8Array is sent as is (set content-type
 *   in `headers`); anything else is sent as JSON. Returns { status, headers, text, json }
 *   where json is the parsed body when the response is JSON, else undefined.
 */
import { buildServer, type ServerLogger, type VigilServer } from "../../src/server/app.js";
import { allRoutes } from "../../src/server/assemble.js";
import type { RateLimitOptions } from "../../src/server/rate-limit.js";
import type { RouteSpec, ServerContext } from "../../src/server/route.js";
import type { Store, TokenRole } from "../../src/store/index.js";
import { postgresBackend, sqliteBackend, type TestBackend } from "./store-backends.js";

export interface TestServerOptions {
  /**
   * A backend from storeBackends() (shared: the caller cleans it up), or "sqlite" /
   * "postgres" for a private one removed by close(). Default "sqlite".
   */
  backend?: TestBackend | "sqlite" | "postgres";
  now?: () => number;
  bodyLimitBytes?: number;
  rateLimit?: RateLimitOptions | false;
  tokenCacheMs?: number;
  extraRoutes?: RouteSpec[];
  logger?: ServerLogger;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when the response's content type is JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly
  json: any;
}

export interface RequestOptions {
  /** Raw bearer token; omitted = no Authorization header. */
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  ctx: ServerContext;
  store: Store;
  server: VigilServer;
  adminToken: string;
  /** Creates an API token with this role (and model scope) and returns the raw token. */
  token(role: TokenRole, models?: string[] | null, name?: string): Promise<string>;
  request(method: string, path: string, opts?: RequestOptions): Promise<TestResponse>;
  /** Lines the server logged (only when no `logger` was given). */
  logs: string[];
  /** Closes the server and its store (and the private backend's files). */
  close(): Promise<void>;
}

let tokenCounter = 0;

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const ownBackend = typeof opts.backend !== "object";
  const backend =
    typeof opts.backend === "object"
      ? opts.backend
      : opts.backend === "postgres"
        ? postgresBackend("server")
        : sqliteBackend("server");
  const { store } = await backend.open();
  const logs: string[] = [];
  const logger: ServerLogger = opts.logger ?? {
    info: (l) => logs.push(l),
    error: (l) => logs.push(l),
  };
  let server: VigilServer;
  try {
    server = buildServer({
      store,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.bodyLimitBytes !== undefined ? { bodyLimitBytes: opts.bodyLimitBytes } : {}),
      rateLimit: opts.rateLimit ?? false,
      tokenCacheMs: opts.tokenCacheMs ?? 0,
      routes: [...allRoutes(), ...(opts.extraRoutes ?? [])],
      logger,
    });
    await server.fastify.listen({ host: "127.0.0.1", port: 0 });
  } catch (err) {
    await store.close();
    if (ownBackend) await backend.cleanup();
    throw err;
  }
  const address = server.fastify.server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const url = `http://127.0.0.1:${address.port}`;

  const token = async (role: TokenRole, models?: string[] | null, name?: string) => {
    const created = await store.createToken({
      name: name ?? `test-${role}-${++tokenCounter}`,
      role,
      modelScope: models ?? null,
    });
    return created.token;
  };
  const adminToken = await token("admin", null, "test-admin");

  const request = async (
    method: string,
    path: string,
    ro: RequestOptions = {},
  ): Promise<TestResponse> => {
    const headers: Record<string, string> = {};
    let body: string | Uint8Array | undefined;
    if (ro.body !== undefined) {
      if (typeof ro.body === "string" || ro.body instanceof Uint8Array) {
        body = ro.body;
      } else {
        body = JSON.stringify(ro.body);
        headers["content-type"] = "application/json";
      }
    }
    if (ro.token !== undefined) headers.authorization = `Bearer ${ro.token}`;
    Object.assign(headers, ro.headers ?? {});
    const res = await fetch(url + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    let json: unknown;
    if ((res.headers.get("content-type") ?? "").includes("json") && text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  let closed = false;
  return {
    url,
    ctx: server.ctx,
    store,
    server,
    adminToken,
    token,
    request,
    logs,
    close: async () => {
      if (closed) return;
      closed = true;
      await server.close({ drainMs: 5_000 });
      await store.close();
      if (ownBackend) await backend.cleanup();
    },
  };
}
