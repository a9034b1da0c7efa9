/**
 * The directory source's globs match in linear time (a connector manager's glob must not stall
 * the event loop: picomatch's regexes took 21 s for one 60-character name), with the glob
 * semantics the docs promise, and are bounded in number and length.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDirectorySettings } from './config.js';
import { expand, GLOB_LIMITS, globMatcher, globProblem } from './glob-match.js';
import { fileFilter, validateGlobRules } from './globs.js';

const cases: [string, string, boolean][] = [
  ['*.md', 'a/b/c.md', true],
  ['*.md', 'c.md', true],
  ['*.md', 'c.mdx', false],
  ['*.md', '.hidden.md', true],
  ['docs/**', 'docs/a/b.txt', true],
  ['docs/**', 'docs', true],
  ['docs/**', 'other/docs/a.txt', false],
  ['**/.git/**', '.git/config', true],
  ['**/.git/**', 'a/b/.git/objects/x', true],
  ['**/node_modules/**', 'node_modules/p/i.js', true],
  ['a/*/c.txt', 'a/b/c.txt', true],
  ['a/*/c.txt', 'a/b/x/c.txt', false],
  ['a/**/c.txt', 'a/c.txt', true],
  ['a/**/c.txt', 'a/b/x/c.txt', true],
  ['file-?.txt', 'file-1.txt', true],
  ['file-?.txt', 'file-10.txt', false],
  ['[ab]*.txt', 'b1.txt', true],
  ['[!ab]*.txt', 'b1.txt', false],
  ['[a-c]x', 'cx', true],
  ['[a-c]x', 'dx', false],
  ['*.{md,txt}', 'x/readme.txt', true],
  ['*.{md,txt}', 'x/readme.pdf', false],
  ['{docs,guides}/**/*.md', 'guides/a/b.md', true],
  ['\\*.md', '*.md', true],
  ['\\*.md', 'a.md', false],
  ['*a*b', 'xaybzb', true],
  ['*a*b', 'xaybz', false],
  ['*', 'a/b/c', true],
  ['é*', 'dir/été.txt', true],
];

test('glob semantics', () => {
  for (const [glob, path, want] of cases) assert.equal(globMatcher([glob])(path), want, `${glob} ~ ${path}`);
  assert.deepEqual(expand('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
  assert.deepEqual(expand('{a}'), ['{a}']);
  const f = fileFilter([{ include: [], exclude: ['node_modules/**', '**/.git/**', 'build/out/**'] }]);
  assert.equal(f.pruned('node_modules'), true);
  assert.equal(f.pruned('a/node_modules'), false);
  assert.equal(f.pruned('a/.git'), true);
  assert.equal(f.pruned('build/out'), true);
  assert.equal(f.pruned('x/build/out'), false);
});

test('hostile globs match in linear time, on the event loop', () => {
  const name = 'a'.repeat(255);
  for (const glob of ['*a*a*a*a*a*a*a*a*a*a*a*a*b', '**/*a*a*a*a*a*a*a*a*b/**', '[a]*[a]*[a]*[a]*[a]*[a]*[a]*[a]*c']) {
    const m = globMatcher([glob]);
    const t = performance.now();
    for (let i = 0; i < 20; i++) assert.equal(m(`x/${name}/${name}`), false);
    const ms = performance.now() - t;
    assert.ok(ms < 500, `${glob}: ${ms.toFixed(0)} ms for 20 paths`);
  }
  // Through the configuration and the rules, as a connector manager would send them.
  const s = readDirectorySettings({ path: '/x', include: '*a*a*a*a*a*a*a*a*a*a*b' });
  const f = fileFilter([{ include: s.include, exclude: s.exclude }]);
  const t = performance.now();
  assert.equal(f.file(name), false);
  assert.ok(performance.now() - t < 100);
});

test('globs are bounded in number, length and alternatives; unsupported syntax is named', () => {
  const many = Array.from({ length: GLOB_LIMITS.perList + 1 }, (_, i) => `*.x${i}`);
  assert.throws(() => readDirectorySettings({ path: '/x', include: many.join(',') }), /\[include\] has 65 globs; at most 64/);
  assert.throws(() => readDirectorySettings({ path: '/x', exclude: 'a'.repeat(300) }), /\[exclude\]: glob \[a+…\] is 300 characters long; at most 256/);
  assert.match(globProblem('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}')!, /more than 64 alternatives/);
  assert.match(globProblem('!*.md')!, /negation/);
  assert.match(globProblem('@(a|b).md')!, /extglobs/);
  assert.match(globProblem('{a,b')!, /without "}"/);
  assert.deepEqual(readDirectorySettings({ path: '/x', include: '*.{md,txt}, docs/**' }).include, ['*.{md,txt}', 'docs/**']);
  const v = validateGlobRules({ include: many, exclude: ['*a*', '+(x).md'] });
  assert.deepEqual(v.messages, ['[include] has 65 globs; at most 64 are allowed', '[exclude][1] [+(x).md] extglobs such as @(a|b) are not supported: use {a,b}']);
});
