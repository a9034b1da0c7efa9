/**
 * The raw ceiling of a sync (issue 15): the slower of
 *   (a) reading the rows with the database's own client (`psql \copy … TO STDOUT`, `mysql --batch
 *       --quick`) into /dev/null, or for a directory a bare readdir + readFile walk, and
 *   (b) inserting the same rows with better-sqlite3 into a plain table (id, JSON source) plus a
 *       contentless FTS5 table over the text columns, 1,000 rows per transaction, with the
 *       embedded index's pragmas (WAL, synchronous NORMAL).
 * The engine's per-document work (mapping, JSONB, doc values, versions) is not in it: that is
 * part of what a sync is measured on.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from '../src/store/sqlite/driver.js';
import { fileRow, jsRow, tableName } from './sync-rows.js';

export type Kind = 'postgresql' | 'mysql' | 'directory';

const ROWS_PER_TX = 1000;

/** (a) for a database: its command-line client writes every row to /dev/null. */
export function clientRead(kind: 'postgresql' | 'mysql', url: URL, rows: number): Promise<number> {
  const db = url.pathname.slice(1);
  const [cmd, args] = kind === 'postgresql'
    ? ['psql', ['-X', '-q', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'), '-d', db,
        '-c', `\\copy public.${tableName(rows)} TO STDOUT`]]
    : ['mysql', ['--batch', '--quick', '-h', url.hostname, '-P', url.port || '3306', '-u', decodeURIComponent(url.username || 'root'), db,
        '-e', `SELECT * FROM \`${tableName(rows)}\``]];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password), MYSQL_PWD: decodeURIComponent(url.password) };
  return new Promise((resolve, reject) => {
    const out = openSync('/dev/null', 'w');
    const p = spawn(cmd, args, { stdio: ['ignore', out, 'inherit'], env });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(rows) : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

/** (a) for a directory: readdir + readFile of every file, nothing else. */
export function directoryWalk(root: string): number {
  let n = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (readFileSync(p, 'utf8').length >= 0) n++;
    }
  };
  walk(root);
  return n;
}

/** (b): better-sqlite3, plain table + contentless FTS5 over the text columns, 1,000 rows per transaction. */
export function sqliteInsert(kind: Kind, rows: number, progress: (n: number) => void): number {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-ceiling-'));
  const db = new Database(join(dir, 'ceiling.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -8000');
    const text = kind === 'directory' ? ['title', 'path', 'body'] : ['title', 'body', 'category'];
    db.exec(`CREATE TABLE docs (r INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, src TEXT NOT NULL);
      CREATE VIRTUAL TABLE fts USING fts5(${text.join(', ')}, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');`);
    const insertDoc = db.prepare('INSERT INTO docs (id, src) VALUES (?, ?)');
    const insertFts = db.prepare(`INSERT INTO fts (rowid, ${text.join(', ')}) VALUES (?, ${text.map(() => '?').join(', ')})`);
    const tx = db.transaction((from: number, to: number) => {
      for (let n = from; n <= to; n++) {
        const row: Record<string, unknown> = kind === 'directory' ? fileRow(n) : jsRow(n);
        const id = kind === 'directory' ? String(row.id) : `public_${tableName(rows)}_${n}`;
        const r = insertDoc.run(id, JSON.stringify(row)).lastInsertRowid;
        insertFts.run(r, ...text.map((c) => String(row[c])));
      }
    });
    for (let from = 1; from <= rows; from += ROWS_PER_TX) {
      const to = Math.min(rows, from + ROWS_PER_TX - 1);
      tx(from, to);
      for (let n = from; n <= to; n++) progress(n);
    }
    return rows;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
