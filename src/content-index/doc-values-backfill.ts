/**
 * Doc values for indexes created before them (docs/embedded-index.md "Doc values"). When a
 * ContentIndex opens, each index without a `v_<id>` table gets one filled in the background:
 * the table is created as `vb_<id>`, which writes keep exact from then on (index handles write
 * doc values there), while batches of documents, one transaction each with the event loop free
 * between them, write the values of the documents already stored. Rewriting a document's rows
 * is idempotent, so a document written meanwhile is simply done twice. After the last batch the
 * table is renamed `v_<id>` in one transaction; only then do reads use it (until then they read
 * `_source` as before).
 */
import { isPlainObject } from '../domain/shared/json.js';
import { backfillTable, createDocValuesTable, docValuesTable, hasTable, type PathValue } from './doc-values.js';
import type { IndexHandle } from './index-handle.js';
import type { Db } from './schema.js';

export interface BackfillHost {
  readonly db: Db;
  /** False once the ContentIndex is closing. */
  open(): boolean;
  /** The current handle of an index (undefined if it is gone). */
  handle(name: string): IndexHandle | undefined;
  /** Forgets the cached handle (and statements) so the next use sees the new tables. */
  reload(name: string): void;
  /** Runs `fn` in a write transaction. */
  write<T>(fn: () => T): T;
}

/** A document's scalars by `_source` path, as document analysis reaches them (no checks). */
export function sourceValues(source: unknown): PathValue[] {
  const out: PathValue[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) for (const x of v) walk(x, path);
    else if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) walk(x, path === '' ? k : `${path}.${k}`);
    else if (path !== '' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) out.push([path, v]);
  };
  walk(source, '');
  return out;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Fills the doc values of one index, `batch` documents per transaction. */
async function backfillIndex(host: BackfillHost, name: string, batch: number): Promise<void> {
  const first = host.handle(name);
  if (!first || first.dv) return;
  const id = first.id;
  if (!first.docValues) {
    host.write(() => createDocValuesTable(host.db, id, true));
    host.reload(name);
  }
  const page = host.db.prepare(`SELECT r, json(src) AS src FROM d_${id} WHERE r > ? ORDER BY r LIMIT ?`);
  for (let after = 0; ; ) {
    await tick();
    if (!host.open()) return;
    const h = host.handle(name);
    if (!h || h.id !== id || !h.docValues) return; // deleted or re-created meanwhile
    const rows = page.all(after, batch) as { r: number; src: string }[];
    if (rows.length === 0) break;
    host.write(() => {
      for (const row of rows) {
        h.docValues!.remove(row.r);
        h.docValues!.write(h.fields, row.r, sourceValues(JSON.parse(row.src)));
      }
    });
    after = rows[rows.length - 1].r;
  }
  host.write(() => {
    if (hasTable(host.db, backfillTable(id))) host.db.exec(`ALTER TABLE ${backfillTable(id)} RENAME TO ${docValuesTable(id)}`);
  });
  host.reload(name);
}

/** Backfills every index of `names` that has no doc values, one after the other. */
export async function backfillDocValues(host: BackfillHost, names: string[], batch = 1000): Promise<void> {
  for (const name of names) {
    if (!host.open()) return;
    await backfillIndex(host, name, batch);
  }
}
