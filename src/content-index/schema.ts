/**
 * SQLite layout of the embedded content index (runtime.md "The embedded content index").
 *
 * One database file holds every index:
 * - `ci_indices`: one row per index (name, uuid, settings, top-level mapping parameters,
 *   language, the last `_seq_no` handed out). `id` names the index's own tables.
 * - `ci_fields`: the field registry (the mapping), one row per field path.
 * - `d_<id>`: documents, `_source` as JSONB so filters read it with `json_extract` without
 *   re-parsing; `tf` lists the field ids that have a row in the full-text table.
 * - `f_<id>`: a contentless FTS5 table, one row per (document, text field). Its rowid packs
 *   both: `fid * 2^40 + document rowid`, so a field-scoped match is a rowid range scan.
 * - `v_<id>`: doc values (doc-values.ts), one row per (document, field, value) of keyword,
 *   numeric, date and boolean fields. Indexes created before it existed get it filled on open
 *   (`vb_<id>` until complete; doc-values-backfill.ts) and read `_source` meanwhile.
 */
import Database, { type Db } from '../store/sqlite/driver.js';
import { dateMillis } from '../domain/shared/date-math.js';
import { installBudget } from './search-budget.js';
import { sqlEditDistance } from './edit-distance.js';
import { decayScore, fieldValueFactor, randomScore } from './score-functions.js';

export type { Db };

/** Bits of an FTS rowid that hold the document rowid; the field id sits above them. */
export const DOC_BITS = 40;
export const DOC_MASK = 2 ** DOC_BITS - 1;
/** Field ids must keep `fid * 2^40 + rowid` inside JavaScript's exact integers. */
export const MAX_FID = 2 ** (53 - DOC_BITS) - 1;

const SCHEMA_VERSION = 1;

export function openDatabase(path: string): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -8000');
  migrate(db);
  installFunctions(db);
  return db;
}

/**
 * A read-only connection to an existing content database, for the search threads: WAL lets it
 * read beside the main thread's writer, each read transaction seeing the last commit before it.
 * Temp tables (scores, highlighting) are still allowed: they live in the connection's temp schema.
 */
export function openReadDatabase(path: string): Db {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -8000');
  installFunctions(db);
  return db;
}

function installFunctions(db: Db): void {
  installBudget(db);
  // `a.b[0].c` style json_tree keys → `a.b.c`, for fields that sit under arrays of objects.
  db.function('es_path', { deterministic: true }, (fullkey: unknown) =>
    typeof fullkey === 'string'
      ? fullkey
          .slice(2)
          .replace(/\[\d+\]/g, '')
          .replace(/"((?:[^"\\]|\\.)*)"/g, '$1')
      : null,
  );
  // Bounded edit distance, for `fuzzy` on keyword fields (query-match.ts).
  db.function('ci_edits', { deterministic: true }, sqlEditDistance);
  // function_score's per-document math (function-score.ts).
  db.function('ci_fvf', { deterministic: true }, fieldValueFactor);
  db.function('ci_decay', { deterministic: true }, decayScore);
  db.function('ci_random', { deterministic: true }, randomScore);
  // Date values (ISO strings or epoch millis) → epoch millis, for range / term / sort on dates.
  db.function('es_ms', { deterministic: true }, (v: unknown) => {
    const ms = dateMillis(v);
    return Number.isNaN(ms) ? null : ms;
  });
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= SCHEMA_VERSION) return;
  db.exec(`
    CREATE TABLE IF NOT EXISTS ci_indices (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL UNIQUE,
      uuid TEXT NOT NULL,
      created INTEGER NOT NULL,
      settings TEXT NOT NULL,
      mappings TEXT NOT NULL,
      language TEXT,
      seq INTEGER NOT NULL DEFAULT -1
    );
    CREATE TABLE IF NOT EXISTS ci_fields (
      idx INTEGER NOT NULL,
      path TEXT NOT NULL,
      fid INTEGER NOT NULL,
      type TEXT NOT NULL,
      src TEXT,
      def TEXT NOT NULL,
      flags INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (idx, path)
    ) WITHOUT ROWID;
    PRAGMA user_version = ${SCHEMA_VERSION};
  `);
}

export function tokenizerFor(language: string | null | undefined): string {
  return language === 'en' ? 'porter unicode61 remove_diacritics 2' : 'unicode61 remove_diacritics 2';
}

export function createIndexTables(db: Db, id: number, language: string | null | undefined): void {
  db.exec(`
    CREATE TABLE d_${id} (
      r INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      src BLOB NOT NULL,
      ver INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      tf TEXT
    );
    CREATE VIRTUAL TABLE f_${id} USING fts5(t, content='', contentless_delete=1, tokenize='${tokenizerFor(language)}');
  `);
}

export function dropIndexTables(db: Db, id: number): void {
  db.exec(`DROP TABLE IF EXISTS d_${id}; DROP TABLE IF EXISTS f_${id}; DROP TABLE IF EXISTS v_${id}; DROP TABLE IF EXISTS vb_${id};`);
}
