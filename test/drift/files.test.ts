/**
 * How `vigil drift` opens its two files: two text files are parsed side by side, each with
 * its share of the engine's threads; anything else is parsed with all of them, in turn.
 */
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/data/index.js";
import { sideBySideConversions } from "../../src/drift/files.js";

describe("sideBySideConversions", () => {
  it("splits the threads between text files only", async () => {
    const two = await createEngine({ threads: 2 });
    const one = await createEngine({ threads: 1 });
    try {
      expect(await sideBySideConversions(two, ["r.csv", "c.csv"])).toBe(1);
      expect(await sideBySideConversions(two, ["r.tsv.gz", "c.jsonl"])).toBe(1);
      expect(await sideBySideConversions(one, ["r.csv", "c.csv"])).toBe(1);
      expect(await sideBySideConversions(two, ["r.csv", "c.parquet"])).toBeUndefined();
      expect(await sideBySideConversions(two, ["r.csv"])).toBeUndefined();
      // An unknown extension is openDataset's error to report, not this helper's.
      expect(await sideBySideConversions(two, ["r.csv", "c.xlsx"])).toBeUndefined();
      // --input-format applies to both files.
      expect(await sideBySideConversions(two, ["r.data", "c.data"], "csv")).toBe(1);
    } finally {
      await two.close();
      await one.close();
    }
  });
});
