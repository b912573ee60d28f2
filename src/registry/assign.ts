/**
 * Champion/canary assignment (issue 6 section 4): which version a subject (a customer, a
 * session, a device) is served by under a deployment record. Deterministic and stateless,
 * so every replica of a service, and Vigil's API, gives the same answer without a lookup
 * table:
 *
 *   key = n ":" experiment subject   (n: the experiment id's length in UTF-8 bytes, decimal,
 *                                      so "a" + "bc" and "ab" + "c" differ)
 *   u   = first 48 bits of sha256(UTF-8 of key) / 2^48, uniform in [0, 1)
 *   the canary serves the subject when floor(u * 10000) < the canary share in basis points
 *
 * Any service can compute the same assignment without Vigil (scripts/refgen/gen_assign.py
 * does it in Python).
 *
 * The experiment id salts the hash: a new experiment reshuffles subjects, while the same
 * experiment gives every subject the same bucket for as long as it lasts. Because the test
 * is `bucket < share`, raising the share of a running experiment keeps every subject
 * already on the canary there (a ramp from 10% to 20% only adds subjects).
 */
import { createHash } from "node:crypto";
import { invalidArgument } from "../errors.js";

/** What assign needs from a deployment record (a `Deployment` satisfies it). */
export interface AssignableDeployment {
  experiment: string;
  champion: { version: number };
  canary: { version: number; share: number } | null;
}

export interface Assignment {
  subject: string;
  experiment: string;
  role: "champion" | "canary";
  version: number;
  /** The subject's uniform draw in [0, 1): stable for one experiment. */
  bucket: number;
}

const TWO_48 = 2 ** 48;
/** Subject ids longer than this are refused (they are ids, not documents). */
export const MAX_SUBJECT_LENGTH = 1024;

/** The subject's uniform value in [0, 1) for an experiment. */
export function subjectBucket(experiment: string, subjectId: string): number {
  const digest = createHash("sha256")
    .update(`${Buffer.byteLength(experiment, "utf8")}:${experiment}${subjectId}`, "utf8")
    .digest();
  return digest.readUIntBE(0, 6) / TWO_48;
}

/** Percent with at most two decimals, as an integer number of basis points. */
export function shareBasisPoints(share: number, what = "share"): number {
  if (typeof share !== "number" || !Number.isFinite(share) || share < 0 || share > 100) {
    throw invalidArgument(what, "a percentage between 0 and 100", share);
  }
  const bp = Math.round(share * 100);
  if (Math.abs(bp - share * 100) > 1e-6) {
    throw invalidArgument(what, "a percentage with at most two decimals", share);
  }
  return bp;
}

/** Maps a subject to the champion or the canary of a deployment; pure and deterministic. */
export function assign(subjectId: string, deployment: AssignableDeployment): Assignment {
  if (typeof subjectId !== "string" || subjectId === "" || subjectId.length > MAX_SUBJECT_LENGTH) {
    throw invalidArgument(
      "subject",
      `a non-empty id of at most ${MAX_SUBJECT_LENGTH} characters`,
      subjectId,
    );
  }
  const experiment = deployment?.experiment;
  if (typeof experiment !== "string" || experiment === "") {
    throw invalidArgument("deployment.experiment", "a non-empty experiment id", experiment);
  }
  const bucket = subjectBucket(experiment, subjectId);
  const canary = deployment.canary;
  if (canary && Math.floor(bucket * 10_000) < shareBasisPoints(canary.share, "canary share")) {
    return { subject: subjectId, experiment, role: "canary", version: canary.version, bucket };
  }
  return {
    subject: subjectId,
    experiment,
    role: "champion",
    version: deployment.champion.version,
    bucket,
  };
}
