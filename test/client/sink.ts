/**
 * A small ingest endpoint on 127.0.0.1 for the client tests: it stores ids idempotently
 * (as `vigil serve` does) and lets each test decide, per request, to answer normally, fail
 * with a status, hang, or cut the connection. Only for the client's transport behaviour;
 * the client is also run against the real server in test/server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SinkRequest {
  n: number;
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  items: Array<Record<string, unknown>>;
}

/** What to do with one request: answer normally, answer with this, hang, or cut it. */
export type Behaviour =
  | "ok"
  | "hang"
  | "destroy"
  | "store-then-hang"
  | { status: number; body?: unknown; headers?: Record<string, string> };

export interface Sink {
  url: string;
  requests: SinkRequest[];
  /** Ids stored per path (idempotent: a repeated id is a duplicate). */
  stored: Map<string, Set<string>>;
  /** Decides each request (default "ok"). */
  behave: (req: SinkRequest) => Behaviour;
  /** Resolves once `n` requests arrived. */
  received(n: number): Promise<void>;
  /** Resolves once `n` items in total were stored. */
  storedAtLeast(n: number): Promise<void>;
  storedCount(): number;
  /** Answers every hanging request normally. */
  release(): void;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const hanging: Array<() => void> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const requestWaiters: Array<{ n: number; resolve: () => void }> = [];
  const sink: Sink = {
    url: "",
    requests: [],
    stored: new Map(),
    behave: () => "ok",
    received(n) {
      if (this.requests.length >= n) return Promise.resolve();
      return new Promise((resolve) => requestWaiters.push({ n, resolve }));
    },
    storedAtLeast(n) {
      if (this.storedCount() >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    storedCount() {
      let total = 0;
      for (const s of this.stored.values()) total += s.size;
      return total;
    },
    release() {
      for (const answer of hanging.splice(0)) answer();
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };

  function store(req: SinkRequest): { accepted: number; duplicates: number } {
    const set = sink.stored.get(req.path) ?? new Set<string>();
    sink.stored.set(req.path, set);
    let accepted = 0;
    let duplicates = 0;
    for (const item of req.items) {
      const id = String(item.id);
      if (set.has(id)) duplicates++;
      else {
        set.add(id);
        accepted++;
      }
    }
    const total = sink.storedCount();
    for (const w of waiters.splice(0)) {
      if (total >= w.n) w.resolve();
      else waiters.push(w);
    }
    return { accepted, duplicates };
  }

  function answerOk(req: SinkRequest, res: ServerResponse, counts: ReturnType<typeof store>): void {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...counts, rejected: [] }));
    void req;
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let items: SinkRequest["items"] = [];
      try {
        const parsed: unknown = JSON.parse(body);
        if (Array.isArray(parsed)) items = parsed as SinkRequest["items"];
      } catch {
        // Left empty: the test inspects `body`.
      }
      const r: SinkRequest = {
        n: sink.requests.length,
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        items,
      };
      sink.requests.push(r);
      for (const w of requestWaiters.splice(0)) {
        if (sink.requests.length >= w.n) w.resolve();
        else requestWaiters.push(w);
      }
      const b = sink.behave(r);
      if (b === "ok") answerOk(r, res, store(r));
      else if (b === "destroy") req.socket.destroy();
      else if (b === "hang") hanging.push(() => answerOk(r, res, store(r)));
      else if (b === "store-then-hang") {
        const counts = store(r);
        hanging.push(() => answerOk(r, res, counts));
      } else {
        res.writeHead(b.status, { "content-type": "application/json", ...b.headers });
        res.end(b.body === undefined ? "" : JSON.stringify(b.body));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}
