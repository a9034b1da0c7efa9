/**
 * Test fixture of the `directory` source (recipe in docs/adding-a-source.md): a temporary
 * folder of text files in a few subfolders. `settle()` waits out the source's 2 s margin for
 * coarse timestamps, so an incremental sync right after sees only real changes.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceFixture } from '../source.case.js';
import { directorySource, documentId } from './datasource.js';

export function directoryFixture(): SourceFixture {
  let root = '';
  const files = new Set<string>();
  let next = 0;
  const write = (rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
    files.add(rel);
  };
  const add = () => {
    const i = next++;
    write(`d${i % 7}/s${i % 3}/file-${i}.${['txt', 'md', 'json'][i % 3]}`, `document ${i}`);
  };
  return {
    factory: directorySource,
    async load(n) {
      root = mkdtempSync(join(tmpdir(), 'tributary-fixture-'));
      for (let i = 0; i < n; i++) add();
      return { path: root };
    },
    async ids() {
      return [...files].map(documentId);
    },
    async change({ update, add: added, remove }) {
      const list = [...files];
      for (const rel of list.slice(0, update)) write(rel, `updated ${rel}`);
      for (const rel of list.slice(update, update + remove)) {
        unlinkSync(join(root, rel));
        files.delete(rel);
      }
      for (let i = 0; i < added; i++) add();
    },
    settle: () => new Promise((r) => setTimeout(r, 2100)),
    unreachable: () => ({ path: join(tmpdir(), 'tributary-no-such-folder') }),
    advancedRules: { valid: { include: ['**/*.md'], exclude: ['d1/**'] }, invalid: { include: 'not-a-list', other: 1 } },
    async remove() {
      if (root) rmSync(root, { recursive: true, force: true });
    },
  };
}
