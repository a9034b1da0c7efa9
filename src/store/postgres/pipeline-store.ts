/** Ingest pipelines in PostgreSQL (store/pipeline-store.ts). */
import { errors } from '../../domain/errors.js';
import { MAX_PIPELINES, tooManyPipelinesReason, type PipelineStore } from '../pipeline-store.js';
import { isUnstorableDocument, unstorable, type PgDatabase } from './database.js';

export function pgPipelineStore(db: PgDatabase): PipelineStore {
  const t = `${db.s}.ingest_pipelines`;
  return {
    async get(id) {
      const r = await db.query<{ doc: string }>(`SELECT doc FROM ${t} WHERE id = $1`, [id]);
      return r.rows[0]?.doc ?? null;
    },
    async list() {
      const r = await db.query<{ id: string; doc: string }>(`SELECT id, doc FROM ${t} ORDER BY id COLLATE "C" LIMIT $1`, [MAX_PIPELINES]);
      return r.rows.map((row) => ({ id: row.id, body: row.doc }));
    },
    async put(id, body) {
      return db.tx(async (c) => {
        // Puts take turns (the count check and the insert are one decision); reads do not wait.
        await c.query(`LOCK TABLE ${t} IN SHARE ROW EXCLUSIVE MODE`);
        const exists = (await c.query(`SELECT 1 FROM ${t} WHERE id = $1`, [id])).rowCount! > 0;
        if (!exists) {
          const n = Number((await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${t}`)).rows[0]!.n);
          if (n >= MAX_PIPELINES) throw errors.illegalArgument(tooManyPipelinesReason());
        }
        await c
          .query(`INSERT INTO ${t} (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`, [id, body])
          .catch((e) => {
            throw isUnstorableDocument(e) ? unstorable(e) : e;
          });
        return exists ? 'updated' : 'created';
      });
    },
    async delete(id) {
      return db.tx(async (c) => ((await c.query(`DELETE FROM ${t} WHERE id = $1`, [id])).rowCount ?? 0) > 0);
    },
  };
}
