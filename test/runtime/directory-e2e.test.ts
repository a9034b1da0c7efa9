/**
 * Issue 6 "Done when": a server, a worker over loopback HTTP, a `directory` connector over a
 * generated tree of a few thousand files. Sync on demand, then change / add / delete files and
 * sync (incremental and full): the index always holds exactly the tree. A sync rule excluding
 * a subfolder removes its documents.
 */
import assert from 'node:assert/strict';
import { rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  directoryConnector, docId, indexIds, listTree, makeTree, removeDir, startStack, syncNow, tempDir, waitFor, waitForJob, writeFile,
  type Stack,
} from './helpers/harness.js';

const N = Number(process.env.TRIBUTARY_E2E_FILES ?? 3000);
let s: Stack;
let root: string;

before(async () => {
  root = tempDir();
  makeTree(root, N);
  s = await startStack();
  // Files modified within 2 s before a walk are read again by the next incremental sync (a
  // margin for coarse file-system timestamps); let the generated tree age past it.
  await new Promise((r) => setTimeout(r, 2100));
});

after(async () => {
  await s?.close();
  removeDir(root);
});

async function assertIndexMatchesTree(name = 'docs', filter: (rel: string) => boolean = () => true) {
  const expected = listTree(root).filter(filter);
  const ids = await indexIds(s, name);
  assert.equal(ids.size, expected.length, 'document count');
  for (const rel of expected) assert.equal(ids.get(docId(rel)), rel, `document for ${rel}`);
}

async function sync(type: 'full' | 'incremental') {
  const started = Date.now();
  const id = await syncNow(s, 'docs', type);
  const job = await waitForJob(s, id, ['completed', 'error', 'canceled'], 120_000);
  assert.equal(job.status, 'completed', `job error: ${job.error}`);
  return { job, ms: Date.now() - started };
}

test('full sync indexes exactly the tree', async () => {
  await directoryConnector(s, 'docs', root);
  const { job, ms } = await sync('full');
  assert.equal(job.indexed_document_count, N);
  assert.equal(job.deleted_document_count, 0);
  assert.equal(job.total_document_count, N);
  await assertIndexMatchesTree();
  console.log(`# full sync of ${N} files: ${ms} ms, ${Math.round((N / ms) * 1000)} docs/s`);

  const c = (await s.call('GET', '/_connector/docs')).body;
  assert.equal(c.last_sync_status, 'completed');
  assert.equal(c.last_indexed_document_count, N);
  assert.equal(c.sync_cursor.version, 1);

  const hit = (await s.call('POST', '/docs/_search', { query: { match: { body: 'tok17x' } } })).body;
  assert.equal(hit.hits.total.value, 1);
  assert.equal(hit.hits.hits[0]._source.path, 'a7/b1/f17.json');
  // HTML text without tags and scripts; whitespace reduced.
  const html = (await s.call('GET', `/docs/_doc/${docId('a3/b0/f3.html')}`)).body;
  assert.equal(html._source.body, 'Page tok3x');
  assert.equal(html._source.extension, 'html');
  assert.equal(html._source.title, 'f3.html');
});

test('incremental sync picks up changed and added files only', async () => {
  await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < 10; i++) writeFile(root, `a${i}/b0/f${i}.txt`.replace(/f\d+/, `f${i * 50}`), `changed content newtoken${i}`);
  for (let i = 0; i < 20; i++) writeFile(root, `a1/new/n${i}.md`, `# added ${i} addedtoken`);
  const { job } = await sync('incremental');
  assert.equal(job.indexed_document_count, 30, 'only changed and added files are read');
  assert.equal(job.deleted_document_count, 0);
  await assertIndexMatchesTree();
  const hit = (await s.call('POST', '/docs/_search', { query: { match: { body: 'newtoken3' } } })).body;
  assert.equal(hit.hits.total.value, 1);
});

test('incremental sync detects deletions', async () => {
  const gone = ['a1/new/n0.md', 'a1/new/n1.md', ...listTree(root).filter((p) => p.startsWith('a4/b3/')).slice(0, 3)];
  for (const rel of gone) unlinkSync(join(root, rel));
  rmSync(join(root, 'a9/b4'), { recursive: true });
  const { job } = await sync('incremental');
  assert.ok(job.deleted_document_count >= gone.length, `deleted ${job.deleted_document_count}`);
  await assertIndexMatchesTree();
});

test('full sync after more changes matches the tree', async () => {
  unlinkSync(join(root, 'a0/b0/f0.txt'));
  writeFile(root, 'a0/b0/extra.txt', 'extra');
  const { job } = await sync('full');
  assert.equal(job.deleted_document_count, 1);
  await assertIndexMatchesTree();
});

test('an incremental sync that falls back to re-enumerating counts each file once (issue 12 item 7)', async () => {
  await new Promise((r) => setTimeout(r, 2100)); // past the margin: only what changes next is read
  // A change in every leaf folder, then a deletion in one: the pass reads changed files until it
  // meets the deletion, then re-enumerates the whole tree; a file read before must not count twice.
  for (let a = 0; a < 10; a++) for (let b = 0; b < 5; b++) writeFile(root, `a${a}/b${b}/changed.txt`, `changed ${a}${b}`);
  unlinkSync(join(root, listTree(root).find((p) => p.startsWith('a5/b2/f'))!));
  writeFile(root, 'a2/b1/added.md', '# added');
  const { job } = await sync('incremental');
  const files = listTree(root).length;
  assert.equal(job.indexed_document_count, files, 'each file read and counted once');
  assert.equal(job.deleted_document_count, 1);
  assert.equal(job.total_document_count, (await indexIds(s, 'docs')).size, 'total_document_count is the index count');
  await assertIndexMatchesTree();
});

test('a sync rule excluding a subfolder removes its documents', async () => {
  const r = await s.call('PUT', '/_connector/docs/_filtering', {
    rules: [{ id: 'no-a3', field: 'path', rule: 'starts_with', value: 'a3/', policy: 'exclude', order: 0 }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await waitFor('rule activation', async () => {
    const c = (await s.call('GET', '/_connector/docs')).body;
    return c.filtering[0].active.rules.some((x: { id: string }) => x.id === 'no-a3');
  });
  const { job } = await sync('full');
  const excluded = listTree(root).filter((p) => p.startsWith('a3/')).length;
  assert.ok(excluded > 0);
  assert.equal(job.deleted_document_count, excluded);
  // the source applies the rule before reading files; they still count as skipped (issue 12 item 8)
  assert.equal(job.metadata.tributary.skipped_document_count, excluded);
  await assertIndexMatchesTree('docs', (p) => !p.startsWith('a3/'));
});

test('advanced rules (globs) apply, and invalid ones are reported, not activated', async () => {
  const bad = await s.call('PUT', '/_connector/docs/_filtering', { advanced_snippet: { value: { exclude: [42] } } });
  assert.equal(bad.status, 200);
  const invalid = await waitFor('validation', async () => {
    const c = (await s.call('GET', '/_connector/docs')).body;
    return c.filtering[0].draft.validation.state === 'invalid' ? c.filtering[0].draft.validation : null;
  });
  assert.match(invalid.errors[0].messages[0], /exclude\]\[0\]/);

  await s.call('PUT', '/_connector/docs/_filtering', { advanced_snippet: { value: { exclude: ['**/*.csv'] } } });
  await waitFor('advanced activation', async () => {
    const c = (await s.call('GET', '/_connector/docs')).body;
    return c.filtering[0].active.advanced_snippet.value.exclude?.[0] === '**/*.csv';
  });
  await sync('incremental'); // the selection changed: re-enumerates and sweeps
  await assertIndexMatchesTree('docs', (p) => !p.startsWith('a3/') && !p.endsWith('.csv'));
});
