/**
 * Hostile values for the fuzz test: strings, numbers, JSON values, deep nesting, index names and
 * patterns, path segments, `filter_path`s and query strings. Pure functions of the Rng.
 */
import type { Rng } from './prng.js';

/** Indices seeded before the run (docs in the first three). Index deletes never target them. */
export const SEEDED = ['search-a', 'private-b', 'search-big'] as const;
/** Connectors created before the run. */
export const CONNECTORS = ['fz-conn-1', 'fz-conn-2'] as const;
export const FIELDS = ['title', 'body', 'tags', 'n', 'date', 'meta.owner', 'meta.deep.x', '*', '_id', '_source', '_index', 'missing', '', 'a'.repeat(300), 'title.keyword', '..', 'a..b'];

/** encodeURIComponent that survives lone surrogates (sliced emoji, `\ud800`): they become U+FFFD. */
export function enc(s: string): string {
  return encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

export function hostileString(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => rng.word()],
    [2, () => ''],
    [1, () => ' '],
    [2, () => 'x'.repeat(rng.size(200_000))],
    [1, () => '\u0000'],
    [1, () => '\ud800'],
    [1, () => '💥'.repeat(rng.size(2000))],
    [1, () => '\u202e\u0301\ufeff'],
    [1, () => '../../../../etc/passwd'],
    [1, () => '<script>alert(1)</script>'],
    [1, () => '${jndi:ldap://127.0.0.1/x}'],
    [1, () => '%s%s%n%x'],
    [1, () => '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b'],
    [1, () => '1e400'],
    [1, () => 'null'],
    [1, () => 'now-1d/d||+1M'],
    [1, () => '0 0 0 ? * * *'],
  ])();
}

export function hostileNumber(rng: Rng): number {
  return rng.pick([0, 1, -1, 10, 10_000, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53 + 1, 1e20, -1e20, 1e308, -1e308, 0.5, -0.0, 5e-324, 123456789.123]);
}

/** Bounds the size of one generated value (nodes, string bytes), whatever the depth. */
export interface Budget { nodes: number; bytes: number }
const budget = (): Budget => ({ nodes: 2000, bytes: 3_000_000 });

function boundedString(rng: Rng, b: Budget): string {
  const s = hostileString(rng);
  b.bytes -= s.length;
  return b.bytes < 0 ? rng.word() : s;
}

/** A random JSON value, at most `depth` deep and within the budget. */
export function jsonValue(rng: Rng, depth = 4, b: Budget = budget()): unknown {
  b.nodes--;
  const nest = depth > 0 && b.nodes > 0;
  return rng.weighted<() => unknown>([
    [2, () => null],
    [2, () => rng.chance(0.5)],
    [3, () => hostileNumber(rng)],
    [5, () => boundedString(rng, b)],
    [nest ? 2 : 0, () => Array.from({ length: Math.min(rng.size(50), Math.max(1, b.nodes)) }, () => jsonValue(rng, depth - 1, b))],
    [nest ? 3 : 0, () => jsonObject(rng, depth - 1, [], b)],
  ])();
}

export function jsonObject(rng: Rng, depth = 3, keys: readonly string[] = [], b: Budget = budget()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = rng.size(keys.length ? 12 : 30); i > 0 && b.nodes > 0; i--) {
    const key = keys.length && rng.chance(0.8) ? rng.pick(keys) : rng.weighted<() => string>([[6, () => rng.word()], [1, () => rng.pick(FIELDS)], [1, () => hostileString(rng).slice(0, 2000)]])();
    out[key] = jsonValue(rng, depth, b);
  }
  return out;
}

/** A JSON text nested `depth` levels (built as text: no recursion here). */
export function deepJson(rng: Rng, depth: number): string {
  return rng.chance(0.5) ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
}

/** A body that is not what any endpoint wants: broken, deep, huge or of the wrong type. */
export function garbageBody(rng: Rng, tags: string[]): string {
  return rng.weighted<() => string>([
    [2, () => (tags.push('garbage:deep'), deepJson(rng, rng.pick([100, 1000, 5000, 20_000])))],
    [2, () => (tags.push('garbage:broken'), rng.pick(['{', '{"a":', '{"a" 1}', '[1,2', '\u0000', '{"a":1}{"b":2}', 'undefined', '{"a":1,}', '\ufeff{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}']))],
    [1, () => (tags.push('garbage:scalar'), rng.pick(['null', '1', '"x"', 'true', '[]', '1e400', '-0', '99999999999999999999999999']))],
    [1, () => (tags.push('garbage:huge'), JSON.stringify({ a: Array.from({ length: rng.size(60_000) }, (_, i) => ({ k: i, v: 'y'.repeat(20) })) }))],
    [1, () => (tags.push('garbage:many-keys'), '{' + Array.from({ length: rng.size(50_000) }, (_, i) => `"k${i}":${i}`).join(',') + '}')],
    [1, () => (tags.push('garbage:dup-keys'), '{' + Array.from({ length: rng.size(1000) }, () => '"a":1').join(',') + '}')],
  ])();
}

/** An index name or pattern for a path or a bulk `_index`; `scratch` keeps clear of SEEDED. */
export function indexName(rng: Rng, tags: string[], scratch = false): string {
  if (scratch) {
    return rng.weighted<() => string>([
      [5, () => `search-fz-${rng.word(6)}`],
      [1, () => 'search-fz-*'],
      [1, () => `search-fz-${'*a'.repeat(rng.size(30))}*b`],
      [1, () => `search-fz-${rng.word()},search-fz-${rng.word()}`],
      [1, () => `search-fz-${hostileString(rng).slice(0, 300)}`],
    ])();
  }
  return rng.weighted<() => string>([
    [6, () => rng.pick(SEEDED)],
    [3, () => `search-fz-${rng.word(6)}`],
    [1, () => 'private-b'],
    [1, () => '.elastic-connectors-v1'],
    [1, () => '.elastic-connectors-sync-jobs-v1'],
    [1, () => (tags.push('index:*'), rng.pick(['*', '_all', 'search-*', '*-b', '-search-a', 'search-*,-search-big', '*,-*']))],
    [2, () => (tags.push('index:backtracking'), `${'*a'.repeat(rng.size(40))}*b`)],
    [1, () => (tags.push('index:many'), Array.from({ length: rng.size(500) }, () => `search-${rng.word(4)}*`).join(','))],
    [1, () => rng.pick(['SEARCH-A', '_search', '.', '..', 'a b', 'a"b', 'a\\b', 'a/b', 'a#b', 'x'.repeat(300), '<search-{now/d}>', 'search-a\u0000', '💥'])],
  ])();
}

/** A path segment: an id, or something meant to break out of the route. Returned encoded. */
export function pathSegment(rng: Rng, tags: string[], ids: readonly string[]): string {
  return rng.weighted<() => string>([
    [6, () => enc(rng.pick(ids))],
    [3, () => enc(rng.word(20))],
    [1, () => (tags.push('path:dotdot'), rng.pick(['..', '.', '%2e%2e', '..%2f..%2f_security', '%2e%2e%2f%2e%2e%2f']))],
    [1, () => (tags.push('path:nul'), rng.pick(['%00', 'a%00b', '%00%00%00']))],
    [1, () => (tags.push('path:long'), 'i'.repeat(rng.pick([512, 4000, 12_000, 70_000])))],
    [1, () => (tags.push('path:unicode'), enc(rng.pick(['☃', 'Ω'.repeat(500), '\u202e', '💥', '\ufeff', 'e\u0301'])))],
    [1, () => (tags.push('path:bad-escape'), rng.pick(['%', '%zz', '%e2%82', '%c0%af', '%%32%65']))],
    [1, () => enc(hostileString(rng).slice(0, 1000))],
  ])();
}

/** A hostile `filter_path` value (comma-separated patterns). */
export function filterPath(rng: Rng, tags: string[]): string {
  return rng.weighted<() => string>([
    [2, () => (tags.push('filter_path:**'), Array.from({ length: rng.pick([3, 10, 20, 50]) }, () => '**').join('.') + '.' + rng.pick(['x', '_id', 'hits', '*']))],
    [2, () => (tags.push('filter_path:*a*b'), '*a'.repeat(rng.pick([10, 25, 60])) + '*b')],
    [1, () => (tags.push('filter_path:many'), Array.from({ length: rng.size(2000) }, () => `${rng.word(4)}.**.${rng.word(3)}*`).join(','))],
    [1, () => (tags.push('filter_path:mixed'), Array.from({ length: rng.size(20) }, () => rng.pick(['**', '*', '*a*a*a*a*b', 'hits', '-hits', '_source', '..', ''])).join(rng.pick(['.', ','])))],
    [2, () => rng.pick(['hits.hits._id', 'took', '-took', 'hits.total', 'results.*', '**._source.*', 'error.*'])],
  ])();
}

export function paramValue(rng: Rng): string {
  return rng.weighted<() => string>([
    [3, () => rng.pick(['true', 'false', '', '0', '1', '-1', '10', '10000', '1e20', '-1e20', '99999999999999999999999', '2147483648', 'NaN', 'Infinity', '1.5', 'abc'])],
    [2, () => rng.pick(['10s', '-1', '0ms', '999999999d', '1nanos', 'now', '5m', '-5m'])],
    [1, () => rng.pick(['*', '_all', '*a*a*a*a*a*a*a*a*a*b', 'search-a', 'open,closed,hidden', 'all'])],
    [1, () => hostileString(rng).slice(0, 5000)],
  ])();
}

/** A lucene query string: many prefix terms, or broken syntax. */
export function luceneQuery(rng: Rng, tags: string[]): string {
  return rng.weighted<() => string>([
    [2, () => (tags.push('query_string:prefixes'), Array.from({ length: rng.pick([5, 52, 200, 1000]) }, () => `${rng.word(2)}*`).join(' '))],
    [2, () => Array.from({ length: rng.size(10) }, () => rng.word(6)).join(rng.pick([' ', ' AND ', ' OR ', ' NOT ']))],
    [1, () => (tags.push('query_string:terms'), Array.from({ length: rng.pick([100, 1025, 5000]) }, () => rng.word(5)).join(' OR '))],
    [2, () => rng.pick(['((((((a', 'a:b:c', '"unterminated', 'NOT NOT NOT', '~~~', '/[a-z]+/', 'n:[1 TO *]', 'date:>now-1d', '*', '?', 'title:*a*a*a*a*a*a*b', '\\', 'a^1e400', 'a~100', '"a b"~99999999', '_exists_:title', '(((' .repeat(500)])],
  ])();
}

/** A query string: the endpoint's own parameters, global ones, unknown ones. */
export function queryString(rng: Rng, tags: string[], declared: readonly string[]): string {
  const pairs: [string, string][] = [];
  for (let i = rng.chance(0.4) ? rng.size(4) : 0; i > 0 && declared.length; i--) {
    const name = rng.pick(declared);
    pairs.push([name, name === 'q' ? luceneQuery(rng, tags) : name === 'track_total_hits' ? (tags.push('track_total_hits'), rng.pick(['1e20', '-1', '-5', '2147483648', 'true', 'abc'])) : paramValue(rng)]);
  }
  if (rng.chance(0.35)) pairs.push(['filter_path', filterPath(rng, tags)]);
  if (rng.chance(0.1)) pairs.push([rng.pick(['pretty', 'human', 'error_trace']), paramValue(rng)]);
  if (rng.chance(0.1)) (tags.push('param:unknown'), pairs.push([rng.pick([rng.word(), '__proto__', 'constructor', '', 'a'.repeat(3000)]), paramValue(rng)]));
  if (rng.chance(0.05)) (tags.push('param:repeated'), pairs.push(...Array.from({ length: rng.size(500) }, (): [string, string] => ['size', String(rng.int(-5, 100))])));
  if (!pairs.length) return '';
  return '?' + pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}
