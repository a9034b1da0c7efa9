/**
 * Request bodies for the fuzz test, by kind of endpoint: searches (deep `bool`, many clauses,
 * `query_string` with many prefixes, size/from/track_total_hits extremes, bad types), `_bulk`
 * NDJSON (`_index` overrides, deep nesting, bad lines), documents, mappings, connectors, sync
 * jobs, secrets and API keys.
 */
import type { Rng } from './prng.js';
import { CONNECTORS, deepJson, FIELDS, hostileNumber, hostileString, indexName, jsonObject, jsonValue, luceneQuery } from './values.js';

const field = (rng: Rng) => rng.pick(FIELDS);

/** A query tree; `budget.clauses` bounds its size. */
export function query(rng: Rng, tags: string[], depth: number, budget = { clauses: 400 }): unknown {
  budget.clauses--;
  const leaf = depth <= 0 || budget.clauses <= 0;
  return rng.weighted<() => unknown>([
    [leaf ? 0 : 4, () => {
      const bool: Record<string, unknown> = {};
      for (const occur of ['must', 'should', 'filter', 'must_not']) {
        if (!rng.chance(0.5)) continue;
        const n = rng.size(rng.chance(0.2) ? 300 : 8);
        if (n > 60) tags.push('bool:many-clauses');
        bool[occur] = Array.from({ length: n }, () => query(rng, tags, depth - 1, budget));
      }
      if (rng.chance(0.2)) bool.minimum_should_match = rng.pick([1, -1, '75%', '-200%', 1e9, 'x']);
      return { bool };
    }],
    [leaf ? 0 : 1, () => ({ constant_score: { filter: query(rng, tags, depth - 1, budget), boost: hostileNumber(rng) } })],
    [leaf ? 0 : 1, () => ({ dis_max: { queries: Array.from({ length: rng.size(20) }, () => query(rng, tags, depth - 1, budget)) } })],
    [leaf ? 0 : 1, () => ({ boosting: { positive: query(rng, tags, depth - 1, budget), negative: query(rng, tags, depth - 1, budget), negative_boost: hostileNumber(rng) } })],
    [3, () => ({ match: { [field(rng)]: rng.chance(0.7) ? rng.word() : { query: hostileString(rng).slice(0, 10_000), operator: rng.pick(['and', 'or', 'xor']), fuzziness: rng.pick(['AUTO', 2, 99, 'x']) } } })],
    [1, () => ({ match_phrase: { [field(rng)]: Array.from({ length: rng.size(200) }, () => rng.word(4)).join(' ') } })],
    [1, () => ({ match_phrase_prefix: { [field(rng)]: rng.word(3) } })],
    [2, () => ({ term: { [field(rng)]: jsonValue(rng, 1) } })],
    [1, () => ({ terms: { [field(rng)]: Array.from({ length: rng.size(70_000) }, () => rng.word(5)) } })],
    [2, () => ({ range: { [field(rng)]: { [rng.pick(['gte', 'gt', 'lte', 'lt', 'from'])]: rng.pick([hostileNumber(rng), 'now-1d/d', 'now+1000000y', '2026-13-45', 'abc', null]), format: rng.pick([undefined, 'yyyy', '%%%']) } } })],
    [2, () => (tags.push('wildcard'), { [rng.pick(['prefix', 'wildcard', 'regexp'])]: { [field(rng)]: rng.pick(['a', '*a*a*a*a*a*a*a*a*a*a*a*b', '?'.repeat(100), '(a+)+b', '.*.*.*.*x', rng.word(2)]) } })],
    [3, () => (tags.push('query_string'), { [rng.pick(['query_string', 'simple_query_string'])]: { query: luceneQuery(rng, tags), ...(rng.chance(0.3) ? { fields: rng.pick([['*'], ['title^3', 'body'], [''], ['*a*a*a*b']]) } : {}), ...(rng.chance(0.2) ? { default_field: field(rng) } : {}) } })],
    [1, () => ({ multi_match: { query: rng.word(), fields: rng.pick([['*'], ['title', 'body^2'], []]), type: rng.pick(['best_fields', 'phrase', 'bogus']) } })],
    [1, () => ({ exists: { field: field(rng) } })],
    [1, () => ({ ids: { values: Array.from({ length: rng.size(50_000) }, (_, i) => String(i)) } })],
    [1, () => rng.pick([{ match_all: {} }, { match_none: {} }, { match_all: { boost: 1e308 } }])],
    [1, () => (tags.push('query:bad-type'), rng.pick(['string', [], 1, null, { match: 1 }, { bool: { must: 'x' } }, { nested: { path: 'a', query: {} } }, { script: { script: 'x' } }, { function_score: {} }, { unknown_query: {} }, { match: {}, term: {} }]))],
  ])();
}

export function searchBody(rng: Rng, tags: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (rng.chance(0.85)) {
    const depth = rng.chance(0.15) ? (tags.push('bool:deep'), rng.pick([20, 40, 100])) : rng.int(0, 4);
    body.query = depth > 10 ? deepBool(rng, depth) : query(rng, tags, depth);
  }
  if (rng.chance(0.4)) body.size = rng.pick([0, 10, 100, 10_000, 10_001, 1e9, -1, '10', 1.5, 2 ** 53, null]);
  if (rng.chance(0.3)) body.from = rng.pick([0, 10, 9_990, 10_000, 1e9, -1, '5', 2 ** 31]);
  if (rng.chance(0.3)) (tags.push('track_total_hits'), (body.track_total_hits = rng.pick([true, false, 0, 1, 10_000, 1e20, -1, -2, 2 ** 31, 'abc', 1.5, null])));
  if (rng.chance(0.3)) body.highlight = { fields: rng.pick([{ '*': {} }, { title: {}, body: { number_of_fragments: 1e9 } }, { [field(rng)]: { fragment_size: -1 } }]), ...(rng.chance(0.3) ? { pre_tags: [hostileString(rng).slice(0, 1000)] } : {}) };
  if (rng.chance(0.2)) body.sort = Array.from({ length: rng.size(20) }, () => rng.pick([field(rng), '_score', { [field(rng)]: rng.pick(['asc', 'desc', 'sideways', { order: 'desc', missing: '_first' }]) }]));
  if (rng.chance(0.2)) body._source = rng.pick([false, true, ['title', '*'], { includes: ['*a*a*a*a*a*a*b'], excludes: ['**'] }, 'meta.*', 1]);
  if (rng.chance(0.15)) body.timeout = rng.pick(['1ms', '0s', '-1', '10s', 'abc', '999999999d']);
  if (rng.chance(0.1)) body.aggs = { a: { terms: { field: field(rng), size: rng.pick([10, 1e9]) } } };
  if (rng.chance(0.1)) body.search_after = [jsonValue(rng, 1)];
  if (rng.chance(0.1)) body.post_filter = query(rng, tags, 2);
  if (rng.chance(0.1)) body.min_score = hostileNumber(rng);
  if (rng.chance(0.05)) body[rng.word()] = jsonValue(rng, 2);
  return body;
}

function deepBool(rng: Rng, depth: number): unknown {
  let q: unknown = { match: { title: rng.word(3) } };
  for (let i = 0; i < depth; i++) q = { bool: { [rng.pick(['must', 'should', 'filter', 'must_not'])]: [q, { term: { tags: rng.word(3) } }] } };
  return q;
}

/** A document source: fields, nesting, many fields, sometimes huge or deep. */
export function docBody(rng: Rng, tags: string[]): string {
  return rng.weighted<() => string>([
    [6, () => JSON.stringify({ title: rng.word(), body: Array.from({ length: rng.size(50) }, () => rng.word()).join(' '), n: hostileNumber(rng), ...jsonObject(rng, 2) })],
    [1, () => (tags.push('doc:many-fields'), JSON.stringify(Object.fromEntries(Array.from({ length: rng.pick([500, 1001, 1500, 5000]) }, (_, i) => [`f${i}_${rng.word(3)}`, i]))))],
    [1, () => {
      tags.push('doc:deep');
      const d = rng.pick([25, 200, 5000]);
      return `{"title":"deep","nest":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`;
    }],
    [1, () => (tags.push('doc:deep'), deepJson(rng, rng.pick([30, 1000, 20_000])))],
    [1, () => (tags.push('doc:huge-string'), JSON.stringify({ title: 'big', body: 'z'.repeat(rng.pick([100_000, 100_000, 2_000_000])) }))],
    [1, () => JSON.stringify({ title: jsonValue(rng), date: rng.pick(['2026-01-01', 'now', 'not-a-date', 1e20, -1]), meta: { owner: jsonValue(rng) }, _id: 'x', _source: {} })],
  ])();
}

/** `_bulk` NDJSON: actions whose `_index` overrides the path's, bad lines, deep sources. */
export function bulkBody(rng: Rng, tags: string[]): string {
  const lines: string[] = [];
  const n = rng.size(rng.chance(0.1) ? 3000 : 40);
  let bytes = 0;
  for (let i = 0; i < n && bytes < 4_000_000; i++, bytes += lines.at(-1)?.length ?? 0) {
    const op = rng.pick(['index', 'create', 'update', 'delete'] as const);
    const meta: Record<string, unknown> = {};
    if (rng.chance(0.6)) (tags.push('bulk:_index'), (meta._index = indexName(rng, tags)));
    if (rng.chance(0.7)) meta._id = rng.chance(0.8) ? String(rng.int(0, 300)) : hostileString(rng).slice(0, 2000);
    if (rng.chance(0.05)) meta[rng.pick(['if_seq_no', 'if_primary_term', 'routing', 'pipeline', 'version'])] = jsonValue(rng, 0);
    lines.push(rng.chance(0.05) ? (tags.push('bulk:bad-action'), rng.pick(['{', '{"bogus":{}}', '{"index":1}', '[]', '{"index":{},"create":{}}', ''])) : JSON.stringify({ [op]: meta }));
    if (op === 'delete') continue;
    if (rng.chance(0.05)) continue; // a missing source line
    if (rng.chance(0.05)) (tags.push('bulk:deep'), lines.push(deepJson(rng, rng.pick([30, 1000, 20_000]))));
    else if (rng.chance(0.05)) (tags.push('bulk:bad-source'), lines.push(rng.pick(['{', 'null', '1', '"x"', '{"a":1}{"b":2}', '\u0000'])));
    else if (op === 'update') lines.push(JSON.stringify(rng.pick([{ doc: jsonObject(rng, 2) }, { doc: {}, doc_as_upsert: true }, { upsert: jsonObject(rng, 1) }, { script: 'ctx._source.x = 1' }, { doc: 1 }])));
    else lines.push(docBody(rng, tags));
  }
  return lines.join('\n') + (rng.chance(0.9) ? '\n' : '');
}

export function mappingBody(rng: Rng): Record<string, unknown> {
  const types = ['text', 'keyword', 'long', 'integer', 'double', 'date', 'boolean', 'object', 'nested', 'geo_point', 'bogus', 1];
  const properties = Object.fromEntries(
    Array.from({ length: rng.size(rng.chance(0.1) ? 3000 : 20) }, () => [rng.chance(0.9) ? rng.word() : rng.pick(FIELDS), rng.chance(0.9) ? { type: rng.pick(types), ...(rng.chance(0.2) ? { properties: { x: { type: rng.pick(types) } } } : {}) } : jsonValue(rng, 2)]),
  );
  return rng.chance(0.9) ? { properties, ...(rng.chance(0.1) ? { dynamic: jsonValue(rng, 0) } : {}) } : jsonObject(rng, 3);
}

export function connectorBody(rng: Rng): Record<string, unknown> {
  const keys = ['name', 'index_name', 'service_type', 'description', 'is_native', 'language', 'configuration', 'filtering', 'scheduling', 'pipeline', 'api_key_id', 'api_key_secret_id', 'status', 'error', 'features', 'last_sync_error', 'last_access_control_sync_status', 'values', 'rules', 'advanced_snippet', 'validation', 'connector_id', 'last_seen', 'sync_cursor'];
  const body = jsonObject(rng, 3, keys);
  if (rng.chance(0.3)) body.index_name = indexName(rng, []);
  if (rng.chance(0.3)) body.service_type = rng.pick(['directory', 'postgresql', 'mysql', 'bogus', '']);
  if (rng.chance(0.2)) body.scheduling = { full: { enabled: true, interval: rng.pick(['0 0 * * * ?', '* * * * * ?', '0 0 0 31 2 ? 2099', '0/0 * * * * ?', 'x', '0 0 0 ? * MON#9']) } };
  if (rng.chance(0.2)) body.configuration = Object.fromEntries(Array.from({ length: rng.size(200) }, () => [rng.word(), rng.chance(0.5) ? { value: jsonValue(rng, 1), sensitive: rng.chance(0.5), type: rng.pick(['str', 'int', 'list', 'bool', 'x']) } : jsonValue(rng, 2)]));
  if (rng.chance(0.2)) body.values = { path: rng.pick(['/', '/etc', '../../', hostileString(rng).slice(0, 500)]) };
  return body;
}

export function syncJobBody(rng: Rng): Record<string, unknown> {
  const keys = ['id', 'job_type', 'trigger_method', 'worker_hostname', 'sync_cursor', 'error', 'deleted_document_count', 'indexed_document_count', 'indexed_document_volume', 'total_document_count', 'last_seen', 'metadata'];
  const body = jsonObject(rng, 3, keys);
  if (rng.chance(0.5)) body.id = rng.pick([...CONNECTORS, rng.word()]);
  if (rng.chance(0.4)) body.job_type = rng.pick(['full', 'incremental', 'access_control', 'bogus']);
  if (rng.chance(0.3)) for (const k of ['deleted_document_count', 'indexed_document_count', 'indexed_document_volume']) body[k] = hostileNumber(rng);
  if (rng.chance(0.1)) body.metadata = JSON.parse(deepJson(rng, 50));
  return body;
}

export function apiKeyBody(rng: Rng, tags: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = { name: rng.chance(0.8) ? `fz-${rng.word()}` : hostileString(rng).slice(0, 3000) };
  if (rng.chance(0.5)) body.expiration = rng.pick(['1d', '-1d', '999999999d', '0s', 'abc', 1e20, null]);
  if (rng.chance(0.6)) {
    tags.push('api_key:role_descriptors');
    body.role_descriptors = Object.fromEntries(Array.from({ length: rng.size(20) }, () => [rng.word(), {
      cluster: Array.from({ length: rng.size(5) }, () => rng.pick(['all', 'manage_connector', 'monitor', 'bogus', '*'])),
      indices: Array.from({ length: rng.size(20) }, () => ({
        names: Array.from({ length: rng.size(100) }, () => rng.pick(['search-*', '*', 'private-b', `${'*a'.repeat(rng.size(40))}*b`, rng.word()])),
        privileges: Array.from({ length: rng.size(4) }, () => rng.pick(['read', 'write', 'all', 'bogus', 'index'])),
      })),
    }]));
  }
  if (rng.chance(0.2)) body.metadata = jsonObject(rng, 3);
  return body;
}

export function invalidateBody(rng: Rng): Record<string, unknown> {
  return rng.pick([
    { ids: Array.from({ length: rng.size(2000) }, () => rng.word(20)) },
    { name: `fz-${'*a'.repeat(rng.size(40))}*b` },
    { name: `fz-${rng.word()}*` },
    { owner: true, name: 'fz-*' },
    { username: rng.word(), realm_name: rng.word() },
    {},
    { ids: 'x' },
  ]);
}

const TEXT_FIELDS = ['title', 'body', 'tags'];

/** A valid query (so the search runs), costly in one way or another. */
export function validQuery(rng: Rng, tags: string[], depth = 2): unknown {
  const f = () => rng.pick(TEXT_FIELDS);
  return rng.weighted<() => unknown>([
    [3, () => ({ match: { [f()]: Array.from({ length: rng.size(20) }, () => rng.word(3)).join(' ') } })],
    [3, () => (tags.push('query_string:prefixes'), { query_string: { query: Array.from({ length: rng.pick([5, 20, 52, 200]) }, () => `${rng.word(2)}*`).join(' '), ...(rng.chance(0.5) ? { fields: ['*'] } : {}) } })],
    [2, () => (tags.push('wildcard'), { [rng.pick(['prefix', 'wildcard'])]: { [f()]: rng.pick(['a', 'b*', '*a*a*a*a*a*a*a*a*b', '*e*', rng.word(1)]) } })],
    [2, () => ({ range: { n: { gte: rng.int(-10, 2000), lte: rng.int(0, 5000) } } })],
    [1, () => ({ range: { date: { gte: rng.pick(['now-1y', '2026-01-01', '2026-02-01||-1M/d']) } } })],
    [1, () => ({ terms: { tags: Array.from({ length: rng.size(3000) }, () => rng.word(4)) } })],
    [1, () => ({ match_all: {} })],
    [1, () => ({ exists: { field: rng.pick(['title', 'meta.owner', 'missing']) } })],
    [depth > 0 ? 4 : 0, () => {
      const n = rng.size(rng.chance(0.3) ? 120 : 10);
      if (n > 60) tags.push('bool:many-clauses');
      return { bool: { [rng.pick(['must', 'should', 'filter', 'must_not'])]: Array.from({ length: n }, () => validQuery(rng, tags, depth - 1)), ...(rng.chance(0.5) ? { should: [validQuery(rng, tags, 0)] } : {}) } };
    }],
  ])();
}

/** A search that gets past validation: valid query, extreme but legal sizes, highlight, sort. */
export function plausibleSearch(rng: Rng, tags: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = { query: rng.chance(0.1) ? (tags.push('bool:deep'), deepBool(rng, rng.pick([20, 40, 70]))) : validQuery(rng, tags) };
  if (rng.chance(0.5)) body.size = rng.pick([10, 100, 1000, 10_000]);
  if (rng.chance(0.2)) body.from = rng.pick([0, 100, 5000]);
  if (rng.chance(0.2)) (tags.push('track_total_hits'), (body.track_total_hits = rng.pick([true, false, 100, 1e20, -1, 2 ** 31])));
  if (rng.chance(0.3)) (tags.push('highlight'), (body.highlight = { fields: rng.pick([{ '*': {} }, { body: {} }, { title: {}, body: {} }]) }));
  if (rng.chance(0.2)) body.sort = [rng.pick([{ n: 'desc' }, { date: 'asc' }, '_score', { 'title.keyword': 'asc' }])];
  if (rng.chance(0.1)) body.timeout = rng.pick(['1ms', '100ms', '10s']);
  return body;
}
