/**
 * Globs run in linear time (issue 11 item 6) and still mean what picomatch says they mean.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import picomatch from 'picomatch';
import { fileFilter, MAX_GLOB_LENGTH, validateGlobRules } from './globs.js';

const GLOBS = [
  '*.md', 'docs/**', '**/.git/**', '**/node_modules/**', 'a/**/b/*.txt', '*a*b', '{a,b}/*.js', '[abc]?.txt', '**/**/x',
  '*', '**', 'a/*', 'a*', '?', 'x/**/y/**', '+(a|b)', '@(a|b).js', '*(a)', 'a/{b,c}/**/*.{md,txt}', '**/*', '.*',
  'src/**/[!_]*.ts', '\\*.md', 'a/b', 'a{1..3}', '[abc]', 'b/?/c', '**/*.{md,txt}', '.git', 'a/**', '*.tar.gz', '[a-c]*',
];
const PATHS = [
  'a', 'b', 'x', 'a.md', 'docs/a.md', 'docs/x/y.md', '.git/config', 'p/.git/HEAD', 'node_modules/x/y.js', 'a/b/c.txt',
  'a/x/y/b/c.txt', 'a/b', 'ab', 'aab', 'b/x.js', 'c/x.js', 'a.txt', 'ba.txt', 'x/y/x', 'x/q/y/z', 'aa', 'ab.js', 'a.js',
  'a/c/k/l.md', 'a/b/q.txt', '.env', 'src/x/_a.ts', 'src/x/b.ts', 'src/b.ts', '*.md', 'a1', 'a4', '[abc]', 'b/z/c',
  'b/zz/c', 'q/w.md', 'x.tar.gz', 'cab', 'dab', 'a/.hidden/b.txt', 'docs', 'a/b/c/d/e/f.md', '.dot/.x', 'a.b.c',
];

describe('directory globs', () => {
  it('match as picomatch does (names by basename, paths whole)', () => {
    for (const glob of GLOBS) {
      const ours = fileFilter([{ include: [glob], exclude: [] }]);
      const theirs = picomatch(glob, { dot: true, basename: !glob.includes('/') });
      for (const p of PATHS) assert.equal(ours.file(p), theirs(p), `${glob} on ${p}`);
    }
    const prune = fileFilter([{ include: [], exclude: ['docs/**', '**/.git/**', 'a/*/c/**'] }]);
    assert.deepEqual(['docs', 'x/.git', '.git', 'a/b/c', 'a/c', 'docs/x'].map((d) => prune.pruned(d)), [true, true, true, true, false, false]);
  });

  it('hostile globs answer in milliseconds', () => {
    const name = 'a'.repeat(250);
    const deep = Array(60).fill('a').join('/') + '/c';
    const started = performance.now();
    const f = fileFilter([{ include: ['*a*a*a*a*a*a*a*a*a*a*b', 'a/**/a/**/a/**/a/**/a/**/a/**/b', '+(a|aa)b', '*(*(a))b'], exclude: ['**/*a*a*a*a*a*a*a*a*c/**'] }]);
    assert.equal(f.file(name), false);
    assert.equal(f.file(`x/${name}`), false);
    assert.equal(f.file(deep), false);
    assert.equal(f.pruned(deep), false);
    const took = performance.now() - started;
    // picomatch's regexes on V8 take minutes to hours here.
    assert.ok(took < 1000, `took ${Math.round(took)} ms`);
  });

  it('negated extglobs and overlong globs are invalid, with a reason', () => {
    const v = validateGlobRules({ include: ['!(a).md', 'x'.repeat(MAX_GLOB_LENGTH + 1)], exclude: ['ok/**'] });
    assert.equal(v.valid, false);
    assert.match(v.messages[0]!, /\[include\]\[0\] \[!\(a\)\.md\] is not a valid glob: negated extglobs such as !\(…\) are not supported/);
    assert.match(v.messages[1]!, /\[include\]\[1\] .* is not a valid glob: longer than \[1024\] characters/);
    assert.throws(() => fileFilter([{ include: ['!(a)'], exclude: [] }]), /Invalid glob \[!\(a\)\]: negated extglobs/);
  });
});
