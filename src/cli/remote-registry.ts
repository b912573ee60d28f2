/**
 * The registry's operations against a Vigil server (`vigil model ... --server URL`), with
 * the same method signatures and results as src/registry's Registry, so `vigil model` runs
 * one code path for both. The server takes the actor (and an approval's role) from the
 * token: the `actor` and `role` arguments here are not sent.
 */
import { VigilError } from "../errors.js";
import type {
  ActionInput,
  ApprovalInput,
  GateEvidence,
  PolicyRecord,
  PromoteInput,
  RegisteredVersion,
  RegisterInput,
  Registry,
  RegistryEvent,
} from "../registry/index.js";
import type { ModelTask } from "../store/index.js";
import type { ServerClient } from "./server-client.js";

/** What `vigil model` needs of a registry, embedded or remote. */
export type RegistryApi = Pick<
  Registry,
  | "register"
  | "promote"
  | "approve"
  | "reject"
  | "archive"
  | "rollback"
  | "setAlias"
  | "deleteAlias"
  | "list"
  | "versions"
  | "show"
  | "getPolicy"
  | "setPolicy"
>;

const seg = (s: string | number) => encodeURIComponent(String(s));

/** The gate file's text as the server hashes it; the bytes must survive UTF-8 unchanged. */
function gateBody(g: GateEvidence): { content: string; mtime?: number } {
  const content = g.bytes.toString("utf8");
  if (!Buffer.from(content, "utf8").equals(g.bytes)) {
    throw new VigilError(
      "VIGIL_GATE_EVIDENCE",
      "The gate result is not UTF-8 text, so a server could not hash the same bytes.",
    );
  }
  return { content, ...(g.timeSource === "file-mtime" ? { mtime: g.generatedAt } : {}) };
}

export class RemoteRegistry implements RegistryApi {
  constructor(private readonly http: ServerClient) {}

  private model(name: string): string {
    return `api/v1/registry/models/${seg(name)}`;
  }

  private version(name: string, ref: string | number): string {
    return `${this.model(name)}/versions/${seg(ref)}`;
  }

  register(input: RegisterInput): Promise<RegisteredVersion> {
    return this.http.request("POST", `${this.model(input.name)}/versions`, {
      json: {
        lineage: input.lineage,
        tags: input.tags ?? {},
        ...(input.task ? { task: input.task } : {}),
      },
    });
  }

  promote(name: string, ref: string | number, input: PromoteInput): Promise<RegisteredVersion> {
    return this.http.request("POST", `${this.version(name, ref)}/promote`, {
      json: {
        ...(input.to !== undefined ? { to: input.to } : {}),
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
        ...(input.gate ? { gate: gateBody(input.gate) } : {}),
      },
    });
  }

  archive(name: string, ref: string | number, input: ActionInput): Promise<RegisteredVersion> {
    return this.http.request("POST", `${this.version(name, ref)}/archive`, {
      json: input.reason !== undefined ? { reason: input.reason } : {},
    });
  }

  private decide(kind: string, name: string, ref: string | number, input: ApprovalInput) {
    return this.http.request<RegistryEvent>("POST", `${this.version(name, ref)}/${kind}`, {
      json: {
        ...(input.to !== undefined ? { to: input.to } : {}),
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
      },
    });
  }

  approve(name: string, ref: string | number, input: ApprovalInput): Promise<RegistryEvent> {
    return this.decide("approve", name, ref, input);
  }

  reject(name: string, ref: string | number, input: ApprovalInput): Promise<RegistryEvent> {
    return this.decide("reject", name, ref, input);
  }

  rollback(
    name: string,
    input: ActionInput,
  ): Promise<{ restored: RegisteredVersion; archived: number }> {
    return this.http.request("POST", `${this.model(name)}/rollback`, {
      json: input.reason !== undefined ? { reason: input.reason } : {},
    });
  }

  async setAlias(name: string, alias: string, ref: string | number): Promise<void> {
    await this.http.request("PUT", `${this.model(name)}/aliases/${seg(alias)}`, {
      json: { version: String(ref) },
    });
  }

  deleteAlias(name: string, alias: string): Promise<{ version: number }> {
    return this.http.request("DELETE", `${this.model(name)}/aliases/${seg(alias)}`);
  }

  async list(): Promise<
    { name: string; task: ModelTask; versions: number; production: number | null }[]
  > {
    return (
      await this.http.request<{ models: Awaited<ReturnType<Registry["list"]>> }>(
        "GET",
        "api/v1/registry/models",
      )
    ).models;
  }

  async versions(name: string): Promise<RegisteredVersion[]> {
    return (
      await this.http.request<{ versions: RegisteredVersion[] }>(
        "GET",
        `${this.model(name)}/versions`,
      )
    ).versions;
  }

  show(name: string, ref: string | number): ReturnType<Registry["show"]> {
    return this.http.request("GET", this.version(name, ref));
  }

  async getPolicy(name: string): Promise<PolicyRecord | undefined> {
    const r = await this.http.request<{ current: PolicyRecord | null }>(
      "GET",
      `${this.model(name)}/policy`,
    );
    return r.current ?? undefined;
  }

  setPolicy(name: string, yaml: string): Promise<PolicyRecord> {
    return this.http.request("PUT", `${this.model(name)}/policy`, {
      text: yaml,
      contentType: "application/yaml; charset=utf-8",
    });
  }
}
