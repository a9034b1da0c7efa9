/**
 * Read-modify-write of one document row (connectors, sync jobs) in two round trips and no
 * transaction: read the row, run the mutator, write the result only if the row still has the
 * `seq_no` that was read (`UPDATE … WHERE id = $1 AND seq_no = $2`). Every write takes a new
 * `seq_no` from the table's sequence, so an unchanged `seq_no` means no write came in between:
 * the outcome is the same as with the row locked (`SELECT … FOR UPDATE` in a transaction, four
 * round trips). When another write did come in between, the row is read and the mutator run
 * again; after a few such misses (a row many processes write at once) the update falls back to
 * the locked transaction, which always makes progress.
 */
import type pg from 'pg';
import type { Doc, Mutator, UpdateOptions, UpdateResult } from '../store.js';
import { applyMutation, seqOf } from '../mutation.js';
import type { PgDatabase } from './database.js';

type Row<D> = { doc: D; seq_no: string; version: string; deleted?: boolean };
type SeqCols = { seq_no: string; version: string };

/** Optimistic attempts before the locked transaction. */
const OPTIMISTIC_ATTEMPTS = 4;

export function rowUpdater<D extends Doc>(
  db: PgDatabase,
  table: string,
  nextSeq: string,
  /** Whether the table has a `deleted` column (`skipDeleted` reads it). */
  withDeleted: boolean,
  writeError: (e: unknown, doc: D) => unknown,
): (id: string, mutate: Mutator<D>, opts?: UpdateOptions) => Promise<UpdateResult<D> | null> {
  const cols = `doc, seq_no, version${withDeleted ? ', deleted' : ''}`;
  const read = db.prepare(`SELECT ${cols} FROM ${table} WHERE id = $1`);
  const write = db.prepare(`UPDATE ${table} SET doc = $3, seq_no = ${nextSeq}, version = version + 1 WHERE id = $1 AND seq_no = $2 RETURNING seq_no, version`);
  const lockedRead = `SELECT ${cols} FROM ${table} WHERE id = $1 FOR UPDATE`;
  const lockedWrite = `UPDATE ${table} SET doc = $2, seq_no = ${nextSeq}, version = version + 1 WHERE id = $1 RETURNING seq_no, version`;

  /** The mutator's outcome for a row read; `write` set when the row must be written. */
  const decide = (row: Row<D> | undefined, mutate: Mutator<D>, opts: UpdateOptions) => {
    if (!row || (opts.skipDeleted && row.deleted)) return null;
    const current = seqOf(row);
    return { current, ...applyMutation(row.doc, current, mutate, opts) };
  };

  const locked = (id: string, mutate: Mutator<D>, opts: UpdateOptions) =>
    db.tx(async (c: pg.PoolClient) => {
      const out = decide((await c.query<Row<D>>(lockedRead, [id])).rows[0], mutate, opts);
      if (!out) return null;
      if (!out.write) return { result: out.result, doc: out.doc, seq: out.current };
      try {
        const w = await c.query<SeqCols>(lockedWrite, [id, JSON.stringify(out.doc)]);
        return { result: out.result, doc: out.doc, seq: seqOf(w.rows[0]) };
      } catch (e) {
        throw writeError(e, out.doc);
      }
    });

  return async (id, mutate, opts = {}) => {
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      const row = (await db.run<Row<D>>(read, [id])).rows[0];
      const out = decide(row, mutate, opts);
      if (!out) return null;
      if (!out.write) return { result: out.result, doc: out.doc, seq: out.current };
      let w: pg.QueryResult<SeqCols>;
      try {
        w = await db.write<SeqCols>(write, [id, row!.seq_no, JSON.stringify(out.doc)]);
      } catch (e) {
        throw writeError(e, out.doc);
      }
      if (w.rows[0]) return { result: out.result, doc: out.doc, seq: seqOf(w.rows[0]) };
      // Written (or deleted) by someone else since the read: decide again on the new row.
    }
    return locked(id, mutate, opts);
  };
}
