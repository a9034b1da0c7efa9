/**
 * Reads of the connector system indices, served from the state store (these are views, not
 * copies): `GET|HEAD /<index>/_doc/<id>` with `_seq_no`, `_primary_term`, `_version`, and
 * `GET|POST /<index>/_search` and `_count` with the Query DSL subset Elastic's connector
 * service sends (domain/system-index-query.ts), `from`/`size`, `sort`,
 * `seq_no_primary_term`. For `.elastic-connectors` and `.elastic-connectors-sync-jobs`, by
 * alias or concrete name. Soft-deleted connectors are documents like any other here, as in
 * Elasticsearch: a search that does not exclude `deleted: true` sees them.
 *
 * A search walks the store in id order, a page at a time, keeping only the best `from + size`
 * matches (at most 10 000, Elasticsearch's `index.max_result_window`): memory stays bounded
 * whatever the number of connectors and jobs. A connector search that is the connectors list
 * in another form (status, type, text, live only, sorted by `index_name`) is answered from the
 * store's list indexes instead (list-pushdown.ts), the same documents without the walk.
 */
import { applySourceFilter, parseSourceFilter } from '../../content-index/source-filter.js';
import { errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';
import { PRIMARY_TERM } from '../../domain/shared/seq-no.js';
import { SYSTEM_INDICES, type SystemIndex } from '../../domain/system-index-mappings.js';
import { compileDocQuery, compileDocSort, type DocSort } from '../../domain/system-index-query.js';
import type { Stored } from '../../store/store.js';
import type { AppContext } from '../app-context.js';
import type { Endpoint, EndpointRequest, HttpMethod, ParamType } from '../endpoint.js';
import { REVEAL_ACTION } from '../sensitive.js';
import { presentJson } from '../../security/sensitive-config.js';
import { listPushdown } from './list-pushdown.js';
import { seqNoCursor } from './seq-no-cursor.js';

const MAX_WINDOW = 10_000;
const PAGE = 500;
const SHARDS = { total: 1, successful: 1, skipped: 0, failed: 0 };
const OPTIONS: Record<string, ParamType> = { allow_no_indices: 'boolean', ignore_unavailable: 'boolean', expand_wildcards: 'list' };
const SEARCH_PARAMS: Record<string, ParamType> = {
  ...OPTIONS, from: 'int', size: 'int', seq_no_primary_term: 'boolean', version: 'boolean', rest_total_hits_as_int: 'boolean',
  track_total_hits: 'string', typed_keys: 'boolean', timeout: 'time', request_cache: 'boolean', preference: 'string', routing: 'string',
  _source: 'string', _source_includes: 'list', _source_excludes: 'list',
};
const BODY_KEYS = new Set(['query', 'from', 'size', 'sort', 'seq_no_primary_term', 'version', 'track_total_hits', '_source', 'timeout']);

type Entry = Stored<Record<string, unknown>>;

/**
 * The documents as this caller may see them: sensitive configuration values only for who may
 * write configurations, as the Connector API's GET and list (api/sensitive.ts). Reading the
 * system index is no back door to them.
 */
function presenter(app: AppContext, req: EndpointRequest, s: SystemIndex): (doc: Record<string, unknown>) => Record<string, unknown> {
  const reveal = app.security.allows ? app.security.allows(req, REVEAL_ACTION) : true;
  if (reveal) return (doc) => doc;
  return (doc) => JSON.parse(presentJson(app.secretCodec, s.kind, JSON.stringify(doc), false)) as Record<string, unknown>;
}

/** The store holding the index's documents. */
function storeOf(app: AppContext, s: SystemIndex) {
  return s.kind === 'connector' ? app.store.connectors : app.store.syncJobs;
}

async function* scan(app: AppContext, s: SystemIndex): AsyncGenerator<Entry> {
  const store = storeOf(app, s);
  for (let after: string | null = null; ; ) {
    const page = (await store.scan(after, PAGE)) as Entry[];
    for (const e of page) yield e;
    if (page.length < PAGE) return;
    after = page[page.length - 1].id;
  }
}

function body(req: EndpointRequest): Record<string, unknown> {
  if (req.body === undefined) return {};
  if (!isPlainObject(req.body)) throw errors.parsing('request body must be a JSON object');
  for (const k of Object.keys(req.body)) if (!BODY_KEYS.has(k)) throw errors.parsing(`Unknown key for a START_OBJECT in [${k}].`);
  return req.body;
}

function int(v: unknown, name: string, dflt: number): number {
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 0) throw errors.illegalArgument(`[${name}] parameter cannot be negative or fractional, found [${String(v)}]`);
  return n;
}

/** Matches of the query, total counted, the best `limit` kept (sorted, or in id order). */
async function matches(app: AppContext, s: SystemIndex, query: unknown, limit: number, sort?: DocSort) {
  const cmp = sort?.compare;
  const pred = compileDocQuery(query, s.mappings);
  let total = 0;
  let kept: Entry[] = [];
  for await (const e of scan(app, s)) {
    if (!pred(e.doc, e.id)) continue;
    total++;
    if (limit === 0) continue;
    if (!cmp) {
      if (kept.length < limit) kept.push(e);
      continue;
    }
    kept.push(e);
    // Sorted: keep at most twice the window between trims (bounded memory, few sorts).
    if (kept.length >= 2 * limit) kept = kept.sort(cmp).slice(0, limit);
  }
  if (cmp) kept = kept.sort(cmp).slice(0, limit);
  return { total, kept };
}

/** The cursor query (seq-no-cursor.ts): from the store's `_seq_no` index, count capped at 10 000. */
async function changed(app: AppContext, afterSeqNo: number, size: number): Promise<{ total: number; kept: Entry[] }> {
  const r = await app.store.connectors.changedSince(afterSeqNo, size);
  return { total: r.count, kept: r.results as Entry[] };
}

async function search(s: SystemIndex, req: EndpointRequest, app: AppContext) {
  const started = performance.now();
  const b = body(req);
  const from = int(req.query.from ?? b.from, 'from', 0);
  const size = int(req.query.size ?? b.size, 'size', 10);
  if (from + size > MAX_WINDOW) {
    throw errors.illegalArgument(`Result window is too large, from + size must be less than or equal to: [${MAX_WINDOW}] but was [${from + size}].`);
  }
  const cursor = s.kind === 'connector' ? seqNoCursor(b, from) : null;
  const sort = cursor === null ? compileDocSort(b.sort, s.mappings) : undefined;
  const withSeq = req.query.seq_no_primary_term === true || b.seq_no_primary_term === true;
  const withVersion = req.query.version === true || b.version === true;
  // `_source` as Elasticsearch filters it: false, patterns, or includes/excludes (body or query string).
  const source = parseSourceFilter(b._source ?? req.query._source, req.query._source_includes, req.query._source_excludes);
  const present = presenter(app, req, s);
  const exactTotal = String(req.query.track_total_hits ?? b.track_total_hits) === 'true';
  const pushed = s.kind === 'connector' && cursor === null && !withSeq && !withVersion ? await listPushdown(app, b, from, size, exactTotal) : null;
  if (pushed) {
    // The store's list holds values as stored (sealed): opened for who may see them, else removed, as GET _connector.
    const reveal = app.security.allows ? app.security.allows(req, REVEAL_ACTION) : true;
    const hits = pushed.hits.map((h) => {
      const doc = JSON.parse(presentJson(app.secretCodec, s.kind, h.json, reveal)) as Record<string, unknown>;
      return { _index: s.concrete, _id: h.id, _score: null, ...(source.enabled ? { _source: applySourceFilter(doc, source) } : {}), sort: sort!.values({ id: h.id, doc }) };
    });
    const total = req.query.rest_total_hits_as_int === true ? pushed.total : { value: pushed.total, relation: pushed.relation };
    return { body: { took: Math.round(performance.now() - started), timed_out: false, _shards: SHARDS, hits: { total, max_score: null, hits } } };
  }
  const { total, kept } = cursor === null ? await matches(app, s, b.query, from + size, sort) : await changed(app, cursor, size);
  const sorted = sort !== undefined || cursor !== null;
  const hits = kept.slice(from).map((e) => ({
    _index: s.concrete,
    _id: e.id,
    ...(withVersion ? { _version: e.seq.version } : {}),
    ...(withSeq ? { _seq_no: e.seq.seqNo, _primary_term: PRIMARY_TERM } : {}),
    _score: sorted ? null : 1.0,
    ...(source.enabled ? { _source: applySourceFilter(present(e.doc), source) } : {}),
    ...(sort ? { sort: sort.values(e) } : cursor !== null ? { sort: [e.seq.seqNo] } : {}),
  }));
  const asInt = req.query.rest_total_hits_as_int === true;
  return {
    body: {
      took: Math.round(performance.now() - started),
      timed_out: false,
      _shards: SHARDS,
      hits: { total: asInt ? total : { value: total, relation: cursor !== null && total >= MAX_WINDOW ? 'gte' : 'eq' }, max_score: sorted || total === 0 ? null : 1.0, hits },
    },
  };
}

async function count(s: SystemIndex, req: EndpointRequest, app: AppContext) {
  const b = body(req);
  for (const k of Object.keys(b)) if (k !== 'query') throw errors.parsing(`request does not support [${k}]`);
  const { total } = await matches(app, s, b.query, 0);
  return { body: { count: total, _shards: SHARDS } };
}

async function getDoc(s: SystemIndex, req: EndpointRequest, app: AppContext, head: boolean) {
  const id = req.params.id;
  const e = (await storeOf(app, s).get(id)) as Entry | null;
  if (head) return { status: e ? 200 : 404 };
  if (!e) return { status: 404, body: { _index: s.concrete, _id: id, found: false } };
  return {
    body: {
      _index: s.concrete, _id: id, _version: e.seq.version, _seq_no: e.seq.seqNo, _primary_term: PRIMARY_TERM, found: true,
      ...(req.query._source === false ? {} : { _source: presenter(app, req, s)(e.doc) }),
    },
  };
}

function endpoints(s: SystemIndex): Endpoint[] {
  const paths = (suffix: string) => [`/${s.alias}${suffix}`, `/${s.concrete}${suffix}`];
  const read = (name: string, method: HttpMethod, suffix: string, params: Record<string, ParamType>, action: string, run: Endpoint['handler']): Endpoint => ({
    name, method, paths: paths(suffix), index: s.alias, action, params, body: method === 'HEAD' ? 'none' : 'optional', handler: run,
  });
  return [
    read('search', 'GET', '/_search', SEARCH_PARAMS, 'indices:data/read/search', (req, app) => search(s, req, app)),
    read('search', 'POST', '/_search', SEARCH_PARAMS, 'indices:data/read/search', (req, app) => search(s, req, app)),
    read('count', 'GET', '/_count', OPTIONS, 'indices:data/read/search', (req, app) => count(s, req, app)),
    read('count', 'POST', '/_count', OPTIONS, 'indices:data/read/search', (req, app) => count(s, req, app)),
    read('get', 'GET', '/_doc/:id', { _source: 'boolean', realtime: 'boolean', refresh: 'boolean', preference: 'string', routing: 'string' }, 'indices:data/read/get', (req, app) => getDoc(s, req, app, false)),
    read('exists', 'HEAD', '/_doc/:id', { realtime: 'boolean', refresh: 'boolean', preference: 'string', routing: 'string' }, 'indices:data/read/get', (req, app) => getDoc(s, req, app, true)),
  ];
}

export const systemIndexReadEndpoints: Endpoint[] = SYSTEM_INDICES.flatMap(endpoints);
