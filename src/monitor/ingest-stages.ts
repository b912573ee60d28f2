/**
 * The time a request spent in each stage of ingestion, in milliseconds (they add up to its
 * time in the ingestor). Exposed as `vigil_ingest_stage_seconds`, so an operator (or the
 * ingest benchmark) can tell which stage a slow answer waited in.
 */
export interface IngestStages {
  /** Parsing and checking on the profile worker (0 when checked in the transaction). */
  check: number;
  /** Waiting for the groups ahead of it to commit. */
  queue: number;
  /** Waiting for the profile worker to count the events committed before (its backlog bound). */
  backlog: number;
  /** Its group's transaction: checks made there, inserts, commit. */
  commit: number;
  /** Waiting for the commit to be on disk (the WAL sync on SQLite). */
  sync: number;
}

/** The stage names, in the order a request goes through them. */
export const INGEST_STAGES: readonly (keyof IngestStages)[] = [
  "check",
  "queue",
  "backlog",
  "commit",
  "sync",
];
