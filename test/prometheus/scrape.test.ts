/**
 * A real Prometheus (Debian package) scrapes a real `vigil serve` HTTP server with a viewer
 * token; events go in through the ingest API, and the values come back out through
 * Prometheus' query API, hostile model and feature names included. Also runs every query of
 * docs/prometheus.md against that Prometheus, so the documented PromQL is valid.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METRIC } from "../../src/monitor/metric-names.js";
import { allRoutes } from "../../src/server/assemble.js";
import { prometheusPlugin, withPublicMetrics } from "../../src/server/routes/prometheus.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { type PromSeries, startPrometheus } from "./prometheus-server.js";
import { requireTool } from "./tools.js";

const prometheus = requireTool("prometheus", "prometheus-scrape");

const HOSTILE_MODEL = 'we"ird\\mo\ndel ✓';
const HOSTILE_VERSION = 'v"1\\';
const HOSTILE_FEATURE = 'a"b\\c\nd}{=,\r\t✓';

const byLabels =
  (labels: Record<string, string>) =>
  (r: PromSeries[]): PromSeries | undefined =>
    r.find((s) => Object.entries(labels).every(([k, v]) => s.metric[k] === v));

async function ok(srv: TestServer, method: string, path: string, token: string, body: unknown) {
  const r = await srv.request(method, path, { token, body });
  expect(r.status, `${method} ${path}: ${r.text}`).toBeLessThan(300);
  return r.json;
}

/** The PromQL expressions of docs/prometheus.md: comment lines separate them. */
function documentedQueries(): string[] {
  const md = readFileSync(new URL("../../docs/prometheus.md", import.meta.url), "utf8");
  const blocks = [...md.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const queries: string[] = [];
  for (const block of blocks) {
    let current: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("#") || line.trim() === "") {
        if (current.length) queries.push(current.join("\n"));
        current = [];
      } else current.push(line);
    }
    if (current.length) queries.push(current.join("\n"));
  }
  return queries;
}

describe.skipIf(!prometheus)("Prometheus scraping vigil serve", () => {
  it("reads ingested counts and escaped names back through the query API", async () => {
    const srv = await startTestServer();
    let prom: Awaited<ReturnType<typeof startPrometheus>> | undefined;
    try {
      await prometheusPlugin().start?.(srv.ctx);
      const admin = srv.adminToken;
      const features = { age: "numeric", [HOSTILE_FEATURE]: "categorical" };
      for (const [model, version] of [
        ["churn", "1"],
        [HOSTILE_MODEL, HOSTILE_VERSION],
      ] as const) {
        const path = `/api/v1/models/${encodeURIComponent(model)}`;
        await ok(srv, "PUT", path, admin, { task: "binary", schema: { features } });
        await ok(srv, "POST", `${path}/versions`, admin, { version });
      }
      const ingest = await srv.token("ingest", ["churn", HOSTILE_MODEL]);
      const event = (id: string, version: string, extra: Record<string, unknown> = {}) => ({
        id,
        version,
        features: { age: 40, [HOSTILE_FEATURE]: "x" },
        prediction: "1",
        ...extra,
      });
      const churn = await ok(srv, "POST", "/api/v1/models/churn/predictions", ingest, [
        event("e1", "1", { latency_ms: 3 }),
        event("e2", "1", { latency_ms: 30, error: "timeout" }),
        event("e3", "1", { latency_ms: 300 }),
        event("e4", "1", { error: true }),
        event("e5", "1"),
        event("bad", "no-such-version"),
      ]);
      expect(churn.accepted).toBe(5);
      expect(churn.rejected).toHaveLength(1);
      const again = await ok(srv, "POST", "/api/v1/models/churn/predictions", ingest, [
        event("e1", "1", { latency_ms: 3 }),
        event("e6", "1", { latency_ms: 3000 }),
        event("e7", "1"),
      ]);
      expect([again.accepted, again.duplicates]).toEqual([2, 1]);
      const hostilePath = `/api/v1/models/${encodeURIComponent(HOSTILE_MODEL)}/predictions`;
      const odd = await ok(srv, "POST", hostilePath, ingest, [
        event("h1", HOSTILE_VERSION),
        event("h2", HOSTILE_VERSION),
        event("h3", HOSTILE_VERSION),
      ]);
      expect(odd.accepted).toBe(3);
      // A window value with a hostile feature name, as the drift monitor stores it.
      const m = await srv.store.requireModel(HOSTILE_MODEL);
      const v = await srv.store.getVersion(m.id, HOSTILE_VERSION);
      await srv.store.putMetrics([
        {
          modelId: m.id,
          versionId: v!.id,
          windowStart: srv.ctx.now() - 600_000,
          name: METRIC.FEATURE_DRIFT_SCORE,
          labels: { feature: HOSTILE_FEATURE, method: "jensenshannon" },
          value: 0.125,
        },
      ]);

      // Roles: a read role may scrape, an ingest token may not, no token is refused.
      const viewer = await srv.token("viewer");
      expect((await srv.request("GET", "/metrics")).status).toBe(401);
      expect((await srv.request("GET", "/metrics", { token: ingest })).status).toBe(403);
      expect((await srv.request("GET", "/metrics", { token: viewer })).status).toBe(200);

      prom = await startPrometheus({
        binary: prometheus!,
        target: new URL(srv.url).host,
        token: viewer,
        scrapeInterval: "500ms",
      });
      const total = await prom.waitFor(
        'vigil_predictions_total{model="churn",version="1"}',
        (r) => r[0]?.value[1] === "7",
      );
      expect(total).toHaveLength(1);
      expect(await prom.target()).toEqual({ health: "up", lastError: "" });

      const value = async (q: string) => (await prom!.query(q)).map((s) => s.value[1]);
      expect(await value('vigil_prediction_errors_total{model="churn",version="1"}')).toEqual([
        "2",
      ]);
      expect(await value('vigil_ingest_rejected_total{model="churn"}')).toEqual(["1"]);
      expect(await value('vigil_ingest_duplicates_total{model="churn"}')).toEqual(["1"]);
      // The three committed requests, each counted once in every stage.
      for (const stage of ["check", "queue", "backlog", "commit", "sync"]) {
        expect(await value(`vigil_ingest_stage_seconds_count{stage="${stage}"}`), stage).toEqual([
          "3",
        ]);
      }
      expect(
        await value('vigil_prediction_latency_seconds_count{model="churn",version="1"}'),
      ).toEqual(["4"]);
      // 3 ms and 30 ms (the repeated e1 is a duplicate, not counted again); 300 ms; 3 s.
      expect(
        await value('vigil_prediction_latency_seconds_bucket{model="churn",version="1",le="0.05"}'),
      ).toEqual(["2"]);
      expect(
        await value('vigil_prediction_latency_seconds_bucket{model="churn",version="1",le="2.5"}'),
      ).toEqual(["3"]);
      expect(
        await value('vigil_prediction_latency_seconds_sum{model="churn",version="1"}'),
      ).toEqual(["3.333"]);

      const hostile = { model: HOSTILE_MODEL, version: HOSTILE_VERSION };
      expect(byLabels(hostile)(await prom.query("vigil_predictions_total"))?.value[1]).toBe("3");
      const drift = byLabels({ ...hostile, feature: HOSTILE_FEATURE, method: "jensenshannon" })(
        await prom.query("vigil_feature_drift_score"),
      );
      expect(drift?.value[1]).toBe("0.125");

      // Every documented query parses and evaluates.
      const queries = documentedQueries();
      expect(queries.length).toBeGreaterThanOrEqual(4);
      for (const q of queries) await expect(prom.query(q), q).resolves.toBeInstanceOf(Array);
    } finally {
      await prom?.stop();
      await srv.close();
    }
  });
});

describe("the public option", () => {
  it("replaces only the /metrics route", () => {
    const all = allRoutes();
    const open = withPublicMetrics(all);
    expect(open).toHaveLength(all.length);
    expect(open.filter((r) => r.roles === "public").map((r) => r.path)).toContain("/metrics");
    expect(open.filter((r, i) => r !== all[i]).map((r) => r.path)).toEqual(["/metrics"]);
  });
});
