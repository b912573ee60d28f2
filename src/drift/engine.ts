import { VigilError } from "../errors.js";
import { categoricalDisplayHistogram, numericDisplayHistogram } from "./histogram.js";
import { type ColumnKind, type DriftKind, driftKindOf } from "./kinds.js";
import {
  adjustPValues,
  type Correction,
  type DriftMethod,
  getMethod,
  isDrifted,
  type MethodResult,
} from "./methods.js";
import {
  type ColumnDrift,
  DRIFT_REPORT_SCHEMA,
  type DriftReport,
  type Finding,
  type SkippedColumn,
} from "./report.js";
import { defaultMethod } from "./select.js";
import type { DriftSource, SourceColumn, SourceNumericColumn } from "./source.js";
import { type SideSummary, summarizeCategorical, summarizeNumeric } from "./summary.js";

export interface DriftOptions {
  /** Only these columns; default: every column of either data set. */
  columns?: string[];
  exclude?: string[];
  /** Kind overrides applied to both data sets (usually already applied by the reader). */
  kinds?: Record<string, ColumnKind>;
  /** One method for every column it applies to; others keep their default. */
  stattest?: string;
  /** Per-column method; an inapplicable one is an error. */
  methods?: Record<string, string>;
  /** Per-column thresholds. */
  thresholds?: Record<string, number>;
  /** Threshold for every column without its own. */
  threshold?: number;
  /** Dataset drift when the share of drifted columns is at least this (default 0.5). */
  driftShare?: number;
  correction?: Correction;
  /** Columns compared at once; each holds both samples in memory while it is tested. */
  concurrency?: number;
  onProgress?: (done: number, total: number, column: string) => void;
}

interface Plan {
  column: string;
  kind: ColumnKind;
  driftKind: DriftKind;
  ref: SourceColumn;
  cur: SourceColumn;
}

interface Tested {
  plan: Plan;
  method: DriftMethod;
  result: MethodResult;
  threshold: number;
  reference: SideSummary;
  current: SideSummary;
  histogram: ColumnDrift["histogram"];
}

const NUMERIC_SOURCE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL|INT|DATE|TIMESTAMP)/i;

export async function compareSources(
  reference: DriftSource,
  current: DriftSource,
  options: DriftOptions = {},
): Promise<DriftReport> {
  const driftShare = options.driftShare ?? 0.5;
  if (!(driftShare > 0 && driftShare <= 1)) {
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `drift share must be in (0, 1], got ${driftShare}`,
    );
  }
  const correction = options.correction ?? "none";
  if (options.stattest !== undefined) getMethod(options.stattest);
  for (const id of Object.values(options.methods ?? {})) getMethod(id);

  const refCols = new Map(reference.columns.map((c) => [c.name, c]));
  const curCols = new Map(current.columns.map((c) => [c.name, c]));
  const known = (name: string) => refCols.has(name) || curCols.has(name);
  const named = [
    ...(options.columns ?? []),
    ...(options.exclude ?? []),
    ...Object.keys(options.kinds ?? {}),
    ...Object.keys(options.methods ?? {}),
    ...Object.keys(options.thresholds ?? {}),
  ];
  const unknown = [...new Set(named.filter((n) => !known(n)))];
  if (unknown.length > 0) {
    throw new VigilError(
      "VIGIL_COLUMN_NOT_FOUND",
      `no column ${unknown.map((n) => JSON.stringify(n)).join(", ")} in either data set`,
      unknown.map((column) => ({ column, message: "named in an option but not in the data" })),
    );
  }

  const findings: Finding[] = [];
  const skipped: SkippedColumn[] = [];
  const exclude = new Set(options.exclude ?? []);
  const union = [
    ...reference.columns.map((c) => c.name),
    ...current.columns.map((c) => c.name).filter((n) => !refCols.has(n)),
  ];
  const selected = (options.columns ?? union).filter((n) => !exclude.has(n));

  const plans: Plan[] = [];
  for (const column of selected) {
    const ref = refCols.get(column);
    const cur = curCols.get(column);
    if (!ref || !cur) {
      const where = ref ? "current" : "reference";
      findings.push({
        code: "VIGIL_SCHEMA_MISMATCH",
        severity: "warning",
        column,
        dataset: where,
        message: `column is missing from the ${where} data set`,
      });
      skipped.push({
        column,
        code: "VIGIL_SCHEMA_MISMATCH",
        reason: `only in the ${ref ? "reference" : "current"} data set`,
      });
      continue;
    }
    const kind = options.kinds?.[column] ?? ref.kind;
    // An explicit --kind col=numeric asks for numeric tests even with few distinct values.
    const driftKind =
      options.kinds?.[column] === "numeric" ? "numeric" : driftKindOf(kind, ref.distinct);
    if (driftKind === null) {
      skipped.push({
        column,
        code: "VIGIL_COLUMN_NOT_TESTED",
        reason: `${kind} column (override with --kind ${column}=categorical to test it)`,
      });
      continue;
    }
    if (!options.kinds?.[column] && cur.kind !== ref.kind && !compatible(driftKind, cur)) {
      findings.push({
        code: "VIGIL_SCHEMA_MISMATCH",
        severity: "warning",
        column,
        message: `column is ${ref.kind} (${ref.sourceType}) in the reference but ${cur.kind} (${cur.sourceType}) in the current data set`,
      });
      skipped.push({
        column,
        code: "VIGIL_SCHEMA_MISMATCH",
        reason: `kind differs: ${ref.kind} vs ${cur.kind}`,
      });
      continue;
    }
    const emptySide =
      ref.rows - ref.missing === 0 ? "reference" : cur.rows - cur.missing === 0 ? "current" : null;
    if (emptySide) {
      findings.push({
        code: "VIGIL_COLUMN_ALL_MISSING",
        severity: "warning",
        column,
        dataset: emptySide,
        message: `every value is missing in the ${emptySide} data set`,
      });
      skipped.push({
        column,
        code: "VIGIL_COLUMN_ALL_MISSING",
        reason: `all values missing in the ${emptySide} data set`,
      });
      continue;
    }
    plans.push({ column, kind, driftKind, ref, cur });
  }
  if (plans.length === 0) {
    throw new VigilError(
      "VIGIL_NO_COLUMNS",
      "no column is left to test",
      skipped.map((s) => ({ column: s.column, message: s.reason })),
    );
  }

  const numericPlans = plans.filter((p) => p.driftKind === "numeric").map((p) => p.column);
  reference.willRead?.(numericPlans);
  current.willRead?.(numericPlans);
  const tested = new Array<Tested | undefined>(plans.length);
  let done = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < plans.length; i = next++) {
      const plan = plans[i] as Plan;
      const t = await testColumn(plan, reference, current, options, findings);
      tested[i] = t;
      if (t === undefined) {
        const untestable = findings.find(
          (f) => f.column === plan.column && f.code === "VIGIL_COLUMN_UNTESTABLE",
        );
        skipped.push(
          untestable
            ? { column: plan.column, code: untestable.code, reason: untestable.message }
            : {
                column: plan.column,
                code: "VIGIL_COLUMN_ALL_MISSING",
                reason: "no finite values left to compare",
              },
        );
      }
      options.onProgress?.(++done, plans.length, plan.column);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 2, plans.length));
  await Promise.all(Array.from({ length: concurrency }, worker));

  const results = tested.filter((t): t is Tested => t !== undefined);
  const pIdx = results.flatMap((t, i) => (t.result.pValue !== null ? [i] : []));
  const adjusted = adjustPValues(
    pIdx.map((i) => (results[i] as Tested).result.pValue as number),
    correction,
  );
  const adjustedByIndex = new Map(pIdx.map((i, k) => [i, adjusted[k] as number]));

  const columns: ColumnDrift[] = results.map((t, i) => {
    const adj = adjustedByIndex.get(i) ?? null;
    const score = t.method.output === "p_value" ? (adj as number) : t.result.statistic;
    return {
      column: t.plan.column,
      kind: t.plan.kind,
      driftKind: t.plan.driftKind,
      method: t.method.id,
      methodTitle: t.method.title,
      output: t.method.output,
      statistic: t.result.statistic,
      pValue: t.result.pValue,
      adjustedPValue: adj,
      threshold: t.threshold,
      drifted: isDrifted(t.method, score, t.threshold),
      reference: t.reference,
      current: t.current,
      histogram: t.histogram,
    };
  });
  const drifted = columns.filter((c) => c.drifted).length;
  const share = columns.length > 0 ? drifted / columns.length : 0;
  return {
    schema: DRIFT_REPORT_SCHEMA,
    reference: {
      path: reference.path,
      format: reference.format ?? "unknown",
      rows: reference.rowCount,
      columns: reference.columns.length,
    },
    current: {
      path: current.path,
      format: current.format ?? "unknown",
      rows: current.rowCount,
      columns: current.columns.length,
    },
    options: { driftShare, correction, stattest: options.stattest ?? null },
    summary: {
      columns: columns.length,
      drifted,
      share,
      driftShare,
      datasetDrift: columns.length > 0 && share >= driftShare,
    },
    columns,
    skipped: skipped.sort((a, b) => a.column.localeCompare(b.column)),
    findings: findings.sort(
      (a, b) => (a.column ?? "").localeCompare(b.column ?? "") || a.code.localeCompare(b.code),
    ),
  };
}

/**
 * A method may refuse a column it cannot test (a t-test on one value); that column becomes a
 * finding, and the other columns are still tested.
 */
function attempt(
  run: () => MethodResult,
  plan: Plan,
  method: DriftMethod,
  findings: Finding[],
): MethodResult | undefined {
  try {
    return run();
  } catch (err: unknown) {
    if (!(err instanceof VigilError) || err.code !== "VIGIL_INVALID_ARGUMENT") throw err;
    findings.push({
      code: "VIGIL_COLUMN_UNTESTABLE",
      severity: "warning",
      column: plan.column,
      message: `${method.id} cannot test this column: ${err.message}`,
    });
    return undefined;
  }
}

function compatible(driftKind: DriftKind, cur: SourceColumn): boolean {
  if (driftKind === "categorical") return true;
  return cur.kind === "numeric" || cur.kind === "datetime" || NUMERIC_SOURCE.test(cur.sourceType);
}

function chooseMethod(
  plan: Plan,
  referenceN: number,
  categories: number,
  options: DriftOptions,
): DriftMethod {
  const explicit = options.methods?.[plan.column];
  const applies = (m: DriftMethod) =>
    m.kinds.includes(plan.driftKind) &&
    (m.maxCategories === undefined ||
      plan.driftKind !== "categorical" ||
      categories <= m.maxCategories);
  if (explicit !== undefined) {
    const m = getMethod(explicit);
    if (!applies(m)) {
      const why = m.kinds.includes(plan.driftKind)
        ? `needs at most ${m.maxCategories} categories, the column has ${categories}`
        : `accepts ${m.kinds.join(" or ")} columns`;
      throw new VigilError(
        "VIGIL_METHOD_NOT_APPLICABLE",
        `method ${m.id} cannot test column ${JSON.stringify(plan.column)}: it ${why}, and this column is ${plan.driftKind}`,
        [{ column: plan.column, message: `compared as ${plan.driftKind}` }],
      );
    }
    return m;
  }
  if (options.stattest !== undefined) {
    const m = getMethod(options.stattest);
    if (applies(m)) return m;
  }
  return getMethod(defaultMethod(plan.driftKind, referenceN, categories));
}

async function testColumn(
  plan: Plan,
  reference: DriftSource,
  current: DriftSource,
  options: DriftOptions,
  findings: Finding[],
): Promise<Tested | undefined> {
  const thresholdFor = (m: DriftMethod) =>
    options.thresholds?.[plan.column] ?? options.threshold ?? m.defaultThreshold;
  if (plan.driftKind === "numeric") {
    const [ref, cur] = await Promise.all([
      reference.numericColumn(plan.column),
      current.numericColumn(plan.column),
    ]);
    try {
      return testNumeric(plan, ref, cur, options, findings);
    } finally {
      // Nothing keeps the values past the test: their memory can take a later column.
      reference.release?.(ref);
      current.release?.(cur);
    }
  }
  const [ref, cur] = await Promise.all([
    reference.categoryCounts(plan.column),
    current.categoryCounts(plan.column),
  ]);
  const categories = [
    ...ref.categories,
    ...cur.categories.filter((c) => !ref.categories.includes(c)),
  ];
  const index = new Map(categories.map((c, i) => [c, i]));
  const align = (cats: string[], counts: Float64Array) => {
    const out = new Float64Array(categories.length);
    cats.forEach((c, i) => {
      out[index.get(c) as number] = counts[i] as number;
    });
    return out;
  };
  const refCounts = align(ref.categories, ref.counts);
  const curCounts = align(cur.categories, cur.counts);
  const refN = refCounts.reduce((a, b) => a + b, 0);
  const curN = curCounts.reduce((a, b) => a + b, 0);
  if (refN === 0 || curN === 0) return undefined;
  const unseen = cur.categories.filter((c) => !ref.categories.includes(c));
  if (unseen.length > 0) {
    findings.push({
      code: "VIGIL_NEW_CATEGORIES",
      severity: "info",
      column: plan.column,
      dataset: "current",
      message: `${unseen.length} categories not seen in the reference: ${unseen
        .slice(0, 5)
        .map((c) => JSON.stringify(c))
        .join(", ")}${unseen.length > 5 ? ", …" : ""}`,
    });
  }
  const method = chooseMethod(plan, refN, categories.length, options);
  const run = method.categorical;
  if (!run)
    throw new VigilError("VIGIL_INTERNAL", `method ${method.id} has no categorical implementation`);
  const result = attempt(() => run(refCounts, curCounts), plan, method, findings);
  if (!result) return undefined;
  return {
    plan,
    method,
    result,
    threshold: thresholdFor(method),
    reference: summarizeCategorical(categories, refCounts, ref.missing),
    current: summarizeCategorical(categories, curCounts, cur.missing),
    histogram: categoricalDisplayHistogram(categories, refCounts, curCounts),
  };
}

function testNumeric(
  plan: Plan,
  ref: SourceNumericColumn,
  cur: SourceNumericColumn,
  options: DriftOptions,
  findings: Finding[],
): Tested | undefined {
  const thresholdFor = (m: DriftMethod) =>
    options.thresholds?.[plan.column] ?? options.threshold ?? m.defaultThreshold;
  for (const [side, col] of [
    ["reference", ref],
    ["current", cur],
  ] as const) {
    if (col.posInf + col.negInf > 0) {
      findings.push({
        code: "VIGIL_INFINITE_VALUES",
        severity: "warning",
        column: plan.column,
        dataset: side,
        message: `${col.posInf} +Inf and ${col.negInf} -Inf values, left out of the test`,
      });
    }
    if (col.typeErrors.count > 0) {
      findings.push({
        code: "VIGIL_TYPE_ERRORS",
        severity: "warning",
        column: plan.column,
        dataset: side,
        message: `${col.typeErrors.count} values are not numbers, left out of the test`,
        rows: col.typeErrors.samples,
      });
    }
  }
  if (ref.values.length === 0 || cur.values.length === 0) return undefined;
  const method = chooseMethod(plan, ref.values.length, 0, options);
  const run = method.numeric;
  if (!run)
    throw new VigilError("VIGIL_INTERNAL", `method ${method.id} has no numeric implementation`);
  const extra = (c: typeof ref) => ({
    missing: c.missing,
    posInf: c.posInf,
    negInf: c.negInf,
    typeErrors: c.typeErrors.count,
  });
  const moments = (c: typeof ref) =>
    c.mean !== undefined && c.std !== undefined ? { mean: c.mean, std: c.std } : undefined;
  const reference = summarizeNumeric(ref.values, extra(ref), moments(ref));
  const result = attempt(
    () => run(ref.values, cur.values, { referenceStd: reference.std as number }),
    plan,
    method,
    findings,
  );
  if (!result) return undefined;
  return {
    plan,
    method,
    result,
    threshold: thresholdFor(method),
    reference,
    current: summarizeNumeric(cur.values, extra(cur), moments(cur)),
    histogram: numericDisplayHistogram(ref.values, cur.values),
  };
}
