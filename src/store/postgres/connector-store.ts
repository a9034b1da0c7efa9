/**
 * Connectors in PostgreSQL (see store.ts for the contract). Writes are atomic across
 * processes: `put` is one `INSERT … ON CONFLICT` in autocommit (one round trip), `update` a
 * read and a write conditional on the `seq_no` read (row-update.ts), and index-name uniqueness
 * is the partial unique index `connectors_index_name_live` (migrations.ts), not a search. The
 * statements of the API's hot paths are prepared (parsed and planned once per connection).
 */
import type { ConnectorDoc } from '../../domain/connector/document.js';
import { errors } from '../../domain/errors.js';
import { connectorPageSql, connectorWhere, countSql, MAX_COUNT, withoutNul } from '../list-query.js';
import { seqOf, withId } from '../mutation.js';
import { indexNameInUse, type ConnectorQuery, type ConnectorStore, type ListResult, type Stored } from '../store.js';
import { isUnstorableDocument, pgDialect, unstorable, type PgDatabase } from './database.js';
import { rowUpdater } from './row-update.js';
import { Batcher } from './batcher.js';

/**
 * Errors of a batch statement that may belong to one of its rows only: a uniqueness clash, a
 * document jsonb cannot hold, the same id twice in one batch (21000). Such a batch is run
 * again one put at a time, so each put gets its own outcome.
 */
function rowError(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '23505' || code === '21000' || isUnstorableDocument(e);
}

/** Maps a failed write: a uniqueness clash to 400 `status_exception`, an unstorable doc to 400. */
function writeError(e: unknown, doc: ConnectorDoc): unknown {
  const err = e as { code?: string; constraint?: string };
  if (err?.code === '23505' && err.constraint === 'connectors_index_name_live') return errors.status(indexNameInUse(String(doc.index_name)));
  if (isUnstorableDocument(e)) return unstorable(e);
  return e;
}

export function pgConnectorStore(db: PgDatabase): ConnectorStore {
  const t = `${db.s}.connectors`;
  const nextSeq = `nextval('${db.s}.connectors_seq_no')`;
  type SeqCols = { seq_no: string; version: string };
  const getRow = db.prepare(`SELECT doc, seq_no, version FROM ${t} WHERE id = $1`);
  const getText = db.prepare(`SELECT doc::text AS doc, deleted FROM ${t} WHERE id = $1`);
  // xmax = 0 only on a freshly inserted row version: created vs overwritten, atomically.
  const putRow = db.prepare(
    `INSERT INTO ${t} AS c (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE ` +
      `SET doc = excluded.doc, seq_no = ${nextSeq}, version = c.version + 1 RETURNING (xmax = 0) AS created`,
  );
  // A delete consumes a sequence number, as in Elasticsearch.
  const deleteRow = db.prepare(`DELETE FROM ${t} WHERE id = $1 RETURNING ${nextSeq}`);
  const getTexts = db.prepare(`SELECT id, doc::text AS doc, deleted FROM ${t} WHERE id = ANY($1::text[])`);
  const putRows = db.prepare(
    `INSERT INTO ${t} AS c (id, doc) SELECT u.id, u.doc::jsonb FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(id, doc, n) ORDER BY u.n ` +
      `ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, seq_no = ${nextSeq}, version = c.version + 1 RETURNING id, (xmax = 0) AS created`,
  );
  type TextRow = { doc: string; deleted: boolean };
  // Concurrent GETs share one lookup; concurrent puts one statement and one commit (group commit).
  const reads = new Batcher<string, TextRow | null>(
    {
      runOne: async (id) => (await db.run<TextRow>(getText, [id])).rows[0] ?? null,
      runAll: async (ids) => {
        const rows = new Map((await db.run<TextRow & { id: string }>(getTexts, [ids])).rows.map((r) => [r.id, r]));
        return ids.map((id) => rows.get(id) ?? null);
      },
    },
    256,
    Math.max(1, Math.ceil(db.opts.poolMax / 2)),
  );
  type PutItem = { id: string; doc: ConnectorDoc; json: string };
  const puts = new Batcher<PutItem, 'created' | 'updated'>(
    {
      runOne: async (p) => {
        try {
          return (await db.write<{ created: boolean }>(putRow, [p.id, p.json])).rows[0].created ? 'created' : 'updated';
        } catch (e) {
          throw writeError(e, p.doc);
        }
      },
      runAll: async (items) => {
        const r = await db.write<{ id: string; created: boolean }>(putRows, [items.map((p) => p.id), items.map((p) => p.json)]);
        const created = new Map(r.rows.map((row) => [row.id, row.created]));
        return items.map((p) => (created.get(p.id) ? 'created' : 'updated'));
      },
      retryEach: rowError,
    },
    128,
    Math.max(1, Math.ceil(db.opts.poolMax / 4)),
  );
  const changedPage = db.prepare(`SELECT id, doc, seq_no, version FROM ${t} WHERE seq_no > $1 ORDER BY seq_no LIMIT $2`);
  const changedCount = db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${t} WHERE seq_no > $1 LIMIT ${MAX_COUNT}) AS capped`);
  return {
    async get(id) {
      const r = await db.run<{ doc: ConnectorDoc } & SeqCols>(getRow, [id]);
      return r.rows[0] ? { id, doc: r.rows[0].doc, seq: seqOf(r.rows[0]) } : null;
    },
    async scan(afterId, limit) {
      const r = await db.query<{ id: string; doc: ConnectorDoc } & SeqCols>(
        `SELECT id, doc, seq_no, version FROM ${t} WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2`,
        [afterId, Math.max(0, Math.floor(limit))],
      );
      return r.rows.map((row) => ({ id: row.id, doc: row.doc, seq: seqOf(row) }));
    },
    async getJson(id, includeDeleted) {
      const row = await reads.push(id);
      if (!row || (row.deleted && !includeDeleted)) return null;
      return withId(id, row.doc);
    },
    async put(id, doc) {
      return puts.push({ id, doc, json: JSON.stringify(doc) });
    },
    update: rowUpdater<ConnectorDoc>(db, t, nextSeq, true, writeError),
    async delete(id) {
      return ((await db.write(deleteRow, [id])).rowCount ?? 0) > 0;
    },
    async list(query: ConnectorQuery): Promise<ListResult> {
      const q = withoutNul(query);
      if (!q) return { count: 0, results: [] };
      const where = connectorWhere(q, pgDialect);
      const page = connectorPageSql(t, 'id', 'c.doc::text', where, pgDialect, q);
      return db.read(async (c) => {
        const count = Number((await c.query(countSql(t, where), where.args)).rows[0].n);
        const rows = (await c.query<{ id: string; doc: string }>(page.sql, page.args)).rows;
        return { count, results: rows.map((r) => withId(r.id, r.doc)) };
      });
    },
    async changedSince(afterSeqNo, limit) {
      return db.read(async (c) => {
        const count = Number((await c.query({ ...changedCount, values: [afterSeqNo] })).rows[0].n);
        const rows = (await c.query<{ id: string; doc: ConnectorDoc } & SeqCols>({ ...changedPage, values: [afterSeqNo, Math.max(0, Math.floor(limit))] })).rows;
        return { count, results: rows.map((r) => ({ id: r.id, doc: r.doc, seq: seqOf(r) })) };
      });
    },
    async listAll(opts = {}) {
      const types = opts.serviceTypes;
      const rows = (
        await db.query<{ id: string; doc: ConnectorDoc } & SeqCols>(
          `SELECT id, doc, seq_no, version FROM ${t} WHERE NOT deleted ${types ? 'AND service_type = ANY($1::text[])' : ''} ORDER BY id`,
          types ? [types] : [],
        )
      ).rows;
      return rows.map((r): Stored<ConnectorDoc> => ({ id: r.id, doc: r.doc, seq: seqOf(r) }));
    },
  };
}
