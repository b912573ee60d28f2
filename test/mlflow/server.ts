/**
 * A local HTTP server that answers like an MLflow 2.x tracking server by replaying recorded
 * response bodies (test/fixtures/mlflow, indexed by exchanges.json). MLflow itself is a
 * third-party Python service the suite cannot run, so its REST answers are replayed; the
 * client side (fetch, pagination, auth headers, errors) is the real code.
 *
 * Requests are matched on method, path and query (names sorted, values decoded). An
 * unknown request gets MLflow's HTML 404, so a client asking for something unexpected
 * fails loudly; every request is logged for the tests to assert on.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const FIXTURES = new URL("../fixtures/mlflow/", import.meta.url);

export interface Answer {
  status: number;
  /** A file in test/fixtures/mlflow. */
  body: string;
  contentType?: string;
}

export type Exchanges = Record<string, Answer>;

const recorded = JSON.parse(readFileSync(new URL("exchanges.json", FIXTURES), "utf8")) as {
  base: Exchanges;
  changed: Exchanges;
};

/** The registry as first imported. */
export const BASE: Exchanges = recorded.base;
/** After churn v3 went to Production, champion moved, challenger was deleted, v6 came. */
export const CHANGED: Exchanges = { ...recorded.base, ...recorded.changed };

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** "GET /path?a=1&b=2" with the query's names sorted and values decoded. */
export function requestKey(method: string, rawUrl: string): string {
  const url = new URL(rawUrl, "http://x");
  const params = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const qs = params.map(([k, v]) => `${k}=${v}`).join("&");
  return `${method} ${url.pathname}${qs ? `?${qs}` : ""}`;
}

export interface FakeMlflow {
  url: string;
  /** Request keys in arrival order. */
  requests: string[];
  /** The Authorization header of each request (undefined when none). */
  authorizations: (string | undefined)[];
  /** Replaces the answers from now on (a later state of the registry). */
  replay(exchanges: Exchanges): void;
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Every request must carry exactly this Authorization header, else 401 as MLflow's auth app. */
  authorization?: string;
  /** Accept connections and never answer (for timeouts). */
  silent?: boolean;
}

const NOT_FOUND_HTML =
  "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n";

export async function startFakeMlflow(
  exchanges: Exchanges,
  options: FakeOptions = {},
): Promise<FakeMlflow> {
  let current = exchanges;
  const requests: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    const key = requestKey(req.method ?? "GET", req.url ?? "/");
    requests.push(key);
    authorizations.push(req.headers.authorization);
    if (options.silent) return;
    if (
      options.authorization !== undefined &&
      req.headers.authorization !== options.authorization
    ) {
      res.writeHead(401, {
        "content-type": "text/plain",
        "www-authenticate": 'Basic realm="mlflow"',
      });
      res.end(fixture("not-authenticated.txt"));
      return;
    }
    const answer = current[key];
    if (!answer) {
      res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
      res.end(NOT_FOUND_HTML);
      return;
    }
    res.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json" });
    res.end(fixture(answer.body));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    authorizations,
    replay: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A URL on which nothing listens (a port that was just freed). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}
