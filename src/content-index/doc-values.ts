/**
 * Doc values of the embedded content index (docs/embedded-index.md "Doc values"): every value of
 * a keyword, numeric, date or boolean field — each element of an array, multi-fields such as
 * `title.keyword` included — as one row `(r, f, v)` of the index's `v_<id>` table, written in
 * the same transaction as the document. `v` holds the value in the form the scan path compares
 * (`convert` in query-context.ts): numbers as numbers, dates as epoch millis, booleans as 0/1,
 * keywords as stored in `_source`. The primary key `(r, f, v)` serves per-document lookups
 * (sort keys, deletes); the index `(f, v)` (which carries `r`) serves term, terms, range,
 * exists and prefix without reading `_source`.
 */
import { dateMillis } from '../domain/shared/date-math.js';
import type { Statement } from '../store/sqlite/driver.js';
import { F_NO_DV, type FieldInfo, type FieldRegistry } from './fields.js';
import type { Db } from './schema.js';

/** One scalar of a document at a `_source` path (dotted keys and arrays resolved). */
export type PathValue = [path: string, value: string | number | boolean];

export function docValuesTable(id: number): string {
  return `v_${id}`;
}

/** The table being filled for an index created before doc values (doc-values-backfill.ts). */
export function backfillTable(id: number): string {
  return `vb_${id}`;
}

export function createDocValuesTable(db: Db, id: number, building = false): void {
  const t = building ? backfillTable(id) : docValuesTable(id);
  db.exec(`
    CREATE TABLE ${t} (r INTEGER NOT NULL, f INTEGER NOT NULL, v NOT NULL, PRIMARY KEY (r, f, v)) WITHOUT ROWID;
    CREATE INDEX ${t}_fv ON ${t} (f, v);
  `);
}

export function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Whether a field's values are in the doc-value table (all of them: see F_NO_DV). */
export function hasDocValues(f: FieldInfo): boolean {
  if (f.flags & F_NO_DV) return false;
  if (f.kind === 'keyword') return f.type !== 'flattened';
  return f.kind === 'number' || f.kind === 'date' || f.kind === 'boolean';
}

/** The doc-value fields fed by the `_source` path `path`: the field itself and its multi-fields. */
function fieldsAt(reg: FieldRegistry, path: string): FieldInfo[] {
  const f = reg.get(path);
  if (!f) return [];
  const out = hasDocValues(f) ? [f] : [];
  const subs = f.def.fields;
  if (subs && typeof subs === 'object') {
    for (const sub of Object.keys(subs)) {
      const m = reg.get(`${path}.${sub}`);
      if (m && hasDocValues(m)) out.push(m);
    }
  }
  return out;
}

/**
 * A keyword longer than the field's `ignore_above` (characters, as Elasticsearch counts them) is
 * not indexed: term-level queries, sorts and aggregations do not see it, as in Elasticsearch. The
 * dynamic mapping's `<field>.keyword` has `ignore_above: 256`, so a long text field's keyword
 * twin (a synced body, say) adds no row — the widest and most expensive rows this table had.
 */
function ignored(f: FieldInfo, value: string | number | boolean): boolean {
  const limit = f.def.ignore_above;
  return typeof value === 'string' && typeof limit === 'number' && value.length > limit;
}

/** A scalar as SQLite's JSON functions return it: booleans are 1 / 0. */
const atom = (v: string | number | boolean) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** Most rows one multi-row INSERT carries (3 parameters each, far below SQLite's limit). */
const ROWS_PER_STATEMENT = 32;

/**
 * Writes and removes one index's doc values (prepared once per index handle). A document's rows
 * go in one multi-row INSERT (statements prepared per row count, at most ROWS_PER_STATEMENT):
 * one call into SQLite per document instead of one per value halves the cost of this table,
 * which was the larger part of a bulk write.
 */
export class DocValueWriter {
  /** `insertRows[n - 1]`: an INSERT of n rows, prepared on first use. */
  private readonly insertRows: Statement<(string | number)[]>[] = [];
  /** Numbers go through SQLite's own `+ 0`, the scan path's conversion (`"12"` → 12). */
  private readonly insertNumber: Statement<[number, number, string | number]>;
  private readonly deleteDoc: Statement<[number]>;

  constructor(
    private readonly db: Db,
    private readonly table: string,
  ) {
    this.insertNumber = db.prepare(`INSERT OR IGNORE INTO ${table} (r, f, v) VALUES (?, ?, ? + 0)`);
    this.deleteDoc = db.prepare(`DELETE FROM ${table} WHERE r = ?`);
  }

  write(reg: FieldRegistry, r: number, values: PathValue[]): void {
    const rows: (string | number)[] = [];
    for (const [path, value] of values) {
      for (const f of fieldsAt(reg, path)) {
        switch (f.kind) {
          case 'number':
            // A number (or boolean) is what `+ 0` would make it already; only text needs SQLite's conversion.
            if (typeof value === 'string') this.insertNumber.run(r, f.fid, value);
            else rows.push(r, f.fid, atom(value));
            break;
          case 'date': {
            const ms = dateMillis(value);
            if (!Number.isNaN(ms)) rows.push(r, f.fid, ms);
            break;
          }
          case 'boolean':
            rows.push(r, f.fid, value === true || value === 'true' ? 1 : 0);
            break;
          default:
            if (!ignored(f, value)) rows.push(r, f.fid, atom(value));
        }
      }
    }
    for (let i = 0; i < rows.length; i += 3 * ROWS_PER_STATEMENT) {
      const part = i === 0 && rows.length <= 3 * ROWS_PER_STATEMENT ? rows : rows.slice(i, i + 3 * ROWS_PER_STATEMENT);
      this.insert(part.length / 3).run(...part);
    }
  }

  private insert(n: number): Statement<(string | number)[]> {
    return (this.insertRows[n - 1] ??= this.db.prepare(
      `INSERT OR IGNORE INTO ${this.table} (r, f, v) VALUES ${Array.from({ length: n }, () => '(?, ?, ?)').join(', ')}`,
    ));
  }

  remove(r: number): void {
    this.deleteDoc.run(r);
  }
}
