/**
 * Where the registry commands of issue 6 section 4 (trace, model card, deploy,
 * deployments) read and write: a Vigil server (--server / VIGIL_SERVER, see
 * ../server-client.ts) or the embedded store (--db, VIGIL_DATABASE_URL, ./.vigil/vigil.db).
 * These commands never create a database: a missing SQLite file is an error, since an
 * empty one could only answer "not found".
 */
import { DATABASE_URL_ENV, type Store } from "../../store/index.js";
import type { CommandContext } from "../definition.js";
import { ServerClient, serverTarget } from "../server-client.js";
import { openDb } from "./embedded-store.js";

export type Backend = { kind: "server"; client: ServerClient } | { kind: "store"; store: Store };

export async function openBackend(ctx: CommandContext): Promise<Backend> {
  const target = serverTarget(ctx);
  if (target) return { kind: "server", client: new ServerClient(target) };
  const store = await openDb(ctx, {
    mustExist: true,
    memory: false,
    advice: `pass --db, set ${DATABASE_URL_ENV}, or --server`,
  });
  return { kind: "store", store };
}

export async function closeBackend(b: Backend): Promise<void> {
  if (b.kind === "store") await b.store.close();
}

/** A path segment for the API. */
export const seg = (s: string | number): string => encodeURIComponent(String(s));
