/**
 * Opens the SQLite state database and applies versioned migrations. WAL with
 * synchronous=NORMAL: a committed write survives a killed process (the WAL is in the OS
 * page cache); only an OS crash can lose the last transactions.
 */
import Database, { type Db } from './driver.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlDialect } from '../list-query.js';
import { migrations } from './migrations.js';

export type { Db };

/** SQLite's spelling of the shared list queries (`store/list-query.ts`). */
export const sqliteDialect: SqlDialect = {
  param: () => '?',
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  asciiLower: (expr) => `lower(${expr})`,
  live: 'deleted = 0',
};

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
