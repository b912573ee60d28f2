import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DatasetProfile, serializeDatasetProfile } from "../../src/sketch/index.js";

/**
 * A mixed stream: small integers (many ties), two-decimal values, an exponential tail, and
 * categories with a long tail (so both frequent-items tables reduce and KLL compacts).
 */
function stream(n: number, seed: number): { x: number; c: string }[] {
  let s = seed >>> 0;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const rows: { x: number; c: string }[] = [];
  for (let i = 0; i < n; i++) {
    const u = next();
    const x =
      u < 0.3
        ? Math.floor(next() * 50)
        : u < 0.6
          ? Math.round(next() * 1e6) / 100
          : -Math.log(next()) * 10;
    const c = u < 0.5 ? `c${Math.floor(next() * 20)}` : `tail-${Math.floor(next() * 100000)}`;
    rows.push({ x, c });
  }
  return rows;
}

const sha256 = (p: DatasetProfile) =>
  createHash("sha256").update(serializeDatasetProfile(p)).digest("hex");

describe("profile bytes", () => {
  // Stored window profiles must keep their meaning, and a live count must equal a rebuild:
  // a change to how the sketches run (sorting, selection, buffers) must leave these bytes
  // alone. A change to what a sketch computes changes them on purpose (docs/profiles.md).
  it("are those of the reference implementation for a fixed stream, whole and merged", () => {
    const schema = { x: "numeric", c: "categorical" } as const;
    const whole = new DatasetProfile(schema);
    const parts = [0, 1, 2].map(() => new DatasetProfile(schema));
    stream(150_000, 12345).forEach((row, i) => {
      whole.updateRow(row);
      (parts[i % 3] as DatasetProfile).updateRow(row);
    });
    const [a, b, c] = parts as [DatasetProfile, DatasetProfile, DatasetProfile];
    expect(sha256(whole)).toBe("2be16f84baf78d3ae2ebbfe04c4d95c9def7abed9029bfa8e61dce79562460a6");
    expect(sha256(a.merge(b).merge(c))).toBe(
      "2e675fb6b11a1c95e6693e0b289fe226860bebca16a978b296ea865200976b4f",
    );
  });
});
