/** scripts/dist.mjs: the compiled build runs only when it is newer than every source file. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildIsFresh, nodeArgsFor } from '../../scripts/dist.mjs';

/** Runs `fn` on a throwaway project with one source file and its compiled twin. */
function withProject(fn: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'tributary-dist-'));
  try {
    mkdirSync(join(root, 'src/cli'), { recursive: true });
    mkdirSync(join(root, 'dist/src/cli'), { recursive: true });
    writeFileSync(join(root, 'src/cli/main.ts'), '');
    writeFileSync(join(root, 'dist/src/cli/main.js'), '');
    fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const at = (file: string, secondsAgo: number) => utimesSync(file, new Date(Date.now() - secondsAgo * 1000), new Date(Date.now() - secondsAgo * 1000));

test('a build newer than the sources runs as JavaScript', () =>
  withProject((root) => {
    at(join(root, 'src/cli/main.ts'), 60);
    writeFileSync(join(root, 'dist/.built'), '');
    assert.equal(buildIsFresh(root), true);
    assert.deepEqual(nodeArgsFor('src/cli/main.ts', root), [join(root, 'dist/src/cli/main.js')]);
  }));

test('a source file changed after the build runs through tsx', () =>
  withProject((root) => {
    writeFileSync(join(root, 'dist/.built'), '');
    at(join(root, 'dist/.built'), 60);
    assert.equal(buildIsFresh(root), false);
    assert.deepEqual(nodeArgsFor('src/cli/main.ts', root), ['--import', 'tsx', join(root, 'src/cli/main.ts')]);
  }));

test('no build at all runs through tsx', () =>
  withProject((root) => {
    assert.equal(buildIsFresh(root), false);
    assert.equal(nodeArgsFor('src/cli/main.ts', root)[0], '--import');
  }));
