/**
 * API keys in PostgreSQL (contract in `store/api-key-store.ts`); table from migration 2.
 * `invalidate` locks the row (`SELECT … FOR UPDATE`), so of concurrent invalidations exactly
 * one reports `invalidated`.
 */
import type { ApiKeyDoc, ApiKeyStore } from '../api-key-store.js';
import type { PgDatabase } from './database.js';

export function pgApiKeyStore(db: PgDatabase): ApiKeyStore {
  const t = `${db.s}.api_keys`;
  // Missing creation first, as SQLite sorts NULLs.
  const order = 'ORDER BY creation ASC NULLS FIRST, id';
  return {
    async create(id, doc) {
      await db.tx((c) => c.query(`INSERT INTO ${t} (id, doc) VALUES ($1, $2)`, [id, JSON.stringify(doc)]));
    },
    async get(id) {
      const r = await db.query<{ doc: ApiKeyDoc }>(`SELECT doc FROM ${t} WHERE id = $1`, [id]);
      return r.rows[0]?.doc ?? null;
    },
    async list(q) {
      const r =
        q.username !== undefined
          ? await db.query<{ id: string; doc: ApiKeyDoc }>(`SELECT id, doc FROM ${t} WHERE username = $1 ${order}`, [q.username])
          : await db.query<{ id: string; doc: ApiKeyDoc }>(`SELECT id, doc FROM ${t} ${order}`);
      const ids = q.ids ? new Set(q.ids) : null;
      return r.rows.filter((row) => (!ids || ids.has(row.id)) && (q.realm === undefined || row.doc.realm === q.realm));
    },
    async invalidate(id, at) {
      return db.tx(async (c) => {
        const r = await c.query<{ doc: ApiKeyDoc }>(`SELECT doc FROM ${t} WHERE id = $1 FOR UPDATE`, [id]);
        const doc = r.rows[0]?.doc;
        if (!doc) return 'missing' as const;
        if (doc.invalidated) return 'already_invalidated' as const;
        await c.query(`UPDATE ${t} SET doc = $2 WHERE id = $1`, [id, JSON.stringify({ ...doc, invalidated: true, invalidation: at })]);
        return 'invalidated' as const;
      });
    },
  };
}
