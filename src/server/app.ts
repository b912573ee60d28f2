/**
 * Builds the Fastify server from the RouteSpec list: auth, roles and model scope before the
 * body is read, then body parsing with size and depth limits, schema validation, the
 * framework-free handler, and one error shape for everything that goes wrong. Nothing here
 * listens on a port or opens the store; `src/server/serve.ts` does that.
 */
import { Readable, Transform } from "node:stream";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { type ErrorCode, isVigilError, VigilError } from "../errors.js";
import type { Store } from "../store/index.js";
import { allRoutes } from "./assemble.js";
import { bearerToken, DEFAULT_TOKEN_CACHE_MS, installTokenAuth, TokenAuth } from "./auth.js";
import { DEFAULT_MAX_JSON_DEPTH, parseJsonBody } from "./json-body.js";
import { installServerState, ServerState } from "./lifecycle.js";
import {
  checkRateLimit,
  DEFAULT_RATE_LIMIT,
  RateLimiter,
  type RateLimitOptions,
} from "./rate-limit.js";
import type { Principal, RouteInput, RouteReply, RouteSpec, ServerContext } from "./route.js";
import { compileValidator, type Validator } from "./validation.js";

/** Default request body limit: a 500-event batch is well under 1 MB; this leaves room. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** Where the server writes its few log lines (never tokens, never request bodies). */
export interface ServerLogger {
  info(line: string): void;
  error(line: string): void;
}

export const stderrLogger: ServerLogger = {
  info: (line) => process.stderr.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

export interface BuildServerOptions {
  store: Store;
  /** Clock (epoch ms) for handlers, the rate limiter and the token cache. */
  now?: () => number;
  /** Largest request body in bytes (default 16 MB); a route may set its own. */
  bodyLimitBytes?: number;
  /** Per-token rate limit; false turns it off. */
  rateLimit?: RateLimitOptions | false;
  logger?: ServerLogger;
  /** How long a verified token is trusted without a store lookup (default 5 s; 0 = never). */
  tokenCacheMs?: number;
  /** Deepest nesting of a JSON body (default 64). */
  maxJsonDepth?: number;
  /** The routes to serve (default: allRoutes()); tests add their own. */
  routes?: RouteSpec[];
}

export interface VigilServer {
  fastify: FastifyInstance;
  ctx: ServerContext;
  routes: readonly RouteSpec[];
  state: ServerState;
  /**
   * Stops taking requests, waits for in-flight ones up to `drainMs` (default 10 s), then
   * aborts the handlers' signals and waits for them to finish. Does not close the store.
   */
  close(opts?: { drainMs?: number }): Promise<void>;
}

const METHODS: readonly string[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const JSON_TYPE = "application/json; charset=utf-8";

interface CompiledRoute {
  spec: RouteSpec;
  params: Validator | undefined;
  query: Validator | undefined;
  body: Validator | undefined;
  /** Lower-cased content types read raw. */
  raw: ReadonlySet<string>;
}

/** What each Fastify route carries in its `config`. */
interface RouteConfig {
  vigil: CompiledRoute;
}

const principals = new WeakMap<FastifyRequest, Principal>();

export function buildServer(opts: BuildServerOptions): VigilServer {
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? stderrLogger;
  const bodyLimit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 1) {
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `body limit: expected bytes >= 1, got ${bodyLimit}`,
    );
  }
  const maxDepth = opts.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const routes = opts.routes ?? allRoutes();
  const limiter =
    opts.rateLimit === false
      ? undefined
      : new RateLimiter(checkRateLimit(opts.rateLimit ?? DEFAULT_RATE_LIMIT), now);

  const ctx: ServerContext = {
    store: opts.store,
    now,
    ingestObservers: [],
    services: new Map(),
  };
  const state = new ServerState(routes);
  installServerState(ctx, state);
  const auth = new TokenAuth(opts.store, now, opts.tokenCacheMs ?? DEFAULT_TOKEN_CACHE_MS);
  installTokenAuth(ctx, auth);

  const fastify = Fastify({
    logger: false,
    bodyLimit,
    // Fastify's own 503 while closing has another body shape; the onRequest hook answers.
    return503OnClosing: false,
    routerOptions: { maxParamLength: 1000 },
    clientErrorHandler: (err, socket) => {
      // Malformed HTTP never reaches a route; answer in the API's shape when we still can.
      if (!socket.writable) return socket.destroy(err);
      const body = JSON.stringify(
        new VigilError("VIGIL_INVALID_ARGUMENT", "Malformed HTTP request.").toJSON(),
      );
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    },
  });

  // ---- body parsers --------------------------------------------------------------------
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const route = (request.routeOptions.config as Partial<RouteConfig>).vigil;
    // A route that takes raw JSON (to stream-parse it itself) gets the bytes.
    if (route?.raw.has("application/json")) return done(null, body);
    try {
      done(null, parseJsonBody(body as Buffer, maxDepth));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  const rawTypes = new Set<string>();
  const streamTypes = new Set<string>();
  for (const r of routes) {
    for (const t of r.rawBody ?? []) (r.streamBody ? streamTypes : rawTypes).add(t.toLowerCase());
  }
  rawTypes.delete("application/json");
  for (const type of rawTypes) {
    if (streamTypes.has(type)) continue;
    fastify.addContentTypeParser(type, { parseAs: "buffer" }, (_req, body, done) =>
      done(null, body),
    );
  }
  // Types a streaming route accepts: that route gets the request stream itself (limited),
  // any other route declaring the same type still gets a Buffer.
  for (const type of streamTypes) {
    fastify.addContentTypeParser(type, (request, payload, done) => {
      const route = (request.routeOptions.config as Partial<RouteConfig>).vigil;
      const limit = route?.spec.bodyLimitBytes ?? bodyLimit;
      const declared = Number(request.headers["content-length"]);
      if (Number.isFinite(declared) && declared > limit) return done(tooLarge(limit), undefined);
      if (route?.spec.streamBody) return done(null, limitStream(payload, limit));
      readLimited(payload, limit).then(
        (buf) => done(null, buf),
        (err: Error) => done(err, undefined),
      );
    });
  }

  // ---- errors, 404, 405 ----------------------------------------------------------------
  fastify.setErrorHandler((err: FastifyError, request, reply) => {
    const route = (request.routeOptions.config as Partial<RouteConfig> | undefined)?.vigil;
    const e = toVigilError(err, route?.spec.bodyLimitBytes ?? bodyLimit);
    if (e.httpStatus >= 500 && e.code !== "VIGIL_SHUTTING_DOWN") {
      const where = `${request.id} ${request.method} ${pathOf(request.url)}`;
      if (isVigilError(err) && err.code !== "VIGIL_INTERNAL") {
        // Known conditions (database down, ...): their message is already scrubbed.
        logger.error(`error ${where}: ${err.code}: ${err.message}`);
      } else {
        // The one place a stack is written: the server's stderr, never the response.
        logger.error(`error ${where}: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
    return sendError(reply, e, state);
  });
  fastify.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new VigilError("VIGIL_ROUTE_NOT_FOUND", `No route ${request.method} ${pathOf(request.url)}.`),
      state,
    ),
  );

  const methodsByPath = new Map<string, Set<string>>();
  for (const spec of routes) {
    const set = methodsByPath.get(spec.path) ?? new Set<string>();
    set.add(spec.method);
    if (spec.method === "GET") set.add("HEAD");
    methodsByPath.set(spec.path, set);
  }

  // ---- routes --------------------------------------------------------------------------
  for (const spec of routes) {
    const compiled: CompiledRoute = {
      spec,
      params: spec.params && compileValidator("params", spec.params),
      query: spec.query && compileValidator("query", spec.query),
      body: spec.body && compileValidator("body", spec.body),
      raw: new Set((spec.rawBody ?? []).map((t) => t.toLowerCase())),
    };
    const config: RouteConfig = { vigil: compiled };
    fastify.route({
      method: spec.method,
      url: spec.path,
      config,
      ...(spec.bodyLimitBytes === undefined ? {} : { bodyLimit: spec.bodyLimitBytes }),
      // Callback style, not async: a cached token is checked without a promise per request.
      onRequest: (request, reply, done) => {
        if (state.closing) {
          reply.header("connection", "close");
          return done(new VigilError("VIGIL_SHUTTING_DOWN", "The server is shutting down."));
        }
        if (spec.roles === "public") return done();
        const token = bearerToken(request.headers.authorization);
        if (token === undefined) {
          return done(
            new VigilError(
              "VIGIL_UNAUTHENTICATED",
              "This route needs an API token: send `Authorization: Bearer vgl_...`.",
            ),
          );
        }
        const admit = (principal: Principal | undefined): void => {
          let refused: Error | undefined;
          try {
            principals.set(request, authorize(request, spec, principal));
            const wait = limiter?.take(principal!.tokenId) ?? 0;
            if (wait > 0) {
              reply.header("retry-after", String(wait));
              refused = new VigilError(
                "VIGIL_RATE_LIMITED",
                `Rate limit of this token exceeded; retry in ${wait} s.`,
              );
            }
          } catch (err) {
            refused = err as Error;
          }
          // outside the try: an error further down the chain must not be reported twice
          done(refused);
        };
        const cached = auth.cached(token);
        if (cached !== undefined) return admit(cached);
        auth.verify(token).then(admit, (err: Error) => done(err));
      },
      handler: async (request, reply) => {
        const out = await runRoute(compiled, request, reply, ctx, state);
        return sendReply(reply, out, state);
      },
    });
  }

  for (const [path, declared] of methodsByPath) {
    const missing = METHODS.filter((m) => !declared.has(m));
    if (missing.length === 0) continue;
    const allow = [...declared].join(", ");
    fastify.route({
      method: missing,
      url: path,
      handler: async (request, reply) => {
        reply.header("allow", allow);
        return sendError(
          reply,
          new VigilError(
            "VIGIL_METHOD_NOT_ALLOWED",
            `${request.method} is not allowed on ${path}; allowed: ${allow}.`,
          ),
          state,
        );
      },
    });
  }

  return {
    fastify,
    ctx,
    routes,
    state,
    close: async ({ drainMs = 10_000 } = {}) => {
      state.closing = true;
      const closed = fastify.close();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        closed.then(() => true),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), drainMs);
          timer.unref();
        }),
      ]);
      if (timer) clearTimeout(timer);
      if (!drained) {
        state.shutdown.abort(new VigilError("VIGIL_SHUTTING_DOWN", "The server is shutting down."));
        fastify.server.closeAllConnections();
        await closed;
      }
    },
  };
}

/** The principal if its role and model scope allow the route; throws 401/403 otherwise. */
function authorize(
  request: FastifyRequest,
  spec: RouteSpec,
  principal: Principal | undefined,
): Principal {
  if (principal === undefined) {
    throw new VigilError(
      "VIGIL_UNAUTHENTICATED",
      "The API token is unknown, malformed or revoked.",
    );
  }
  const roles = spec.roles as readonly string[];
  if (principal.role !== "admin" && !roles.includes(principal.role)) {
    throw new VigilError(
      "VIGIL_FORBIDDEN",
      `Role ${principal.role} may not call ${spec.method} ${spec.path}; allowed: ${["admin", ...roles.filter((r) => r !== "admin")].join(", ")}.`,
    );
  }
  if (spec.modelParam !== undefined && principal.models !== null) {
    const model = (request.params as Record<string, string | undefined>)[spec.modelParam];
    if (model === undefined || !principal.models.includes(model)) {
      throw new VigilError(
        "VIGIL_FORBIDDEN",
        `This token is limited to the models ${principal.models.map((m) => JSON.stringify(m)).join(", ") || "(none)"}; it may not act on ${JSON.stringify(model ?? "")}.`,
      );
    }
  }
  return principal;
}

async function runRoute(
  route: CompiledRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ServerContext,
  state: ServerState,
): Promise<RouteReply> {
  const params = (request.params ?? {}) as Record<string, string>;
  const query = (request.query ?? {}) as Record<string, unknown>;
  route.params?.(params);
  route.query?.(query);
  const contentType = request.headers["content-type"];
  let body: unknown = request.body;
  let rawBody: Buffer | undefined;
  let bodyStream: NodeJS.ReadableStream | undefined;
  if (body instanceof Readable) {
    bodyStream = body;
    body = undefined;
  } else if (Buffer.isBuffer(body)) {
    const type = mediaType(contentType);
    if (!route.raw.has(type)) {
      throw new VigilError(
        "VIGIL_UNSUPPORTED_MEDIA_TYPE",
        `${route.spec.method} ${route.spec.path} does not accept ${type}; send application/json${route.raw.size > 0 ? ` or ${[...route.raw].join(", ")}` : ""}.`,
      );
    }
    rawBody = body;
    body = undefined;
  } else {
    route.body?.(body);
  }
  const input = new Input(
    params,
    query,
    body,
    rawBody,
    contentType,
    request.headers,
    principals.get(request) ?? null,
    reply,
    state,
  );
  if (bodyStream) input.bodyStream = bodyStream;
  return route.spec.handler(input, ctx);
}

/** RouteInput whose AbortSignal is made only when a handler asks for it. */
class Input implements RouteInput {
  private abortSignal: AbortSignal | undefined;
  bodyStream?: NodeJS.ReadableStream;
  constructor(
    readonly params: Record<string, string>,
    readonly query: Record<string, unknown>,
    readonly body: unknown,
    readonly rawBody: Buffer | undefined,
    readonly contentType: string | undefined,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly principal: Principal | null,
    private readonly reply: FastifyReply,
    private readonly state: ServerState,
  ) {}

  get signal(): AbortSignal {
    if (this.abortSignal === undefined) {
      const local = new AbortController();
      const res = this.reply.raw;
      if (res.destroyed && !res.writableFinished) local.abort();
      else
        res.once("close", () => {
          if (!res.writableFinished) local.abort();
        });
      this.abortSignal = AbortSignal.any([local.signal, this.state.shutdown.signal]);
    }
    return this.abortSignal;
  }
}

function sendReply(reply: FastifyReply, out: RouteReply, state: ServerState): FastifyReply {
  reply.code(out.status ?? 200);
  if (out.headers) reply.headers(out.headers);
  if (state.closing) reply.header("connection", "close");
  if (out.contentType !== undefined) return reply.type(out.contentType).send(out.body);
  if (out.body === undefined) return reply.send();
  return reply.type(JSON_TYPE).send(JSON.stringify(out.body));
}

function sendError(reply: FastifyReply, e: VigilError, state: ServerState): FastifyReply {
  if (e.code === "VIGIL_UNAUTHENTICATED") reply.header("www-authenticate", 'Bearer realm="vigil"');
  if (state.closing) reply.header("connection", "close");
  return reply.code(e.httpStatus).type(JSON_TYPE).send(JSON.stringify(e.toJSON()));
}

function tooLarge(limit: number): VigilError {
  return new VigilError(
    "VIGIL_PAYLOAD_TOO_LARGE",
    `The request body is larger than this route's limit of ${limit} bytes.`,
  );
}

/** The request stream, failing with VIGIL_PAYLOAD_TOO_LARGE once it passes `limit` bytes. */
function limitStream(payload: NodeJS.ReadableStream, limit: number): Readable {
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, next) {
      seen += chunk.length;
      if (seen > limit) next(tooLarge(limit));
      else next(null, chunk);
    },
  });
  payload.on("error", (err: Error) => guard.destroy(err));
  return (payload as Readable).pipe(guard);
}

async function readLimited(payload: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of limitStream(payload, limit)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "VIGIL_PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "VIGIL_UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "VIGIL_INVALID_ARGUMENT",
  FST_ERR_CTP_EMPTY_JSON_BODY: "VIGIL_MALFORMED_JSON",
};

/** Every error as a VigilError; anything unexpected becomes VIGIL_INTERNAL with no detail. */
function toVigilError(err: unknown, bodyLimit: number): VigilError {
  if (isVigilError(err)) return err;
  const e = err as Partial<FastifyError>;
  const code = typeof e.code === "string" ? FASTIFY_CODES[e.code] : undefined;
  if (code === "VIGIL_PAYLOAD_TOO_LARGE") {
    return new VigilError(
      code,
      `The request body is larger than the server's limit of ${bodyLimit} bytes.`,
    );
  }
  if (code === "VIGIL_UNSUPPORTED_MEDIA_TYPE") {
    return new VigilError(code, `Unsupported Content-Type; send application/json.`);
  }
  if (code !== undefined) return new VigilError(code, String(e.message));
  // Fastify's own client errors (bad URL encoding, ...): safe messages, 4xx statuses.
  if (
    typeof e.code === "string" &&
    e.code.startsWith("FST_") &&
    typeof e.statusCode === "number" &&
    e.statusCode >= 400 &&
    e.statusCode < 500
  ) {
    return new VigilError("VIGIL_INVALID_ARGUMENT", String(e.message));
  }
  return new VigilError("VIGIL_INTERNAL", "Internal server error; the server log has the details.");
}

function mediaType(header: string | undefined): string {
  if (header === undefined) return "";
  const semi = header.indexOf(";");
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/** The request path without its query string (which is not logged), cut to a sane length. */
function pathOf(url: string): string {
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
