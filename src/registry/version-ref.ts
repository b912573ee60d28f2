import type { Kysely } from "kysely";
import { VigilError } from "../errors.js";
import type { Repo } from "../store/index.js";
import type { RegistryTables } from "./tables.js";

/**
 * A version reference as users write it: a number ("3") or an alias of the model
 * ("champion"). Registry reads and deployment records resolve it the same way.
 */
export type VersionRef = string | number;

/** The version number a reference names, or null when it is an alias. */
export function refNumber(ref: VersionRef): number | null {
  const text = String(ref);
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** The version id an alias of the model points at, as a scalar subquery. */
export function aliasTarget(tx: Repo, modelId: number, alias: string) {
  return (tx.kysely as unknown as Kysely<Pick<RegistryTables, "registry_aliases">>)
    .selectFrom("registry_aliases")
    .select("version_id")
    .where("model_id", "=", modelId)
    .where("alias", "=", alias);
}

/** VIGIL_VERSION_NOT_FOUND for a reference; `what` qualifies the version ("champion"). */
export function versionNotFound(model: string, ref: VersionRef, what?: string): VigilError {
  const text = String(ref);
  return new VigilError(
    "VIGIL_VERSION_NOT_FOUND",
    `Model "${model}" has no ${what === undefined ? "" : `${what} `}version ${refNumber(text) !== null ? text : `or alias "${text}"`}.`,
  );
}
