/**
 * The audit trail over HTTP (issue 6 section 3): query by subject, actor, action and time,
 * verify the hash chain, and read the verified head as an anchor. The trail names every
 * actor and action across Vigil (registry, tokens, alerts), so it is for the governance
 * roles: viewer (auditors), approver and admin (docs/auditlog.md, "Over HTTP"), with tokens
 * that are not limited to models.
 */
import {
  type AuditFilter,
  createAnchor,
  parseAnchorHash,
  verifyAuditLog,
} from "../../auditlog/index.js";
import { invalidArgument, VigilError } from "../../errors.js";
import type { AuditEntry, TokenRole } from "../../store/index.js";
import { defineRoutes, type JsonSchema, type RouteInput } from "../route.js";

/** Admin is always allowed in addition. */
export const AUDIT_ROLES: readonly TokenRole[] = ["viewer", "approver", "admin"];

/** The most entries one page returns; a client pages with `after`. */
export const MAX_AUDIT_PAGE = 1000;

const TAG = "audit";
const time = {
  type: "string",
  maxLength: 40,
  description: "ISO 8601 date-time or epoch milliseconds",
};

const queryParams: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    subject: { type: "string", maxLength: 1000 },
    actor: { type: "string", maxLength: 1000 },
    action: { type: "string", maxLength: 200 },
    from: { ...time, description: "Entries at or after this time (ISO 8601 or epoch ms)" },
    to: { ...time, description: "Entries before this time (ISO 8601 or epoch ms)" },
    limit: { type: "integer", minimum: 1, maximum: MAX_AUDIT_PAGE, default: MAX_AUDIT_PAGE },
    after: {
      type: "integer",
      minimum: 0,
      default: 0,
      description: "Only entries with a larger sequence (the previous page's `next`)",
    },
  },
};

const entrySchema: JsonSchema = {
  type: "object",
  required: ["sequence", "time", "actor", "action", "subject", "details", "prevHash", "hash"],
  properties: {
    sequence: { type: "integer" },
    time: { type: "integer" },
    actor: { type: "string" },
    action: { type: "string" },
    subject: { type: "string" },
    details: {},
    prevHash: { type: "string" },
    hash: { type: "string" },
  },
};

const denied = {
  401: { description: "No valid token (VIGIL_UNAUTHENTICATED)" },
  403: { description: "The token's role may not read the audit log (VIGIL_FORBIDDEN)" },
};

/**
 * The trail spans every model (and tokens, alerts), so it cannot be cut to a token's model
 * scope without hiding the links that make it verifiable: scoped tokens may not read it.
 */
function requireUnscoped(input: RouteInput): void {
  if (input.principal?.models != null) {
    throw new VigilError(
      "VIGIL_FORBIDDEN",
      "The audit log covers every model; read it with a token that is not limited to models.",
    );
  }
}

function parseTime(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms)) {
    throw invalidArgument(`query.${name}`, "an ISO 8601 date-time or epoch milliseconds", text);
  }
  return ms;
}

interface AuditQueryParams {
  subject?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  limit: number;
  after: number;
}

export const routes = defineRoutes([
  {
    method: "GET",
    path: "/api/v1/audit",
    summary:
      "Audit entries in sequence order, filtered by subject, actor, action and time [from, to); page with `after`",
    tag: TAG,
    roles: AUDIT_ROLES,
    query: queryParams,
    responses: {
      200: {
        description: "One page of entries; `next` is the `after` of the next page, null at the end",
        schema: {
          type: "object",
          required: ["entries", "next"],
          properties: {
            entries: { type: "array", items: entrySchema },
            next: { type: ["integer", "null"] },
          },
        },
      },
      400: { description: "A bad filter (VIGIL_INVALID_ARGUMENT)" },
      ...denied,
    },
    async handler(input, ctx) {
      requireUnscoped(input);
      const q = input.query as AuditQueryParams;
      const filter: AuditFilter = {};
      if (q.subject !== undefined) filter.subject = q.subject;
      if (q.actor !== undefined) filter.actor = q.actor;
      if (q.action !== undefined) filter.action = q.action;
      const from = parseTime(q.from, "from");
      const to = parseTime(q.to, "to");
      if (from !== undefined) filter.from = from;
      if (to !== undefined) filter.to = to;
      const entries: AuditEntry[] = await ctx.store.listAudit({
        ...filter,
        afterSequence: q.after,
        limit: q.limit,
      });
      const next = entries.length === q.limit ? entries[entries.length - 1]!.sequence : null;
      return { body: { entries, next } };
    },
  },
  {
    method: "GET",
    path: "/api/v1/audit/verify",
    summary:
      "Recompute the hash chain from entry 1 and report the first broken link; with `anchor` (SEQ:HASH) the log must still contain that head",
    tag: TAG,
    roles: AUDIT_ROLES,
    query: {
      type: "object",
      additionalProperties: false,
      properties: {
        anchor: { type: "string", maxLength: 100, description: "SEQ:HASH as `anchor` printed it" },
      },
    },
    responses: {
      200: {
        description:
          "The verification result; `intact` false names the first broken link (the request itself succeeded)",
        schema: { type: "object", additionalProperties: true },
      },
      400: { description: "A malformed anchor (VIGIL_INVALID_ANCHOR)" },
      ...denied,
    },
    async handler(input, ctx) {
      requireUnscoped(input);
      const text = (input.query as { anchor?: string }).anchor;
      const anchor = text === undefined ? undefined : parseAnchorHash(text, "query.anchor");
      return { body: await verifyAuditLog(ctx.store, anchor ? { anchor } : {}) };
    },
  },
  {
    method: "GET",
    path: "/api/v1/audit/anchor",
    summary:
      "Verify the whole log and return its head {sequence, hash} to keep outside the database",
    tag: TAG,
    roles: AUDIT_ROLES,
    responses: {
      200: {
        description: "The anchor, as `vigil auditlog anchor` writes it",
        schema: {
          type: "object",
          required: ["format", "sequence", "hash", "createdAt"],
          properties: {
            format: { type: "string" },
            sequence: { type: "integer" },
            hash: { type: "string" },
            createdAt: { type: "string" },
          },
        },
      },
      409: { description: "The log is broken (VIGIL_AUDIT_TAMPERED); nothing to anchor" },
      ...denied,
    },
    async handler(input, ctx) {
      requireUnscoped(input);
      return { body: await createAnchor(ctx.store, new Date(ctx.now())) };
    },
  },
]);
