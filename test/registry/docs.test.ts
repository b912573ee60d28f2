/**
 * Runs the walk-through of docs/registry.md: writes its `file=NAME` blocks into an empty
 * directory and runs every `vigil` line of its `sh` blocks in order, in-process, on the
 * embedded SQLite store there. A line ending in `# fails: CODE` must exit non-zero naming
 * CODE; every other line must exit 0.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { vigil } from "../cli/capture.js";

const doc = readFileSync(new URL("../../docs/registry.md", import.meta.url), "utf8");
const dir = mkdtempSync(join(tmpdir(), "vigil-registry-doc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Block {
  info: string;
  body: string;
}

function blocks(text: string): Block[] {
  const out: Block[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (const m of text.matchAll(re)) out.push({ info: m[1] ?? "", body: m[2] ?? "" });
  return out;
}

/** Splits a command line into words, honouring single and double quotes (no escapes needed). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

const all = blocks(doc);

/**
 * `jsonl predictions=MODEL` and `jsonl labels=MODEL` blocks: events in the ingest API's shape
 * ({id, timestamp, version, features, prediction, ...} and {id, label, timestamp}), stored
 * directly in the walk-through's database before the first `vigil trace` line, as ingest
 * would store them.
 */
async function storeEvents(): Promise<void> {
  const store = await openStore(join(dir, ".vigil", "vigil.db"));
  try {
    for (const b of all) {
      const m = /\b(predictions|labels)=(\S+)/.exec(b.info);
      if (!m) continue;
      const model = await store.requireModel(m[2]!);
      const rows = b.body
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      if (m[1] === "labels") {
        await store.insertLabels(
          model.id,
          rows.map((r) => ({
            id: String(r.id),
            label: r.label as never,
            timestamp: Date.parse(String(r.timestamp)),
          })),
        );
        continue;
      }
      const events = [];
      for (const { id, timestamp, version, ...payload } of rows) {
        const v = await store.getVersion(model.id, String(version));
        const ts = Date.parse(String(timestamp));
        const w = model.windowSeconds * 1000;
        events.push({
          id: String(id),
          versionId: v!.id,
          timestamp: ts,
          windowStart: ts - (ts % w),
          payload: payload as never,
        });
      }
      await store.insertEvents(model.id, events);
    }
  } finally {
    await store.close();
  }
}
const files = all.filter((b) => /\bfile=\S+/.test(b.info));
const commands = all
  .filter((b) => b.info.trim() === "sh")
  .flatMap((b) => b.body.split("\n"))
  .map((l) => l.trim())
  .filter((l) => l.startsWith("vigil "));

describe("docs/registry.md walk-through", () => {
  it("has files and commands to run", () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
    expect(commands.length).toBeGreaterThanOrEqual(20);
  });

  it("runs every command with the documented outcome", async () => {
    for (const f of files) {
      const name = /\bfile=(\S+)/.exec(f.info)?.[1] ?? "";
      writeFileSync(join(dir, name), f.body);
    }
    let eventsStored = false;
    for (const line of commands) {
      const [cmd = "", fails] = line.split(/\s+#\s*fails:\s*/);
      const argv = words(cmd).slice(1);
      if (argv[0] === "trace" && !eventsStored) {
        await storeEvents();
        eventsStored = true;
      }
      const r = await vigil(argv, { cwd: dir });
      if (fails) {
        expect(r.code, `${line}\n${r.stdout}${r.stderr}`).not.toBe(0);
        expect(r.stderr, line).toContain(fails.trim());
      } else {
        expect(r.code, `${line}\n${r.stdout}${r.stderr}`).toBe(0);
      }
    }
    const v1 = JSON.parse(
      (await vigil(["model", "show", "churn", "1", "--format", "json"], { cwd: dir })).stdout,
    );
    expect(v1.stage).toBe("production");
    expect(v1.aliases).toEqual(["champion"]);
    expect(v1.metadata.lineage.data[0].rows).toBe(4);
    expect(v1.metadata.lineage.card.name).toBe("churn");
    const v2 = JSON.parse(
      (await vigil(["model", "show", "churn", "2", "--format", "json"], { cwd: dir })).stdout,
    );
    expect(v2.stage).toBe("archived");
    // Deployments, trace and card (sections "Deployments", "Tracing a prediction", "Model cards").
    const deployments = JSON.parse(
      (await vigil(["model", "deployments", "churn", "--format", "json"], { cwd: dir })).stdout,
    );
    expect(
      deployments.map(
        (d: { environment: string; champion: { version: number; share: number } }) => [
          d.environment,
          d.champion.version,
          d.champion.share,
        ],
      ),
    ).toEqual([
      ["production", 1, 75],
      ["staging", 3, 100],
    ]);
    const trace = JSON.parse(readFileSync(join(dir, "trace.json"), "utf8"));
    expect(trace.version.number).toBe(3);
    expect(trace.data[0].rows).toBe(4);
    expect(trace.prediction.features).toEqual({ age: 58, plan: "pro" });
    expect(
      trace.deployments.map((d: { role: string; share: number }) => [d.role, d.share]),
    ).toEqual([
      ["canary", 10],
      ["canary", 25],
      ["champion", 100],
    ]);
    expect(readFileSync(join(dir, "churn-card.html"), "utf8")).toContain(
      "Predicts which subscribers cancel next month.",
    );
    expect(v2.events.map((e: { kind: string }) => e.kind)).toEqual([
      "evidence",
      "transition",
      "approve",
      "transition",
      "rollback",
    ]);
  });
});
