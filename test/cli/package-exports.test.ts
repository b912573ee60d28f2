/**
 * Every subpath in package.json "exports" points at a module that the build produces from
 * src/ (dist/X.js <- src/X.ts) and that exports what its README example uses.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; default: string }>;
};
const expected: Record<string, string[]> = {
  "./stats": ["ksTwoSample", "jensenShannonDistance"],
  "./drift": ["compareSources", "memorySource", "runDrift"],
  "./client": ["createClient"],
  "./registry": ["assign", "Registry"],
};

describe("package exports", () => {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === "string") continue;
    it(`${subpath} resolves to a source module with its documented names`, async () => {
      expect(target.types).toBe(target.default.replace(/\.js$/, ".d.ts"));
      const src = join(root, target.default.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"));
      expect(existsSync(src)).toBe(true);
      const mod = (await import(src)) as Record<string, unknown>;
      for (const name of expected[subpath] ?? ["(no expectation listed)"]) {
        expect(mod[name], `${subpath} exports ${name}`).toBeDefined();
      }
    });
  }
});
