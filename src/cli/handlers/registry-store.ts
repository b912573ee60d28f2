/**
 * Where the registry commands of issue 6 section 4 (trace, model card, deploy,
 * deployments) read and write: a Vigil server (--server / VIGIL_SERVER, see
 * ../server-client.ts) or the embedded store (--db, VIGIL_DATABASE_URL, ./.vigil/vigil.db).
 * These commands never create a database: a missing SQLite file is an error, since an
 * empty one could only answer "not found".
 */
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { VigilError } from "../../errors.js";
import { DATABASE_URL_ENV, DEFAULT_SQLITE_PATH, openStore, type Store } from "../../store/index.js";
import type { CommandContext } from "../definition.js";
import { ServerClient, serverTarget } from "../server-client.js";
import { stringOpt } from "./evaluate.js";

export type Backend = { kind: "server"; client: ServerClient } | { kind: "store"; store: Store };

export async function openBackend(ctx: CommandContext): Promise<Backend> {
  const target = serverTarget(ctx);
  if (target) return { kind: "server", client: new ServerClient(target) };
  const given = stringOpt(ctx.options, "db") ?? ctx.io.env[DATABASE_URL_ENV] ?? DEFAULT_SQLITE_PATH;
  if (/^postgres(ql)?:\/\//i.test(given)) return { kind: "store", store: await openStore(given) };
  const path = resolve(ctx.io.cwd, given.replace(/^sqlite:/, ""));
  if (!existsSync(path)) {
    throw new VigilError(
      "VIGIL_FILE_NOT_FOUND",
      `no Vigil database at ${path}; pass --db, set ${DATABASE_URL_ENV}, or --server`,
    );
  }
  return { kind: "store", store: await openStore(path) };
}

export async function closeBackend(b: Backend): Promise<void> {
  if (b.kind === "store") await b.store.close();
}

/** A path segment for the API. */
export const seg = (s: string | number): string => encodeURIComponent(String(s));

/** The actor on the embedded store: --actor, else VIGIL_ACTOR, else the OS user. */
export function embeddedActor(ctx: CommandContext, command: string): string {
  const given = stringOpt(ctx.options, "actor") ?? ctx.io.env.VIGIL_ACTOR;
  if (given) return given;
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // no OS user (some containers)
  }
  throw new VigilError(
    "VIGIL_USAGE",
    `vigil ${command}: no actor; pass --actor or set VIGIL_ACTOR`,
  );
}
