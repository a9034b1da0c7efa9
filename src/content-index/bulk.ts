/**
 * `_bulk` for the embedded index: the ndjson request (action line, then a source line for
 * index / create / update) and the response items. The request is checked line by line first
 * (a malformed action line fails the whole request, as in Elasticsearch); source lines are parsed
 * only when their item runs, so a broken document is a per-item error.
 */
import { ApiError, errors } from '../domain/errors.js';
import { isPlainObject, MAX_NESTING_DEPTH, nestingDepthExceeds } from '../domain/shared/json.js';
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
  /** The ingest pipeline named on the action line (`pipeline`), run by the API before indexing. */
  pipeline?: string;
  /** Why the item fails without being written (its ingest pipeline failed), decided beforehand. */
  failure?: ApiError;
}

/**
 * Most items one `_bulk` request may carry (issue 11 item 18). Elasticsearch bounds a request
 * only by its size (`http.max_content_length`); a 100 MB body of one-line deletes is millions of
 * items run in one transaction on the event loop, so Tributary also bounds the count. The
 * official client's `helpers.bulk` flushes at 5 MB, far below it.
 */
export const MAX_BULK_ITEMS = 100_000;

/** Item the guard of `ContentIndex.bulk` decides: null to run it, or the error it fails with. */
export type BulkGuard = (item: BulkItem, indexExists: boolean) => ApiError | null;

const ACTIONS = new Set<BulkAction>(['index', 'create', 'update', 'delete']);
const META_KEYS = new Set([
  '_index', '_id', 'routing', '_routing', 'if_seq_no', 'if_primary_term', 'version', 'version_type', 'pipeline',
  'require_alias', 'retry_on_conflict', 'dynamic_templates', '_source', 'require_data_stream', 'list_executed_pipelines',
]);

/** Metadata fields that may hold an object or array (every other one takes a simple value). */
const STRUCTURED_META = new Set(['dynamic_templates', '_source']);

function depthError(): ApiError {
  return errors.parse(`Document nesting depth (${MAX_NESTING_DEPTH + 1}) exceeds the maximum allowed (${MAX_NESTING_DEPTH})`);
}

/** Parses an ndjson bulk body into items; throws 400 for request-level problems. */
export function parseBulk(text: string, defaultIndex?: string, maxItems = MAX_BULK_ITEMS): BulkItem[] {
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
    // The same depth limit as any request body (server.ts): a deep `_source` or
    // `dynamic_templates` value is a request-level parse error there too.
    if (nestingDepthExceeds(parsed)) throw depthError();
    const keys = Object.keys(parsed);
    if (keys.length !== 1 || !ACTIONS.has(keys[0] as BulkAction)) {
      throw errors.illegalArgument(
        `Malformed action/metadata line [${actionLine}], expected field [create], [delete], [index] or [update] but found [${keys[0] ?? ''}]`,
      );
    }
    const action = keys[0] as BulkAction;
    const meta = parsed[action];
    if (!isPlainObject(meta)) throw errors.illegalArgument(`Malformed action/metadata line [${actionLine}], expected START_OBJECT`);
    for (const [k, v] of Object.entries(meta)) {
      if (!META_KEYS.has(k)) throw errors.illegalArgument(`Action/metadata line [${actionLine}] contains an unknown parameter [${k}]`);
      if (typeof v === 'object' && v !== null && !STRUCTURED_META.has(k)) {
        throw errors.illegalArgument(
          `Malformed action/metadata line [${actionLine}], expected a simple value for field [${k}] but found [${Array.isArray(v) ? 'START_ARRAY' : 'START_OBJECT'}]`,
        );
      }
    }
    const index = meta._index === undefined ? defaultIndex : String(meta._index);
    if (index === undefined) throw errors.validation(['index is missing']);
    const item: BulkItem = { action, index };
    if (meta._id !== undefined && meta._id !== null) item.id = String(meta._id);
    if (meta.if_seq_no !== undefined) item.ifSeqNo = Number(meta.if_seq_no);
    if (meta.if_primary_term !== undefined) item.ifPrimaryTerm = Number(meta.if_primary_term);
    if (meta.pipeline !== undefined && meta.pipeline !== null) item.pipeline = String(meta.pipeline);
    if (action !== 'delete') {
      const source = next();
      if (source === undefined) throw errors.illegalArgument(`The bulk request must be terminated by a newline [\\n]`);
      item.source = source;
    } else if (item.id === undefined) {
      throw errors.validation(['id is missing']);
    }
    if (items.length >= maxItems) {
      throw errors.validation([`too many requests in one bulk request: the limit is [${maxItems}]; split it into smaller requests`]);
    }
    items.push(item);
  }
  if (items.length === 0) throw errors.validation(['no requests added']);
  return items;
}

/**
 * Parses a source line; a bad one fails only its item. A source nested deeper than a request
 * body may be (`MAX_NESTING_DEPTH`) fails its item too, before anything walks it recursively.
 */
export function itemSource(item: BulkItem): Record<string, unknown> {
  let v: unknown = item.source ?? {};
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      v = undefined;
    }
  }
  if (!isPlainObject(v)) throw errors.documentParsing(`[1:1] failed to parse: source of [${item.action}] is not a JSON object`);
  if (nestingDepthExceeds(v)) {
    throw errors.documentParsing(`[1:1] failed to parse: Document nesting depth (${MAX_NESTING_DEPTH + 1}) exceeds the maximum allowed (${MAX_NESTING_DEPTH})`);
  }
  return v;
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
  // An item refused by security never reached a shard: Elasticsearch gives only type and reason.
  const where = e.type === 'security_exception' ? {} : { index_uuid: '_na_', shard: '0', index: item.index };
  return {
    [item.action]: {
      _index: item.index,
      _id: item.id ?? null,
      status: e.status,
      error: { type: e.type, reason: e.reason, ...where, ...(e.extra ?? {}) },
    },
  };
}
