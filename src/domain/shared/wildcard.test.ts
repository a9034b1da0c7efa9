import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileWildcard, hasWildcard, WildcardCache, wildcardMatch } from './wildcard.js';

/** Reference: the textbook dynamic program over (pattern prefix, text prefix); obviously right, O(n·m). */
function reference(pattern: string, text: string, questionMark: boolean): boolean {
  const m = pattern.length;
  const n = text.length;
  let prev = new Array<boolean>(n + 1).fill(false);
  prev[0] = true;
  for (let i = 1; i <= m; i++) {
    const p = pattern[i - 1];
    const cur = new Array<boolean>(n + 1).fill(false);
    if (p === '*') cur[0] = prev[0]!;
    for (let j = 1; j <= n; j++) {
      if (p === '*') cur[j] = prev[j]! || cur[j - 1]!;
      else cur[j] = prev[j - 1]! && (p === text[j - 1] || (questionMark && p === '?'));
    }
    prev = cur;
  }
  return prev[n]!;
}

/** Small deterministic PRNG so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

function randomString(r: () => number, alphabet: string, max: number): string {
  const len = Math.floor(r() * (max + 1));
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

describe('compileWildcard', () => {
  it('agrees with the reference on random patterns and texts (with and without ?)', () => {
    const r = rng(42);
    let matched = 0;
    for (let i = 0; i < 20000; i++) {
      const questionMark = i % 2 === 0;
      const pattern = randomString(r, 'ab*?', 8);
      const text = randomString(r, i % 3 === 0 ? 'ab?*' : 'ab', 12);
      const want = reference(pattern, text, questionMark);
      assert.equal(compileWildcard(pattern, { questionMark })(text), want, `${JSON.stringify(pattern)} vs ${JSON.stringify(text)} (? ${questionMark})`);
      if (want) matched++;
    }
    assert.ok(matched > 2000, `the sample exercises matches too (${matched})`);
  });

  it('agrees with the reference for long pieces with ? (several Shift-And words)', () => {
    const r = rng(7);
    for (let i = 0; i < 500; i++) {
      const base = randomString(r, 'ab', 120);
      const pattern = '*' + base.slice(10, 90).replace(/a/g, (c) => (r() < 0.2 ? '?' : c)) + '*';
      const text = r() < 0.5 ? base : randomString(r, 'ab', 120);
      assert.equal(compileWildcard(pattern, { questionMark: true })(text), reference(pattern, text, true));
    }
  });

  it('Regex.simpleMatch cases', () => {
    assert.equal(wildcardMatch('*', ''), true);
    assert.equal(wildcardMatch('**', 'anything'), true);
    assert.equal(wildcardMatch('search-*', 'search-a'), true);
    assert.equal(wildcardMatch('search-*', 'search-'), true);
    assert.equal(wildcardMatch('search-*', 'searc'), false);
    assert.equal(wildcardMatch('*-logs', 'app-logs'), true);
    assert.equal(wildcardMatch('a*b*c', 'abc'), true);
    assert.equal(wildcardMatch('a*b*c', 'acb'), false);
    assert.equal(wildcardMatch('aa*aa', 'aaa'), false, 'head and tail may not overlap');
    assert.equal(wildcardMatch('exact', 'exact'), true);
    assert.equal(wildcardMatch('exact', 'exactly'), false);
    assert.equal(wildcardMatch('a?c', 'abc'), false, '? is a literal by default');
    assert.equal(wildcardMatch('a?c', 'a?c'), true);
    assert.equal(wildcardMatch('a?c', 'abc', { questionMark: true }), true);
    assert.equal(wildcardMatch('.*', 'abc'), false, 'regex syntax is literal');
    assert.equal(wildcardMatch('a.c', 'abc'), false);
  });

  it('case-insensitive on request', () => {
    assert.equal(wildcardMatch('Search-*', 'SEARCH-x'), false);
    assert.equal(wildcardMatch('Search-*', 'SEARCH-x', { caseInsensitive: true }), true);
  });

  it('adversarial patterns complete in milliseconds', () => {
    const text = 'a'.repeat(100_000);
    const started = performance.now();
    assert.equal(wildcardMatch('*a'.repeat(500) + '*b', text), false);
    assert.equal(wildcardMatch('*' + 'a'.repeat(2000) + 'b*', text), false);
    assert.equal(wildcardMatch('*' + 'a?'.repeat(1000) + 'b*', text, { questionMark: true }), false);
    assert.equal(wildcardMatch('*a*a*a*a*a*a*a*a*a*a*a*a*', text), true);
    const took = performance.now() - started;
    // The regexes these replaced did not finish in minutes; linear matching takes a few ms.
    assert.ok(took < 1000, `took ${took} ms`);
  });

  it('hasWildcard', () => {
    assert.equal(hasWildcard('a*'), true);
    assert.equal(hasWildcard('a?'), false);
    assert.equal(hasWildcard('a?', { questionMark: true }), true);
  });
});

describe('WildcardCache', () => {
  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new WildcardCache({}, 3);
    const a = cache.get('a*');
    cache.get('b*');
    cache.get('c*');
    assert.equal(cache.get('a*'), a, 'a hit returns the compiled matcher');
    cache.get('d*'); // evicts b*, the least recently used
    assert.equal(cache.size, 3);
    assert.equal(cache.get('a*'), a);
    for (let i = 0; i < 10_000; i++) cache.matches(`p${i}*`, 'p1');
    assert.equal(cache.size, 3);
    assert.equal(cache.matches('x*', 'xy'), true);
  });
});
