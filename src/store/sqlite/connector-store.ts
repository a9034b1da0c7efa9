/** Connectors in SQLite (see store.ts for the contract). */
import { errors } from '../../domain/errors.js';
import { applyMutation, withId } from '../mutation.js';
import { indexNameInUse, type ConnectorQuery, type ConnectorStore, type Doc, type ListResult, type Mutator, type Stored, type UpdateOptions, type UpdateResult } from '../store.js';
import type { Db } from './database.js';

function isIndexNameClash(e: unknown): boolean {
  return (e as { code?: string })?.code === 'SQLITE_CONSTRAINT_UNIQUE' && String((e as Error).message).includes('index_name');
}

export function sqliteConnectorStore(db: Db): ConnectorStore {
  const getStmt = db.prepare<[string], { doc: string; deleted: number }>('SELECT doc, deleted FROM connectors WHERE id = ?');
  const insertStmt = db.prepare('INSERT INTO connectors (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc');
  const existsStmt = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM connectors WHERE id = ?');
  const updateStmt = db.prepare('UPDATE connectors SET doc = ? WHERE id = ?');
  const deleteStmt = db.prepare('DELETE FROM connectors WHERE id = ?');

  const writeChecked = (fn: () => void, indexName: unknown) => {
    try {
      fn();
    } catch (e) {
      if (isIndexNameClash(e)) throw errors.status(indexNameInUse(String(indexName)));
      throw e;
    }
  };

  const putTx = db.transaction((id: string, doc: Doc): 'created' | 'updated' => {
    const existed = existsStmt.get(id) !== undefined;
    writeChecked(() => insertStmt.run(id, JSON.stringify(doc)), doc.index_name);
    return existed ? 'updated' : 'created';
  });

  const updateTx = db.transaction((id: string, mutate: Mutator, opts: UpdateOptions): UpdateResult | null => {
    const row = getStmt.get(id);
    if (!row || (opts.skipDeleted && row.deleted)) return null;
    const out = applyMutation(JSON.parse(row.doc), mutate, opts);
    if (out.changed) writeChecked(() => updateStmt.run(JSON.stringify(out.doc), id), out.doc.index_name);
    return { result: out.result, doc: out.doc };
  });

  return {
    async get(id) {
      const row = getStmt.get(id);
      return row ? { id, doc: JSON.parse(row.doc) } : null;
    },
    async getJson(id, includeDeleted) {
      const row = getStmt.get(id);
      if (!row || (row.deleted && !includeDeleted)) return null;
      return withId(id, row.doc);
    },
    async put(id, doc) {
      return putTx.immediate(id, doc);
    },
    async update(id, mutate, opts = {}) {
      return updateTx.immediate(id, mutate, opts);
    },
    async delete(id) {
      return deleteStmt.run(id).changes > 0;
    },
    async list(q: ConnectorQuery): Promise<ListResult> {
      const where: string[] = [];
      const args: unknown[] = [];
      const inList = (col: string, vals?: string[]) => {
        if (!vals || vals.length === 0) return;
        where.push(`${col} IN (${vals.map(() => '?').join(',')})`);
        args.push(...vals);
      };
      if (!q.includeDeleted) where.push('deleted = 0');
      inList('index_name', q.indexNames);
      inList('name', q.names);
      inList('service_type', q.serviceTypes);
      if (q.query) {
        // Wildcard *q* on keyword name/index_name (case-sensitive), per token on description.
        where.push("(instr(name, ?) > 0 OR instr(index_name, ?) > 0 OR instr(lower(description), ?) > 0)");
        args.push(q.query, q.query, q.query.toLowerCase());
      }
      const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const count = (db.prepare(`SELECT count(*) AS n FROM connectors ${w}`).get(...args) as { n: number }).n;
      const rows = db
        .prepare(`SELECT id, doc FROM connectors ${w} ORDER BY index_name IS NULL, index_name, id LIMIT ? OFFSET ?`)
        .all(...args, q.size, q.from) as { id: string; doc: string }[];
      return { count: Math.min(count, 10000), results: rows.map((r) => withId(r.id, r.doc)) };
    },
    async listAll(opts = {}) {
      const rows = db.prepare('SELECT id, doc FROM connectors WHERE deleted = 0 ORDER BY id').all() as { id: string; doc: string }[];
      const out: Stored[] = rows.map((r) => ({ id: r.id, doc: JSON.parse(r.doc) }));
      return opts.serviceTypes ? out.filter((c) => opts.serviceTypes!.includes(String(c.doc.service_type))) : out;
    },
  };
}
