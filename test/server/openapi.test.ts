/**
 * The OpenAPI document served at /api/v1/openapi.json: valid against the official OpenAPI
 * 3.1 schema (@seriousme/openapi-schema-validator bundles it), one operation per route with
 * its roles, security and error responses, and every route schema usable by a client.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/server/assemble.js";
import { declaredRoles, openApiDocument, openApiPath } from "../../src/server/openapi.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: Record<string, Record<string, unknown>>;
};

let srv: TestServer;
let doc: Doc;

beforeAll(async () => {
  srv = await startTestServer();
  const r = await srv.request("GET", "/api/v1/openapi.json");
  expect(r.status).toBe(200);
  doc = r.json;
});
afterAll(() => srv.close());

describe("OpenAPI document", () => {
  it("validates against the official OpenAPI 3.1 schema", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
  });

  it("the validator does reject a broken document", async () => {
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    const paths = broken.paths as Record<string, Record<string, Record<string, unknown>>>;
    // a parameter without `in` is not an OpenAPI parameter
    paths["/healthz"]!.get!.parameters = [{ name: "x", schema: { type: "string" } }];
    const res = await new Validator().validate(broken);
    expect(res.valid).toBe(false);
  });

  it("has one operation per route, with roles, security and the error responses", () => {
    const routes = allRoutes();
    const ops = Object.values(doc.paths).flatMap((p) => Object.keys(p));
    expect(ops.length).toBe(routes.length);
    for (const spec of routes) {
      const op = doc.paths[openApiPath(spec.path)]?.[spec.method.toLowerCase()];
      expect(op, `${spec.method} ${spec.path}`).toBeDefined();
      expect(op!["x-vigil-roles"]).toEqual(declaredRoles(spec));
      expect(op!.summary).toBe(spec.summary);
      const responses = op!.responses as Record<string, unknown>;
      expect(responses["500"]).toBeDefined();
      if (spec.roles === "public") {
        expect(op!.security).toEqual([]);
      } else {
        expect(op!.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(responses)).toEqual(expect.arrayContaining(["401", "403", "429"]));
      }
      for (const name of spec.path.match(/:\w+/g) ?? []) {
        const params = (op!.parameters ?? []) as { name: string; in: string; required: boolean }[];
        expect(params).toContainEqual(
          expect.objectContaining({ name: name.slice(1), in: "path", required: true }),
        );
      }
    }
    expect(doc.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: "http", scheme: "bearer" }),
    });
  });

  it("describes request bodies, raw content types and the error shape", () => {
    const doc2 = openApiDocument([
      {
        method: "POST",
        path: "/x/:model/items",
        summary: "s",
        tag: "t",
        roles: ["ingest"],
        modelParam: "model",
        params: {
          type: "object",
          properties: { model: { type: "string", description: "the model" } },
        },
        query: {
          type: "object",
          required: ["n"],
          properties: { n: { type: "integer" }, m: { type: "string" } },
        },
        body: { type: "array", items: { type: "object" } },
        rawBody: ["application/x-ndjson"],
        responses: { 200: { description: "ok", schema: { type: "object" } } },
        handler: async () => ({ body: null }),
      },
    ]) as unknown as Doc;
    const op = doc2.paths["/x/{model}/items"]!.post!;
    expect(op.parameters).toEqual([
      {
        name: "model",
        in: "path",
        required: true,
        schema: { type: "string", description: "the model" },
        description: "the model",
      },
      { name: "n", in: "query", required: true, schema: { type: "integer" } },
      { name: "m", in: "query", required: false, schema: { type: "string" } },
    ]);
    expect(op.requestBody).toEqual({
      required: true,
      content: {
        "application/json": { schema: { type: "array", items: { type: "object" } } },
        "application/x-ndjson": { schema: { type: "string" } },
      },
    });
    expect(op["x-vigil-roles"]).toEqual(["admin", "ingest"]);
    expect(Object.keys(op.responses as object).sort()).toEqual([
      "200",
      "400",
      "401",
      "403",
      "413",
      "415",
      "429",
      "500",
      "503",
    ]);
    const err = doc2.components.schemas!.Error as { required: string[] };
    expect(err.required).toEqual(["error"]);
  });
});
