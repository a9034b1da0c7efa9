/**
 * The port between the generic database source (`sql-source.ts`) and one engine's client
 * (`postgresql/client.ts`, `mysql/client.ts`): metadata, keyset pages, streamed results,
 * and the engine's error vocabulary. Rows travel as arrays in result-column order.
 */
import type { SourceError } from '../source.js';

/** One result column: its name, an optional value converter, or `skip` (binary skipped). */
export interface FieldSpec {
  name: string;
  convert?: (v: unknown) => unknown;
  skip?: boolean;
}

export interface RowBatch {
  fields: FieldSpec[];
  rows: unknown[][];
}

export interface TableInfo {
  name: string;
  columns: string[];
  /** Primary key columns in key order; [] when the table has none. */
  primaryKey: string[];
  /** True when the key's types round-trip exactly, so keyset pagination is safe. */
  keyset: boolean;
}

/** Incremental window on the update column: after < value ≤ upTo (null bound = open). */
export interface Window {
  column: string;
  after: string | null;
  upTo: string | null;
}

export type ReadTarget = { table: TableInfo } | { query: string };

/** What the generic source tells a driver about the operation, for error messages. */
export interface OpContext {
  phase: 'connect' | 'list tables' | 'describe' | 'read' | 'validate';
  table?: string;
  rule?: number;
  rows?: number;
}

export interface SqlDriver {
  /** "PostgreSQL at 127.0.0.1:5432". */
  readonly where: string;
  ping(): Promise<void>;
  /** Readable tables of the configured schema / database. */
  listTables(): Promise<string[]>;
  /** Throws SourceError when the table is missing or not readable. */
  describeTable(table: string): Promise<TableInfo>;
  /** Column names of a custom query's result (runs it with no rows). */
  queryColumns(query: string): Promise<string[]>;
  /** Largest value of `column` as the server's text, null when none. */
  maxOf(target: ReadTarget, column: string): Promise<string | null>;
  /** Next `limit` rows ordered by primary key, after key values `after`. */
  readPage(t: TableInfo, after: unknown[] | null, limit: number, w: Window | null): Promise<RowBatch>;
  /** Whole result streamed in batches (server-side cursor / unbuffered result). */
  stream(target: ReadTarget, w: Window | null, batchSize: number, signal: AbortSignal): AsyncIterable<RowBatch>;
  /** Null when the server parses the query, else its error message. */
  checkQuery(query: string): Promise<string | null>;
  isTransient(err: unknown): boolean;
  /** The engine error as an actionable SourceError (setting, table, host). */
  toSourceError(err: unknown, ctx: OpContext): SourceError;
  /**
   * Stops the statement running now on the server (PostgreSQL `pg_cancel_backend`, MySQL
   * `KILL QUERY`) and drops the connection; called when the sync's signal aborts (cancel,
   * suspend) and by close() while a statement runs. The next call reconnects (unless closed).
   */
  cancel(): Promise<void>;
  /** Drops the connection (after a transient failure); the next call reconnects. */
  reset(): Promise<void>;
  close(): Promise<void>;
}
