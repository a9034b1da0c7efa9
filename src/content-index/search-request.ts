/**
 * The `_search` / `_count` / `_delete_by_query` request of the embedded index: the body keys it
 * accepts, the URL parameters that override them (`q`, `from`, `size`, `sort`, `_source…`,
 * `track_total_hits`, …), and their validation. Unsupported features fail with 400 naming the
 * feature instead of being ignored.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { parseTimeValue } from '../domain/shared/time-value.js';
import { parseAggs, type AggNode } from './aggs/parse.js';
import { parseCollapse, type CollapseRequest } from './collapse.js';
import { parseHighlight, type HighlightRequest } from './highlight.js';
import { parseSuggest, type SuggestRequest } from './suggest.js';
import { parseSort, type SortKey } from './sort.js';
import { parseSearchAfter, pitSort, type AfterValue } from './search-after.js';
import { parseSourceFilter, type SourceFilter } from './source-filter.js';

export interface SearchParams {
  q?: string;
  df?: string;
  default_operator?: string;
  from?: number;
  size?: number;
  sort?: string | string[];
  _source?: unknown;
  _source_includes?: unknown;
  _source_excludes?: unknown;
  track_total_hits?: unknown;
  rest_total_hits_as_int?: boolean;
  seq_no_primary_term?: boolean;
  version?: boolean;
  track_scores?: boolean;
  max_docs?: number;
  scroll_size?: number;
  [key: string]: unknown;
}

export interface SearchRequest {
  query: unknown;
  from: number;
  size: number;
  sort: SortKey[];
  source: SourceFilter;
  /** Exact total (Infinity), capped total, or no total (0 with `track_total_hits: false`). */
  totalCap: number;
  trackTotal: boolean;
  totalAsInt: boolean;
  highlight?: HighlightRequest;
  minScore?: number;
  trackScores: boolean;
  seqNoPrimaryTerm: boolean;
  version: boolean;
  fields?: string[];
  /** The request's `timeout` (parameter or body) in milliseconds; undefined for none. */
  timeoutMs?: number;
  /** `aggs` / `aggregations` (aggs/parse.ts) and the query they run on (without `post_filter`). */
  aggs?: AggNode[];
  aggQuery?: unknown;
  /** `typed_keys`: aggregation names prefixed with their type (`sterms#tags`). */
  typedKeys?: boolean;
  /** `search_after`: the last hit's sort values (search-after.ts). */
  searchAfter?: AfterValue[];
  /** `collapse`: one hit per value of a field (collapse.ts). */
  collapse?: CollapseRequest;
  /** `suggest` (suggest.ts). */
  suggest?: SuggestRequest[];
  /** A point in time's view: documents up to this rowid (pit.ts; set by the engine, not the caller). */
  maxRowid?: number;
  /** With `maxRowid`: documents created (`_version` 1) with a `_seq_no` above this are not seen. */
  maxSeq?: number;
}

const IGNORED = new Set(['stored_fields', 'explain', 'profile', 'stats', 'indices_boost', 'ext', 'docvalue_fields']);
const UNSUPPORTED = new Set([
  'runtime_mappings', 'rescore', 'knn', 'pit', 'slice',
  'script_fields', 'retriever', 'rank', 'terminate_after',
]);
const KNOWN = new Set([
  'query', 'from', 'size', 'sort', '_source', 'track_total_hits', 'highlight', 'min_score', 'track_scores',
  'seq_no_primary_term', 'version', 'post_filter', 'fields', 'timeout', 'search_after',
  'aggs', 'aggregations', 'collapse', 'suggest',
]);

const INT_MAX = 2 ** 31 - 1;

export const MAX_RESULT_WINDOW = 10_000;

/** A query from the body, the `q` parameter (query_string), or match_all. */
export function requestQuery(body: Record<string, unknown>, params: SearchParams): unknown {
  if (params.q !== undefined) {
    return {
      query_string: {
        query: String(params.q),
        ...(params.df !== undefined ? { default_field: String(params.df) } : {}),
        ...(params.default_operator !== undefined ? { default_operator: String(params.default_operator) } : {}),
      },
    };
  }
  const query = body.query ?? { match_all: {} };
  if (body.post_filter === undefined) return query;
  return { bool: { must: [query], filter: [body.post_filter] } };
}

export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (!isPlainObject(body)) throw errors.parsing('request body must be a JSON object');
  return body;
}

/** A Java int, as Elasticsearch parses `from`, `size` and `track_total_hits`. */
function int(v: unknown, name: string): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) throw errors.parsing(`[${name}] must be an integer, got [${String(v)}]`);
  if (n > INT_MAX || n < -INT_MAX - 1) {
    throw errors.parse(`[${name}] failed to parse field [${name}]`, {
      type: 'illegal_argument_exception', reason: `Value [${String(v)}] is out of range for an integer`,
    });
  }
  return n;
}

/** `timeout`: an Elasticsearch time value; `-1` (or absent) for none. */
export function parseTimeout(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '-1' || v === -1) return undefined;
  try {
    return parseTimeValue(String(v), 'timeout');
  } catch (e) {
    throw errors.badBody((e as Error).message);
  }
}

export function parseSearchRequest(rawBody: unknown, params: SearchParams = {}): SearchRequest {
  const body = bodyObject(rawBody);
  for (const k of Object.keys(body)) {
    if (UNSUPPORTED.has(k)) throw errors.illegalArgument(`[${k}] is not supported by the embedded index`);
    if (!KNOWN.has(k) && !IGNORED.has(k)) throw errors.parsing(`Unknown key for a START_OBJECT in [${k}].`);
  }
  const from = int(params.from ?? body.from ?? 0, 'from');
  const size = int(params.size ?? body.size ?? 10, 'size');
  if (from < 0) throw errors.illegalArgument(`[from] parameter cannot be negative, found [${from}]`);
  if (size < 0) throw errors.illegalArgument(`[size] parameter cannot be negative, found [${size}]`);
  if (from + size > MAX_RESULT_WINDOW) {
    throw errors.illegalArgument(
      `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}]. ` +
        'See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.',
    );
  }
  const track = params.track_total_hits ?? body.track_total_hits;
  let totalCap = MAX_RESULT_WINDOW;
  let trackTotal = true;
  if (track === true || track === 'true') totalCap = Infinity;
  else if (track === false || track === 'false') trackTotal = false;
  else if (track !== undefined) {
    totalCap = int(track, 'track_total_hits');
    // Elasticsearch: -1 disables the total (as false); anything lower is refused.
    if (totalCap === -1) trackTotal = false;
    else if (totalCap < -1) throw errors.illegalArgument(`[track_total_hits] parameter must be positive or equals to -1, got ${totalCap}`);
  }
  const source = parseSourceFilter(params._source ?? body._source, params._source_includes, params._source_excludes);
  const minScore = body.min_score === undefined ? undefined : Number(body.min_score);
  if (minScore !== undefined && !Number.isFinite(minScore)) throw errors.parsing('[min_score] must be a number');
  const fields = body.fields === undefined ? undefined : parseFields(body.fields);
  const maxRowid = typeof params.pit_max_rowid === 'number' ? params.pit_max_rowid : undefined;
  const sort = parseSort(params.sort ?? body.sort);
  const fullSort = maxRowid === undefined ? sort : pitSort(sort);
  let searchAfter: AfterValue[] | undefined;
  if (body.search_after !== undefined) {
    if (params.scroll !== undefined) throw errors.illegalArgument('`search_after` cannot be used in a scroll context.');
    if (from > 0) throw errors.illegalArgument('`from` parameter must be set to 0 when `search_after` is used.');
    searchAfter = parseSearchAfter(body.search_after, fullSort);
  }
  const collapse = parseCollapse(body.collapse);
  if (collapse && params.scroll !== undefined) throw errors.illegalArgument('cannot use `collapse` in a scroll context');
  if (collapse && searchAfter) throw errors.illegalArgument('cannot use `collapse` in conjunction with `search_after` on the embedded index');
  return {
    query: requestQuery(body, params),
    from,
    size,
    sort: fullSort,
    source,
    totalCap,
    trackTotal,
    totalAsInt: params.rest_total_hits_as_int === true,
    highlight: parseHighlight(body.highlight),
    minScore,
    trackScores: (params.track_scores ?? body.track_scores) === true,
    seqNoPrimaryTerm: (params.seq_no_primary_term ?? body.seq_no_primary_term) === true,
    version: (params.version ?? body.version) === true,
    fields,
    timeoutMs: parseTimeout(params.timeout ?? body.timeout),
    ...aggsOf(body, params),
    searchAfter,
    collapse,
    suggest: parseSuggest(body.suggest),
    maxRowid,
    maxSeq: maxRowid === undefined ? undefined : Number(params.pit_max_seq ?? -1),
  };
}

function aggsOf(body: Record<string, unknown>, params: SearchParams): { aggs?: AggNode[]; aggQuery?: unknown; typedKeys?: boolean } {
  const aggs = parseAggs(body);
  if (!aggs) return {};
  return { aggs, aggQuery: requestQuery({ ...body, post_filter: undefined }, params), typedKeys: params.typed_keys === true || params.typed_keys === 'true' };
}

function parseFields(v: unknown): string[] {
  if (!Array.isArray(v)) throw errors.parsing('[fields] must be an array');
  return v.map((x) => (typeof x === 'string' ? x : isPlainObject(x) && typeof x.field === 'string' ? x.field : invalidField()));
}

function invalidField(): never {
  throw errors.parsing('[fields] entries must be field names or {"field": name}');
}

/** `_count` accepts only `query` in the body. */
export function parseCountQuery(rawBody: unknown, params: SearchParams = {}): unknown {
  const body = bodyObject(rawBody);
  for (const k of Object.keys(body)) if (k !== 'query') throw errors.parsing(`request does not support [${k}]`);
  return requestQuery(body, params);
}
