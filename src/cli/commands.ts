import type { CommandDef, OptionDef } from "./definition.js";

const formatOption = (formats: string, dflt = "text") =>
  ({
    type: "string",
    valueName: "FORMAT",
    description: `Output format: ${formats}`,
    default: dflt,
  }) as const;

const outOption = {
  type: "string",
  short: "o",
  valueName: "FILE",
  description: "Write the report to FILE instead of stdout",
} as const;

export const driftCommand: CommandDef = {
  name: "drift",
  summary:
    "Compare a current data set with a reference, column by column, with the right statistical test or distance for each column.",
  positionals: [
    {
      name: "reference",
      description: "Reference data (CSV, TSV, Parquet, JSON Lines; .gz allowed)",
      required: true,
    },
    { name: "current", description: "Current data, same formats", required: true },
  ],
  options: {
    columns: {
      type: "string",
      multiple: true,
      valueName: "COLS",
      description: "Only these columns (comma list or repeated)",
    },
    exclude: {
      type: "string",
      multiple: true,
      valueName: "COLS",
      description: "Leave these columns out",
    },
    kind: {
      type: "string",
      multiple: true,
      valueName: "COL=KIND",
      description: "Override a column's kind: numeric, categorical, boolean, datetime, text, id",
    },
    stattest: {
      type: "string",
      valueName: "METHOD",
      description: "Use this drift method for every column it applies to",
    },
    method: {
      type: "string",
      multiple: true,
      valueName: "COL=METHOD",
      description: "Use a drift method for one column",
    },
    threshold: {
      type: "string",
      multiple: true,
      valueName: "[COL=]VALUE",
      description: "Threshold for one column (COL=VALUE) or for all (VALUE)",
    },
    "drift-share": {
      type: "string",
      valueName: "SHARE",
      description: "Dataset drift when the share of drifted columns is at least this",
      default: "0.5",
    },
    correction: {
      type: "string",
      valueName: "NAME",
      description: "Multiple-testing correction of p-values: none, bonferroni, bh",
      default: "none",
    },
    "input-format": {
      type: "string",
      valueName: "FORMAT",
      description: "Read both files as csv, tsv, parquet or jsonl (default: by extension)",
    },
    format: formatOption("text, json, md, html"),
    out: outOption,
    "fail-on-drift": { type: "boolean", description: "Exit 1 when dataset drift is detected" },
    threads: {
      type: "string",
      valueName: "N",
      description: "Worker threads for reading and testing (default: number of cores)",
    },
    "list-methods": {
      type: "boolean",
      standalone: true,
      description: "List the drift methods and exit",
    },
  },
  examples: [
    "vigil drift examples/reference.csv examples/current.csv",
    "vigil drift ref.parquet cur.parquet --format html --out drift.html",
    "vigil drift ref.csv cur.csv --method age=psi --threshold age=0.2 --fail-on-drift",
  ],
  load: async () => (await import("./handlers/drift.js")).driftHandler,
};

const inputFormatOption = {
  type: "string",
  valueName: "FORMAT",
  description: "Read the data as csv, tsv, parquet or jsonl (default: by extension)",
} as const;

const bootstrapOptions = {
  ci: {
    type: "string",
    valueName: "LEVEL",
    description: "Bootstrap confidence intervals at this level, e.g. 0.95",
  },
  resamples: {
    type: "string",
    valueName: "N",
    description: "Bootstrap resamples",
    default: "1000",
  },
  seed: { type: "string", valueName: "N", description: "Bootstrap seed", default: "42" },
} as const;

export const evaluateCommand: CommandDef = {
  name: "evaluate",
  summary:
    "Evaluate a model's predictions against the target: classification or regression metrics as scikit-learn computes them, calibration, slices, fairness and bootstrap intervals.",
  positionals: [
    {
      name: "data",
      description:
        "File with the target, the prediction and optional scores (CSV, TSV, Parquet, JSON Lines)",
      required: true,
    },
  ],
  options: {
    target: {
      type: "string",
      valueName: "COL",
      description: "Target (true label or value) column",
    },
    prediction: {
      type: "string",
      valueName: "COL",
      description: "Predicted label or value column",
    },
    score: {
      type: "string",
      multiple: true,
      valueName: "COL|CLASS=COL",
      description:
        "Probability column(s): the positive class's for binary, one per class for multiclass",
    },
    task: {
      type: "string",
      valueName: "TASK",
      description: "binary, multiclass or regression (default: inferred)",
    },
    positive: {
      type: "string",
      valueName: "CLASS",
      description: "The positive class (default: the greatest label)",
    },
    threshold: {
      type: "string",
      valueName: "P",
      description: "Binary without --prediction: predict positive when score >= P (default 0.5)",
    },
    slice: {
      type: "string",
      multiple: true,
      valueName: "COL",
      description: "Report every metric per value of COL",
    },
    sensitive: {
      type: "string",
      multiple: true,
      valueName: "COL",
      description: "Fairness across the values of COL",
    },
    privileged: {
      type: "string",
      multiple: true,
      valueName: "[COL=]VALUE",
      description: "Reference group of a sensitive attribute (default: highest selection rate)",
    },
    "di-min": {
      type: "string",
      valueName: "X",
      description: "Lowest passing disparate impact (default 0.8)",
    },
    "di-max": {
      type: "string",
      valueName: "X",
      description: "Highest passing disparate impact (default 1.25)",
    },
    "max-difference": {
      type: "string",
      valueName: "X",
      description: "Largest passing |parity / opportunity / odds difference| (default 0.1)",
    },
    require: {
      type: "string",
      multiple: true,
      valueName: "COND",
      description: 'Fail (exit 1) unless the condition holds, e.g. "roc_auc>=0.85"',
    },
    ...bootstrapOptions,
    "input-format": inputFormatOption,
    format: formatOption("text, json, md, html, junit"),
    out: outOption,
    threads: { type: "string", valueName: "N", description: "DuckDB threads" },
  },
  examples: [
    "vigil evaluate preds.csv --target y --prediction yhat --score p",
    "vigil evaluate preds.parquet --target y --prediction yhat --score p --ci 0.95 --slice region",
    "vigil evaluate preds.csv --target y --prediction yhat --sensitive sex --privileged male --format junit",
  ],
  load: async () => (await import("./handlers/evaluate.js")).evaluateHandler,
};

export const auditCommand: CommandDef = {
  name: "audit",
  summary:
    "Audit a repository's MLOps practices: evidence probes, scored checks, maturity levels and framework views, with remediation.",
  positionals: [{ name: "path", description: "Repository to audit (default: .)", required: false }],
  options: {
    format: formatOption("text, json, md, html, sarif"),
    out: outOption,
    view: {
      type: "string",
      valueName: "VIEW",
      description:
        "Text format: also print one view in full: checks, maturity, checklist, mma, ml-test-score, health-check",
    },
    "fail-under": {
      type: "string",
      valueName: "SCORE",
      description: "Exit 1 when the overall score (0-10) is below SCORE",
    },
    "min-level": {
      type: "string",
      valueName: "N",
      description: "Exit 1 when the maturity level (0-3) is below N",
    },
    interactive: {
      type: "boolean",
      description: "Ask the questions files cannot answer and save .vigil/answers.yaml",
    },
    "mlflow-uri": {
      type: "string",
      valueName: "URL",
      description: "Also check registered models on this MLflow tracking server",
    },
  },
  examples: [
    "vigil audit .",
    "vigil audit . --format sarif --out vigil-audit.sarif",
    "vigil audit . --fail-under 6 --min-level 1",
    "vigil audit --interactive",
  ],
  load: async () => (await import("./handlers/audit.js")).auditHandler,
};

export const validateCommand: CommandDef = {
  name: "validate",
  summary:
    "Check a data batch against an expectation suite (YAML): per expectation the observed value, pass or fail, and the first failing rows.",
  positionals: [
    {
      name: "data",
      description: "Data to check (CSV, TSV, Parquet, JSON Lines; .gz allowed)",
      required: true,
    },
  ],
  options: {
    suite: {
      type: "string",
      valueName: "FILE",
      description: "Expectation suite (YAML), see docs/validate.md",
    },
    now: {
      type: "string",
      valueName: "ISO",
      description: "Time freshness expectations measure against (default: now)",
    },
    "input-format": inputFormatOption,
    format: formatOption("text, json, md, html, junit"),
    out: outOption,
    threads: { type: "string", valueName: "N", description: "DuckDB threads" },
  },
  examples: [
    "vigil validate batch.csv --suite suite.yaml",
    "vigil validate batch.parquet --suite suite.yaml --format junit --out validate.xml",
  ],
  load: async () => (await import("./handlers/validate.js")).validateHandler,
};

export const suiteCommand: CommandDef = {
  name: "suite",
  summary:
    "Work with expectation suites: `vigil suite infer <data>` proposes a suite (types, missing shares, ranges, value sets) for a person to edit.",
  positionals: [
    { name: "subcommand", description: "infer", required: true },
    { name: "data", description: "Reference data to infer from", required: true },
  ],
  options: {
    "max-set-size": {
      type: "string",
      valueName: "N",
      description: "Columns with at most N distinct values get an in-set rule",
      default: "20",
    },
    margin: {
      type: "string",
      valueName: "X",
      description: "Widen numeric ranges by this share of the observed range",
      default: "0.1",
    },
    "input-format": inputFormatOption,
    out: outOption,
  },
  examples: ["vigil suite infer reference.csv --out suite.yaml"],
  load: async () => (await import("./handlers/suite.js")).suiteHandler,
};

export const compareCommand: CommandDef = {
  name: "compare",
  summary:
    "Compare a challenger model with the champion on the same labeled rows: each metric's difference with a paired bootstrap interval, McNemar, DeLong or paired t-tests, and a non-inferiority decision.",
  positionals: [
    {
      name: "champion",
      description:
        "Predictions file (both models' columns, or the champion's when a second file is given)",
      required: true,
    },
    {
      name: "challenger",
      description: "Challenger's predictions file, joined on --id",
      required: false,
    },
  ],
  options: {
    target: { type: "string", valueName: "COL", description: "Target column" },
    id: { type: "string", valueName: "COL", description: "Row id joining two files" },
    prediction: {
      type: "string",
      valueName: "COL",
      description: "Prediction column in both files",
    },
    score: {
      type: "string",
      multiple: true,
      valueName: "COL",
      description: "Score column(s) in both files",
    },
    champion: { type: "string", valueName: "COL", description: "Champion's prediction column" },
    challenger: { type: "string", valueName: "COL", description: "Challenger's prediction column" },
    "champion-score": {
      type: "string",
      multiple: true,
      valueName: "COL",
      description: "Champion's score column(s)",
    },
    "challenger-score": {
      type: "string",
      multiple: true,
      valueName: "COL",
      description: "Challenger's score column(s)",
    },
    task: {
      type: "string",
      valueName: "TASK",
      description: "binary, multiclass or regression (default: inferred)",
    },
    positive: { type: "string", valueName: "CLASS", description: "The positive class" },
    metric: {
      type: "string",
      valueName: "NAME",
      description:
        "Metric for the non-inferiority decision (default roc_auc with scores, else accuracy; mae for regression)",
    },
    margin: {
      type: "string",
      valueName: "X",
      description: "Non-inferiority margin, absolute (default 0.01)",
    },
    ci: { type: "string", valueName: "LEVEL", description: "Interval level", default: "0.95" },
    resamples: bootstrapOptions.resamples,
    seed: bootstrapOptions.seed,
    "input-format": inputFormatOption,
    format: formatOption("text, json, md, html, junit"),
    out: outOption,
  },
  examples: [
    "vigil compare preds.csv --target y --champion yhat_prod --challenger yhat_new --champion-score p_prod --challenger-score p_new",
    "vigil compare prod.csv new.csv --id row_id --target y --prediction yhat --score p --margin 0.005",
  ],
  load: async () => (await import("./handlers/compare.js")).compareHandler,
};

export const gateCommand: CommandDef = {
  name: "gate",
  summary:
    "Run a promotion policy (YAML): validate, drift, metrics, compare, fairness, artifact, latency and docs gates, each PASS, WARN or FAIL with reasons; exit 1 when one fails.",
  positionals: [
    { name: "policy", description: "Policy file (YAML), see docs/ci.md", required: true },
  ],
  options: {
    strict: { type: "boolean", description: "Warnings fail too" },
    junit: {
      type: "string",
      valueName: "FILE",
      description: "Also write JUnit XML (one test case per gate)",
    },
    markdown: {
      type: "string",
      valueName: "FILE",
      description: "Also write a Markdown pull-request comment",
    },
    now: {
      type: "string",
      valueName: "ISO",
      description: "Time freshness expectations measure against",
    },
    format: formatOption("text, json, md, html, junit"),
    out: outOption,
  },
  examples: [
    "vigil gate policy.yaml",
    "vigil gate policy.yaml --junit gate.xml --markdown gate.md",
    "vigil gate policy.yaml --strict --format json --out gate.json",
  ],
  load: async () => (await import("./handlers/gate.js")).gateHandler,
};

/** Shared by the commands that can run against a Vigil server instead of the embedded store. */
const serverOption: OptionDef = {
  type: "string",
  valueName: "URL",
  description:
    "A Vigil server (`vigil serve`) to act on instead of the embedded store, with the API token in VIGIL_TOKEN (default: VIGIL_SERVER unless --db is given)",
};

/** The embedded store the registry, audit and monitoring commands open. */
const dbOption: OptionDef = {
  type: "string",
  valueName: "URL",
  description:
    "Database: SQLite path or postgres:// URL (default: VIGIL_DATABASE_URL, else ./.vigil/vigil.db)",
};

/** The actor of commands that write the audit log only on the embedded store (a server takes it from the token). */
const storeActorOption: OptionDef = {
  type: "string",
  valueName: "NAME",
  description:
    "Who acts, for the audit log with --db (default: VIGIL_ACTOR, else the operating-system user)",
};

/** Human text or machine JSON, for the store and server commands. */
const textOrJsonOption: OptionDef = {
  type: "string",
  valueName: "FORMAT",
  description: "text (default) or json",
};

export const auditlogCommand: CommandDef = {
  name: "auditlog",
  summary:
    "Check the tamper-evident audit trail: `verify` recomputes the hash chain and reports the first broken link, `anchor` exports the verified head, `export` writes entries as JSON Lines.",
  positionals: [{ name: "subcommand", description: "verify, anchor or export", required: true }],
  options: {
    db: dbOption,
    anchor: {
      type: "string",
      valueName: "FILE",
      description: "verify: the log must still contain this anchor (written by `anchor`)",
    },
    "anchor-hash": {
      type: "string",
      valueName: "SEQ:HASH",
      description: "verify: the same, given as printed by `anchor --format text`",
    },
    subject: { type: "string", valueName: "S", description: "export: only this subject" },
    actor: { type: "string", valueName: "A", description: "export: only this actor" },
    from: {
      type: "string",
      valueName: "T",
      description: "export: entries at or after T (ISO 8601 or epoch ms)",
    },
    to: { type: "string", valueName: "T", description: "export: entries before T" },
    server: serverOption,
    format: {
      type: "string",
      valueName: "FORMAT",
      description: "verify: text, json; anchor: json, text; export: jsonl",
    },
    out: outOption,
  },
  examples: [
    "vigil auditlog verify",
    "vigil auditlog anchor --out audit-anchor.json",
    "vigil auditlog verify --db postgres://vigil@db/vigil --anchor audit-anchor.json",
    "vigil auditlog export --format jsonl --subject model:churn --from 2026-01-01 --out audit.jsonl",
  ],
  load: async () => (await import("./handlers/auditlog.js")).auditlogHandler,
};

export const modelCommand: CommandDef = {
  name: "model",
  summary:
    "The model registry: register a version with its lineage, promote it through none -> staging -> production -> archived under the model's policy, approve, reject, roll back, list and show. Every change is in the audit log.",
  positionals: [
    {
      name: "subcommand",
      description:
        "register, promote, approve, reject, rollback, archive, list, show, policy, alias, card, deploy, deployments",
      required: true,
    },
    { name: "name", description: "the model's name", required: false },
    { name: "version", description: "a version number or alias", required: false },
  ],
  options: {
    db: dbOption,
    actor: {
      type: "string",
      valueName: "NAME",
      description: "Who acts (default: VIGIL_ACTOR, else the operating-system user)",
    },
    artifact: { type: "string", valueName: "FILE", description: "register: the model file" },
    data: {
      type: "string",
      multiple: true,
      valueName: "FILE",
      description: "register: a training data file (repeatable)",
    },
    "reference-data": {
      type: "string",
      valueName: "FILE",
      description:
        "register: the file the version's reference profile comes from when the model has a monitoring schema (default: the first --data)",
    },
    metrics: { type: "string", valueName: "FILE", description: "register: metrics (JSON)" },
    params: { type: "string", valueName: "FILE", description: "register: params (YAML or JSON)" },
    card: {
      type: "string",
      valueName: "FILE",
      description: "register: model card (YAML, schemas/model-card.schema.json)",
    },
    tag: { type: "string", multiple: true, valueName: "K=V", description: "register: a tag" },
    task: {
      type: "string",
      valueName: "TASK",
      description: "register: binary, multiclass or regression for a new model (default binary)",
    },
    to: {
      type: "string",
      valueName: "STAGE",
      description: "promote/approve/reject: target stage (default: the next one)",
    },
    gate: {
      type: "string",
      valueName: "FILE",
      description: "promote: a `vigil gate --format json` result as evidence",
    },
    reason: { type: "string", valueName: "TEXT", description: "Why (some policies require it)" },
    role: { type: "string", valueName: "ROLE", description: "approve/reject: the approver's role" },
    policy: {
      type: "string",
      valueName: "FILE",
      description: "policy: store this YAML as the model's next policy revision",
    },
    alias: { type: "string", valueName: "NAME", description: "alias: the alias to point" },
    delete: { type: "boolean", description: "alias: remove --alias instead of pointing it" },
    server: serverOption,
    env: {
      type: "string",
      valueName: "ENV",
      description: "deploy/deployments: the environment (production, staging, any name)",
    },
    version: {
      type: "string",
      valueName: "V",
      description: "deploy: the champion version (number or alias) serving --env",
    },
    canary: {
      type: "string",
      valueName: "V",
      description: "deploy: a canary version taking --share percent of the traffic",
    },
    share: {
      type: "string",
      valueName: "PERCENT",
      description: "deploy: the canary's share of traffic, 0 to 100 (the champion gets the rest)",
    },
    experiment: {
      type: "string",
      valueName: "ID",
      description:
        "deploy: experiment id salting the canary assignment (default: kept while the versions stay the same)",
    },
    subject: {
      type: "string",
      valueName: "ID",
      description: "deployments: show which version serves this subject (customer) in --env",
    },
    history: {
      type: "boolean",
      description: "deployments: every revision, not just the current ones",
    },
    out: {
      type: "string",
      valueName: "FILE",
      description: "card: write the card to FILE instead of stdout",
    },
    format: {
      type: "string",
      valueName: "FORMAT",
      description: "text (default) or json; card: md (default) or html",
    },
  },
  examples: [
    "vigil model register churn --artifact model.pkl --data train.parquet --metrics metrics.json",
    "vigil model policy churn --policy registry-policy.yaml",
    "vigil model promote churn 1 --gate gate.json",
    "vigil model approve churn 1 --role approver --actor bob",
    "vigil model rollback churn --reason 'latency regression'",
    "vigil model show churn champion --format json",
    "vigil model card churn 3 --format html --out churn-v3.html",
    "vigil model deploy churn --env production --version 2 --canary 3 --share 10",
    "vigil model deployments churn --env production --subject customer-42",
  ],
  load: async () => (await import("./handlers/model.js")).modelHandler,
};

export const traceCommand: CommandDef = {
  name: "trace",
  summary:
    "Trace a prediction back to what produced it: the event and its label, the model version that served it, the artifact hash, training data hashes and rows, git commit, environment lock hash, gate results, approvals, deployments and audit entries.",
  positionals: [
    {
      name: "prediction-id",
      description: "the id the prediction was ingested with",
      required: true,
    },
  ],
  options: {
    model: {
      type: "string",
      valueName: "NAME",
      description: "The model the prediction belongs to",
    },
    db: dbOption,
    server: serverOption,
    format: formatOption("text, json"),
    out: outOption,
  },
  examples: [
    "vigil trace 7f3c9a --model churn",
    "vigil trace 7f3c9a --model churn --format json --out trace.json",
  ],
  load: async () => (await import("./handlers/trace.js")).traceHandler,
};

export const mlflowCommand: CommandDef = {
  name: "mlflow",
  summary:
    "Import MLflow's model registry into Vigil's: registered models, versions with their stages and aliases, and each version's run lineage (git commit, params, metrics, dataset inputs), through the MLflow 2.x REST API, keeping the MLflow ids. Re-running it updates what changed.",
  positionals: [{ name: "subcommand", description: "import", required: true }],
  options: {
    uri: {
      type: "string",
      valueName: "URL",
      description: "The MLflow tracking server (default: MLFLOW_TRACKING_URI)",
    },
    model: {
      type: "string",
      valueName: "NAME",
      description: "Import only this registered model (default: all)",
    },
    db: dbOption,
    actor: {
      type: "string",
      valueName: "NAME",
      description: "Who imports, in the audit log (default: VIGIL_ACTOR, else mlflow-import)",
    },
    "dry-run": { type: "boolean", description: "Report what the import would do; write nothing" },
    task: {
      type: "string",
      valueName: "TASK",
      description:
        "binary, multiclass or regression for models the import creates (default binary)",
    },
    "page-size": {
      type: "string",
      valueName: "N",
      description: "max_results of MLflow's paginated searches, 1 to 1000",
      default: "100",
    },
    timeout: {
      type: "string",
      valueName: "SECONDS",
      description: "Per-request timeout",
      default: "30",
    },
    format: formatOption("text, json"),
  },
  examples: [
    "vigil mlflow import --uri http://mlflow:5000",
    "vigil mlflow import --uri http://mlflow:5000 --model churn --dry-run",
    "MLFLOW_TRACKING_TOKEN=... vigil mlflow import --uri https://mlflow.example.com --format json",
  ],
  load: async () => (await import("./handlers/mlflow.js")).mlflowHandler,
};

export const serveCommand: CommandDef = {
  name: "serve",
  summary:
    "Run the monitoring server: ingest predictions and labels, windowed profiles, monitors, /metrics and the API. The first start prints an admin token once.",
  positionals: [],
  options: {
    db: dbOption,
    host: {
      type: "string",
      valueName: "HOST",
      description: "Address to listen on",
      default: "127.0.0.1",
    },
    port: {
      type: "string",
      valueName: "PORT",
      description: "Port (0: any free one)",
      default: "7070",
    },
    "body-limit": {
      type: "string",
      valueName: "SIZE",
      description: "Largest request body: bytes, or with a kb/mb suffix (default 16mb)",
    },
    "rate-limit": {
      type: "string",
      valueName: "N",
      description:
        "Requests per second per token, bursts up to 2N (default 20000; 0 turns the limit off)",
    },
    "public-metrics": {
      type: "boolean",
      description:
        "Serve /metrics without a token (only where the port is reachable from a private monitoring network)",
    },
  },
  examples: [
    "vigil serve",
    "vigil serve --db postgres://vigil@db:5432/vigil --host 0.0.0.0 --port 7070",
    "VIGIL_DATABASE_URL=postgres://vigil@db/vigil vigil serve --rate-limit 500",
  ],
  load: async () => (await import("./handlers/serve.js")).serveHandler,
};

export const tokenCommand: CommandDef = {
  name: "token",
  summary:
    "Manage API tokens of the server on the embedded store: `create` prints the new token once, `list` shows them without secrets, `revoke` ends one. Each change is in the audit log.",
  positionals: [
    { name: "subcommand", description: "create, list or revoke", required: true },
    {
      name: "name-or-id",
      description: "create: the token's name; revoke: its id",
      required: false,
    },
  ],
  options: {
    db: dbOption,
    role: {
      type: "string",
      valueName: "ROLE",
      description: "create: viewer, ingest, data-scientist, ml-engineer, approver or admin",
    },
    models: {
      type: "string",
      multiple: true,
      valueName: "NAMES",
      description: "create: limit the token to these models (comma list or repeated)",
    },
    actor: {
      type: "string",
      valueName: "NAME",
      description:
        "Who acts, for the audit log (default: VIGIL_ACTOR, else the operating-system user)",
    },
    format: textOrJsonOption,
  },
  examples: [
    "vigil token create ci-ingest --role ingest --models churn,fraud",
    "vigil token list",
    "vigil token revoke 3",
  ],
  load: async () => (await import("./handlers/token.js")).tokenHandler,
};

export const monitorCommand: CommandDef = {
  name: "monitor",
  summary:
    "Configure a model's monitoring: `configure` stores its schema (features with kinds, classes), task, window size and monitor settings from a YAML file (docs/monitoring.md), on the embedded store or a server.",
  positionals: [{ name: "subcommand", description: "configure", required: true }],
  options: {
    model: {
      type: "string",
      valueName: "NAME",
      description: "The model (default: `model:` in the file)",
    },
    schema: {
      type: "string",
      valueName: "FILE",
      description: "YAML with task, features, classes, positiveClass, window and settings",
    },
    window: {
      type: "string",
      valueName: "DURATION",
      description: "Window size: 300, 300s, 5m, 1h (overrides the file)",
    },
    db: dbOption,
    server: serverOption,
    actor: storeActorOption,
    format: textOrJsonOption,
  },
  examples: [
    "vigil monitor configure --model churn --schema monitoring.yaml",
    "vigil monitor configure --model churn --schema monitoring.yaml --window 15m --server http://vigil:7070",
  ],
  load: async () => (await import("./handlers/monitor.js")).monitorHandler,
};

export const referenceCommand: CommandDef = {
  name: "reference",
  summary:
    "Upload a model version's reference data: `upload` streams the file, stores its profile (the bins every window of the version is compared on) and, with --target and --prediction or --score, baseline metrics.",
  positionals: [
    { name: "subcommand", description: "upload", required: true },
    {
      name: "data",
      description: "Reference data: CSV, TSV, Parquet or JSON Lines (optionally .gz)",
      required: true,
    },
  ],
  options: {
    model: {
      type: "string",
      valueName: "NAME",
      description: "The model (configured with `vigil monitor configure`)",
    },
    version: {
      type: "string",
      valueName: "VERSION",
      description: "The version (created when missing)",
    },
    target: {
      type: "string",
      valueName: "COL",
      description: "Ground-truth column, for baseline metrics",
    },
    prediction: { type: "string", valueName: "COL", description: "The model's prediction column" },
    score: {
      type: "string",
      multiple: true,
      valueName: "[CLASS=]COL",
      description: "Score column(s): binary the positive class's, multiclass CLASS=COL per class",
    },
    "input-format": {
      type: "string",
      valueName: "FORMAT",
      description: "csv, tsv, parquet or jsonl (default: from the extension)",
    },
    db: dbOption,
    server: serverOption,
    actor: storeActorOption,
    format: textOrJsonOption,
  },
  examples: [
    "vigil reference upload --model churn --version 3 train.parquet",
    "vigil reference upload --model churn --version 3 valid.csv --target churned --prediction pred --score proba",
    "VIGIL_TOKEN=vgl_... vigil reference upload --model churn --version 3 ref.parquet --server http://vigil:7070",
  ],
  load: async () => (await import("./handlers/reference.js")).referenceHandler,
};

/** Every command, in the order `vigil --help` lists them. */
export const COMMANDS: readonly CommandDef[] = [
  driftCommand,
  auditCommand,
  validateCommand,
  suiteCommand,
  evaluateCommand,
  compareCommand,
  gateCommand,
  auditlogCommand,
  modelCommand,
  traceCommand,
  mlflowCommand,
  serveCommand,
  tokenCommand,
  monitorCommand,
  referenceCommand,
];
