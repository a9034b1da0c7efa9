/** Connector secrets in PostgreSQL; values arrive already encrypted by the caller. */
import type { SecretStore } from '../store.js';
import { isUnstorableDocument, unstorable, type PgDatabase } from './database.js';

export function pgSecretStore(db: PgDatabase): SecretStore {
  const t = `${db.s}.secrets`;
  return {
    async get(id) {
      const r = await db.query<{ value: string }>(`SELECT value FROM ${t} WHERE id = $1`, [id]);
      return r.rows[0]?.value ?? null;
    },
    async put(id, value) {
      return db.tx(async (c) => {
        const r = await c
          .query<{ created: boolean }>(
            `INSERT INTO ${t} (id, value) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET value = excluded.value RETURNING (xmax = 0) AS created`,
            [id, value],
          )
          .catch((e) => {
            throw isUnstorableDocument(e) ? unstorable(e) : e;
          });
        return r.rows[0].created ? 'created' : 'updated';
      });
    },
    async delete(id) {
      return db.tx(async (c) => ((await c.query(`DELETE FROM ${t} WHERE id = $1`, [id])).rowCount ?? 0) > 0);
    },
    async ids() {
      return (await db.query<{ id: string }>(`SELECT id FROM ${t} ORDER BY id`)).rows.map((r) => r.id);
    },
  };
}
