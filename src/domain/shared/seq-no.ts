/**
 * Elasticsearch's optimistic concurrency for the connector system indices: every stored
 * connector and sync job carries `_seq_no` (per index, strictly increasing with every write,
 * as a shard's sequence number), `_primary_term` (always 1: one "shard", never failed over)
 * and `_version` (per document, +1 per write). A write conditioned on `if_seq_no` +
 * `if_primary_term` passes only when both still match; `checkSeqNo` is the pure check the
 * stores run inside the transaction that holds the row, so it cannot race another writer.
 */
import { ApiError, errors } from '../errors.js';

/** The primary term of every stored document (Elasticsearch's terms start at 1). */
export const PRIMARY_TERM = 1;
/** Elasticsearch's `SequenceNumbers.UNASSIGNED_SEQ_NO`: the parameter's "not given". */
const UNASSIGNED_SEQ_NO = -2;

/** A stored document's concurrency numbers, beside (never inside) its source. */
export interface SeqNo {
  seqNo: number;
  primaryTerm: number;
  version: number;
}

/** The condition of a compare-and-write (`?if_seq_no=…&if_primary_term=…`). */
export interface IfSeqNo {
  ifSeqNo: number;
  ifPrimaryTerm: number;
}

/**
 * Reads `if_seq_no` / `if_primary_term` as Elasticsearch's UpdateRequest does: negative values
 * are 400 `illegal_argument_exception` (the setters), one without the other and
 * compare-and-write combined with `retry_on_conflict` or `doc_as_upsert` are 400
 * `action_request_validation_exception` (`validate()`). Undefined when neither is set.
 */
export function parseIfSeqNo(q: { ifSeqNo?: number; ifPrimaryTerm?: number; retryOnConflict?: number; docAsUpsert?: boolean }): IfSeqNo | undefined {
  const seqNo = q.ifSeqNo ?? UNASSIGNED_SEQ_NO;
  const term = q.ifPrimaryTerm ?? 0;
  if (seqNo < 0 && seqNo !== UNASSIGNED_SEQ_NO) throw errors.illegalArgument(`sequence numbers must be non negative. got [${seqNo}].`);
  if (term < 0) throw errors.illegalArgument(`primary term must be non negative. got [${term}]`);
  const messages: string[] = [];
  if (term === 0 && seqNo !== UNASSIGNED_SEQ_NO) messages.push('ifSeqNo is set, but primary term is [0]');
  if (term !== 0 && seqNo === UNASSIGNED_SEQ_NO) messages.push(`ifSeqNo is unassigned, but primary term is [${term}]`);
  if (seqNo !== UNASSIGNED_SEQ_NO) {
    if ((q.retryOnConflict ?? 0) > 0) messages.push('compare and write operations can not be retried');
    if (q.docAsUpsert) messages.push('compare and write operations can not be used with upsert');
  }
  if (messages.length > 0) throw errors.validation(messages);
  return seqNo === UNASSIGNED_SEQ_NO ? undefined : { ifSeqNo: seqNo, ifPrimaryTerm: term };
}

/**
 * Throws 409 `version_conflict_engine_exception` with Elasticsearch's reason (and its `index`,
 * `shard` metadata) when `current` no longer matches the condition.
 */
export function checkSeqNo(id: string, current: SeqNo, cond: IfSeqNo | undefined, index: string): void {
  if (!cond) return;
  if (cond.ifSeqNo === current.seqNo && cond.ifPrimaryTerm === current.primaryTerm) return;
  throw new ApiError(
    'conflict',
    `[${id}]: version conflict, required seqNo [${cond.ifSeqNo}], primary term [${cond.ifPrimaryTerm}]. ` +
      `current document has seqNo [${current.seqNo}] and primary term [${current.primaryTerm}]`,
    { extra: { index_uuid: '_na_', shard: '0', index } },
  );
}
