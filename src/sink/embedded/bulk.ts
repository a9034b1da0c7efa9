/**
 * `_bulk` for the embedded index: the ndjson request (action line, then a source line for
 * index / create / update) and the response items. The request is checked line by line first
 * (a malformed action line fails the whole request, as in Elasticsearch); source lines are parsed
 * only when their item runs, so a broken document is a per-item error.
 */
import { ApiError, errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';
import type { WriteResult } from './documents.js';
import { PRIMARY_TERM } from './documents.js';

export type BulkAction = 'index' | 'create' | 'update' | 'delete';

export interface BulkItem {
  action: BulkAction;
  index: string;
  id?: string;
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
  /** The source line, raw (ndjson) or already parsed (programmatic callers). */
  source?: string | Record<string, unknown>;
}

const ACTIONS = new Set<BulkAction>(['index', 'create', 'update', 'delete']);
const META_KEYS = new Set([
  '_index', '_id', 'routing', '_routing', 'if_seq_no', 'if_primary_term', 'version', 'version_type', 'pipeline',
  'require_alias', 'retry_on_conflict', 'dynamic_templates', '_source', 'require_data_stream', 'list_executed_pipelines',
]);

/** Parses an ndjson bulk body into items; throws 400 for request-level problems. */
export function parseBulk(text: string, defaultIndex?: string): BulkItem[] {
  const items: BulkItem[] = [];
  let pos = 0;
  let line = 0;
  const next = (): string | undefined => {
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const raw = text.slice(pos, end).replace(/\r$/, '');
      pos = end + 1;
      line++;
      if (raw.trim() !== '') return raw;
    }
    return undefined;
  };
  for (let raw = next(); raw !== undefined; raw = next()) {
    const actionLine = line;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw errors.illegalArgument(`Malformed action/metadata line [${actionLine}], expected START_OBJECT but found [VALUE_STRING]`);
    }
    if (!isPlainObject(parsed)) {
      throw errors.illegalArgument(`Malformed action/metadata line [${actionLine}], expected START_OBJECT but found [${typeof parsed}]`);
    }
    const keys = Object.keys(parsed);
    if (keys.length !== 1 || !ACTIONS.has(keys[0] as BulkAction)) {
      throw errors.illegalArgument(
        `Malformed action/metadata line [${actionLine}], expected field [create], [delete], [index] or [update] but found [${keys[0] ?? ''}]`,
      );
    }
    const action = keys[0] as BulkAction;
    const meta = parsed[action];
    if (!isPlainObject(meta)) throw errors.illegalArgument(`Malformed action/metadata line [${actionLine}], expected START_OBJECT`);
    for (const k of Object.keys(meta)) {
      if (!META_KEYS.has(k)) throw errors.illegalArgument(`Action/metadata line [${actionLine}] contains an unknown parameter [${k}]`);
    }
    const index = meta._index === undefined ? defaultIndex : String(meta._index);
    if (index === undefined) throw errors.validation(['index is missing']);
    const item: BulkItem = { action, index };
    if (meta._id !== undefined && meta._id !== null) item.id = String(meta._id);
    if (meta.if_seq_no !== undefined) item.ifSeqNo = Number(meta.if_seq_no);
    if (meta.if_primary_term !== undefined) item.ifPrimaryTerm = Number(meta.if_primary_term);
    if (action !== 'delete') {
      const source = next();
      if (source === undefined) throw errors.illegalArgument(`The bulk request must be terminated by a newline [\\n]`);
      item.source = source;
    } else if (item.id === undefined) {
      throw errors.validation(['id is missing']);
    }
    items.push(item);
  }
  if (items.length === 0) throw errors.validation(['no requests added']);
  return items;
}

/** Parses a source line; a bad one fails only its item. */
export function itemSource(item: BulkItem): Record<string, unknown> {
  if (typeof item.source !== 'string') return item.source ?? {};
  try {
    const v = JSON.parse(item.source) as unknown;
    if (!isPlainObject(v)) throw new Error('not an object');
    return v;
  } catch {
    throw errors.documentParsing(`[1:1] failed to parse: source of [${item.action}] is not a JSON object`);
  }
}

export const SHARDS_OK = { total: 1, successful: 1, failed: 0 };
export const SHARDS_NOOP = { total: 0, successful: 0, failed: 0 };

/** The body Elasticsearch returns for a single-document write. */
export function writeBody(index: string, r: WriteResult) {
  return {
    _index: index,
    _id: r.id,
    _version: r.version,
    result: r.result,
    _shards: r.result === 'noop' ? SHARDS_NOOP : SHARDS_OK,
    _seq_no: r.seqNo,
    _primary_term: PRIMARY_TERM,
  };
}

export function writeStatus(r: WriteResult): number {
  return r.result === 'created' ? 201 : r.result === 'not_found' ? 404 : 200;
}

export function okItem(item: BulkItem, index: string, r: WriteResult) {
  return { [item.action]: { ...writeBody(index, r), status: writeStatus(r) } };
}

export function errorItem(item: BulkItem, e: ApiError) {
  return {
    [item.action]: {
      _index: item.index,
      _id: item.id ?? null,
      status: e.status,
      error: { type: e.type, reason: e.reason, index_uuid: '_na_', shard: '0', index: item.index, ...(e.extra ?? {}) },
    },
  };
}
