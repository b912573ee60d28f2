/**
 * API tokens over HTTP (admin only), and `whoami` for any token. Secrets appear once, in the
 * answer to the create call; listings show the hash prefix only. Revoking here also drops
 * the token from this server's auth cache, so it stops working at once.
 */
import { TOKEN_ROLES, type TokenRecord } from "../../store/index.js";
import { tokenAuth } from "../auth.js";
import { defineRoutes, type JsonSchema, type Principal } from "../route.js";
import { createTokenAudited, revokeTokenAudited } from "../tokens.js";

const nullableTime: JsonSchema = { type: ["integer", "null"] };

const tokenSchema: JsonSchema = {
  type: "object",
  required: ["id", "name", "role", "models", "hashPrefix", "createdAt", "revokedAt", "lastUsedAt"],
  properties: {
    id: { type: "integer" },
    name: { type: "string" },
    role: { type: "string", enum: [...TOKEN_ROLES] },
    models: {
      type: ["array", "null"],
      items: { type: "string" },
      description: "Models the token may act on; null = every model",
    },
    hashPrefix: { type: "string", description: "First hex digits of the token's sha256" },
    createdAt: { type: "integer", description: "Epoch ms" },
    revokedAt: nullableTime,
    lastUsedAt: nullableTime,
  },
};

export interface TokenView {
  id: number;
  name: string;
  role: string;
  models: string[] | null;
  hashPrefix: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export function tokenView(r: TokenRecord): TokenView {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    models: r.modelScope,
    hashPrefix: r.hashPrefix,
    createdAt: r.createdAt,
    revokedAt: r.revokedAt,
    lastUsedAt: r.lastUsedAt,
  };
}

const idParams: JsonSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "integer", minimum: 1, description: "The token's id" } },
};

function principalOf(p: Principal | null): Principal {
  // The server authenticates every non-public route before its handler runs.
  if (p === null) throw new Error("tokens route reached without a principal");
  return p;
}

export const routes = defineRoutes([
  {
    method: "GET",
    path: "/api/v1/whoami",
    summary: "The token's own name, role and model scope",
    tag: "tokens",
    roles: TOKEN_ROLES,
    responses: {
      200: {
        description: "The caller",
        schema: {
          type: "object",
          required: ["tokenId", "name", "role", "models"],
          properties: {
            tokenId: { type: "integer" },
            name: { type: "string" },
            role: { type: "string", enum: [...TOKEN_ROLES] },
            models: { type: ["array", "null"], items: { type: "string" } },
          },
        },
      },
    },
    handler: async (input) => {
      const p = principalOf(input.principal);
      return { body: { tokenId: p.tokenId, name: p.name, role: p.role, models: p.models } };
    },
  },
  {
    method: "GET",
    path: "/api/v1/tokens",
    summary: "All API tokens, revoked ones included (never their secrets)",
    tag: "tokens",
    roles: ["admin"],
    responses: {
      200: {
        description: "Tokens, oldest first",
        schema: {
          type: "object",
          required: ["tokens"],
          properties: { tokens: { type: "array", items: tokenSchema } },
        },
      },
    },
    handler: async (_input, ctx) => {
      const tokens = await ctx.store.listTokens();
      return { body: { tokens: tokens.map(tokenView) } };
    },
  },
  {
    method: "POST",
    path: "/api/v1/tokens",
    summary: "Create an API token; the secret is in this response only",
    tag: "tokens",
    roles: ["admin"],
    body: {
      type: "object",
      additionalProperties: false,
      required: ["name", "role"],
      properties: {
        name: { type: "string", minLength: 1, maxLength: 200 },
        role: { type: "string", enum: [...TOKEN_ROLES] },
        models: {
          type: ["array", "null"],
          items: { type: "string", minLength: 1, maxLength: 200 },
          maxItems: 1000,
          description: "Limit the token to these models (null or absent: every model)",
        },
      },
    },
    responses: {
      201: {
        description: "Created",
        schema: {
          type: "object",
          required: ["token", "record"],
          properties: {
            token: { type: "string", description: "The secret: shown once, never stored" },
            record: tokenSchema,
          },
        },
      },
    },
    handler: async (input, ctx) => {
      const p = principalOf(input.principal);
      const body = input.body as {
        name: string;
        role: TokenRecord["role"];
        models?: string[] | null;
      };
      const created = await createTokenAudited(
        ctx.store,
        { name: body.name, role: body.role, modelScope: body.models ?? null },
        p.name,
      );
      return { status: 201, body: { token: created.token, record: tokenView(created.record) } };
    },
  },
  {
    method: "DELETE",
    path: "/api/v1/tokens/:id",
    summary: "Revoke an API token (it stops working at once on this server)",
    tag: "tokens",
    roles: ["admin"],
    params: idParams,
    responses: {
      200: {
        description: "The token after revocation; `revoked` is false if it already was",
        schema: {
          type: "object",
          required: ["record", "revoked"],
          properties: { record: tokenSchema, revoked: { type: "boolean" } },
        },
      },
      404: {
        description: "No token has this id (VIGIL_TOKEN_NOT_FOUND)",
        schema: { $ref: "#/components/schemas/Error" },
      },
    },
    handler: async (input, ctx) => {
      const p = principalOf(input.principal);
      const id = (input.params as unknown as { id: number }).id;
      const { record, revoked } = await revokeTokenAudited(ctx.store, id, p.name, ctx.now());
      tokenAuth(ctx)?.forget(id);
      return { body: { record: tokenView(record), revoked } };
    },
  },
]);
