/**
 * The directory source reads nothing the operator did not allow (issue 11 items 2 and 3):
 * `sources.directory.roots` is enforced at ping and at every sync, after resolving symlinks;
 * files swapped for symlinks, FIFOs or folders swapped for symlinks while a sync runs are
 * refused through the opened descriptor, never followed or blocked on.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SourceDocument, SourcePolicy } from '../source.js';
import { testContext } from '../source.case.js';
import { directorySource } from './datasource.js';

const SECRET = 'password=hunter2-outside-the-root';
let base: string; // holds allowed/ and outside/
let allowed: string;
let outside: string;

function put(path: string, content: string) {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

function policy(roots: string[] | null): SourcePolicy {
  return { directoryRoots: roots, allowedHosts: null };
}

before(() => {
  base = mkdtempSync(join(tmpdir(), 'tributary-safety-'));
  allowed = join(base, 'allowed');
  outside = join(base, 'outside');
  put(join(allowed, 'docs/a.txt'), 'inside');
  put(join(outside, 'secret.txt'), SECRET);
  symlinkSync(outside, join(allowed, 'escape')); // a symlink inside the root to outside it
  symlinkSync(allowed, join(base, 'alias')); // a root named through a symlink
});

after(() => rmSync(base, { recursive: true, force: true }));

test('with security on and no roots, every folder is refused with an error naming sources.directory.roots', async () => {
  const s = directorySource.create({ path: join(allowed, 'docs') }, policy([]));
  await assert.rejects(s.ping(), /not allowed.*\[sources\.directory\.roots\]/);
  await assert.rejects(s.getDocs(testContext())[Symbol.asyncIterator]().next(), /sources\.directory\.roots/);
});

test('roots: below a root is allowed, outside (directly or through a symlink) is refused, naming the roots', async () => {
  await directorySource.create({ path: join(allowed, 'docs') }, policy([allowed])).ping();
  await directorySource.create({ path: allowed }, policy([allowed])).ping();
  // The root itself given through a symlink: compared after resolving both.
  await directorySource.create({ path: join(allowed, 'docs') }, policy([join(base, 'alias')])).ping();
  await directorySource.create({ path: join(base, 'alias', 'docs') }, policy([allowed])).ping();
  await assert.rejects(
    directorySource.create({ path: outside }, policy([allowed])).ping(),
    (e: Error) => e.message.includes(`directory connectors may only read below [${allowed}]`) && e.message.includes('sources.directory.roots'),
  );
  await assert.rejects(directorySource.create({ path: join(allowed, 'escape') }, policy([allowed])).ping(), /resolves to \[.*outside\].*not allowed/);
  await assert.rejects(directorySource.create({ path: base }, policy([allowed])).ping(), /not allowed/);
  // A sibling whose name starts like the root is not below it.
  mkdirSync(allowed + '-evil', { recursive: true });
  await assert.rejects(directorySource.create({ path: allowed + '-evil' }, policy([allowed])).ping(), /not allowed/);
  // Security off: anywhere.
  await directorySource.create({ path: outside }, policy(null)).ping();
});

test('roots are checked again at every sync: a folder swapped for a symlink after ping is refused', async () => {
  const swap = join(allowed, 'swap');
  put(join(swap, 'x.txt'), 'inside');
  const s = directorySource.create({ path: swap }, policy([allowed]));
  await s.ping();
  renameSync(swap, swap + '-old');
  symlinkSync(outside, swap);
  try {
    await assert.rejects(s.getDocs(testContext())[Symbol.asyncIterator]().next(), /not allowed/);
  } finally {
    unlinkSync(swap);
    rmSync(swap + '-old', { recursive: true });
  }
});

const N = 120;

/**
 * A folder of N text files; returns the first document, once the walk has listed (lstat-ed)
 * the first chunk of files and the source has read only a few of them.
 */
async function startSync(folder: string, roots: string[] | null) {
  rmSync(folder, { recursive: true, force: true });
  for (let i = 0; i < N; i++) put(join(folder, 'sub', `f${String(i).padStart(3, '0')}.txt`), `file ${i}`);
  const ctx = testContext();
  const it = directorySource.create({ path: folder }, policy(roots)).getDocs(ctx)[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(first.done, false);
  const rest = async () => {
    const docs: SourceDocument[] = [first.value as SourceDocument];
    for (let r = await it.next(); !r.done; r = await it.next()) docs.push(r.value);
    return docs;
  };
  return { ctx, rest };
}

test('files swapped for symlinks after the walk listed them are not followed', async () => {
  const folder = join(allowed, 'toctou-link');
  const { ctx, rest } = await startSync(folder, [allowed]);
  for (let i = 1; i < N; i++) {
    const f = join(folder, 'sub', `f${String(i).padStart(3, '0')}.txt`);
    unlinkSync(f);
    symlinkSync(join(outside, 'secret.txt'), f);
  }
  const docs = await rest();
  // Files the walk listed before the swap are documents without content; the rest are skipped.
  assert.ok(docs.length > 8 && docs.length < N, `${docs.length} documents`);
  for (const d of docs) assert.ok(!String(d.body ?? '').includes('hunter2'), `${d.path} leaked the file outside the root`);
  assert.ok(ctx.failures.length > 0, 'swapped files are reported');
  assert.match(ctx.failures[0][1], /symbolic link|not a regular file|not inside/);
});

test('a folder swapped for a symlink mid-sync: files below it are not read through it', async () => {
  const folder = join(allowed, 'toctou-dir');
  const { ctx, rest } = await startSync(folder, [allowed]);
  // Replace sub/ with a symlink to a folder outside that holds files of the same names.
  const decoy = join(outside, 'decoy');
  for (let i = 0; i < N; i++) put(join(decoy, `f${String(i).padStart(3, '0')}.txt`), SECRET);
  renameSync(join(folder, 'sub'), join(folder, 'sub-old'));
  symlinkSync(decoy, join(folder, 'sub'));
  const docs = await rest();
  for (const d of docs) assert.ok(!String(d.body ?? '').includes('hunter2'), `${d.path} leaked a file outside the root`);
  assert.ok(ctx.failures.some(([, why]) => /not inside the connector's folder/.test(why)), JSON.stringify(ctx.failures.slice(0, 2)));
});

test('files swapped for FIFOs after the walk listed them do not block the sync', { timeout: 30_000 }, async () => {
  const folder = join(allowed, 'toctou-fifo');
  const { ctx, rest } = await startSync(folder, [allowed]);
  const fifos: string[] = [];
  for (let i = 1; i < N; i++) {
    const f = join(folder, 'sub', `f${String(i).padStart(3, '0')}.txt`);
    unlinkSync(f);
    fifos.push(f);
  }
  execFileSync('mkfifo', fifos);
  const started = Date.now();
  const docs = await Promise.race([
    rest(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the sync blocked on a FIFO')), 10_000).unref()),
  ]);
  assert.ok(Date.now() - started < 10_000);
  assert.ok(docs.length > 8, `${docs.length} documents`);
  assert.ok(ctx.failures.some(([, why]) => /not a regular file/.test(why)), JSON.stringify(ctx.failures.slice(0, 2)));
});
