/**
 * The profile summary a data file's lineage carries (issue 6 section 1): a few numbers per
 * column from the mergeable profile (src/sketch) the reference reader builds while streaming
 * the file, plus the sha256 of that profile's serialized bytes so a later profile of the same
 * data can be matched to the registration. Compact by design: no sketches, at most
 * TOP_CATEGORIES categories per column.
 */
import { createHash } from "node:crypto";
import { profileFile } from "../monitor/reference.js";
import { summarizeColumn } from "../sketch/index.js";

/** Categories kept per categorical column. */
export const TOP_CATEGORIES = 10;

export interface NumericColumnSummary {
  name: string;
  kind: "numeric";
  count: number;
  missing: number;
  /** Null when the column has no valid value. std is the population one (ddof 0). */
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  /** Median from the KLL sketch: exact on small files, else within its rank error. */
  p50: number | null;
}

export interface CategoricalColumnSummary {
  name: string;
  kind: "categorical";
  count: number;
  missing: number;
  /** HyperLogLog estimate (about 1.6% relative error). */
  distinct: number;
  /** Most frequent categories, share = count / non-missing values. */
  top: { value: string; share: number }[];
  /** False when the file had too many categories for exact counts (shares are lower bounds). */
  topExact: boolean;
}

export type ColumnSummaryLine = NumericColumnSummary | CategoricalColumnSummary;

export interface DataProfileSummary {
  /** sha256 of the serialized DatasetProfile (src/sketch serializeDatasetProfile). */
  sha256: string;
  rows: number;
  columns: ColumnSummaryLine[];
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Streams the file once through the reference reader; the same file gives the same result. */
export async function profileDataFile(
  path: string,
  opts: { label?: string } = {},
): Promise<DataProfileSummary> {
  const built = await profileFile(path, { ...(opts.label ? { label: opts.label } : {}) });
  const columns: ColumnSummaryLine[] = [];
  for (const [name, col] of built.profile.columns) {
    const s = summarizeColumn(col, TOP_CATEGORIES);
    if (col.kind === "numeric") {
      const n = s.numeric;
      columns.push({
        name,
        kind: "numeric",
        count: s.count,
        missing: s.missing,
        mean: n ? finite(n.mean) : null,
        std: n ? finite(n.std) : null,
        min: n ? finite(n.min) : null,
        max: n ? finite(n.max) : null,
        p50: n ? finite(n.quantiles["0.5"] ?? Number.NaN) : null,
      });
    } else {
      const present = s.count - s.missing;
      columns.push({
        name,
        kind: "categorical",
        count: s.count,
        missing: s.missing,
        distinct: s.distinctEstimate,
        top: s.topItems.map((t) => ({
          value: String(t.item),
          share: present > 0 ? t.estimate / present : 0,
        })),
        topExact: col.frequent.exact,
      });
    }
  }
  return {
    sha256: createHash("sha256").update(built.bytes).digest("hex"),
    rows: built.rows,
    columns,
  };
}
