/** Sync jobs in SQLite (see store.ts for the contract). */
import { applyMutation, withId } from '../mutation.js';
import type { Doc, ListResult, Mutator, SyncJobQuery, SyncJobStore, UpdateOptions, UpdateResult } from '../store.js';
import type { Db } from './database.js';

export function sqliteSyncJobStore(db: Db): SyncJobStore {
  const getStmt = db.prepare<[string], { doc: string }>('SELECT doc FROM sync_jobs WHERE id = ?');
  const insertStmt = db.prepare('INSERT INTO sync_jobs (id, doc, seq) VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM sync_jobs))');
  const updateStmt = db.prepare('UPDATE sync_jobs SET doc = ? WHERE id = ?');
  const deleteStmt = db.prepare('DELETE FROM sync_jobs WHERE id = ?');
  const deleteByConnectorStmt = db.prepare('DELETE FROM sync_jobs WHERE connector_id = ?');

  const updateTx = db.transaction((id: string, mutate: Mutator, opts: UpdateOptions): UpdateResult | null => {
    const row = getStmt.get(id);
    if (!row) return null;
    const out = applyMutation(JSON.parse(row.doc), mutate, opts);
    if (out.changed) updateStmt.run(JSON.stringify(out.doc), id);
    return { result: out.result, doc: out.doc };
  });

  return {
    async create(id: string, doc: Doc) {
      insertStmt.run(id, JSON.stringify(doc));
    },
    async get(id) {
      const row = getStmt.get(id);
      return row ? { id, doc: JSON.parse(row.doc) } : null;
    },
    async getJson(id) {
      const row = getStmt.get(id);
      return row ? withId(id, row.doc) : null;
    },
    async update(id, mutate, opts = {}) {
      return updateTx.immediate(id, mutate, opts);
    },
    async delete(id) {
      return deleteStmt.run(id).changes > 0;
    },
    async deleteByConnector(connectorId) {
      return deleteByConnectorStmt.run(connectorId).changes;
    },
    async list(q: SyncJobQuery): Promise<ListResult> {
      const where: string[] = [];
      const args: unknown[] = [];
      const inList = (col: string, vals?: string[]) => {
        if (!vals || vals.length === 0) return;
        where.push(`${col} IN (${vals.map(() => '?').join(',')})`);
        args.push(...vals);
      };
      if (q.connectorId !== undefined) {
        where.push('connector_id = ?');
        args.push(q.connectorId);
      }
      inList('status', q.statuses);
      inList('job_type', q.jobTypes);
      const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const count = (db.prepare(`SELECT count(*) AS n FROM sync_jobs ${w}`).get(...args) as { n: number }).n;
      const rows = db
        .prepare(`SELECT id, doc FROM sync_jobs ${w} ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?`)
        .all(...args, q.size, q.from) as { id: string; doc: string }[];
      return { count: Math.min(count, 10000), results: rows.map((r) => withId(r.id, r.doc)) };
    },
  };
}
