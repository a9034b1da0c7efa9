/** Ingest pipelines in SQLite (store/pipeline-store.ts). */
import { errors } from '../../domain/errors.js';
import { MAX_PIPELINES, tooManyPipelinesReason, type PipelineStore } from '../pipeline-store.js';
import type { Db } from './database.js';

export function sqlitePipelineStore(db: Db): PipelineStore {
  const getStmt = db.prepare<[string], { doc: string }>('SELECT doc FROM ingest_pipelines WHERE id = ?');
  const listStmt = db.prepare<[number], { id: string; doc: string }>('SELECT id, doc FROM ingest_pipelines ORDER BY id LIMIT ?');
  const existsStmt = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM ingest_pipelines WHERE id = ?');
  const countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM ingest_pipelines');
  const putStmt = db.prepare('INSERT INTO ingest_pipelines (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc');
  const deleteStmt = db.prepare('DELETE FROM ingest_pipelines WHERE id = ?');
  const putTx = db.transaction((id: string, body: string) => {
    const existed = existsStmt.get(id) !== undefined;
    if (!existed && countStmt.get()!.n >= MAX_PIPELINES) throw errors.illegalArgument(tooManyPipelinesReason());
    putStmt.run(id, body);
    return existed ? 'updated' : 'created';
  });
  return {
    async get(id) {
      return getStmt.get(id)?.doc ?? null;
    },
    async list() {
      return listStmt.all(MAX_PIPELINES).map((r) => ({ id: r.id, body: r.doc }));
    },
    async put(id, body) {
      return putTx.immediate(id, body) as 'created' | 'updated';
    },
    async delete(id) {
      return deleteStmt.run(id).changes > 0;
    },
  };
}
