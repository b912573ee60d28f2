import { invalidArgument } from "../errors.js";

/** What an alias may be named: a letter, then letters, digits, `_ . -`; at most 64 characters. */
export const ALIAS_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** The alias, or VIGIL_INVALID_ARGUMENT when it is not alias-shaped (a number is a version, never an alias). */
export function checkAlias(alias: string): string {
  if (!ALIAS_RE.test(alias)) {
    throw invalidArgument("alias", "a name starting with a letter (letters, digits, _ . -)", alias);
  }
  return alias;
}
