/** Sync jobs in SQLite (see store.ts for the contract). */
import type { SyncJobDoc } from '../../domain/sync-job/document.js';
import { PRIMARY_TERM } from '../../domain/shared/seq-no.js';
import { applyMutation, seqOf, withId } from '../mutation.js';
import type { ListResult, Mutator, SyncJobQuery, SyncJobStore, UpdateOptions, UpdateResult } from '../store.js';
import { countSql, pageSql, syncJobWhere } from '../list-query.js';
import { cachedStatements, seqCounter, sqliteDialect, type Db } from './database.js';

export function sqliteSyncJobStore(db: Db): SyncJobStore {
  const getStmt = db.prepare<[string], { doc: string; seq_no: number; version: number }>('SELECT doc, seq_no, version FROM sync_jobs WHERE id = ?');
  const insertStmt = db.prepare(
    'INSERT INTO sync_jobs (id, doc, seq, seq_no, version) VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM sync_jobs), ?, 1)',
  );
  const updateStmt = db.prepare('UPDATE sync_jobs SET doc = ?, seq_no = ?, version = version + 1 WHERE id = ?');
  const scanStmt = db.prepare<[string, number, number], { id: string; doc: string; seq_no: number; version: number }>('SELECT id, doc, seq_no, version FROM sync_jobs WHERE (id > ? OR ?) ORDER BY id LIMIT ?');
  const deleteStmt = db.prepare('DELETE FROM sync_jobs WHERE id = ?');
  const deleteByConnectorStmt = db.prepare('DELETE FROM sync_jobs WHERE connector_id = ?');
  const nextSeq = seqCounter(db, 'sync_jobs');
  const stmt = cachedStatements(db);

  const createTx = db.transaction((id: string, json: string) => {
    insertStmt.run(id, json, nextSeq());
  });
  // A delete consumes a sequence number per document, as in Elasticsearch.
  const deleteTx = db.transaction((run: () => number) => {
    const n = run();
    if (n > 0) nextSeq(n);
    return n;
  });
  const updateTx = db.transaction((id: string, mutate: Mutator<SyncJobDoc>, opts: UpdateOptions): UpdateResult<SyncJobDoc> | null => {
    const row = getStmt.get(id);
    if (!row) return null;
    const current = seqOf(row);
    const out = applyMutation(JSON.parse(row.doc) as SyncJobDoc, current, mutate, opts);
    if (!out.write) return { result: out.result, doc: out.doc, seq: current };
    const seqNo = nextSeq();
    updateStmt.run(JSON.stringify(out.doc), seqNo, id);
    return { result: out.result, doc: out.doc, seq: { seqNo, primaryTerm: PRIMARY_TERM, version: current.version + 1 } };
  });

  return {
    async create(id, doc) {
      createTx.immediate(id, JSON.stringify(doc));
    },
    async get(id) {
      const row = getStmt.get(id);
      return row ? { id, doc: JSON.parse(row.doc), seq: seqOf(row) } : null;
    },
    async scan(afterId, limit) {
      const rows = scanStmt.all(afterId ?? '', afterId === null ? 1 : 0, Math.max(0, Math.floor(limit)));
      return rows.map((r) => ({ id: r.id, doc: JSON.parse(r.doc), seq: seqOf(r) }));
    },
    async getJson(id) {
      const row = getStmt.get(id);
      return row ? withId(id, row.doc) : null;
    },
    async update(id, mutate, opts = {}) {
      return updateTx.immediate(id, mutate, opts);
    },
    async delete(id) {
      return deleteTx.immediate(() => deleteStmt.run(id).changes) > 0;
    },
    async deleteByConnector(connectorId) {
      return deleteTx.immediate(() => deleteByConnectorStmt.run(connectorId).changes);
    },
    async list(q: SyncJobQuery): Promise<ListResult> {
      const where = syncJobWhere(q, sqliteDialect);
      const count = (stmt(countSql('sync_jobs', where)).get(...where.args) as { n: number }).n;
      const page = pageSql(where, sqliteDialect, q);
      const rows = stmt(`SELECT id, doc FROM sync_jobs ${where.sql} ORDER BY created_at DESC, seq DESC ${page.sql}`).all(...page.args) as { id: string; doc: string }[];
      return { count, results: rows.map((r) => withId(r.id, r.doc)) };
    },
  };
}
