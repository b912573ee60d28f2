/**
 * The model registry over HTTP (issue 6 sections 1 and 2): every `vigil model` action as a
 * route. The acting person is always the authenticated token's name, and an approval's role
 * is the token's role, never something the body claims; separation of duties and the
 * model's policy are enforced by src/registry exactly as on the embedded store.
 *
 * Registration receives the lineage the client captured (the server cannot see the
 * client's files) and checks it against src/registry/lineage-schema.ts; a gate result is
 * received as its text and hashed here, so the evidence hash is the server's own.
 */
import { VigilError } from "../../errors.js";
import {
  type PromoteInput,
  parseGateEvidence,
  REGISTER_BODY_SCHEMA,
  Registry,
  STAGES,
  validateRegisterBody,
} from "../../registry/index.js";
import type { TokenRole } from "../../store/index.js";
import {
  defineRoutes,
  type JsonSchema,
  READ_ROLES,
  type RouteInput,
  requirePrincipal,
  type ServerContext,
} from "../route.js";
import { MODEL_PARAMS, NAME, objectResponse, pathParams, VERSION_REF } from "../schemas.js";

/** Who may do what in the registry (docs/registry.md, "Server mode"); admin is always allowed. */
export const REGISTRY_ROLES = {
  read: READ_ROLES,
  register: ["data-scientist", "ml-engineer"],
  /** promote, archive, rollback, alias set and delete */
  stage: ["ml-engineer"],
  /** approve and reject */
  decide: ["approver"],
  policy: ["admin"],
} as const satisfies Record<string, readonly TokenRole[]>;

const TAG = "registry";
const BASE = "/api/v1/registry/models";

/** The largest gate report accepted inline (a gate JSON is a few kB). */
const MAX_GATE_BYTES = 1_000_000;
const MAX_REASON = 4096;
/** The YAML a policy may be; a policy is a few lines. */
const MAX_POLICY_BYTES = 256 * 1024;

const versionParams = pathParams({ model: NAME, version: VERSION_REF });
const aliasParams = pathParams({ model: NAME, alias: VERSION_REF });
const reason = { type: "string", maxLength: MAX_REASON };
const stage = { type: "string", enum: [...STAGES] };
const gate: JsonSchema = {
  type: "object",
  required: ["content"],
  additionalProperties: false,
  properties: {
    content: {
      type: "string",
      maxLength: MAX_GATE_BYTES,
      description: "The `vigil gate --format json` result, verbatim; its sha256 is computed here",
    },
    mtime: {
      type: "number",
      description:
        "The gate file's modification time (epoch ms), used as its age only when the report has no generatedAt",
    },
  },
};

const errors = {
  400: { description: "Invalid request (VIGIL_INVALID_ARGUMENT and others)" },
  401: { description: "No valid token (VIGIL_UNAUTHENTICATED)" },
  403: { description: "The token's role may not do this (VIGIL_FORBIDDEN), or a self-approval" },
  404: { description: "Unknown model, version or alias" },
};
const conflicts = {
  409: {
    description:
      "Refused by the stage rules or the model's policy (VIGIL_FORBIDDEN_TRANSITION, VIGIL_POLICY_NOT_MET, VIGIL_GATE_EVIDENCE)",
  },
};

function registry(ctx: ServerContext): Registry {
  return new Registry(ctx.store, { now: () => ctx.now() });
}

interface GateBody {
  content: string;
  mtime?: number;
}

function gateEvidence(body: GateBody | undefined): PromoteInput["gate"] {
  if (!body) return undefined;
  return parseGateEvidence(Buffer.from(body.content, "utf8"), "the gate result", body.mtime);
}

function stageInput(body: { to?: string; reason?: string; gate?: GateBody } | undefined) {
  const b = body ?? {};
  const evidence = gateEvidence(b.gate);
  return {
    ...(b.to !== undefined ? { to: b.to as PromoteInput["to"] } : {}),
    ...(b.reason !== undefined ? { reason: b.reason } : {}),
    ...(evidence ? { gate: evidence } : {}),
  };
}

/** A missing rejection reason is the registry's VIGIL_POLICY_NOT_MET, as on the embedded store. */
const decideBody: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: { to: stage, reason },
};

export const routes = defineRoutes([
  {
    method: "GET",
    path: BASE,
    summary: "List registered models with their version count and production version",
    tag: TAG,
    roles: REGISTRY_ROLES.read,
    responses: {
      200: objectResponse("The models"),
      401: errors[401],
      403: errors[403],
    },
    async handler(input, ctx) {
      const scope = requirePrincipal(input).models;
      const models = await registry(ctx).list();
      // A token scoped to models sees only those, as on every other registry route.
      return { body: { models: scope ? models.filter((m) => scope.includes(m.name)) : models } };
    },
  },
  {
    method: "GET",
    path: `${BASE}/:model/versions`,
    summary: "Every registered version of a model, oldest first",
    tag: TAG,
    roles: REGISTRY_ROLES.read,
    modelParam: "model",
    params: MODEL_PARAMS,
    responses: {
      200: objectResponse("The versions"),
      401: errors[401],
      403: errors[403],
      404: errors[404],
    },
    async handler(input, ctx) {
      return { body: { versions: await registry(ctx).versions(input.params.model) } };
    },
  },
  {
    method: "POST",
    path: `${BASE}/:model/versions`,
    summary:
      "Register a new version with the lineage the client captured (artifact, git, data, environment, params, metrics, card, tags)",
    tag: TAG,
    roles: REGISTRY_ROLES.register,
    modelParam: "model",
    params: MODEL_PARAMS,
    body: REGISTER_BODY_SCHEMA as unknown as JsonSchema,
    responses: {
      201: objectResponse("The registered version (stage none)"),
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
    async handler(input, ctx) {
      const body = validateRegisterBody(input.body);
      const v = await registry(ctx).register({
        name: input.params.model,
        actor: requirePrincipal(input).name,
        lineage: body.lineage,
        tags: body.tags,
        ...(body.task ? { task: body.task } : {}),
      });
      return { status: 201, body: v };
    },
  },
  {
    method: "GET",
    path: `${BASE}/:model/versions/:version`,
    summary: "One version (by number or alias) with its lineage and history of events",
    tag: TAG,
    roles: REGISTRY_ROLES.read,
    modelParam: "model",
    params: versionParams,
    responses: {
      200: objectResponse("The version"),
      401: errors[401],
      403: errors[403],
      404: errors[404],
    },
    async handler(input, ctx) {
      return { body: await registry(ctx).show(input.params.model, input.params.version) };
    },
  },
  {
    method: "POST",
    path: `${BASE}/:model/versions/:version/promote`,
    summary:
      "Move a version to its next stage (or `to`) under the model's policy; a gate result may be attached as evidence",
    tag: TAG,
    roles: REGISTRY_ROLES.stage,
    modelParam: "model",
    params: versionParams,
    body: {
      type: "object",
      additionalProperties: false,
      properties: { to: stage, reason, gate },
    },
    responses: {
      200: objectResponse("The version in its new stage"),
      ...errors,
      ...conflicts,
    },
    async handler(input, ctx) {
      const v = await registry(ctx).promote(input.params.model, input.params.version, {
        actor: requirePrincipal(input).name,
        ...stageInput(input.body),
      });
      return { body: v };
    },
  },
  {
    method: "POST",
    path: `${BASE}/:model/versions/:version/archive`,
    summary: "Archive a version that is not archived yet",
    tag: TAG,
    roles: REGISTRY_ROLES.stage,
    modelParam: "model",
    params: versionParams,
    body: { type: "object", additionalProperties: false, properties: { reason } },
    responses: { 200: objectResponse("The archived version"), ...errors, ...conflicts },
    async handler(input, ctx) {
      const b = (input.body ?? {}) as { reason?: string };
      const v = await registry(ctx).archive(input.params.model, input.params.version, {
        actor: requirePrincipal(input).name,
        ...(b.reason !== undefined ? { reason: b.reason } : {}),
      });
      return { body: v };
    },
  },
  ...(["approve", "reject"] as const).map((kind) => ({
    method: "POST" as const,
    path: `${BASE}/:model/versions/:version/${kind}`,
    summary:
      kind === "approve"
        ? "Approve the version's next move (or `to`) in the token's role; the registrant may not (separation of duties)"
        : "Reject the version's next move (or `to`), with a reason; the move is then refused for that version",
    tag: TAG,
    roles: REGISTRY_ROLES.decide,
    modelParam: "model",
    params: versionParams,
    body: decideBody,
    responses: { 200: objectResponse("The recorded decision"), ...errors, ...conflicts },
    async handler(input: RouteInput, ctx: ServerContext) {
      const who = requirePrincipal(input);
      const b = (input.body ?? {}) as { to?: string; reason?: string };
      const decision = {
        actor: who.name,
        // The role the policy counts is the one the token was issued with.
        role: who.role,
        ...(b.to !== undefined ? { to: b.to as PromoteInput["to"] } : {}),
        ...(b.reason !== undefined ? { reason: b.reason } : {}),
      };
      const params = input.params as { model: string; version: string };
      const reg = registry(ctx);
      const e =
        kind === "approve"
          ? await reg.approve(params.model, params.version, decision)
          : await reg.reject(params.model, params.version, decision);
      return { body: e };
    },
  })),
  {
    method: "POST",
    path: `${BASE}/:model/rollback`,
    summary: "Restore the previous production version and archive the current one",
    tag: TAG,
    roles: REGISTRY_ROLES.stage,
    modelParam: "model",
    params: MODEL_PARAMS,
    body: { type: "object", additionalProperties: false, properties: { reason } },
    responses: {
      200: objectResponse("The restored version and the archived version's number"),
      ...errors,
      ...conflicts,
    },
    async handler(input, ctx) {
      const b = (input.body ?? {}) as { reason?: string };
      const r = await registry(ctx).rollback(input.params.model, {
        actor: requirePrincipal(input).name,
        ...(b.reason !== undefined ? { reason: b.reason } : {}),
      });
      return { body: r };
    },
  },
  {
    method: "PUT",
    path: `${BASE}/:model/aliases/:alias`,
    summary: "Point an alias (champion, challenger, any name) at a version, moving it if it exists",
    tag: TAG,
    roles: REGISTRY_ROLES.stage,
    modelParam: "model",
    params: aliasParams,
    body: {
      type: "object",
      required: ["version"],
      additionalProperties: false,
      properties: {
        version: {
          type: ["string", "integer"],
          minLength: 1,
          maxLength: 64,
          minimum: 1,
          description: "A version number or another alias",
        },
      },
    },
    responses: { 200: objectResponse("The version the alias now points at"), ...errors },
    async handler(input, ctx) {
      const { model, alias } = input.params;
      const reg = registry(ctx);
      await reg.setAlias(
        model,
        alias,
        (input.body as { version: string | number }).version,
        requirePrincipal(input).name,
      );
      return { body: await reg.show(model, alias) };
    },
  },
  {
    method: "DELETE",
    path: `${BASE}/:model/aliases/:alias`,
    summary: "Remove an alias; the version it pointed at is untouched",
    tag: TAG,
    roles: REGISTRY_ROLES.stage,
    modelParam: "model",
    params: aliasParams,
    responses: { 200: objectResponse("The alias and the version it pointed at"), ...errors },
    async handler(input, ctx) {
      const { model, alias } = input.params;
      const r = await registry(ctx).deleteAlias(model, alias, requirePrincipal(input).name);
      return { body: { model, alias, version: r.version } };
    },
  },
  {
    method: "GET",
    path: `${BASE}/:model/policy`,
    summary: "The model's current registry policy (null when none was set: the default applies)",
    tag: TAG,
    roles: REGISTRY_ROLES.read,
    modelParam: "model",
    params: MODEL_PARAMS,
    responses: { 200: objectResponse("{ current: policy record or null }"), ...errors },
    async handler(input, ctx) {
      return { body: { current: (await registry(ctx).getPolicy(input.params.model)) ?? null } };
    },
  },
  {
    method: "PUT",
    path: `${BASE}/:model/policy`,
    summary: "Store the next revision of the model's registry policy (the YAML text is the body)",
    tag: TAG,
    roles: REGISTRY_ROLES.policy,
    modelParam: "model",
    params: MODEL_PARAMS,
    rawBody: ["application/yaml", "application/x-yaml", "text/yaml", "text/plain"],
    bodyLimitBytes: MAX_POLICY_BYTES,
    responses: { 200: objectResponse("The stored policy revision"), ...errors },
    async handler(input, ctx) {
      const raw = input.rawBody;
      if (input.body !== undefined) {
        throw new VigilError(
          "VIGIL_UNSUPPORTED_MEDIA_TYPE",
          "The policy is YAML text: send it with Content-Type: application/yaml, not JSON.",
        );
      }
      if (!raw || raw.length === 0) {
        throw new VigilError(
          "VIGIL_INVALID_ARGUMENT",
          "Send the policy as the request body, Content-Type: application/yaml.",
        );
      }
      if (raw.length > MAX_POLICY_BYTES) {
        throw new VigilError(
          "VIGIL_PAYLOAD_TOO_LARGE",
          `A registry policy may be at most ${MAX_POLICY_BYTES} bytes; this one is ${raw.length}.`,
        );
      }
      let yaml: string;
      try {
        yaml = new TextDecoder("utf-8", { fatal: true }).decode(raw);
      } catch {
        throw new VigilError("VIGIL_INVALID_POLICY", "Registry policy is not UTF-8 text.");
      }
      const p = await registry(ctx).setPolicy(
        input.params.model,
        yaml,
        requirePrincipal(input).name,
      );
      return { body: p };
    },
  },
]);
