/**
 * Process-wide state of a running server that routes may read: whether it is shutting down
 * (readiness answers 503, new requests are refused) and the route list (for the OpenAPI
 * document, which cannot import the route assembly without an import cycle).
 */
import type { RouteSpec, ServerContext } from "./route.js";

const SERVICE_KEY = "vigil.lifecycle";

export class ServerState {
  /** Set when shutdown begins; in-flight requests still finish. */
  closing = false;
  /** Aborted when the drain period is over: long handlers should stop then. */
  readonly shutdown = new AbortController();
  constructor(readonly routes: readonly RouteSpec[]) {}
}

export function installServerState(ctx: ServerContext, state: ServerState): void {
  ctx.services.set(SERVICE_KEY, state);
}

/** The server's state; a context without one (a handler called directly) is never closing. */
export function serverState(ctx: ServerContext): ServerState | undefined {
  const state = ctx.services.get(SERVICE_KEY);
  return state instanceof ServerState ? state : undefined;
}
