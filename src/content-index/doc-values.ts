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

/** A scalar as SQLite's JSON functions return it: booleans are 1 / 0. */
const atom = (v: string | number | boolean) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** Writes and removes one index's doc values (prepared once per index handle). */
export class DocValueWriter {
  private readonly insertValue: Statement<[number, number, string | number]>;
  /** Numbers go through SQLite's own `+ 0`, the scan path's conversion (`"12"` → 12). */
  private readonly insertNumber: Statement<[number, number, string | number]>;
  private readonly deleteDoc: Statement<[number]>;

  constructor(db: Db, t: string) {
    this.insertValue = db.prepare(`INSERT OR IGNORE INTO ${t} (r, f, v) VALUES (?, ?, ?)`);
    this.insertNumber = db.prepare(`INSERT OR IGNORE INTO ${t} (r, f, v) VALUES (?, ?, ? + 0)`);
    this.deleteDoc = db.prepare(`DELETE FROM ${t} WHERE r = ?`);
  }

  write(reg: FieldRegistry, r: number, values: PathValue[]): void {
    for (const [path, value] of values) {
      for (const f of fieldsAt(reg, path)) {
        switch (f.kind) {
          case 'number':
            this.insertNumber.run(r, f.fid, atom(value));
            break;
          case 'date': {
            const ms = dateMillis(value);
            if (!Number.isNaN(ms)) this.insertValue.run(r, f.fid, ms);
            break;
          }
          case 'boolean':
            this.insertValue.run(r, f.fid, value === true || value === 'true' ? 1 : 0);
            break;
          default:
            this.insertValue.run(r, f.fid, atom(value));
        }
      }
    }
  }

  remove(r: number): void {
    this.deleteDoc.run(r);
  }
}
