/**
 * Single-document writes of the embedded content index (index, create, update, delete), with
 * Elasticsearch's versioning: `_version` per document, `_seq_no` per index, `_primary_term` 1,
 * optimistic concurrency through `if_seq_no` / `if_primary_term`. Callers run these inside a
 * transaction (one per request or per bulk).
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApiError, errors } from '../domain/errors.js';
import { deepEqual, deepMerge, isPlainObject } from '../domain/shared/json.js';
import { analyzeDocument, type FieldTexts } from './analyze.js';
import { IndexHandle, type StoredDoc } from './index-handle.js';

export interface WriteOptions {
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
}

export interface WriteResult {
  id: string;
  result: 'created' | 'updated' | 'deleted' | 'not_found' | 'noop';
  version: number;
  seqNo: number;
}

export const PRIMARY_TERM = 1;

/** Elasticsearch-style auto-generated id: 20 URL-safe base64 characters. */
export function autoId(): string {
  return randomBytes(15).toString('base64url');
}

export function validateId(id: string): void {
  if (id.length === 0) throw errors.validation(['if _id is specified it must not be empty']);
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > 512) throw errors.validation([`id [${id}] is too long, must be no longer than 512 bytes but was: ${bytes}`]);
}

function conflict(h: IndexHandle, id: string, reason: string): ApiError {
  return new ApiError('conflict', `[${id}]: version conflict, ${reason}`, {
    extra: { index_uuid: h.uuid, shard: '0', index: h.name },
  });
}

function checkConcurrency(h: IndexHandle, id: string, old: StoredDoc | undefined, opts: WriteOptions): void {
  if (opts.ifSeqNo === undefined && opts.ifPrimaryTerm === undefined) return;
  const required = `required seqNo [${opts.ifSeqNo ?? -2}], primary term [${opts.ifPrimaryTerm ?? 0}]`;
  if (!old) throw conflict(h, id, `${required}. but no document was found`);
  if (old.seq !== opts.ifSeqNo || (opts.ifPrimaryTerm ?? PRIMARY_TERM) !== PRIMARY_TERM) {
    throw conflict(h, id, `${required}. current document has seqNo [${old.seq}] and primary term [${PRIMARY_TERM}]`);
  }
}

/**
 * The `tf` column: the field ids with a full-text row, and a digest of their text. A rewrite
 * whose text is unchanged (the usual case when a sync re-indexes a document) skips FTS work:
 * deleting from a contentless FTS5 table is its most expensive operation.
 */
function textFingerprint(texts: FieldTexts): string | null {
  if (texts.size === 0) return null;
  const hash = createHash('md5');
  for (const [fid, text] of texts) hash.update(`${fid}\u0000${text}\u0000`);
  return `${[...texts.keys()].join(',')}|${hash.digest('base64url').slice(0, 16)}`;
}

function writeTexts(h: IndexHandle, r: number, texts: FieldTexts): void {
  for (const [fid, text] of texts) h.addText(IndexHandle.ftsRowid(fid, r), text);
}

function clearTexts(h: IndexHandle, old: StoredDoc): void {
  if (!old.tf) return;
  for (const fid of old.tf.split('|')[0].split(',')) h.removeText(IndexHandle.ftsRowid(Number(fid), old.r));
}

/** Stores `source` under `id`, replacing any previous version (or failing, for `create`). */
export function putDocument(
  h: IndexHandle,
  id: string,
  source: unknown,
  opType: 'index' | 'create',
  opts: WriteOptions = {},
): WriteResult {
  validateId(id);
  const old = h.byId.get(id);
  if (opType === 'create' && old) {
    throw conflict(h, id, `document already exists (current version [${old.ver}])`);
  }
  checkConcurrency(h, id, old, opts);
  return store(h, id, source, old);
}

function store(h: IndexHandle, id: string, source: unknown, old: StoredDoc | undefined): WriteResult {
  const { texts, values } = analyzeDocument(source, h.fields, h.dynamic, id);
  const json = JSON.stringify(source);
  const seqNo = h.nextSeq();
  const tf = textFingerprint(texts);
  if (old) {
    if (tf !== old.tf) {
      clearTexts(h, old);
      writeTexts(h, old.r, texts);
    }
    h.updateDoc.run(json, old.ver + 1, seqNo, tf, old.r);
    if (h.docValues) {
      h.docValues.remove(old.r);
      h.docValues.write(h.fields, old.r, values);
    }
    return { id, result: 'updated', version: old.ver + 1, seqNo };
  }
  const r = Number(h.insertDoc.run(id, json, 1, seqNo, tf).lastInsertRowid);
  writeTexts(h, r, texts);
  h.docValues?.write(h.fields, r, values);
  return { id, result: 'created', version: 1, seqNo };
}

export function deleteDocument(h: IndexHandle, id: string, opts: WriteOptions = {}): WriteResult {
  validateId(id);
  const old = h.byId.get(id);
  checkConcurrency(h, id, old, opts);
  const seqNo = h.nextSeq();
  if (!old) return { id, result: 'not_found', version: 1, seqNo };
  clearTexts(h, old);
  h.docValues?.remove(old.r);
  h.deleteDoc.run(old.r);
  return { id, result: 'deleted', version: old.ver + 1, seqNo };
}

/** Deletes a document known by rowid (delete by query); returns whether it existed. */
export function deleteByRowid(h: IndexHandle, r: number): boolean {
  const old = h.byRowid.get(r);
  if (!old) return false;
  clearTexts(h, old);
  h.docValues?.remove(r);
  h.deleteDoc.run(r);
  h.nextSeq();
  return true;
}

const UPDATE_KEYS = new Set([
  'doc', 'doc_as_upsert', 'upsert', 'detect_noop', 'script', 'scripted_upsert', '_source', 'retry_on_conflict',
]);

/** Partial update (`doc` merged into the stored source), with `doc_as_upsert` and `upsert`. */
export function updateDocument(h: IndexHandle, id: string, body: unknown, opts: WriteOptions = {}): WriteResult {
  validateId(id);
  if (!isPlainObject(body)) throw errors.badBody('request body is required');
  for (const k of Object.keys(body)) {
    if (!UPDATE_KEYS.has(k)) throw errors.parse(`[1:2] [UpdateRequest] unknown field [${k}]`);
  }
  if (body.script !== undefined) throw errors.illegalArgument('scripted updates are not supported by the embedded index');
  if (body.doc === undefined && body.upsert === undefined) throw errors.validation(['script or doc is missing']);
  if (body.doc !== undefined && !isPlainObject(body.doc)) throw errors.parse('[UpdateRequest] failed to parse field [doc]');
  if (body.upsert !== undefined && !isPlainObject(body.upsert)) throw errors.parse('[UpdateRequest] failed to parse field [upsert]');
  const old = h.fullById.get(id);
  checkConcurrency(h, id, old, opts);
  if (!old) {
    const upsert = body.doc_as_upsert === true ? body.doc : body.upsert;
    if (upsert === undefined) throw errors.documentMissing(h.name, id);
    return store(h, id, upsert, undefined);
  }
  if (body.doc === undefined) return { id, result: 'noop', version: old.ver, seqNo: old.seq };
  const current = JSON.parse(old.src) as Record<string, unknown>;
  const merged = deepMerge(current, body.doc as Record<string, unknown>);
  if (body.detect_noop !== false && deepEqual(merged, current)) {
    return { id, result: 'noop', version: old.ver, seqNo: old.seq };
  }
  return store(h, id, merged, old);
}
