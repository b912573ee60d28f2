/**
 * The MLflow response checks (src/mlflow/api.ts) on the variants protobuf JSON allows, and
 * the client's limits (src/mlflow/client.ts) against a real local HTTP server.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { VigilError } from "../../src/errors.js";
import {
  parseModelVersionsPage,
  parseRegisteredModelsPage,
  parseRun,
} from "../../src/mlflow/api.js";
import { MlflowClient } from "../../src/mlflow/index.js";
import { fixture } from "./server.js";

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof VigilError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return "no error";
}

describe("MLflow response checks", () => {
  it("reads recorded answers: omitted repeated fields are empty, optional ones null", () => {
    const page = parseModelVersionsPage(
      "GET model-versions/search",
      JSON.parse(fixture("model-versions-search-fraud-1.json")),
    );
    expect(page.nextPageToken).toBe("eyJvZmZzZXQiOiAyfQ==");
    expect(page.items[0]).toEqual({
      name: "fraud",
      version: "3",
      creationTimestamp: 1716000000000,
      lastUpdatedTimestamp: 1716000000000,
      userId: null,
      currentStage: "None",
      description: null,
      source: "s3://models/fraud/v3",
      runId: null,
      status: "READY",
      statusMessage: null,
      runLink: null,
      tags: [],
      aliases: [],
    });
    expect(parseModelVersionsPage("x", {})).toEqual({ items: [], nextPageToken: null });
    expect(parseRegisteredModelsPage("x", { next_page_token: "" }).nextPageToken).toBeNull();
  });

  it("accepts int64 as numeric strings, enums as numbers, and non-finite metrics", () => {
    const v = parseModelVersionsPage("x", {
      model_versions: [
        { name: "m", version: "12", creation_timestamp: "1716000000000", status: 3 },
      ],
    }).items[0]!;
    expect([v.creationTimestamp, v.status]).toEqual([1716000000000, "READY"]);
    const run = parseRun("x", {
      run: {
        info: { run_uuid: "abc", experiment_id: "0" },
        data: { metrics: [{ key: "loss", value: "Infinity", step: "3" }] },
      },
    });
    expect(run.info.runId).toBe("abc");
    expect(run.data.metrics).toEqual([
      { key: "loss", value: "Infinity", timestamp: null, step: 3 },
    ]);
    expect(run.datasetInputs).toEqual([]);
  });

  it("names the endpoint and field of anything malformed", () => {
    const cases: [() => unknown, string][] = [
      [() => parseRegisteredModelsPage("GET search", []), "response should be an object"],
      [
        () =>
          parseModelVersionsPage("GET search", { model_versions: [{ name: "m", version: "0" }] }),
        "model_versions[0].version should be a version number",
      ],
      [
        () => parseModelVersionsPage("GET search", { model_versions: [{ version: "1" }] }),
        "model_versions[0].name should be a non-empty string, got undefined",
      ],
      [
        () =>
          parseRun("GET run", {
            run: { info: { run_id: "r" }, data: { metrics: [{ key: "a", value: "x" }] } },
          }),
        "run.data.metrics[0].value should be a number",
      ],
      [
        () =>
          parseRun("GET run", {
            run: {
              info: { run_id: "r" },
              inputs: { dataset_inputs: [{ dataset: { name: "d" } }] },
            },
          }),
        "run.inputs.dataset_inputs[0].dataset.digest should be a non-empty string",
      ],
      [
        () =>
          parseRun("GET run", {
            run: { info: { run_id: "r" }, data: { tags: [{ key: "k", value: 3 }] } },
          }),
        "run.data.tags[0].value should be a string, got number 3",
      ],
    ];
    for (const [f, message] of cases) {
      const got = codeOf(f);
      expect(got).toMatch(/^VIGIL_MLFLOW_BAD_RESPONSE: MLflow's answer to GET \w+ is malformed/);
      expect(got).toContain(message);
    }
  });
});

describe("MLflow client limits", () => {
  it("refuses an answer larger than the limit, and credentials stay out of its URI", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ registered_models: [], padding: "x".repeat(5000) }));
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    try {
      const client = new MlflowClient({
        uri: `http://u:secret@127.0.0.1:${port}/mlflow/`,
        maxResponseBytes: 1000,
      });
      expect(client.uri).toBe(`http://127.0.0.1:${port}/mlflow`);
      expect(client.auth).toBe("basic");
      const err = await client.get("registered-models/search", {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VigilError);
      expect((err as VigilError).code).toBe("VIGIL_MLFLOW_BAD_RESPONSE");
      expect((err as VigilError).message).toContain("larger than 1000 bytes");
      expect((err as VigilError).message).not.toContain("secret");
      const big = new MlflowClient({ uri: `http://127.0.0.1:${port}` });
      expect(await big.get("registered-models/search", {})).toMatchObject({
        registered_models: [],
      });
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it("prefers the token, then username and password, then URI credentials", () => {
    const uri = "https://a:b@mlflow.example.com";
    expect(new MlflowClient({ uri, env: { MLFLOW_TRACKING_TOKEN: "t" } }).auth).toBe("token");
    expect(
      new MlflowClient({
        uri,
        env: { MLFLOW_TRACKING_USERNAME: "u", MLFLOW_TRACKING_PASSWORD: "p" },
      }).auth,
    ).toBe("basic");
    expect(new MlflowClient({ uri: "https://mlflow.example.com" }).auth).toBe("none");
    // A username without a password is not basic auth (MLflow's clients need both).
    expect(
      new MlflowClient({
        uri: "https://mlflow.example.com",
        env: { MLFLOW_TRACKING_USERNAME: "u" },
      }).auth,
    ).toBe("none");
  });
});
