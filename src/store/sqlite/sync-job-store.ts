/** Sync jobs in SQLite (see store.ts for the contract). */
import type { SyncJobDoc } from '../../domain/sync-job/document.js';
import { applyMutation, withId } from '../mutation.js';
import type { ListResult, Mutator, SyncJobQuery, SyncJobStore, UpdateOptions, UpdateResult } from '../store.js';
import { countSql, pageSql, syncJobWhere } from '../list-query.js';
import { sqliteDialect, type Db } from './database.js';

export function sqliteSyncJobStore(db: Db): SyncJobStore {
  const getStmt = db.prepare<[string], { doc: string }>('SELECT doc FROM sync_jobs WHERE id = ?');
  const insertStmt = db.prepare('INSERT INTO sync_jobs (id, doc, seq) VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM sync_jobs))');
  const updateStmt = db.prepare('UPDATE sync_jobs SET doc = ? WHERE id = ?');
  const deleteStmt = db.prepare('DELETE FROM sync_jobs WHERE id = ?');
  const deleteByConnectorStmt = db.prepare('DELETE FROM sync_jobs WHERE connector_id = ?');

  const updateTx = db.transaction((id: string, mutate: Mutator<SyncJobDoc>, opts: UpdateOptions): UpdateResult<SyncJobDoc> | null => {
    const row = getStmt.get(id);
    if (!row) return null;
    const out = applyMutation(JSON.parse(row.doc) as SyncJobDoc, mutate, opts);
    if (out.changed) updateStmt.run(JSON.stringify(out.doc), id);
    return { result: out.result, doc: out.doc };
  });

  return {
    async create(id, doc) {
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
      const where = syncJobWhere(q, sqliteDialect);
      const count = (db.prepare(countSql('sync_jobs', where)).get(...where.args) as { n: number }).n;
      const page = pageSql(where, sqliteDialect, q);
      const rows = db
        .prepare(`SELECT id, doc FROM sync_jobs ${where.sql} ORDER BY created_at DESC, seq DESC ${page.sql}`)
        .all(...page.args) as { id: string; doc: string }[];
      return { count, results: rows.map((r) => withId(r.id, r.doc)) };
    },
  };
}
