/**
 * Gate evidence: a `vigil gate policy.yaml --format json` result attached to a registry
 * transition. The exact bytes are hashed (sha256) so the audit entry pins what was shown.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { VigilError } from "../errors.js";

export interface GateEvidence {
  /** sha256 (hex) of the file's bytes. */
  sha256: string;
  /** The gate report's overall status. */
  status: string;
  /** Gate names and their statuses. */
  gates: { name: string; status: string }[];
  policy: string | null;
  /** When the gate ran, epoch ms. */
  generatedAt: number;
  /**
   * Where generatedAt came from: the report's own `generatedAt` field when it has one,
   * else the file's modification time (gate JSON of this version carries no timestamp).
   */
  timeSource: "report" | "file-mtime";
  /** The report as parsed. */
  report: unknown;
  /**
   * The exact bytes hashed. Not stored by the registry; kept so a client can forward them to
   * a server, which hashes them itself rather than trusting a hash it is sent.
   */
  bytes: Buffer;
}

function bad(path: string, why: string): VigilError {
  return new VigilError(
    "VIGIL_GATE_EVIDENCE",
    `${path} is not a \`vigil gate --format json\` result: ${why}.`,
  );
}

function parseTime(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const t = Date.parse(value);
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

/** Reads and checks the shape of a gate JSON file; does not judge status or age. */
export function readGateEvidence(path: string): GateEvidence {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    throw new VigilError("VIGIL_FILE_NOT_FOUND", `The gate result ${path} does not exist.`);
  }
  return parseGateEvidence(readFileSync(abs), path, statSync(abs).mtimeMs);
}

/**
 * The same checks on bytes already read: a server receives the gate file's text from the
 * client, which cannot send the file itself. `mtimeMs` is the file time to fall back on
 * when the report has no `generatedAt`; without either the age is unknown, which is refused
 * rather than guessed (a stale report must not look fresh).
 */
export function parseGateEvidence(
  bytes: Buffer,
  source: string,
  mtimeMs: number | undefined,
): GateEvidence {
  let report: unknown;
  try {
    report = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw bad(source, "it is not JSON");
  }
  if (typeof report !== "object" || report === null || Array.isArray(report)) {
    throw bad(source, "it is not a JSON object");
  }
  const r = report as Record<string, unknown>;
  if (typeof r.status !== "string" || !Array.isArray(r.gates)) {
    throw bad(source, 'it has no "status" and "gates"');
  }
  const gates = r.gates.map((g, i) => {
    const o = g as Record<string, unknown> | null;
    if (!o || typeof o.name !== "string" || typeof o.status !== "string") {
      throw bad(source, `gates[${i}] has no name and status`);
    }
    return { name: o.name, status: o.status };
  });
  const own = parseTime(r.generatedAt);
  const at = own ?? mtimeMs;
  if (at === undefined || !Number.isFinite(at)) {
    throw bad(source, 'it has no "generatedAt" and no file time was given');
  }
  return {
    sha256: createHash("sha256").update(bytes).digest("hex"),
    status: r.status,
    gates,
    policy: typeof r.policy === "string" ? r.policy : null,
    generatedAt: at,
    timeSource: own === undefined ? "file-mtime" : "report",
    report,
    bytes,
  };
}
