/** Connector secrets in SQLite; values arrive already encrypted by the caller. */
import type { SecretStore } from '../store.js';
import type { Db } from './database.js';

export function sqliteSecretStore(db: Db): SecretStore {
  const getStmt = db.prepare<[string], { value: string }>('SELECT value FROM secrets WHERE id = ?');
  const existsStmt = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM secrets WHERE id = ?');
  const putStmt = db.prepare('INSERT INTO secrets (id, value) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value');
  const deleteStmt = db.prepare('DELETE FROM secrets WHERE id = ?');
  const idsStmt = db.prepare<[], { id: string }>('SELECT id FROM secrets ORDER BY id');
  const putTx = db.transaction((id: string, value: string) => {
    const existed = existsStmt.get(id) !== undefined;
    putStmt.run(id, value);
    return existed ? 'updated' : 'created';
  });
  return {
    async get(id) {
      return getStmt.get(id)?.value ?? null;
    },
    async put(id, value) {
      return putTx.immediate(id, value) as 'created' | 'updated';
    },
    async delete(id) {
      return deleteStmt.run(id).changes > 0;
    },
    async ids() {
      return idsStmt.all().map((r) => r.id);
    },
  };
}
