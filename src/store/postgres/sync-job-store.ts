/**
 * Sync jobs in PostgreSQL (see store.ts for the contract). `update` locks the row with
 * `SELECT … FOR UPDATE`, so a claim or status transition checked by the mutator cannot race
 * another process.
 */
import type { SyncJobDoc } from '../../domain/sync-job/document.js';
import { countSql, pageSql, syncJobWhere } from '../list-query.js';
import { applyMutation, withId } from '../mutation.js';
import type { ListResult, SyncJobQuery, SyncJobStore } from '../store.js';
import { isUnstorableDocument, pgDialect, unstorable, type PgDatabase } from './database.js';

/** created_at descending (missing last, as SQLite sorts), then insertion order descending. */
const ORDER = 'created_at DESC NULLS LAST, seq DESC';

function writeError(e: unknown): unknown {
  return isUnstorableDocument(e) ? unstorable(e) : e;
}

export function pgSyncJobStore(db: PgDatabase): SyncJobStore {
  const t = `${db.s}.sync_jobs`;
  return {
    async create(id, doc) {
      await db.tx(async (c) => {
        await c.query(`INSERT INTO ${t} (id, doc) VALUES ($1, $2)`, [id, JSON.stringify(doc)]).catch((e) => {
          throw writeError(e);
        });
      });
    },
    async get(id) {
      const r = await db.query<{ doc: SyncJobDoc }>(`SELECT doc FROM ${t} WHERE id = $1`, [id]);
      return r.rows[0] ? { id, doc: r.rows[0].doc } : null;
    },
    async getJson(id) {
      const r = await db.query<{ doc: string }>(`SELECT doc::text AS doc FROM ${t} WHERE id = $1`, [id]);
      return r.rows[0] ? withId(id, r.rows[0].doc) : null;
    },
    async update(id, mutate, opts = {}) {
      return db.tx(async (c) => {
        const r = await c.query<{ doc: SyncJobDoc }>(`SELECT doc FROM ${t} WHERE id = $1 FOR UPDATE`, [id]);
        if (!r.rows[0]) return null;
        const out = applyMutation(r.rows[0].doc, mutate, opts);
        if (out.changed) {
          await c.query(`UPDATE ${t} SET doc = $2 WHERE id = $1`, [id, JSON.stringify(out.doc)]).catch((e) => {
            throw writeError(e);
          });
        }
        return { result: out.result, doc: out.doc };
      });
    },
    async delete(id) {
      return db.tx(async (c) => ((await c.query(`DELETE FROM ${t} WHERE id = $1`, [id])).rowCount ?? 0) > 0);
    },
    async deleteByConnector(connectorId) {
      return db.tx(async (c) => (await c.query(`DELETE FROM ${t} WHERE connector_id = $1`, [connectorId])).rowCount ?? 0);
    },
    async list(q: SyncJobQuery): Promise<ListResult> {
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
