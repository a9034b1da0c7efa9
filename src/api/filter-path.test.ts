import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../domain/errors.js';
import { compileFilterPath, filterPath, FILTER_PATH_LIMITS } from './filter-path.js';

/**
 * Reference semantics, written for clarity and run on small inputs only: a key is kept when some
 * way of matching a path's segments against the keys leading to it exists (`**` = any number of
 * levels). Exponential in the number of `**`, which is why the server does not work this way.
 */
function seg(pattern: string, key: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(key);
}
function advance(paths: string[][], key: string): string[][] {
  const out: string[][] = [];
  const expand = (p: string[]): string[][] => (p[0] === '**' ? [p, ...expand(p.slice(1))] : [p]);
  for (const p of paths.flatMap(expand)) {
    if (p.length === 0) continue;
    if (p[0] === '**') out.push(p);
    else if (seg(p[0]!, key)) out.push(p.slice(1));
  }
  return out;
}
const accepts = (paths: string[][]) => paths.some((p) => p.every((s) => s === '**'));
function refInclude(v: unknown, paths: string[][]): unknown {
  if (accepts(paths)) return v;
  if (Array.isArray(v)) {
    const items = v.map((x) => refInclude(x, paths)).filter((x) => x !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const next = advance(paths, k);
    if (!next.length) continue;
    const sub = refInclude(x, next);
    if (sub !== undefined) out[k] = sub;
  }
  return Object.keys(out).length ? out : undefined;
}
function refExclude(v: unknown, paths: string[][]): unknown {
  if (Array.isArray(v)) return v.map((x) => refExclude(x, paths));
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const next = advance(paths, k);
    if (!next.length) out[k] = x;
    else if (!accepts(next)) out[k] = refExclude(x, next);
  }
  return out;
}
function reference(v: unknown, raw: string[]): unknown {
  const inc = raw.filter((p) => !p.startsWith('-')).map((p) => p.split('.'));
  const exc = raw.filter((p) => p.startsWith('-')).map((p) => p.slice(1).split('.'));
  let out = inc.length ? refInclude(v, inc) : v;
  if (exc.length) out = refExclude(out, exc);
  return out ?? {};
}

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

const KEYS = ['a', 'b', 'ab', 'ba', 'aa'];
function randomTree(r: () => number, depth: number): unknown {
  if (depth === 0 || r() < 0.25) return Math.floor(r() * 10);
  if (r() < 0.15) return [randomTree(r, depth - 1), randomTree(r, depth - 1)];
  const o: Record<string, unknown> = {};
  for (const k of KEYS) if (r() < 0.5) o[k] = randomTree(r, depth - 1);
  return o;
}
function randomPath(r: () => number): string {
  const SEGS = ['a', 'b', '*', '**', 'a*', '*a', '*b*', 'ab', 'x'];
  const n = 1 + Math.floor(r() * 4);
  const p = Array.from({ length: n }, () => SEGS[Math.floor(r() * SEGS.length)]).join('.');
  return r() < 0.3 ? '-' + p : p;
}

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('filter_path', () => {
  it('agrees with the reference on random trees and paths', () => {
    const r = rng(11);
    for (let i = 0; i < 3000; i++) {
      const tree = { root: randomTree(r, 5), a: randomTree(r, 4) };
      const paths = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomPath(r));
      assert.deepEqual(plain(filterPath(tree, paths)), plain(reference(tree, paths)), `paths ${paths.join(',')} on ${JSON.stringify(tree)}`);
    }
  });

  it('Elasticsearch examples', () => {
    const doc = { took: 1, hits: { total: { value: 2 }, hits: [{ _id: '1', _source: { title: 't', body: 'b' } }, { _id: '2', _source: { title: 'u' } }] } };
    assert.deepEqual(plain(filterPath(doc, ['hits.hits._id'])), { hits: { hits: [{ _id: '1' }, { _id: '2' }] } });
    assert.deepEqual(plain(filterPath(doc, ['**.title'])), { hits: { hits: [{ _source: { title: 't' } }, { _source: { title: 'u' } }] } });
    assert.deepEqual(plain(filterPath(doc, ['-hits.hits._source', '-took'])), { hits: { total: { value: 2 }, hits: [{ _id: '1' }, { _id: '2' }] } });
    assert.deepEqual(plain(filterPath(doc, ['hits.total', '-hits.total.value'])), { hits: { total: {} } });
    assert.deepEqual(plain(filterPath(doc, ['nothing'])), {});
    assert.deepEqual(plain(filterPath({ __proto__: 1, a: 2 } as never, ['*'])), plain({ a: 2 }), 'no prototype pollution');
    assert.deepEqual(plain(filterPath(JSON.parse('{"__proto__": {"x": 1}, "a": 2}'), ['__proto__.x'])), JSON.parse('{"__proto__": {"x": 1}}'));
  });

  it('hostile paths complete in milliseconds (ten ** segments, *a*a*a…*b)', () => {
    // A response of 2000 objects, each five levels deep, with long keys.
    const leaf = (i: number) => ({ ['a'.repeat(200) + i]: { aaaaaaaaaaaaaaaaaaaaaaaa: { c: { d: { e: i } } } } });
    const big = { results: Array.from({ length: 2000 }, (_, i) => leaf(i % 50)) };
    const started = performance.now();
    assert.deepEqual(plain(filterPath(big, [Array(10).fill('**').join('.') + '.x'])), {});
    assert.deepEqual(plain(filterPath(big, ['**.' + '*a'.repeat(100) + '*b', '**.' + '*a'.repeat(100) + '*b.**'])), {});
    assert.deepEqual(plain(filterPath(big, Array.from({ length: 100 }, (_, i) => `**.*a*.${'*'.repeat(i % 5 + 1)}.**.d.e`))).results.length, 2000);
    const took = performance.now() - started;
    assert.ok(took < 2000, `took ${took} ms`);
  });

  it('bounds: too many paths, segments or characters is a 400 illegal_argument_exception', () => {
    const fail = (paths: string[], reason: RegExp) => {
      assert.throws(() => compileFilterPath(paths), (e: unknown) => {
        assert.ok(e instanceof ApiError);
        assert.equal(e.status, 400);
        assert.equal(e.type, 'illegal_argument_exception');
        assert.match(e.reason, reason);
        return true;
      });
    };
    fail(Array.from({ length: FILTER_PATH_LIMITS.maxPaths + 1 }, (_, i) => `f${i}`), /filter_path has \[129\] paths; at most \[128\] are allowed/);
    fail([Array(FILTER_PATH_LIMITS.maxSegments + 1).fill('a').join('.')], /has \[33\] segments; at most \[32\] are allowed/);
    fail(['-' + 'x'.repeat(FILTER_PATH_LIMITS.maxLength + 1)], /longer than \[1024\] characters/);
    compileFilterPath(Array.from({ length: FILTER_PATH_LIMITS.maxPaths }, () => Array(FILTER_PATH_LIMITS.maxSegments).fill('**').join('.')));
  });

  it('bounds the matching work per response: many paths × many distinct keys is a 400, not a stall', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) wide[`k${i}${'x'.repeat(1000)}`] = { v: i };
    const paths = Array.from({ length: 128 }, (_, i) => `*${i}*.v`);
    const started = performance.now();
    assert.throws(() => filterPath(wide, paths), /filter_path is too costly for this response/);
    assert.ok(performance.now() - started < 5000);
    // The same paths over a response with few distinct keys are cheap: transitions are memoised.
    const repeated = { items: Array.from({ length: 50_000 }, (_, i) => ({ index: { _id: String(i), status: 201 } })) };
    assert.equal((filterPath(repeated, ['items.*.status', ...paths.slice(1)]) as { items: unknown[] }).items.length, 50_000);
  });
});
