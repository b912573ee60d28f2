/**
 * Lineage captured at registration (issue 6 section 1): what produced a model version,
 * recorded without the user typing it. Every probe degrades to "unknown" rather than
 * failing (no git, not a repository), except for the files the user named, which must exist.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import { openDataset } from "../data/index.js";
import { VigilError } from "../errors.js";
import type { JsonValue } from "../store/index.js";
import { type DataProfileSummary, profileDataFile } from "./data-profile.js";
import { schemaProblems } from "./schema-problems.js";

const run = promisify(execFile);

export interface ArtifactLineage {
  uri: string;
  sha256: string;
  size: number;
}

export interface GitLineage {
  /** False when git is missing or the directory is not in a work tree: the rest is null. */
  known: boolean;
  commit: string | null;
  branch: string | null;
  remote: string | null;
  dirty: boolean | null;
}

export interface DataLineage {
  uri: string;
  sha256: string;
  size: number;
  rows: number;
  schema: { name: string; kind: string; type: string }[];
  /** Summary of the file's profile (data-profile.ts); absent in records of older clients. */
  profile?: DataProfileSummary;
}

export interface EnvironmentLineage {
  /** Lock files found in the project directory (name relative to it, and sha256). */
  lockFiles: { name: string; kind: string; sha256: string }[];
  runtime: { node: string; platform: string; arch: string; python: string | null };
}

export interface Lineage {
  artifact: ArtifactLineage;
  git: GitLineage;
  data: DataLineage[];
  environment: EnvironmentLineage;
  params: JsonValue | null;
  metrics: JsonValue | null;
  card: JsonValue | null;
}

export interface LineageInput {
  artifact: string;
  data?: string[];
  params?: string;
  metrics?: string;
  card?: string;
  /** Where git and lock files are looked for (default: the current directory). */
  projectDir?: string;
}

function requireFile(path: string, what: string): string {
  const abs = resolve(path);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw new VigilError("VIGIL_FILE_NOT_FOUND", `The ${what} ${path} does not exist.`);
  }
  return abs;
}

/** Streams the file so multi-GB artifacts do not need to fit in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function artifactLineage(path: string): Promise<ArtifactLineage> {
  const abs = requireFile(path, "artifact");
  return { uri: pathToFileURL(abs).href, sha256: await sha256File(abs), size: statSync(abs).size };
}

async function git(args: string[], cwd: string): Promise<string | null> {
  try {
    const { stdout } = await run("git", args, { cwd, timeout: 10_000 });
    return stdout.trim();
  } catch {
    return null;
  }
}

/** Credentials in a remote URL (https://user:token@host) must not reach the registry. */
export function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

export async function gitLineage(dir: string): Promise<GitLineage> {
  const inside = await git(["rev-parse", "--is-inside-work-tree"], dir);
  if (inside !== "true") {
    return { known: false, commit: null, branch: null, remote: null, dirty: null };
  }
  const [commit, branch, remote, status] = await Promise.all([
    git(["rev-parse", "HEAD"], dir),
    git(["rev-parse", "--abbrev-ref", "HEAD"], dir),
    git(["config", "--get", "remote.origin.url"], dir),
    git(["status", "--porcelain"], dir),
  ]);
  return {
    known: true,
    commit: commit || null,
    // A detached HEAD reports "HEAD", which is not a branch.
    branch: branch && branch !== "HEAD" ? branch : null,
    remote: remote ? stripCredentials(remote) : null,
    dirty: status === null ? null : status !== "",
  };
}

export async function dataLineage(path: string): Promise<DataLineage> {
  const abs = requireFile(path, "data file");
  const sha256 = await sha256File(abs);
  const dataset = await openDataset(abs);
  try {
    return {
      uri: pathToFileURL(abs).href,
      sha256,
      size: statSync(abs).size,
      rows: dataset.rowCount,
      schema: dataset.columns.map((c) => ({ name: c.name, kind: c.kind, type: c.sourceType })),
      profile: await profileDataFile(abs, { label: path }),
    };
  } finally {
    await dataset.close();
  }
}

const LOCK_FILES: { test: (name: string) => boolean; kind: string }[] = [
  { test: (n) => /^requirements.*\.txt$/.test(n), kind: "pip" },
  { test: (n) => n === "poetry.lock", kind: "poetry" },
  { test: (n) => n === "uv.lock", kind: "uv" },
  { test: (n) => /^(environment|conda)[\w.-]*\.ya?ml$/.test(n), kind: "conda" },
  { test: (n) => n === "package-lock.json", kind: "npm" },
];

export async function environmentLineage(dir: string): Promise<EnvironmentLineage> {
  let names: string[] = [];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch {
    names = [];
  }
  const lockFiles: EnvironmentLineage["lockFiles"] = [];
  for (const name of names) {
    const kind = LOCK_FILES.find((l) => l.test(name))?.kind;
    if (kind) lockFiles.push({ name, kind, sha256: await sha256File(join(dir, name)) });
  }
  const py = await pythonVersion();
  return {
    lockFiles,
    runtime: { node: process.version, platform: process.platform, arch: process.arch, python: py },
  };
}

async function pythonVersion(): Promise<string | null> {
  for (const cmd of ["python3", "python"]) {
    try {
      const { stdout, stderr } = await run(cmd, ["--version"], { timeout: 5000 });
      const m = /Python\s+(\S+)/.exec(`${stdout} ${stderr}`);
      if (m?.[1]) return m[1];
    } catch {
      // try the next name
    }
  }
  return null;
}

/** Params may be YAML or JSON (JSON is YAML); metrics are JSON. */
export async function readStructured(
  path: string,
  what: string,
  format: "yaml" | "json",
): Promise<JsonValue> {
  const abs = requireFile(path, what);
  const text = await readFile(abs, "utf8");
  try {
    return (format === "json" ? JSON.parse(text) : parseYaml(text)) as JsonValue;
  } catch (err) {
    throw new VigilError(
      "VIGIL_PARSE_ERROR",
      `The ${what} ${path} is not valid ${format.toUpperCase()}: ${(err as Error).message.split("\n")[0]}`,
    );
  }
}

let cardValidator: ReturnType<Ajv["compile"]> | undefined;

/** The schema ships in the package: two levels up from src/registry and dist/registry alike. */
export const MODEL_CARD_SCHEMA_URL = new URL(
  "../../schemas/model-card.schema.json",
  import.meta.url,
);

/** Throws VIGIL_INVALID_MODEL_CARD listing every problem. */
export function validateModelCard(card: unknown, source = "model card"): JsonValue {
  if (!cardValidator) {
    const schema = JSON.parse(readFileSync(MODEL_CARD_SCHEMA_URL, "utf8")) as object;
    cardValidator = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
  }
  if (!cardValidator(card)) {
    const details = schemaProblems(cardValidator.errors ?? []);
    throw new VigilError(
      "VIGIL_INVALID_MODEL_CARD",
      `The ${source} does not match the model card schema: ${details
        .map((d) => `${d.path} ${d.message}`)
        .join("; ")}`,
      details.map((d) => ({ field: d.path, message: d.message })),
    );
  }
  return card as JsonValue;
}

/** Collects every part of the lineage; the user-named files must exist and parse. */
export async function captureLineage(input: LineageInput): Promise<Lineage> {
  const projectDir = resolve(input.projectDir ?? dirname(resolve(input.artifact)));
  const artifact = await artifactLineage(input.artifact);
  const data: DataLineage[] = [];
  for (const p of input.data ?? []) data.push(await dataLineage(p));
  const params = input.params ? await readStructured(input.params, "params file", "yaml") : null;
  const metrics = input.metrics
    ? await readStructured(input.metrics, "metrics file", "json")
    : null;
  const card = input.card
    ? validateModelCard(
        await readStructured(input.card, "model card", "yaml"),
        `model card ${basename(input.card)}`,
      )
    : null;
  const [gitInfo, environment] = await Promise.all([
    gitLineage(projectDir),
    environmentLineage(projectDir),
  ]);
  return { artifact, git: gitInfo, data, environment, params, metrics, card };
}
