/**
 * The ingest side of `vigil serve` as a background plugin: on SQLite, window profiles are
 * counted after each commit in a worker thread and written about once a second
 * (deferred-profiles.ts). Started before the port is bound (it first replays what a crashed
 * process counted but had not written) and stopped after the requests drained (it writes
 * everything counted, then stops the worker). Without it, or on PostgreSQL, the ingestor
 * updates profiles inside each ingest transaction.
 */
import type { ServerContext, ServerPlugin } from "../server/route.js";
import { DeferredProfiles, type DeferredProfilesOptions } from "./deferred-profiles.js";
import { Ingestor, ingestorFor } from "./ingest.js";

export const INGEST_SERVICE = "ingest";
const DEFERRED_SERVICE = "ingest-deferred-profiles";

/** The server's ingestor (the plugin's when it runs, else the store's default one). */
export function serverIngestor(ctx: ServerContext): Ingestor {
  return (ctx.services.get(INGEST_SERVICE) as Ingestor | undefined) ?? ingestorFor(ctx.store);
}

/**
 * Writes the window profiles counted but not yet written, so reads that follow see every
 * committed event (the scheduler before evaluating, the window route). No-op without
 * deferred profiles.
 */
export async function flushWindowProfiles(ctx: ServerContext): Promise<void> {
  const d = ctx.services.get(DEFERRED_SERVICE) as DeferredProfiles | undefined;
  await d?.flush();
}

export function ingestPlugin(opts: DeferredProfilesOptions = {}): ServerPlugin {
  return {
    name: INGEST_SERVICE,
    async start(ctx) {
      if (!DeferredProfiles.supports(ctx.store)) return;
      const deferred = new DeferredProfiles(ctx.store, opts);
      const repaired = await deferred.start();
      if (repaired > 0) {
        (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(
          `recounted ${repaired} window profile(s) from their raw events (the last run stopped before writing them)`,
        );
      }
      ctx.services.set(DEFERRED_SERVICE, deferred);
      ctx.services.set(INGEST_SERVICE, new Ingestor(ctx.store, { deferred }));
    },
    async stop(ctx) {
      const deferred = ctx.services.get(DEFERRED_SERVICE) as DeferredProfiles | undefined;
      ctx.services.delete(INGEST_SERVICE);
      ctx.services.delete(DEFERRED_SERVICE);
      await deferred?.close();
    },
  };
}
