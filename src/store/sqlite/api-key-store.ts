/** API keys in SQLite (contract in `store/api-key-store.ts`); table from migration 2. */
import type { ApiKeyDoc, ApiKeyStore } from '../api-key-store.js';
import type { Db } from './database.js';

export function sqliteApiKeyStore(db: Db): ApiKeyStore {
  const insertStmt = db.prepare('INSERT INTO api_keys (id, doc) VALUES (?, ?)');
  const getStmt = db.prepare<[string], { doc: string }>('SELECT doc FROM api_keys WHERE id = ?');
  const updateStmt = db.prepare('UPDATE api_keys SET doc = ? WHERE id = ?');
  const allStmt = db.prepare<[], { id: string; doc: string }>('SELECT id, doc FROM api_keys ORDER BY creation, id');
  const byOwnerStmt = db.prepare<[string], { id: string; doc: string }>(
    'SELECT id, doc FROM api_keys WHERE username = ? ORDER BY creation, id',
  );

  const invalidateTx = db.transaction((id: string, at: number) => {
    const row = getStmt.get(id);
    if (!row) return 'missing' as const;
    const doc = JSON.parse(row.doc) as ApiKeyDoc;
    if (doc.invalidated) return 'already_invalidated' as const;
    updateStmt.run(JSON.stringify({ ...doc, invalidated: true, invalidation: at }), id);
    return 'invalidated' as const;
  });

  return {
    async create(id, doc) {
      insertStmt.run(id, JSON.stringify(doc));
    },
    async get(id) {
      const row = getStmt.get(id);
      return row ? (JSON.parse(row.doc) as ApiKeyDoc) : null;
    },
    async list(q) {
      const rows = q.username !== undefined ? byOwnerStmt.all(q.username) : allStmt.all();
      const ids = q.ids ? new Set(q.ids) : null;
      return rows
        .filter((r) => !ids || ids.has(r.id))
        .map((r) => ({ id: r.id, doc: JSON.parse(r.doc) as ApiKeyDoc }))
        .filter((r) => q.realm === undefined || r.doc.realm === q.realm);
    },
    async invalidate(id, at) {
      return invalidateTx.immediate(id, at);
    },
  };
}
