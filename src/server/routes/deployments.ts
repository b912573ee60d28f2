/**
 * Deployment records over HTTP (issue 6 section 4): read which version serves each
 * environment of a model, change it (ml-engineer; admin is always allowed), and ask which
 * version serves a given subject. Changes go through the Registry, which checks them and
 * audits them in the same transaction; the actor is the token's name.
 */
import { assign, MAX_SUBJECT_LENGTH, Registry } from "../../registry/index.js";
import type { TokenRole } from "../../store/index.js";
import {
  defineRoutes,
  READ_ROLES,
  type RouteInput,
  requirePrincipal,
  type ServerContext,
} from "../route.js";
import { MODEL_PARAMS, NAME, objectResponse, pathParams } from "../schemas.js";

/** Roles that may change deployment records (admin is always allowed in addition). */
export const DEPLOY_ROLES: readonly TokenRole[] = ["ml-engineer"];

const TAG = "registry";
const BASE = "/api/v1/registry/models/:model/deployments";

const env = { type: "string", minLength: 1, maxLength: 64 };
const version = {
  description: "A version number or alias",
  oneOf: [
    { type: "integer", minimum: 1 },
    { type: "string", minLength: 1, maxLength: 64 },
  ],
};
const envParams = pathParams({ model: NAME, env });
const errors = {
  400: { description: "Invalid request (VIGIL_INVALID_ARGUMENT)" },
  401: { description: "No valid token (VIGIL_UNAUTHENTICATED)" },
  403: { description: "The token's role may not do this (VIGIL_FORBIDDEN)" },
  404: {
    description:
      "Unknown model, version or environment (VIGIL_MODEL_NOT_FOUND, VIGIL_VERSION_NOT_FOUND, VIGIL_DEPLOYMENT_NOT_FOUND)",
  },
};

function registry(ctx: ServerContext): Registry {
  return new Registry(ctx.store, { now: () => ctx.now() });
}

interface DeployBody {
  version: string | number;
  canary?: string | number;
  share?: number;
  experiment?: string;
  reason?: string;
}

export const routes = defineRoutes([
  {
    method: "GET",
    path: BASE,
    summary:
      "Current deployment record of every environment of a model (and, with history=true, every revision)",
    tag: TAG,
    roles: READ_ROLES,
    modelParam: "model",
    params: MODEL_PARAMS,
    query: {
      type: "object",
      additionalProperties: false,
      properties: { history: { type: "boolean", default: false }, env },
    },
    responses: {
      200: objectResponse("{ deployments, history? }"),
      ...errors,
    },
    async handler(input: RouteInput<{ model: string }, { history: boolean; env?: string }>, ctx) {
      const reg = registry(ctx);
      const { model } = input.params;
      let deployments = await reg.deployments(model);
      if (input.query.env !== undefined) {
        deployments = deployments.filter((d) => d.environment === input.query.env);
      }
      if (!input.query.history) return { body: { deployments } };
      const history = await reg.deploymentHistory(
        model,
        input.query.env === undefined ? {} : { environment: input.query.env },
      );
      return { body: { deployments, history } };
    },
  },
  {
    method: "GET",
    path: `${BASE}/:env`,
    summary: "The current deployment record of one environment",
    tag: TAG,
    roles: READ_ROLES,
    modelParam: "model",
    params: envParams,
    responses: { 200: objectResponse("The deployment"), ...errors },
    async handler(input, ctx) {
      return { body: await registry(ctx).deployment(input.params.model, input.params.env) };
    },
  },
  {
    method: "PUT",
    path: `${BASE}/:env`,
    summary:
      "Set the champion version serving an environment, optionally with a canary version and its traffic share (percent); audited as model.deploy",
    tag: TAG,
    roles: DEPLOY_ROLES,
    modelParam: "model",
    params: envParams,
    body: {
      type: "object",
      required: ["version"],
      additionalProperties: false,
      properties: {
        version,
        canary: version,
        share: { type: "number", minimum: 0, maximum: 100 },
        experiment: { type: "string", minLength: 1, maxLength: 200 },
        reason: { type: "string", maxLength: 4096 },
      },
    },
    responses: {
      200: objectResponse("The new deployment record"),
      ...errors,
      409: {
        description:
          "An archived version, or a production champion that is not the production version (VIGIL_FORBIDDEN_DEPLOYMENT)",
      },
    },
    async handler(input: RouteInput<{ model: string; env: string }, unknown, DeployBody>, ctx) {
      const actor = requirePrincipal(input).name;
      const b = input.body;
      const d = await registry(ctx).deploy(input.params.model, {
        environment: input.params.env,
        version: b.version,
        ...(b.canary !== undefined ? { canary: b.canary } : {}),
        ...(b.share !== undefined ? { share: b.share } : {}),
        ...(b.experiment !== undefined ? { experiment: b.experiment } : {}),
        ...(b.reason !== undefined ? { reason: b.reason } : {}),
        actor,
      });
      return { body: d };
    },
  },
  {
    method: "GET",
    path: `${BASE}/:env/assign`,
    summary:
      "Which version serves a subject (customer) in an environment: champion or canary, deterministic for the experiment",
    tag: TAG,
    roles: READ_ROLES,
    modelParam: "model",
    params: envParams,
    query: {
      type: "object",
      required: ["subject"],
      additionalProperties: false,
      properties: { subject: { type: "string", minLength: 1, maxLength: MAX_SUBJECT_LENGTH } },
    },
    responses: {
      200: objectResponse(
        "{ model, environment, revision, subject, experiment, role, version, bucket }",
      ),
      ...errors,
    },
    async handler(input: RouteInput<{ model: string; env: string }, { subject: string }>, ctx) {
      const d = await registry(ctx).deployment(input.params.model, input.params.env);
      return {
        body: {
          model: d.model,
          environment: d.environment,
          revision: d.revision,
          ...assign(input.query.subject, d),
        },
      };
    },
  },
]);
