/**
 * Sync jobs in PostgreSQL (see store.ts for the contract). `update` writes only if the row's
 * `seq_no` is still the one the mutator saw (row-update.ts), so a claim or status transition
 * checked by the mutator cannot race another process. Single-row writes are one prepared
 * statement in autocommit.
 */
import type { SyncJobDoc } from '../../domain/sync-job/document.js';
import { countSql, pageSql, syncJobWhere, withoutNul } from '../list-query.js';
import { seqOf, withId } from '../mutation.js';
import type { ListResult, SyncJobQuery, SyncJobStore } from '../store.js';
import { isUnstorableDocument, pgDialect, unstorable, type PgDatabase } from './database.js';
import { rowUpdater } from './row-update.js';

/** created_at descending (missing last, as SQLite sorts), then insertion order descending. */
const ORDER = 'created_at DESC NULLS LAST, seq DESC';

function writeError(e: unknown): unknown {
  return isUnstorableDocument(e) ? unstorable(e) : e;
}

export function pgSyncJobStore(db: PgDatabase): SyncJobStore {
  const t = `${db.s}.sync_jobs`;
  const nextSeq = `nextval('${db.s}.sync_jobs_seq_no')`;
  type SeqCols = { seq_no: string; version: string };
  const insertRow = db.prepare(`INSERT INTO ${t} (id, doc) VALUES ($1, $2)`);
  const getRow = db.prepare(`SELECT doc, seq_no, version FROM ${t} WHERE id = $1`);
  const getText = db.prepare(`SELECT doc::text AS doc FROM ${t} WHERE id = $1`);
  // A delete consumes a sequence number per document, as in Elasticsearch.
  const deleteRow = db.prepare(`DELETE FROM ${t} WHERE id = $1 RETURNING ${nextSeq}`);
  return {
    async create(id, doc) {
      await db.write(insertRow, [id, JSON.stringify(doc)]).catch((e) => {
        throw writeError(e);
      });
    },
    async get(id) {
      const r = await db.run<{ doc: SyncJobDoc } & SeqCols>(getRow, [id]);
      return r.rows[0] ? { id, doc: r.rows[0].doc, seq: seqOf(r.rows[0]) } : null;
    },
    async scan(afterId, limit) {
      const r = await db.query<{ id: string; doc: SyncJobDoc } & SeqCols>(
        `SELECT id, doc, seq_no, version FROM ${t} WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2`,
        [afterId, Math.max(0, Math.floor(limit))],
      );
      return r.rows.map((row) => ({ id: row.id, doc: row.doc, seq: seqOf(row) }));
    },
    async getJson(id) {
      const r = await db.run<{ doc: string }>(getText, [id]);
      return r.rows[0] ? withId(id, r.rows[0].doc) : null;
    },
    update: rowUpdater<SyncJobDoc>(db, t, nextSeq, false, (e) => writeError(e)),
    async delete(id) {
      return ((await db.write(deleteRow, [id])).rowCount ?? 0) > 0;
    },
    async deleteByConnector(connectorId) {
      return db.tx(async (c) => {
        const r = await c.query<{ n: number }>(`WITH d AS (DELETE FROM ${t} WHERE connector_id = $1 RETURNING ${nextSeq}) SELECT count(*)::int AS n FROM d`, [
          connectorId,
        ]);
        return r.rows[0].n;
      });
    },
    async list(query: SyncJobQuery): Promise<ListResult> {
      const q = withoutNul(query);
      if (!q) return { count: 0, results: [] };
      const where = syncJobWhere(q, pgDialect);
      const page = pageSql(where, pgDialect, q);
      return db.read(async (c) => {
        const count = Number((await c.query(countSql(t, where), where.args)).rows[0].n);
        const rows = (
          await c.query<{ id: string; doc: string }>(`SELECT id, doc::text AS doc FROM ${t} ${where.sql} ORDER BY ${ORDER} ${page.sql}`, page.args)
        ).rows;
        return { count, results: rows.map((r) => withId(r.id, r.doc)) };
      });
    },
  };
}
