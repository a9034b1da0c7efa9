/** scripts/dist.mjs: the compiled build runs only when it is newer than every source file. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildIsFresh, nodeArgsFor } from '../scripts/dist.mjs';

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'tributary-dist-'));
  mkdirSync(join(root, 'src/cli'), { recursive: true });
  mkdirSync(join(root, 'dist/src/cli'), { recursive: true });
  writeFileSync(join(root, 'src/cli/main.ts'), '');
  writeFileSync(join(root, 'dist/src/cli/main.js'), '');
  return root;
}

const at = (file: string, secondsAgo: number) => utimesSync(file, new Date(Date.now() - secondsAgo * 1000), new Date(Date.now() - secondsAgo * 1000));

test('a build newer than the sources runs as JavaScript', () => {
  const root = project();
  try {
    at(join(root, 'src/cli/main.ts'), 60);
    writeFileSync(join(root, 'dist/.built'), '');
    assert.equal(buildIsFresh(root), true);
    assert.deepEqual(nodeArgsFor('src/cli/main.ts', root), [join(root, 'dist/src/cli/main.js')]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a source file changed after the build runs through tsx', () => {
  const root = project();
  try {
    writeFileSync(join(root, 'dist/.built'), '');
    at(join(root, 'dist/.built'), 60);
    assert.equal(buildIsFresh(root), false);
    assert.deepEqual(nodeArgsFor('src/cli/main.ts', root), ['--import', 'tsx', join(root, 'src/cli/main.ts')]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('no build at all runs through tsx', () => {
  const root = project();
  try {
    assert.equal(buildIsFresh(root), false);
    assert.equal(nodeArgsFor('src/cli/main.ts', root)[0], '--import');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
