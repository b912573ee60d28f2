/**
 * docs/monitors.md and the code agree: the "Metric series" table lists exactly the series
 * of src/monitor/metric-names.ts (name, monitor, level, labels), and the table of methods a
 * window can use lists exactly what drift-methods.ts accepts per kind.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METRIC_CATALOG } from "../../src/monitor/metric-names.js";
import { profileMethods } from "../../src/monitor/monitors/drift-methods.js";

const doc = readFileSync(new URL("../../docs/monitors.md", import.meta.url), "utf8");

function section(title: string): string {
  const start = doc.indexOf(`## ${title}`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe("docs/monitors.md", () => {
  it("lists every metric series with its monitor, level and labels", () => {
    const rows = [
      ...section("Metric series").matchAll(/^\| `([a-z_]+)` \| (\w+) \| (\w+) \| ([^|]+) \|/gm),
    ].map((m) => ({
      name: m[1],
      monitor: m[2],
      level: m[3],
      labels: m[4]!.trim() === "–" ? [] : [...m[4]!.matchAll(/`(\w+)`/g)].map((l) => l[1]),
    }));
    expect(rows).toEqual(
      METRIC_CATALOG.map((m) => ({
        name: m.name,
        monitor: m.monitor,
        level: m.level,
        labels: [...m.labels],
      })),
    );
  });

  it("lists the drift methods a window can compute, per kind", () => {
    const table = section("What is computed per window");
    for (const kind of ["numeric", "categorical"] as const) {
      const row = new RegExp(`^\\| ${kind} \\| (.+) \\|$`, "m").exec(table);
      expect(row, kind).not.toBeNull();
      const listed = [...row![1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]);
      expect(listed.sort()).toEqual(profileMethods(kind).sort());
    }
  });
});
