/**
 * Content shaping (runtime.md "Content"): a source document becomes the document written to
 * the index — `_id` moves to the bulk metadata (and to an `id` field, as Elastic's connectors
 * do), `_timestamp` defaults to now, `body` has its whitespace reduced when the connector's
 * pipeline says `reduce_whitespace`, and every document carries the sync generation stamp
 * used by mark and sweep. The serialized size is measured once, for the byte-bounded queue.
 */
import { GENERATION_FIELD } from '../../domain/sync-job/document.js';
import type { SourceDocument } from '../../sources/source.js';

export interface ShapeOptions {
  generation: number;
  reduceWhitespace: boolean;
  now: string;
}

export interface ShapedDocument {
  id: string;
  doc: Record<string, unknown>;
  /** Serialized JSON size in bytes. */
  bytes: number;
}

export function reduceWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export function shapeDocument(src: SourceDocument, o: ShapeOptions): ShapedDocument {
  const { _id, ...fields } = src;
  if (typeof _id !== 'string' && typeof _id !== 'number') {
    throw new Error(`Source yielded a document without a string _id (got ${JSON.stringify(_id)}): a source bug`);
  }
  const id = String(_id);
  const doc: Record<string, unknown> = { id, ...fields };
  // Reserved fields (sources/source.ts RESERVED_FIELDS): the runtime's values win, so a
  // source field named `id` can never give a document two identities (or a mapping conflict).
  doc.id = id;
  doc._timestamp ??= o.now;
  if (o.reduceWhitespace && typeof doc.body === 'string') doc.body = reduceWhitespace(doc.body);
  doc[GENERATION_FIELD] = o.generation;
  return { id, doc, bytes: Buffer.byteLength(JSON.stringify(doc)) + id.length + 64 };
}
