/**
 * Opens the SQLite state database and applies versioned migrations. WAL with
 * synchronous=NORMAL: a committed write survives a killed process (the WAL is in the OS
 * page cache); only an OS crash can lose the last transactions.
 */
import Database, { type Db, type Statement } from './driver.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlDialect } from '../list-query.js';
import { migrations } from './migrations.js';

export type { Db };

/** SQLite's spelling of the shared list queries (`store/list-query.ts`). */
export const sqliteDialect: SqlDialect = {
  param: () => '?',
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  containsValue: (text) => text,
  textCandidates: ftsCandidates,
  asciiLower: (expr) => `lower(${expr})`,
  live: 'deleted = 0',
};

/**
 * The FTS5 query of the trigram table `connectors_text` (migration 6) for `text` or `lowered`
 * anywhere in name, index_name or description, or null when it cannot help. The table keeps
 * no positions (`detail=none`: a 48 KB description costs bytes, not its size again), so the
 * query asks for rows holding every trigram of the text (at most MAX_TRIGRAMS of them),
 * anywhere: a superset of the rows holding the text. Its matching folds case, so it finds at
 * least every exact (case-sensitive) substring and every ASCII-lowercased one; the exact test
 * follows. Trigrams need 3 characters: shorter texts (and texts with NUL, which FTS5 would cut
 * short) get null, and the exact test scans.
 */
export function ftsMatch(text: string, lowered: string): string | null {
  if (text.includes('\0') || lowered.includes('\0')) return null;
  const all = (s: string) => {
    const cps = [...s];
    const grams = [...new Set(cps.slice(2).map((_, i) => cps.slice(i, i + 3).join('')))];
    if (grams.length === 0) return null;
    const step = Math.max(1, grams.length / MAX_TRIGRAMS);
    const picked = Array.from({ length: Math.min(grams.length, MAX_TRIGRAMS) }, (_, i) => grams[Math.floor(i * step)]);
    return `(${picked.map((g) => `"${g.replace(/"/g, '""')}"`).join(' AND ')})`;
  };
  const a = all(text);
  const b = all(lowered);
  if (a === null || b === null) return null;
  return a === b ? a : `${a} OR ${b}`;
}

/** Trigrams per text in a `query` lookup: more narrow the candidates little, and cost a lookup each. */
const MAX_TRIGRAMS = 16;

function ftsCandidates(text: string, lowered: string, param: (value: unknown) => string): string | null {
  const match = ftsMatch(text, lowered);
  return match === null ? null : `rid IN (SELECT rowid FROM connectors_text WHERE connectors_text MATCH ${param(match)})`;
}

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const apply = db.transaction(() => {
    const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, new Date().toISOString());
    }
  });
  apply.immediate();
}

/**
 * Takes the next `_seq_no` of an index (`connectors`, `sync_jobs`) from its counter (migration
 * 5); `count` numbers at once for a delete of several rows. Runs inside the caller's
 * transaction: SQLite serializes writers, so no two writes get the same number.
 */
export function seqCounter(db: Db, name: 'connectors' | 'sync_jobs'): (count?: number) => number {
  const stmt = db.prepare<[number, string], { last: number }>('UPDATE seq_counters SET last = last + ? WHERE name = ? RETURNING last');
  return (count = 1) => stmt.get(count, name)!.last;
}

/**
 * Prepared statements by SQL text, for the list queries whose text depends on the filters
 * given (a few dozen shapes): preparing costs more than running an indexed page. Bounded:
 * past `max` shapes (lists of many values each make their own), the oldest is dropped.
 */
export function cachedStatements(db: Db, max = 64): (sql: string) => Statement<unknown[]> {
  const cache = new Map<string, Statement<unknown[]>>();
  return (sql) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare<unknown[]>(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(sql, s);
    }
    return s;
  };
}
