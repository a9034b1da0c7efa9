/**
 * Issue 11 item 8, end to end: a server and its worker in one process (as `tributary serve`
 * runs them) sync a directory connector over hostile HTML — 420 KB of "<script" that took the
 * old regex extraction 33 s or more, and a large tag soup over the extraction time budget.
 * `GET /` stays responsive throughout, the job completes, and the document over budget is
 * listed as a per-document failure.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { directoryConnector, removeDir, startStack, syncNow, tempDir, waitForJob, writeFile, type Stack } from './helpers/harness.js';

let s: Stack;
let root: string;

before(async () => {
  root = tempDir();
  for (let i = 0; i < 3; i++) writeFile(root, `evil-${i}.html`, '<script'.repeat(60_000));
  writeFile(root, 'soup.html', '<a b=c>'.repeat(3_000_000)); // 21 MB of tags: over a second of parsing on a quiet machine, against a 400 ms budget
  for (let i = 0; i < 20; i++) writeFile(root, `page-${i}.html`, `<h1>page ${i}</h1><p>text</p>`);
  s = await startStack({ worker: { sourcePolicy: { directoryRoots: [root], allowedHosts: null, extractTimeoutMs: 400 } } });
});

after(async () => {
  await s?.close();
  removeDir(root);
});

test('GET / answers quickly while hostile HTML is extracted; the document over budget is a failure', { timeout: 120_000 }, async () => {
  await directoryConnector(s, 'html', root, { max_file_size: 30_000_000 });
  const job = await syncNow(s, 'html');
  const latencies: number[] = [];
  let done: any = null;
  const started = Date.now();
  while (!done) {
    const t = performance.now();
    const r = await fetch(s.url + '/');
    await r.arrayBuffer();
    latencies.push(performance.now() - t);
    const j = await s.call('GET', `/_connector/_sync_job/${job}`);
    if (['completed', 'error', 'canceled'].includes(j.body.status)) done = j.body;
    else await new Promise((r) => setTimeout(r, 25));
    assert.ok(Date.now() - started < 90_000, 'the sync finishes');
  }
  const worst = Math.max(...latencies);
  console.log(`GET / during the sync: ${latencies.length} requests, worst ${worst.toFixed(1)} ms, sync ${Date.now() - started} ms`);
  assert.ok(worst < 1_000, `GET / took ${worst.toFixed(0)} ms`);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.indexed_document_count, 24);
  const failures = JSON.stringify(done.metadata);
  assert.match(failures, /soup\.html\] was not extracted: text extraction took longer than 400 ms/);
  assert.doesNotMatch(failures, /evil-|page-/);
  const hit = await s.call('POST', '/html/_search', { query: { match: { body: 'page' } } });
  assert.equal(hit.body.hits.total.value, 20);
});
