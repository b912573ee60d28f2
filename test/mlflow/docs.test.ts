/**
 * Runs the walk-through of docs/mlflow.md: every `vigil` line of its `sh` blocks, in order,
 * in an empty directory (embedded SQLite there), against the replaying MLflow server in
 * place of http://127.0.0.1:5000 (and a closed port in place of :5001). A block starting
 * with "# after the change in MLflow" switches the server to the later registry state. A
 * line ending in `# fails: CODE` must fail with that code, every other line exit 0, and the
 * `text` blocks showing output must be what the two full imports print.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { vigil } from "../cli/capture.js";
import { BASE, CHANGED, deadUrl, startFakeMlflow } from "./server.js";

const doc = readFileSync(new URL("../../docs/mlflow.md", import.meta.url), "utf8");
const dir = mkdtempSync(join(tmpdir(), "vigil-mlflow-doc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const blocks = [...doc.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  info: (m[1] ?? "").trim(),
  body: m[2] ?? "",
}));

function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

const FULL = "vigil mlflow import --uri http://127.0.0.1:5000 --page-size 2";

describe("docs/mlflow.md walk-through", () => {
  it("runs every command with the documented outcome and output", async () => {
    const shells = blocks.filter((b) => b.info === "sh");
    const outputs = blocks.filter((b) => b.info === "text");
    expect(shells.length).toBe(3);
    expect(outputs.length).toBe(2);
    const mlflow = await startFakeMlflow(BASE);
    const dead = await deadUrl();
    const fullRuns: string[] = [];
    try {
      for (const block of shells) {
        const lines = block.body.split("\n").map((l) => l.trim());
        if (lines[0] === "# after the change in MLflow") mlflow.replay(CHANGED);
        for (const line of lines.filter((l) => l.startsWith("vigil "))) {
          const [cmd = "", fails] = line.split(/\s+#\s*fails:\s*/);
          const argv = words(cmd)
            .slice(1)
            .map((w) =>
              w.replace("http://127.0.0.1:5000", mlflow.url).replace("http://127.0.0.1:5001", dead),
            );
          const r = await vigil(argv, { cwd: dir });
          const out = (r.stdout + r.stderr).replaceAll(mlflow.url, "http://127.0.0.1:5000");
          if (fails) {
            expect(r.code, `${line}\n${out}`).not.toBe(0);
            expect(r.stderr, line).toContain(fails.trim());
          } else {
            expect(r.code, `${line}\n${out}`).toBe(0);
          }
          if (cmd.trim() === FULL) fullRuns.push(out);
        }
      }
    } finally {
      await mlflow.close();
    }
    expect(fullRuns.length).toBe(2);
    outputs.forEach((block, i) => {
      for (const line of block.body.split("\n").filter((l) => l && l !== "...")) {
        expect(fullRuns[i], line).toContain(line);
      }
    });
  });
});
