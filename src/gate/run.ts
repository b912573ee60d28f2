import { isVigilError } from "../errors.js";
import { artifactGate } from "./gates/artifact.js";
import { compareGate } from "./gates/compare.js";
import { docsGate } from "./gates/docs.js";
import { driftGate } from "./gates/drift.js";
import { fairnessGate } from "./gates/fairness.js";
import { latencyGate } from "./gates/latency.js";
import { metricsGate } from "./gates/metrics.js";
import { validateGate } from "./gates/validate.js";
import type { Policy } from "./policy.js";
import type { GateContext, GateResult, GateRunner, GateStatus } from "./types.js";

const RUNNERS: Record<string, GateRunner> = {
  validate: validateGate,
  drift: driftGate,
  metrics: metricsGate,
  compare: compareGate,
  fairness: fairnessGate,
  artifact: artifactGate,
  latency: latencyGate,
  docs: docsGate,
};

export interface GateReport {
  policy: string;
  /** When the gates ran (ISO 8601); the registry ages gate evidence by it. */
  generatedAt: string;
  gates: GateResult[];
  summary: { pass: number; warn: number; fail: number };
  strict: boolean;
  /** PASS when no gate fails (and, with --strict, none warns). */
  status: GateStatus;
}

/**
 * Runs every gate of a policy, one after another. A gate that cannot run (a missing file,
 * a bad column) fails with the error as its reason rather than stopping the others: CI
 * then shows every problem at once. A `severity: warning` gate never fails, it warns.
 */
export async function runPolicy(
  policy: Policy,
  opts: { strict?: boolean; now?: Date } = {},
): Promise<GateReport> {
  const generatedAt = (opts.now ?? new Date()).toISOString();
  const ctx: GateContext = { baseDir: policy.baseDir, ...(opts.now ? { now: opts.now } : {}) };
  const gates: GateResult[] = [];
  for (const g of policy.gates) {
    const started = performance.now();
    let outcome: Awaited<ReturnType<GateRunner>>;
    try {
      outcome = await RUNNERS[g.kind]!(g, ctx);
    } catch (err) {
      const msg = isVigilError(err)
        ? `${err.code}: ${err.message}`
        : err instanceof Error
          ? err.message
          : String(err);
      outcome = { status: "FAIL", reasons: [`could not run: ${msg}`], details: {} };
    }
    if (g.severity === "warning" && outcome.status === "FAIL")
      outcome = { ...outcome, status: "WARN" };
    gates.push({
      name: g.name,
      kind: g.kind,
      severity: g.severity,
      ...outcome,
      seconds: (performance.now() - started) / 1000,
      ...(g.line !== undefined ? { line: g.line } : {}),
    });
  }
  const summary = {
    pass: gates.filter((g) => g.status === "PASS").length,
    warn: gates.filter((g) => g.status === "WARN").length,
    fail: gates.filter((g) => g.status === "FAIL").length,
  };
  const strict = opts.strict ?? false;
  const status: GateStatus =
    summary.fail > 0 ? "FAIL" : summary.warn > 0 ? (strict ? "FAIL" : "WARN") : "PASS";
  return { policy: policy.name, generatedAt, gates, summary, strict, status };
}
