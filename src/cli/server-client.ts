/**
 * The CLI's side of `--server URL`: a small JSON client over global fetch for the Vigil API.
 * The server answers errors as `{ "error": { "code", "message", "details" } }`; they come
 * back here as the same VigilError, so a command fails with the same code and exit status
 * whether it ran on the embedded store or against a server. The token travels only in the
 * Authorization header and never appears in a message.
 */
import { ERROR_CODES, type ErrorCode, type ErrorDetail, VigilError } from "../errors.js";
import type { CommandContext } from "./definition.js";
import { stringOpt } from "./handlers/evaluate.js";

export const SERVER_ENV = "VIGIL_SERVER";
export const TOKEN_ENV = "VIGIL_TOKEN";

/** Long enough for a large audit page on a busy PostgreSQL; a hung server still ends. */
const TIMEOUT_MS = 120_000;

export interface ServerTarget {
  /** Base URL ending in "/" so relative API paths resolve under any path prefix. */
  base: URL;
  token: string | undefined;
}

/**
 * Where a command runs: `--server` wins, an explicit `--db` keeps the embedded store, then
 * VIGIL_SERVER; undefined means the embedded store. Giving both flags is ambiguous.
 */
export function serverTarget(ctx: CommandContext): ServerTarget | undefined {
  const flag = stringOpt(ctx.options, "server");
  const db = stringOpt(ctx.options, "db");
  if (flag !== undefined && db !== undefined) {
    throw new VigilError(
      "VIGIL_USAGE",
      "give --server (a Vigil server) or --db (the embedded store), not both",
    );
  }
  const given = flag ?? (db === undefined ? ctx.io.env[SERVER_ENV] : undefined);
  if (given === undefined || given === "") return undefined;
  return { base: parseServerUrl(given), token: ctx.io.env[TOKEN_ENV] || undefined };
}

export function parseServerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new VigilError(
      "VIGIL_USAGE",
      `--server must be an http(s) URL such as http://127.0.0.1:7070, got ${JSON.stringify(text)}`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new VigilError(
      "VIGIL_USAGE",
      `--server must be an http:// or https:// URL, got ${url.protocol}`,
    );
  }
  if (url.username || url.password) {
    throw new VigilError(
      "VIGIL_USAGE",
      `--server must not carry credentials; put the API token in ${TOKEN_ENV}`,
    );
  }
  url.search = "";
  url.hash = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent verbatim with `contentType`. */
  text?: string;
  contentType?: string;
}

function unreachable(message: string, cause?: unknown): VigilError {
  return new VigilError("VIGIL_SERVER_UNREACHABLE", message, [], { cause });
}

export class ServerClient {
  constructor(private readonly target: ServerTarget) {}

  /** The server's origin and path, for messages. */
  get where(): string {
    return this.target.base.href;
  }

  /** `path` is relative to the base, without a leading slash: "api/v1/audit". */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const url = new URL(path, this.target.base);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.text !== undefined) {
      headers["content-type"] = opts.contentType ?? "text/plain; charset=utf-8";
      body = opts.text;
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body,
        // A redirect could carry the token to another origin; the user gives the final URL.
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why =
        e.name === "TimeoutError"
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw unreachable(`cannot reach the Vigil server at ${url.origin}: ${why}`, err);
    }
    const text = await res.text();
    if (res.status >= 300 && res.status < 400) {
      throw unreachable(
        `the server at ${url.origin} redirected ${method} ${url.pathname} (HTTP ${res.status}${
          res.headers.get("location") ? ` to ${res.headers.get("location")}` : ""
        }); pass the final URL as --server`,
      );
    }
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      throw unreachable(
        `the server at ${url.origin} answered ${method} ${url.pathname} with HTTP ${res.status} and a body that is not JSON (is it a Vigil server?): ${JSON.stringify(text.slice(0, 120))}`,
      );
    }
    if (res.ok) return parsed as T;
    throw errorFromBody(
      parsed,
      res.status,
      `${method} ${url.pathname}`,
      Boolean(this.target.token),
    );
  }
}

/** Maps an API error body back to the VigilError the server threw. */
export function errorFromBody(
  body: unknown,
  status: number,
  what: string,
  hadToken: boolean,
): VigilError {
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } })?.error;
  if (!err || typeof err.code !== "string" || typeof err.message !== "string") {
    return unreachable(`the server answered ${what} with HTTP ${status} but no Vigil error body`);
  }
  if (!Object.hasOwn(ERROR_CODES, err.code)) {
    return unreachable(
      `the server answered ${what} with HTTP ${status} and error code ${err.code}, which this vigil does not know (a newer server?): ${err.message}`,
    );
  }
  const details = Array.isArray(err.details) ? (err.details as ErrorDetail[]) : [];
  const message =
    err.code === "VIGIL_UNAUTHENTICATED" && !hadToken
      ? `${err.message} (${TOKEN_ENV} is not set)`
      : err.message;
  return new VigilError(err.code as ErrorCode, message, details);
}
