/** Shared by every backend: runs a mutator and decides `updated` vs `noop` (connector-api.md §1.2). */
import { deepEqual } from '../domain/shared/json.js';
import { PRIMARY_TERM, type SeqNo } from '../domain/shared/seq-no.js';
import type { Doc, Mutator, UpdateOptions } from './store.js';

/**
 * Runs `mutate` on the stored document. `write` says whether the row must be written: the
 * document changed, or the caller reports `updated` regardless (then it is a write, and the
 * sequence numbers move, as an update without noop detection does in Elasticsearch).
 */
export function applyMutation<T extends Doc>(current: T, seq: SeqNo, mutate: Mutator<T>, opts: UpdateOptions = {}): { result: 'updated' | 'noop'; doc: T; write: boolean } {
  const next = mutate(current, seq);
  const write = opts.alwaysUpdated === true || !deepEqual(current, next);
  return { result: write ? 'updated' : 'noop', doc: next, write };
}

/** The numbers of a row read from a store (`seq_no`, `version` columns; bigint may arrive as text). */
export function seqOf(row: { seq_no: number | string; version: number | string }): SeqNo {
  return { seqNo: Number(row.seq_no), primaryTerm: PRIMARY_TERM, version: Number(row.version) };
}

/** Response JSON with `id` first, then the stored source (connector-api.md §1.2). */
export function withId(id: string, json: string): string {
  return json.length > 2 ? `{"id":${JSON.stringify(id)},${json.slice(1)}` : `{"id":${JSON.stringify(id)}}`;
}
