/**
 * The life of `vigil serve`: open the store, make the first admin token when there is none,
 * start the background plugins, listen; and on stop, the reverse: stop taking requests,
 * drain the in-flight ones, stop the plugins last-started-first, close the store.
 */
import { type OpenStoreOptions, openStore, type Store } from "../store/index.js";
import {
  type BuildServerOptions,
  buildServer,
  type ServerLogger,
  stderrLogger,
  type VigilServer,
} from "./app.js";
import { allPlugins } from "./assemble.js";
import type { RateLimitOptions } from "./rate-limit.js";
import type { RouteSpec, ServerPlugin } from "./route.js";
import { createTokenAudited, hasActiveAdmin } from "./tokens.js";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 7070;

export interface ServeOptions {
  /** SQLite path or postgres:// URL; default VIGIL_DATABASE_URL, else ./.vigil/vigil.db. */
  db?: string;
  /** SQLite commit durability (docs/store.md); default "async". */
  sqliteSynchronous?: OpenStoreOptions["sqliteSynchronous"];
  host?: string;
  port?: number;
  bodyLimitBytes?: number;
  rateLimit?: RateLimitOptions | false;
  logger?: ServerLogger;
  /** Receives the first admin token (one line). */
  stdout?: { write(s: string): unknown };
  now?: () => number;
  /** Defaults: allPlugins() and allRoutes(); tests pass their own. */
  plugins?: ServerPlugin[];
  routes?: RouteSpec[];
  /** How long stop() waits for in-flight requests before aborting them (default 10 s). */
  drainMs?: number;
}

export interface RunningServer {
  /** `http://HOST:PORT` as bound (the real port when 0 was asked). */
  url: string;
  store: Store;
  server: VigilServer;
  /** The admin token made on this start, if it was the first one; printed once. */
  adminToken: string | undefined;
  /** Drains and stops everything; safe to call twice (the second call waits for the first). */
  stop(): Promise<void>;
}

/** Name of the admin token made on first start. */
export const FIRST_ADMIN_NAME = "admin (first start)";

export async function startServe(opts: ServeOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? stderrLogger;
  // A long-running writer: SQLite checkpoints on a background thread, not in its commits.
  const store = await openStore(opts.db, {
    sqliteBackgroundCheckpoints: true,
    ...(opts.sqliteSynchronous ? { sqliteSynchronous: opts.sqliteSynchronous } : {}),
  });
  const started: ServerPlugin[] = [];
  let server: VigilServer | undefined;
  try {
    let adminToken: string | undefined;
    if (!(await hasActiveAdmin(store))) {
      const created = await createTokenAudited(
        store,
        { name: FIRST_ADMIN_NAME, role: "admin" },
        "vigil serve",
      );
      adminToken = created.token;
      // The only time the secret exists outside the client: stdout, once, nothing else.
      (opts.stdout ?? process.stdout).write(`${adminToken}\n`);
      logger.info(
        `created admin token ${created.record.id} (printed above, once; it is stored hashed and cannot be shown again)`,
      );
    }

    const build: BuildServerOptions = { store, logger };
    if (opts.now) build.now = opts.now;
    if (opts.bodyLimitBytes !== undefined) build.bodyLimitBytes = opts.bodyLimitBytes;
    if (opts.rateLimit !== undefined) build.rateLimit = opts.rateLimit;
    if (opts.routes) build.routes = opts.routes;
    server = buildServer(build);

    for (const plugin of opts.plugins ?? allPlugins()) {
      await plugin.start?.(server.ctx);
      started.push(plugin);
    }
    const host = opts.host ?? DEFAULT_HOST;
    await server.fastify.listen({ host, port: opts.port ?? DEFAULT_PORT });
    const address = server.fastify.server.address();
    const port = address !== null && typeof address === "object" ? address.port : opts.port;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    logger.info(`vigil serve listening on ${url} (store: ${store.location})`);

    const running = server;
    let stopping: Promise<void> | undefined;
    return {
      url,
      store,
      server: running,
      adminToken,
      stop: () => {
        stopping ??= shutdown(running, started, store, logger, opts.drainMs);
        return stopping;
      },
    };
  } catch (err) {
    await shutdown(server, started, store, logger, opts.drainMs).catch(() => undefined);
    throw err;
  }
}

async function shutdown(
  server: VigilServer | undefined,
  started: ServerPlugin[],
  store: Store,
  logger: ServerLogger,
  drainMs = 10_000,
): Promise<void> {
  try {
    if (server) await server.close({ drainMs });
  } finally {
    for (const plugin of [...started].reverse()) {
      try {
        // A plugin that fails to stop must not keep the others (or the store) open.
        if (server) await plugin.stop?.(server.ctx);
      } catch (err) {
        logger.error(
          `plugin ${plugin.name} failed to stop: ${(err as Error)?.stack ?? String(err)}`,
        );
      }
    }
    await store.close();
  }
}
