/** The rows of bench:sync: one generator for both databases, the directory tree and the raw ceilings. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LOREM = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud ';
const CATEGORIES = ['news', 'docs', 'blog', 'faq', 'wiki'];
const FILES_PER_FOLDER = 200;

export const tableName = (rows: number) => `tributary_bench_${rows}`;

/** The ~900-character text of row / file `n`. */
export function bodyOf(n: number): string {
  return LOREM.repeat(8).substring(n % 113, (n % 113) + 900);
}

/** One bench row, as both databases generate it and as the raw-insert phases rebuild it. */
export function jsRow(n: number) {
  return {
    id: n, title: `Item ${n} ${'x'.repeat(32)}`, body: bodyOf(n), category: CATEGORIES[n % 5], score: n / 7,
    amount: Math.round(n * 1.37) / 100, active: n % 3 === 0, created: '2024-01-01',
    updated_at: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
  };
}

/** Relative path of file `n` of the directory tree. */
export function filePath(n: number): string {
  return `d${Math.floor(n / FILES_PER_FOLDER)}/f${n}.txt`;
}

/** A document like the directory source's for file `n` (the SQLite ceiling's rows). */
export function fileRow(n: number) {
  const rel = filePath(n);
  const t = new Date(Date.UTC(2024, 0, 1)).toISOString();
  return { id: rel, title: `f${n}.txt`, path: rel, directory: rel.slice(0, rel.indexOf('/')), extension: 'txt', size: 900, last_modified: t, created_at: t, body: bodyOf(n) };
}

/** A tree of `rows` text files of ~900 bytes (kept between runs in the temp folder). */
export function treeFor(rows: number): string {
  const root = join(tmpdir(), `tributary-bench-tree-${rows}`);
  const done = `${root}.complete`;
  if (existsSync(done)) return root;
  console.log(`writing ${rows.toLocaleString('en-US')} files below ${root} …`);
  let folder = '\0';
  for (let n = 1; n <= rows; n++) {
    const rel = filePath(n);
    if (!rel.startsWith(folder)) mkdirSync(join(root, (folder = rel.slice(0, rel.indexOf('/') + 1))), { recursive: true });
    writeFileSync(join(root, filePath(n)), bodyOf(n));
  }
  writeFileSync(done, '');
  return root;
}
