/**
 * The test layout of docs/architecture.md ("Tests"), so that no shared suite silently stops
 * running: every registered source runs the source contract from its `contract.test.ts`, every
 * store backend and sink adapter runs its port's suite, every shared suite (`*.case.ts`) is imported by a test file or a fixture, and test support is named
 * as support (`*.fixture.ts` in src/, a `helpers/` folder under test/).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sources } from '../../src/sources/registry.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts')) out.push(relative(ROOT, p));
  }
  return out;
}
const files = [...walk(join(ROOT, 'src')), ...walk(join(ROOT, 'test'))];
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

test('every registered source runs the source contract from its contract.test.ts', () => {
  const types = Object.keys(sources);
  assert.ok(types.length >= 3);
  for (const type of types) {
    const file = `src/sources/${type}/contract.test.ts`;
    assert.ok(existsSync(join(ROOT, file)), `${type}: ${file} is missing (docs/adding-a-source.md)`);
    assert.match(read(file), /\brunS(ource|qlSourceContract)\w*\(/, `${file} runs no contract suite`);
  }
});

test('every store backend runs the store suite; every sink adapter runs the sink suite', () => {
  const backends = readdirSync(join(ROOT, 'src/store')).filter((d) => statSync(join(ROOT, 'src/store', d)).isDirectory());
  assert.deepEqual(backends.sort(), ['postgres', 'sqlite']);
  for (const b of backends) assert.match(read(`src/store/${b}/store.test.ts`), /\bstoreCases\(/, `src/store/${b}: no store suite`);
  const runners = files.filter((f) => f.endsWith('.test.ts') && /\bsinkSuite\(/.test(read(f))).map(read);
  // each sink adapter is opened by a file that runs the suite (the index itself, over HTTP, each cluster)
  for (const adapter of ['embedded/embedded-sink.js', 'embedded/embedded-http-sink.js', 'cluster/elasticsearch.js', 'cluster/opensearch.js']) {
    assert.ok(runners.some((text) => text.includes(`/${basename(adapter)}'`)), `no test file runs the sink suite with src/sink/${adapter.replace(/\.js$/, '.ts')}`);
  }
});

test('every shared suite (*.case.ts) is imported by a test file or a fixture; none is named *.case.test.ts', () => {
  assert.deepEqual(files.filter((f) => f.endsWith('.case.test.ts')), [], 'a shared suite is named *.case.ts');
  const cases = files.filter((f) => f.endsWith('.case.ts'));
  assert.ok(cases.length >= 4, cases.join(', '));
  const importers = files.filter((f) => f.endsWith('.test.ts') || f.endsWith('.fixture.ts'));
  for (const c of cases) {
    const spec = `${basename(c, '.ts')}.js'`;
    const users = importers.filter((f) => read(f).includes(spec));
    assert.ok(users.length > 0, `${c} is imported by no test file, so it never runs`);
  }
});

test('test support is named as support', () => {
  const misplaced = files.filter((f) => f.startsWith('test/') && !f.endsWith('.test.ts') && !f.split('/').includes('helpers'));
  assert.deepEqual(misplaced, [], 'files under test/ that are not tests live in a helpers/ folder');
  const testOnly = /from 'node:(test|assert(\/strict)?)'|from '(\.\.\/)+test\//;
  const unnamed = files.filter((f) => f.startsWith('src/') && !/\.(test|case|fixture)\.ts$/.test(f) && testOnly.test(read(f)));
  assert.deepEqual(unnamed, [], 'src/ files that use the test runner, assert or test/ are *.test.ts, *.case.ts or *.fixture.ts');
});
