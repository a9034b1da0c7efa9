/**
 * Text extraction end to end: a server and its worker in one process (as `tributary serve`
 * runs them) sync directory connectors.
 *
 * - Issue 11 item 8: over hostile HTML — 420 KB of "<script" that took the old regex
 *   extraction 33 s or more, and a large tag soup over the extraction time budget. `GET /`
 *   stays responsive throughout, the job completes, and the document over budget is listed as
 *   a per-document failure.
 * - Issue 17: over a folder with a file of every format of the registry, files whose extension
 *   lies about their content, ZIP bombs, a corrupt package and a ZIP that is no document: each
 *   document has its text, or is indexed with its metadata only and listed as a failure.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pdfWithText } from '../../src/extraction/binary-documents.fixture.js';
import { docxWithText, pptxWithSlides, xlsxWithSheets } from '../../src/extraction/office-documents.fixture.js';
import { bombActual, bombDeclared, DOCUMENTS } from '../../src/extraction/sample-documents.fixture.js';
import { zip } from '../../src/extraction/zip-archive.fixture.js';
import { directoryConnector, docId, removeDir, startStack, syncNow, tempDir, waitForJob, writeFile, type Stack } from './helpers/harness.js';

let s: Stack;
let root: string;
let formats: string;

before(async () => {
  root = tempDir();
  for (let i = 0; i < 3; i++) writeFile(root, `evil-${i}.html`, '<script'.repeat(60_000));
  writeFile(root, 'soup.html', '<a b=c>'.repeat(3_000_000)); // 21 MB of tags: over a second of parsing on a quiet machine, against a 400 ms budget
  for (let i = 0; i < 20; i++) writeFile(root, `page-${i}.html`, `<h1>page ${i}</h1><p>text</p>`);
  formats = tempDir();
  for (const d of DOCUMENTS) writeFile(formats, `every/${d.name}`, d.bytes);
  writeFile(formats, 'lies/report.txt', pdfWithText('Disguised PDF text'));
  writeFile(formats, 'lies/sheet.docx', xlsxWithSheets([{ name: 'Real', rows: [['spreadsheet cell']] }]));
  writeFile(formats, 'lies/page.json', '<!DOCTYPE html><p>html in a json name</p>');
  writeFile(formats, 'bad/declared.docx', bombDeclared());
  writeFile(formats, 'bad/inflated.xlsx', bombActual());
  const pptx = pptxWithSlides([['cut short']]);
  writeFile(formats, 'bad/corrupt.pptx', pptx.subarray(0, pptx.length - 40));
  writeFile(formats, 'bad/archive.odt', zip({ 'notes.txt': 'a zip, not a document' }));
  writeFile(formats, 'other/photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  s = await startStack({ worker: { sourcePolicy: { directoryRoots: [root], allowedHosts: null, extractTimeoutMs: 400 } } });
});

after(async () => {
  await s?.close();
  removeDir(root);
  removeDir(formats);
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

test('every format, lying extensions, ZIP bombs and corrupt files: text where there is some, failures listed, metadata always', { timeout: 120_000 }, async () => {
  // Its own stack: the default time budget (30 s), as PDF.js's first document on a loaded machine can take longer than the 400 ms above.
  const f = await startStack({ worker: { sourcePolicy: { directoryRoots: [formats], allowedHosts: null } } });
  try {
    await formatsSync(f);
  } finally {
    await f.close();
  }
});

async function formatsSync(s: Stack): Promise<void> {
  await directoryConnector(s, 'formats', formats, { max_file_size: 20_000_000 });
  const done = await waitForJob(s, await syncNow(s, 'formats'), ['completed', 'error', 'canceled'], 90_000);
  const files = DOCUMENTS.length + 3 + 4 + 1;
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.indexed_document_count, files, 'every file is indexed, with or without its text');
  const doc = async (rel: string) => (await s.call('GET', `/formats/_doc/${docId(rel)}`)).body._source;
  for (const d of DOCUMENTS) {
    const body = (await doc(`every/${d.name}`)).body;
    // the runtime reduces whitespace in body (the default pipeline's reduce_whitespace)
    const want = typeof d.text === 'string' ? new RegExp(`^${d.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')}$`) : d.text;
    assert.match(String(body), want, `${d.name}: ${JSON.stringify(done.metadata.tributary.failures)}`);
  }
  assert.match((await doc('lies/report.txt')).body, /Disguised PDF text/);
  assert.match((await doc('lies/sheet.docx')).body, /Real\s+spreadsheet cell/);
  assert.equal((await doc('lies/page.json')).body, 'html in a json name');

  const failures: { id: string; reason: string }[] = done.metadata.tributary.failures;
  const reason = (rel: string) => failures.find((f) => f.id === docId(rel))?.reason ?? '(no failure)';
  assert.match(reason('bad/declared.docx'), /File \[bad\/declared\.docx\] was not extracted: entry \[word\/document\.xml\] inflates to 4000000000 bytes, more than the 100 MiB read per entry/);
  assert.match(reason('bad/inflated.xlsx'), /File \[bad\/inflated\.xlsx\] was not extracted: entry \[word\/document\.xml\] inflates to more than the 2048 bytes it declares/);
  assert.match(reason('bad/corrupt.pptx'), /File \[bad\/corrupt\.pptx\] has no extractable text \(.+\)/);
  assert.match(reason('bad/archive.odt'), /File \[bad\/archive\.odt\] was not extracted: it is a ZIP archive but not a DOCX, XLSX, PPTX, ODT, ODS or ODP document/);
  assert.equal(failures.length, 4, JSON.stringify(failures));
  for (const rel of ['bad/declared.docx', 'bad/inflated.xlsx', 'bad/corrupt.pptx', 'bad/archive.odt', 'other/photo.png']) {
    const d = await doc(rel);
    assert.equal(d.path, rel, 'indexed with its metadata');
    assert.equal(d.body, undefined, `${rel} has no body`);
  }
  assert.match(done.error, /^4 of \d+ documents failed \(4 indexed without their content; listed in metadata.tributary.failures\)/);
}
