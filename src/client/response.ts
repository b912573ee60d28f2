/**
 * Reading the server's answer to one ingest request into counts and per-item rejections.
 * The 2xx body says how many items were stored, how many were already there, and for each
 * refused item its index, field and reason (docs/monitoring.md); a 4xx body is the error
 * shape of DESIGN.md, `{ error: { code, message, details } }`.
 */
import type { Rejection } from "./types.js";

export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  rejections: Rejection[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** The item-level rejections a 2xx body lists (accepts `rejected` or `errors` as the list). */
function listedRejections(body: Obj, ids: readonly (string | undefined)[], status: number) {
  const list = Array.isArray(body.rejected)
    ? body.rejected
    : Array.isArray(body.errors)
      ? body.errors
      : [];
  const out: Rejection[] = [];
  for (const r of list) {
    if (!isObj(r)) continue;
    const index = num(r.index);
    if (index === undefined || !Number.isInteger(index) || index >= ids.length) continue;
    const rej: Rejection = {
      id: ids[index],
      index,
      reason: str(r.reason) ?? str(r.message) ?? "rejected",
      status,
    };
    const field = str(r.field);
    if (field !== undefined) rej.field = field;
    const code = str(r.code);
    if (code !== undefined) rej.code = code;
    out.push(rej);
  }
  return out;
}

/**
 * Counts from a 2xx answer to a request of `ids.length` items. Whatever the body does not
 * account for is counted as accepted: a 2xx means the request was committed.
 */
export function readSuccess(
  text: string,
  ids: readonly (string | undefined)[],
  status: number,
): BatchOutcome {
  let body: unknown;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    body = {};
  }
  if (!isObj(body)) body = {};
  const b = body as Obj;
  const rejections = listedRejections(b, ids, status);
  const n = ids.length;
  const duplicates = Math.min(num(b.duplicates) ?? 0, n - rejections.length);
  const accepted = n - rejections.length - duplicates;
  return { accepted, duplicates, rejections };
}

/**
 * Every item of a request the server refused as a whole (4xx other than 429). When the body
 * lists per-item reasons (a batch none of whose items was valid), each item gets its own;
 * the others get the error's message.
 */
export function readFailure(
  text: string,
  ids: readonly (string | undefined)[],
  status: number,
): { code: string | undefined; message: string; rejections: Rejection[] } {
  let code: string | undefined;
  let message = `HTTP ${status}`;
  let listed: Rejection[] = [];
  try {
    const body: unknown = JSON.parse(text);
    if (isObj(body) && isObj(body.error)) {
      code = str(body.error.code);
      const m = str(body.error.message);
      if (m) message = m;
    }
    if (isObj(body)) listed = listedRejections(body, ids, status);
  } catch {
    if (text.trim() !== "") message = `HTTP ${status}: ${text.trim().slice(0, 200)}`;
  }
  const byIndex = new Map(listed.map((r) => [r.index, r]));
  const rejections = ids.map((id, index) => {
    const own = byIndex.get(index);
    if (own) return own;
    const r: Rejection = { id, index, reason: message, status };
    if (code !== undefined) r.code = code;
    return r;
  });
  return { code, message, rejections };
}
