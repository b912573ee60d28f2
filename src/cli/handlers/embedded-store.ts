/**
 * The embedded store the CLI acts on without a server: --db, else VIGIL_DATABASE_URL, else
 * ./.vigil/vigil.db, with SQLite paths resolved from the command's cwd; and who acts on it
 * (on a server the token says who acts).
 */
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { VigilError } from "../../errors.js";
import { DATABASE_URL_ENV, DEFAULT_SQLITE_PATH, openStore, type Store } from "../../store/index.js";
import type { CommandContext } from "../definition.js";
import { stringOpt } from "./evaluate.js";

export const ACTOR_ENV = "VIGIL_ACTOR";

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/**
 * The database as openStore takes it: a PostgreSQL URL as given, else a SQLite path from the
 * cwd. ":memory:" is an in-memory database unless `memory` is false (then it is a file name).
 */
export function dbTarget(ctx: CommandContext, memory = true): string {
  const given = stringOpt(ctx.options, "db") ?? ctx.io.env[DATABASE_URL_ENV] ?? DEFAULT_SQLITE_PATH;
  if (POSTGRES_URL.test(given) || (memory && given === ":memory:")) return given;
  return resolve(ctx.io.cwd, given.replace(/^sqlite:/, ""));
}

export interface OpenDbOptions {
  /**
   * A missing SQLite file is VIGIL_FILE_NOT_FOUND instead of a new database: for commands
   * that read, where an empty database could only answer "nothing" (or "intact").
   */
  mustExist?: boolean;
  /** Whether ":memory:" is an in-memory database (default true). */
  memory?: boolean;
  /** The error's advice on naming another database (default: --db or VIGIL_DATABASE_URL). */
  advice?: string;
}

export async function openDb(ctx: CommandContext, opts: OpenDbOptions = {}): Promise<Store> {
  const target = dbTarget(ctx, opts.memory ?? true);
  const sqlite = !POSTGRES_URL.test(target) && target !== ":memory:";
  if (opts.mustExist && sqlite && !existsSync(target)) {
    throw new VigilError(
      "VIGIL_FILE_NOT_FOUND",
      `no Vigil database at ${target}; ${opts.advice ?? `pass --db or set ${DATABASE_URL_ENV}`}`,
    );
  }
  return openStore(target);
}

/** Who acts on the embedded store: --actor, else VIGIL_ACTOR, else the operating-system user. */
export function embeddedActor(ctx: CommandContext, command: string): string {
  const given = stringOpt(ctx.options, "actor") ?? ctx.io.env[ACTOR_ENV];
  if (given) return given;
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // no OS user (some containers)
  }
  throw new VigilError(
    "VIGIL_USAGE",
    `vigil ${command}: no actor; pass --actor or set ${ACTOR_ENV}`,
  );
}
