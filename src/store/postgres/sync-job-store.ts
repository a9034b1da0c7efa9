/**
 * Sync jobs in PostgreSQL (see store.ts for the contract). `update` locks the row with
 * `SELECT … FOR UPDATE`, so a claim or status transition checked by the mutator cannot race
 * another process.
 */
import type { SyncJobDoc } from '../../domain/sync-job/document.js';
import { countSql, pageSql, syncJobWhere, withoutNul } from '../list-query.js';
import { applyMutation, seqOf, withId } from '../mutation.js';
import type { ListResult, SyncJobQuery, SyncJobStore } from '../store.js';
import { isUnstorableDocument, pgDialect, unstorable, type PgDatabase } from './database.js';

/** created_at descending (missing last, as SQLite sorts), then insertion order descending. */
const ORDER = 'created_at DESC NULLS LAST, seq DESC';

function writeError(e: unknown): unknown {
  return isUnstorableDocument(e) ? unstorable(e) : e;
}

export function pgSyncJobStore(db: PgDatabase): SyncJobStore {
  const t = `${db.s}.sync_jobs`;
  const nextSeq = `nextval('${db.s}.sync_jobs_seq_no')`;
  type SeqCols = { seq_no: string; version: string };
  return {
    async create(id, doc) {
      await db.tx(async (c) => {
        await c.query(`INSERT INTO ${t} (id, doc) VALUES ($1, $2)`, [id, JSON.stringify(doc)]).catch((e) => {
          throw writeError(e);
        });
      });
    },
    async get(id) {
      const r = await db.query<{ doc: SyncJobDoc } & SeqCols>(`SELECT doc, seq_no, version FROM ${t} WHERE id = $1`, [id]);
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
      const r = await db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${t} WHERE id = $1`, [id]);
      return r.rows[0] ? withId(id, r.rows[0].doc) : null;
    },
    async update(id, mutate, opts = {}) {
      return db.tx(async (c) => {
        const r = await c.query<{ doc: SyncJobDoc } & SeqCols>(`SELECT doc, seq_no, version FROM ${t} WHERE id = $1 FOR UPDATE`, [id]);
        const row = r.rows[0];
        if (!row) return null;
        const current = seqOf(row);
        const out = applyMutation(row.doc, current, mutate, opts);
        if (!out.write) return { result: out.result, doc: out.doc, seq: current };
        const w = await c
          .query<SeqCols>(`UPDATE ${t} SET doc = $2, seq_no = ${nextSeq}, version = version + 1 WHERE id = $1 RETURNING seq_no, version`, [
            id,
            JSON.stringify(out.doc),
          ])
          .catch((e) => {
            throw writeError(e);
          });
        return { result: out.result, doc: out.doc, seq: seqOf(w.rows[0]) };
      });
    },
    async delete(id) {
      // A delete consumes a sequence number per document, as in Elasticsearch.
      return db.tx(async (c) => ((await c.query(`DELETE FROM ${t} WHERE id = $1 RETURNING ${nextSeq}`, [id])).rowCount ?? 0) > 0);
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
