/** Connectors in SQLite (see store.ts for the contract). */
import type { ConnectorDoc } from '../../domain/connector/document.js';
import { ApiError, errors } from '../../domain/errors.js';
import { PRIMARY_TERM } from '../../domain/shared/seq-no.js';
import { applyMutation, seqOf, withId } from '../mutation.js';
import { indexNameInUse, type ConnectorQuery, type ConnectorStore, type ListResult, type Mutator, type Stored, type UpdateOptions, type UpdateResult } from '../store.js';
import { connectorPageSql, connectorWhere, countSql, MAX_COUNT } from '../list-query.js';
import { cachedStatements, ftsMatch, seqCounter, sqliteDialect, type Db } from './database.js';

function isIndexNameClash(e: unknown): boolean {
  return (e as { code?: string })?.code === 'SQLITE_CONSTRAINT_UNIQUE' && String((e as Error).message).includes('index_name');
}

/** See useTextIndex. */
const TEXT_PROBE = 2000;

export function sqliteConnectorStore(db: Db): ConnectorStore {
  type Row = { doc: string; deleted: number; seq_no: number; version: number };
  const getStmt = db.prepare<[string], Row>('SELECT doc, deleted, seq_no, version FROM connectors WHERE id = ?');
  const insertNewStmt = db.prepare('INSERT INTO connectors (id, doc, seq_no, version) VALUES (?, ?, ?, 1) ON CONFLICT (id) DO NOTHING');
  const updateStmt = db.prepare('UPDATE connectors SET doc = ?, seq_no = ?, version = version + 1 WHERE id = ?');
  const deleteStmt = db.prepare('DELETE FROM connectors WHERE id = ?');
  const scanStmt = db.prepare<[string, number, number], Row & { id: string }>('SELECT id, doc, deleted, seq_no, version FROM connectors WHERE (id > ? OR ?) ORDER BY id LIMIT ?');
  const nextSeq = seqCounter(db, 'connectors');
  const stmt = cachedStatements(db);
  const changedStmt = db.prepare<[number, number], Row & { id: string }>('SELECT id, doc, deleted, seq_no, version FROM connectors WHERE seq_no > ? ORDER BY seq_no LIMIT ?');
  const changedCountStmt = db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM connectors WHERE seq_no > ? LIMIT ${MAX_COUNT})`);
  const probeStmt = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM connectors_text WHERE connectors_text MATCH ? LIMIT ?)');
  /**
   * Whether `query` should start from the trigram index: yes when it finds fewer than
   * TEXT_PROBE rows (cheap to probe, bounded by the limit). A text in more rows than that is
   * common: walking the list order with the exact test reaches the page and the count cap
   * sooner than collecting all its rows from the index.
   */
  const useTextIndex = (text: string): boolean => {
    const match = ftsMatch(text, text.toLowerCase());
    return match !== null && probeStmt.get(match, TEXT_PROBE)!.n < TEXT_PROBE;
  };
  const deleteTx = db.transaction((id: string) => {
    const gone = deleteStmt.run(id).changes > 0;
    if (gone) nextSeq();
    return gone;
  });

  const writeChecked = (fn: () => void, indexName: unknown) => {
    try {
      fn();
    } catch (e) {
      if (isIndexNameClash(e)) throw errors.status(indexNameInUse(String(indexName)));
      throw e;
    }
  };

  /** One put takes the next `_seq_no`, then writes the row once: the INSERT, or the UPDATE when the id exists. */
  const putRow = (id: string, json: string, indexName: unknown): 'created' | 'updated' => {
    try {
      const seq = nextSeq();
      if (insertNewStmt.run(id, json, seq).changes > 0) return 'created';
      updateStmt.run(json, seq, id);
      return 'updated';
    } catch (e) {
      if (isIndexNameClash(e)) throw errors.status(indexNameInUse(String(indexName)));
      throw e;
    }
  };
  const putTx = db.transaction(putRow);

  // Group commit: the puts of one event-loop turn share one transaction (under WAL the commit
  // costs several times the row). A failing statement, e.g. an index-name clash, is undone
  // alone while the transaction goes on (SQLite's ABORT conflict resolution), so that put fails
  // alone without a savepoint; any other error rolls the batch back and its puts run again one
  // transaction each. Each caller is answered only after the shared COMMIT, so acknowledged
  // writes stay durable.
  type PendingPut = { id: string; json: string; indexName: unknown; resolve(r: 'created' | 'updated'): void; reject(e: unknown): void };
  let pending: PendingPut[] = [];
  const putBatchTx = db.transaction((batch: PendingPut[]) =>
    batch.map((p) => {
      try {
        return { ok: true as const, result: putRow(p.id, p.json, p.indexName) };
      } catch (error) {
        if (error instanceof ApiError) return { ok: false as const, error };
        throw error;
      }
    }),
  );
  const flushPuts = () => {
    const batch = pending;
    pending = [];
    let out: ReturnType<typeof putBatchTx>;
    try {
      out = putBatchTx.immediate(batch);
    } catch {
      for (const p of batch) {
        try {
          p.resolve(putTx.immediate(p.id, p.json, p.indexName));
        } catch (e) {
          p.reject(e);
        }
      }
      return;
    }
    out.forEach((o, i) => (o.ok ? batch[i].resolve(o.result) : batch[i].reject(o.error)));
  };

  const updateTx = db.transaction((id: string, mutate: Mutator<ConnectorDoc>, opts: UpdateOptions): UpdateResult<ConnectorDoc> | null => {
    const row = getStmt.get(id);
    if (!row || (opts.skipDeleted && row.deleted)) return null;
    const current = seqOf(row);
    const out = applyMutation(JSON.parse(row.doc) as ConnectorDoc, current, mutate, opts);
    if (!out.write) return { result: out.result, doc: out.doc, seq: current };
    const seqNo = nextSeq();
    writeChecked(() => updateStmt.run(JSON.stringify(out.doc), seqNo, id), out.doc.index_name);
    return { result: out.result, doc: out.doc, seq: { seqNo, primaryTerm: PRIMARY_TERM, version: current.version + 1 } };
  });

  return {
    async get(id) {
      const row = getStmt.get(id);
      return row ? { id, doc: JSON.parse(row.doc), seq: seqOf(row) } : null;
    },
    async scan(afterId, limit) {
      const rows = scanStmt.all(afterId ?? '', afterId === null ? 1 : 0, Math.max(0, Math.floor(limit)));
      return rows.map((r) => ({ id: r.id, doc: JSON.parse(r.doc), seq: seqOf(r) }));
    },
    async getJson(id, includeDeleted) {
      const row = getStmt.get(id);
      if (!row || (row.deleted && !includeDeleted)) return null;
      return withId(id, row.doc);
    },
    put(id, doc) {
      return new Promise((resolve, reject) => {
        const json = JSON.stringify(doc);
        if (pending.length === 0) setImmediate(flushPuts);
        pending.push({ id, json, indexName: doc.index_name, resolve, reject });
      });
    },
    async update(id, mutate, opts = {}) {
      return updateTx.immediate(id, mutate, opts);
    },
    async delete(id) {
      return deleteTx.immediate(id);
    },
    async list(q: ConnectorQuery): Promise<ListResult> {
      const where = connectorWhere(q, sqliteDialect, { textIndex: q.query ? useTextIndex(q.query) : false });
      const count = (stmt(countSql('connectors', where)).get(...where.args) as { n: number }).n;
      const page = connectorPageSql('connectors', 'rid', 'c.doc', where, sqliteDialect, q);
      const rows = stmt(page.sql).all(...page.args) as { id: string; doc: string }[];
      return { count, results: rows.map((r) => withId(r.id, r.doc)) };
    },
    async changedSince(afterSeqNo, limit) {
      const rows = changedStmt.all(afterSeqNo, Math.max(0, Math.floor(limit)));
      return { count: changedCountStmt.get(afterSeqNo)!.n, results: rows.map((r) => ({ id: r.id, doc: JSON.parse(r.doc), seq: seqOf(r) })) };
    },
    async listAll(opts = {}) {
      const types = opts.serviceTypes;
      const filter = types ? `AND service_type IN (${types.map(() => '?').join(',')})` : '';
      const rows = stmt(`SELECT id, doc, seq_no, version FROM connectors WHERE deleted = 0 ${filter} ORDER BY id`).all(...(types ?? [])) as (Row & { id: string })[];
      return rows.map((r): Stored<ConnectorDoc> => ({ id: r.id, doc: JSON.parse(r.doc), seq: seqOf(r) }));
    },
  };
}
