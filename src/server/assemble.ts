/**
 * Every route and background plugin of `vigil serve`, in one list, so the server, the
 * OpenAPI document and the role-walk test all see the same set.
 */
import { ingestPlugin } from "../monitor/ingest-plugin.js";
import { monitorScheduler } from "../monitor/scheduler.js";
import type { RouteSpec, ServerPlugin } from "./route.js";
import { routes as audit } from "./routes/audit.js";
import { routes as card } from "./routes/card.js";
import { routes as deployments } from "./routes/deployments.js";
import { routes as ingest } from "./routes/ingest.js";
import { routes as models } from "./routes/models.js";
import { routes as monitoring } from "./routes/monitoring.js";
import { routes as prometheus, plugin as prometheusPlugin } from "./routes/prometheus.js";
import { routes as registry } from "./routes/registry.js";
import { routes as system } from "./routes/system.js";
import { routes as tokens } from "./routes/tokens.js";
import { routes as trace } from "./routes/trace.js";

export function allRoutes(): RouteSpec[] {
  return [
    ...system,
    ...tokens,
    ...models,
    ...ingest,
    ...monitoring,
    ...prometheus,
    ...registry,
    ...audit,
    ...trace,
    ...card,
    ...deployments,
  ];
}

/** Background plugins, started in this order and stopped in reverse. */
export function allPlugins(): ServerPlugin[] {
  // Ingest first: it repairs window profiles before the scheduler reads them, and stops
  // last, writing what it counted.
  return [ingestPlugin(), prometheusPlugin, monitorScheduler()];
}
