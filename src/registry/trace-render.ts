/** The text form of a prediction trace: one section per link of the chain, in order. */
import { sanitizeText, textTable } from "../report/text.js";
import type { JsonValue } from "../store/index.js";
import { fileName, profileLine } from "./lineage-view.js";
import type { PredictionTrace } from "./trace.js";

const iso = (ms: number | null | undefined): string =>
  ms === null || ms === undefined || !Number.isFinite(ms) ? "-" : new Date(ms).toISOString();

/** Compact JSON, cut to `max` characters and made safe for a terminal. */
function value(v: JsonValue | undefined, max = 200): string {
  if (v === undefined || v === null) return "-";
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return sanitizeText(text.length > max ? `${text.slice(0, max)}…` : text);
}

const s = (v: string | null | undefined): string => (v ? sanitizeText(v) : "-");

export function renderTraceText(t: PredictionTrace): string {
  const p = t.prediction;
  const out: string[] = [];
  out.push(`Prediction ${s(p.id)} of model ${s(t.model)}`);
  out.push(`  time        ${iso(p.timestamp)} (received ${iso(p.receivedAt)})`);
  out.push(`  version     ${s(p.version)}`);
  out.push(`  prediction  ${value(p.prediction)}`);
  if (p.scores !== null) out.push(`  scores      ${value(p.scores)}`);
  if (p.latencyMs !== null) out.push(`  latency     ${p.latencyMs} ms`);
  if (p.error !== null) out.push(`  error       ${value(p.error)}`);
  out.push(
    `  label       ${p.label ? `${value(p.label.value)} (at ${iso(p.label.timestamp)})` : "none yet"}`,
  );
  const features = p.features;
  if (features && typeof features === "object" && !Array.isArray(features)) {
    out.push("  features");
    for (const [k, v] of Object.entries(features)) out.push(`    ${s(k)} = ${value(v, 80)}`);
  } else if (features !== null) out.push(`  features    ${value(features)}`);

  out.push("");
  const v = t.version;
  if (!v) {
    out.push("Version: not in the registry");
  } else {
    const aliases = v.aliases.length ? ` [${v.aliases.map(s).join(", ")}]` : "";
    out.push(`Version ${v.number}: ${v.stage}${aliases}`);
    out.push(`  registered  ${iso(v.registeredAt)} by ${s(v.registeredBy)}`);
    const tags = Object.entries(v.tags);
    if (tags.length) out.push(`  tags        ${tags.map(([k, x]) => `${s(k)}=${s(x)}`).join(" ")}`);
    const a = t.artifact;
    out.push(`  artifact    ${a ? `sha256 ${a.sha256}  ${a.size} bytes  ${s(a.uri)}` : "-"}`);
    const g = t.git;
    out.push(
      `  git         ${
        g?.known
          ? `${s(g.commit)} on ${s(g.branch)}${g.dirty ? " (dirty work tree)" : ""}${g.remote ? `  ${s(g.remote)}` : ""}`
          : "unknown"
      }`,
    );
    const e = t.environment;
    out.push(
      `  environment ${
        e
          ? `lock hash ${e.lockHash ?? "- (no lock files)"}${
              Object.keys(e.runtime).length
                ? `  ${Object.entries(e.runtime)
                    .filter(([, x]) => x !== null)
                    .map(([k, x]) => `${s(k)} ${value(x, 40)}`)
                    .join(", ")}`
                : ""
            }`
          : "-"
      }`,
    );
    for (const f of e?.lockFiles ?? []) {
      out.push(`              ${s(f.name)} (${s(f.kind)}) sha256 ${s(f.sha256)}`);
    }
  }

  if (t.data.length) {
    out.push("", "Training data");
    out.push(
      indent(
        textTable(
          ["file", "rows", "sha256"],
          t.data.map((d) => [s(d.uri), d.rows === null ? "-" : String(d.rows), s(d.sha256)]),
          ["left", "right", "left"],
        ),
      ),
    );
    for (const d of t.data) {
      if (d.profile) out.push(`  ${s(fileName(d.uri))}: ${s(profileLine(d.profile))}`);
    }
  }
  if (t.gates.length) {
    out.push("", "Gate results (evidence)");
    for (const g of t.gates) {
      out.push(
        `  ${iso(g.at)} for ${g.to ?? "-"}: ${s(g.status)} (sha256 ${s(g.sha256)}, generated ${iso(
          g.generatedAt,
        )}) attached by ${s(g.attachedBy)}`,
      );
      if (g.gates.length) {
        out.push(`    ${g.gates.map((x) => `${s(x.name)} ${s(x.status)}`).join(", ")}`);
      }
    }
  }
  if (t.approvals.length) {
    out.push("", "Approvals");
    for (const a of t.approvals) {
      out.push(
        `  ${iso(a.at)} ${a.kind === "approve" ? "approved" : "rejected"} for ${a.to ?? "-"} by ${s(
          a.actor,
        )}${a.role ? ` (${s(a.role)})` : ""}${a.reason ? `: ${s(a.reason)}` : ""}`,
      );
    }
  }
  if (t.stages.length) {
    out.push("", "Stage history");
    for (const c of t.stages) {
      out.push(
        `  ${iso(c.at)} ${c.kind} ${c.from ?? "-"} -> ${c.to ?? "-"} by ${s(c.actor)}${
          c.reason ? `: ${s(c.reason)}` : ""
        }`,
      );
    }
  }
  if (t.deployments.length) {
    out.push("", "Deployments serving this version");
    for (const d of t.deployments) {
      out.push(
        `  ${s(d.environment)} rev ${d.revision}: ${d.role} ${d.share}% from ${iso(d.from)} until ${
          d.until === null ? "now" : iso(d.until)
        }${d.atPrediction ? "  <- at prediction time" : ""}`,
      );
    }
  }
  if (t.audit.length) {
    out.push("", "Audit log");
    for (const a of t.audit) {
      out.push(
        `  #${a.sequence} ${iso(a.time)} ${s(a.action)} by ${s(a.actor)}  ${a.hash.slice(0, 16)}`,
      );
    }
  }
  if (t.notes.length) {
    out.push("", "Notes");
    for (const n of t.notes) out.push(`  ${s(n)}`);
  }
  return `${out.join("\n")}\n`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
