/**
 * Renders a model card as Markdown or as a self-contained HTML page. Both come from one
 * list of sections, so they always show the same content; each format escapes every value
 * it did not write itself (card fields, tags, file names and actors are user input).
 */
import { escapeHtml, htmlPage } from "../report/html.js";
import { escapeMarkdownCell, markdownTable } from "../report/markdown.js";
import { formatNumber } from "../report/text.js";
import type { JsonValue } from "../store/index.js";
import type { ModelCardDoc } from "./card.js";
import { fileName, profileLine } from "./lineage-view.js";

type Section =
  | { title: string; kind: "text"; paragraphs: string[] }
  | { title: string; kind: "fields"; rows: [string, string][]; note?: string }
  | { title: string; kind: "table"; headers: string[]; rows: string[][]; note?: string };

type Obj = Record<string, JsonValue>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const iso = (ms: number | null | undefined): string =>
  ms === null || ms === undefined || !Number.isFinite(ms)
    ? "-"
    : new Date(ms).toISOString().replace(/\.000Z$/, "Z");

function show(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return "-";
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "yes" : "no";
  return JSON.stringify(v);
}

/** Nested objects as dotted keys (`max_depth`, `optimizer.lr`), arrays as JSON. */
function flatten(v: JsonValue | undefined, prefix = ""): [string, string][] {
  if (!isObj(v)) return prefix ? [[prefix, show(v)]] : [];
  const out: [string, string][] = [];
  for (const [k, x] of Object.entries(v)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObj(x)) out.push(...flatten(x, key));
    else out.push([key, show(x)]);
  }
  return out;
}

function sections(doc: ModelCardDoc): { title: string; sections: Section[] } {
  const card = doc.card ?? {};
  const l = doc.lineage;
  const out: Section[] = [];
  const description = typeof card.description === "string" ? card.description : null;
  out.push({
    title: "Summary",
    kind: "text",
    paragraphs: description
      ? description.split(/\n\s*\n/).map((p) => p.trim())
      : ["No model card was supplied at registration (`vigil model register --card`)."],
  });

  const details: [string, string][] = [
    ["Model", doc.model],
    ["Version", String(doc.version)],
    ["Stage", doc.stage],
    ["Aliases", doc.aliases.join(", ") || "-"],
    ["Registered", `${iso(doc.registeredAt)} by ${doc.registeredBy}`],
  ];
  if (card.version !== undefined) details.push(["Card version", show(card.version)]);
  if (card.created_by !== undefined) details.push(["Created by", show(card.created_by)]);
  if (card.algorithm !== undefined) details.push(["Algorithm", show(card.algorithm)]);
  for (const [k, v] of Object.entries(l.tags)) details.push([`Tag ${k}`, v]);
  out.push({ title: "Model details", kind: "fields", rows: details });

  const td = isObj(card.training_data) ? card.training_data : {};
  const range = isObj(td.date_range) ? td.date_range : null;
  const trainingFields: [string, string][] = [];
  if (td.version !== undefined) trainingFields.push(["Data version", show(td.version)]);
  if (range) trainingFields.push(["Date range", `${show(range.from)} to ${show(range.to)}`]);
  if (td.samples !== undefined) trainingFields.push(["Samples", show(td.samples)]);
  out.push({
    title: "Training data",
    kind: "table",
    headers: ["file", "rows", "bytes", "sha256"],
    rows: l.data.map((d) => [
      d.uri,
      d.rows === null ? "-" : String(d.rows),
      d.size === null ? "-" : String(d.size),
      d.sha256,
    ]),
    note:
      [
        ...trainingFields.map(([k, v]) => `${k}: ${v}`),
        l.data.length ? "" : "No data files were recorded at registration (--data).",
      ]
        .filter(Boolean)
        .join(". ") || undefined,
  } as Section);

  const features = Array.isArray(card.features) ? card.features : null;
  if (features) {
    out.push({
      title: "Features",
      kind: "table",
      headers: ["name", "type", "description"],
      rows: features.map((f) =>
        isObj(f) ? [show(f.name), show(f.type), show(f.description)] : [show(f), "-", "-"],
      ),
    });
  } else if (l.data[0]?.columns.length) {
    out.push({
      title: "Features",
      kind: "table",
      headers: ["column"],
      rows: l.data[0].columns.map((c) => [c]),
      note: "Columns of the first training data file; the card lists no features.",
    });
  }

  const hyper = isObj(card.hyperparameters) ? card.hyperparameters : l.params;
  const hyperRows = flatten(hyper ?? undefined);
  if (hyperRows.length) {
    out.push({
      title: "Hyperparameters",
      kind: "fields",
      rows: hyperRows,
      ...(isObj(card.hyperparameters) ? {} : { note: "From the params file (--params)." }),
    });
  }

  const perf: string[][] = [
    ...flatten(card.performance).map(([k, v]) => [k, v, "model card"]),
    ...flatten(l.metrics ?? undefined).map(([k, v]) => [k, v, "metrics file"]),
  ];
  if (perf.length) {
    out.push({
      title: "Performance",
      kind: "table",
      headers: ["metric", "value", "source"],
      rows: perf,
    });
  }
  const fairness = flatten(card.fairness);
  if (fairness.length) out.push({ title: "Fairness", kind: "fields", rows: fairness });

  const lineage: [string, string][] = [];
  lineage.push([
    "Artifact",
    l.artifact ? `sha256 ${l.artifact.sha256}, ${l.artifact.size} bytes, ${l.artifact.uri}` : "-",
  ]);
  if (l.git?.known) {
    lineage.push(["Git commit", l.git.commit ?? "-"]);
    lineage.push(["Git branch", l.git.branch ?? "-"]);
    if (l.git.remote) lineage.push(["Git remote", l.git.remote]);
    lineage.push(["Work tree", l.git.dirty ? "had uncommitted changes" : "clean"]);
  } else lineage.push(["Git", "unknown (not registered from a git work tree)"]);
  for (const d of l.data) {
    if (d.profile) lineage.push([`Data profile ${fileName(d.uri)}`, profileLine(d.profile)]);
  }
  if (l.environment) {
    lineage.push(["Environment lock hash", l.environment.lockHash ?? "- (no lock files)"]);
    for (const f of l.environment.lockFiles) {
      lineage.push([`Lock file ${f.name}`, `${f.kind}, sha256 ${f.sha256}`]);
    }
    const runtime = Object.entries(l.environment.runtime)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k} ${show(v)}`)
      .join(", ");
    if (runtime) lineage.push(["Runtime", runtime]);
  }
  out.push({ title: "Lineage", kind: "fields", rows: lineage });

  const approvals: string[][] = doc.approvals.map((a) => [
    iso(a.at),
    a.kind === "approve" ? "approved" : "rejected",
    a.to ?? "-",
    a.actor,
    a.role ?? "-",
    a.reason ?? "",
  ]);
  const declared = Array.isArray(card.approvals) ? card.approvals.filter(isObj) : [];
  for (const a of declared) {
    approvals.push([show(a.date), "declared in the card", "-", show(a.by), show(a.role), ""]);
  }
  out.push({
    title: "Approvals",
    kind: "table",
    headers: ["when", "decision", "for stage", "by", "role", "reason"],
    rows: approvals,
    ...(approvals.length ? {} : { note: "No approvals recorded." }),
  });

  if (doc.gates.length) {
    out.push({
      title: "Gate evidence",
      kind: "table",
      headers: ["attached", "for stage", "status", "gates", "sha256"],
      rows: doc.gates.map((g) => [
        iso(g.at),
        g.to ?? "-",
        g.status ?? "-",
        g.gates.map((x) => `${x.name} ${x.status}`).join(", ") || "-",
        g.sha256 ?? "-",
      ]),
    });
  }
  out.push({
    title: "Stage history",
    kind: "table",
    headers: ["when", "change", "by", "reason"],
    rows: [
      [iso(doc.registeredAt), "registered (none)", doc.registeredBy, ""],
      ...doc.stages.map((c) => [
        iso(c.at),
        `${c.kind === "rollback" ? "rollback " : ""}${c.from ?? "-"} → ${c.to ?? "-"}`,
        c.actor,
        c.reason ?? "",
      ]),
    ],
  });
  out.push({
    title: "Deployments",
    kind: "table",
    headers: ["environment", "role", "share", "revision", "since", "by"],
    rows: doc.deployments.map((d) => {
      const canary = d.canary?.version === doc.version;
      const slot = canary && d.canary ? d.canary : d.champion;
      return [
        d.environment,
        canary ? "canary" : "champion",
        `${slot.share}%`,
        String(d.revision),
        iso(d.at),
        d.actor,
      ];
    }),
    ...(doc.deployments.length ? {} : { note: "Not deployed to any environment." }),
  });
  const name = typeof card.name === "string" ? card.name : doc.model;
  return { title: `Model card: ${name} v${doc.version}`, sections: out };
}

// ---- Markdown ------------------------------------------------------------------------

const md = escapeMarkdownCell;

export function renderCardMarkdown(doc: ModelCardDoc): string {
  const { title, sections: parts } = sections(doc);
  const out: string[] = [`# ${md(title)}`, ""];
  for (const s of parts) {
    out.push(`## ${md(s.title)}`, "");
    if (s.kind === "text") {
      for (const p of s.paragraphs) out.push(md(p), "");
      continue;
    }
    if (s.kind === "fields") {
      out.push(
        markdownTable(
          ["field", "value"],
          s.rows.map(([k, v]) => [md(k), md(v)]),
        ),
        "",
      );
    } else if (s.rows.length) {
      out.push(
        markdownTable(
          s.headers,
          s.rows.map((r) => r.map(md)),
        ),
        "",
      );
    }
    if (s.note) out.push(`_${md(s.note)}_`, "");
  }
  out.push(`Generated by Vigil from the model registry at ${iso(doc.generatedAt)}.`);
  return `${out.join("\n")}\n`;
}

// ---- HTML ----------------------------------------------------------------------------

const h = escapeHtml;

function htmlTable(headers: string[], rows: string[][]): string {
  const head = headers.map((x) => `<th>${h(x)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${h(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const CARD_CSS = `.fields th{width:28%;font-weight:600}td{overflow-wrap:anywhere}.stage{font-weight:600}`;

export function renderCardHtml(doc: ModelCardDoc): string {
  const { title, sections: parts } = sections(doc);
  const body: string[] = [
    `<h1>${h(title)}</h1>`,
    `<p class="muted">Stage <span class="stage">${h(doc.stage)}</span> · generated by Vigil from the model registry at ${h(iso(doc.generatedAt))}</p>`,
  ];
  for (const s of parts) {
    body.push(`<section><h2>${h(s.title)}</h2>`);
    if (s.kind === "text") {
      for (const p of s.paragraphs) body.push(`<p>${h(p)}</p>`);
    } else if (s.kind === "fields") {
      body.push(
        `<table class="fields"><tbody>\n${s.rows
          .map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`)
          .join("\n")}\n</tbody></table>`,
      );
    } else if (s.rows.length) {
      body.push(htmlTable(s.headers, s.rows));
    }
    if (s.kind !== "text" && s.note) body.push(`<p class="muted">${h(s.note)}</p>`);
    body.push("</section>");
  }
  return htmlPage(title, body.join("\n"), CARD_CSS);
}
