/**
 * `GET /metrics`: the Prometheus exposition of the server. Two parts: in-process ingest
 * counters (fed by an ingest observer, fresh on every scrape) and gauges of the latest
 * stored window series (read from the store, reused for a few seconds so a fast scrape
 * interval or several Prometheus servers cost one store read per interval).
 *
 * The route needs a read role by default: Prometheus sends the token with
 * `authorization.credentials` in its scrape config. `prometheusRoutes({ public: true })`
 * declares it public for networks where the metrics port is already private.
 */
import {
  EXPOSITION_CONTENT_TYPE,
  IngestCounters,
  type ModelWindowMetrics,
  windowGaugeFamilies,
  writeExposition,
} from "../../monitor/prometheus/index.js";
import type { Store } from "../../store/index.js";
import {
  defineRoutes,
  type IngestObservation,
  READ_ROLES,
  type RouteSpec,
  type ServerContext,
  type ServerPlugin,
} from "../route.js";

const SERVICE_KEY = "vigil.prometheus";

/** Default time the gauges read from the store are reused. */
export const DEFAULT_GAUGE_CACHE_MS = 5_000;

export interface PrometheusOptions {
  /** How long the store-backed gauges are reused, ms (default 5000; 0 reads every scrape). */
  gaugeCacheMs?: number;
  /** At most this many (model, version) counter series (default 10,000). */
  maxSeries?: number;
}

export class PrometheusExporter {
  readonly counters: IngestCounters;
  /** Registered in ctx.ingestObservers; kept to remove it on stop. */
  readonly observer = (o: IngestObservation): void => this.counters.observe(o);
  private gauges: { text: string; expires: number } | undefined;
  private pending: Promise<string> | undefined;
  private readonly gaugeCacheMs: number;

  constructor(options: PrometheusOptions = {}) {
    this.counters = new IngestCounters(options.maxSeries);
    this.gaugeCacheMs = options.gaugeCacheMs ?? DEFAULT_GAUGE_CACHE_MS;
  }

  /** Zero series for every stored model and version, so the first increase is a rate. */
  async declareKnown(store: Store): Promise<void> {
    for (const m of await store.listModels()) {
      this.counters.declare(m.name);
      for (const v of await store.listVersions(m.id)) this.counters.declare(m.name, v.version);
    }
  }

  /** The whole exposition text. */
  async render(ctx: ServerContext): Promise<string> {
    const gauges = await this.gaugeText(ctx);
    return writeExposition(this.counters.families()) + gauges;
  }

  private gaugeText(ctx: ServerContext): Promise<string> | string {
    const cached = this.gauges;
    if (cached !== undefined && cached.expires > ctx.now()) return cached.text;
    // Concurrent scrapes share one store read.
    this.pending ??= readGauges(ctx.store)
      .then((text) => {
        this.gauges = { text, expires: ctx.now() + this.gaugeCacheMs };
        return text;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

async function readGauges(store: Store): Promise<string> {
  const models: ModelWindowMetrics[] = [];
  for (const m of await store.listModels()) {
    const versions = new Map((await store.listVersions(m.id)).map((v) => [v.id, v.version]));
    models.push({
      model: m.name,
      windowSeconds: m.windowSeconds,
      versions,
      metrics: await store.latestMetrics(m.id),
    });
  }
  return writeExposition(windowGaugeFamilies(models));
}

/**
 * The context's exporter, created and subscribed to ingest on first use. The plugin creates
 * it at start (so counting starts with the server); the route falls back to creating it so
 * /metrics never fails for want of the plugin.
 */
export function prometheusExporter(
  ctx: ServerContext,
  options: PrometheusOptions = {},
): PrometheusExporter {
  const existing = ctx.services.get(SERVICE_KEY);
  if (existing instanceof PrometheusExporter) return existing;
  const exporter = new PrometheusExporter(options);
  ctx.services.set(SERVICE_KEY, exporter);
  ctx.ingestObservers.push(exporter.observer);
  return exporter;
}

/** The background part: counters from server start, zero series for known versions. */
export function prometheusPlugin(options: PrometheusOptions = {}): ServerPlugin {
  return {
    name: "prometheus",
    async start(ctx) {
      await prometheusExporter(ctx, options).declareKnown(ctx.store);
    },
    async stop(ctx) {
      const exporter = ctx.services.get(SERVICE_KEY);
      if (!(exporter instanceof PrometheusExporter)) return;
      const i = ctx.ingestObservers.indexOf(exporter.observer);
      if (i >= 0) ctx.ingestObservers.splice(i, 1);
      ctx.services.delete(SERVICE_KEY);
    },
  };
}

/** For allPlugins(): the plugin with default options. */
export const plugin: ServerPlugin = prometheusPlugin();

export interface PrometheusRouteOptions {
  /** Serve /metrics without a token (default false: READ_ROLES). */
  public?: boolean;
}

export function prometheusRoutes(options: PrometheusRouteOptions = {}): RouteSpec[] {
  return defineRoutes([
    {
      method: "GET",
      path: "/metrics",
      summary: "Prometheus metrics: ingest counters and the latest window values",
      tag: "monitoring",
      roles: options.public ? "public" : READ_ROLES,
      responses: {
        200: {
          description: "Prometheus text exposition format 0.0.4",
          contentType: EXPOSITION_CONTENT_TYPE,
          schema: { type: "string" },
        },
      },
      async handler(_input, ctx) {
        const body = await prometheusExporter(ctx).render(ctx);
        return {
          status: 200,
          body,
          contentType: EXPOSITION_CONTENT_TYPE,
          headers: { "cache-control": "no-store" },
        };
      },
    },
  ]);
}

export const routes = prometheusRoutes();

/** The route list with /metrics made public (for `vigil serve` with the public option). */
export function withPublicMetrics(list: readonly RouteSpec[]): RouteSpec[] {
  const [open] = prometheusRoutes({ public: true });
  return list.map((r) => (r.method === "GET" && r.path === "/metrics" ? (open as RouteSpec) : r));
}
