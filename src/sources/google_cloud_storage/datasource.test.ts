/**
 * The `google_cloud_storage` source against the fixture server (gcs.fixture.ts): paging over
 * thousands of objects, Elastic's document fields, binary extraction, incremental syncs with
 * overwrites and deletions, retries (429 with Retry-After, 503), token refresh after 401, bad
 * credentials, missing bucket, the egress allow-list and cancel.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { docxWithText, pdfWithText } from '../../extraction/binary-documents.fixture.js';
import { bombDeclared, DOCUMENTS } from '../../extraction/sample-documents.fixture.js';
import { collect, testContext } from '../source.case.js';
import { SourceError, type SourceDocument } from '../source.js';
import { googleCloudStorageSource as gcs } from './datasource.js';
import { gcsConfig, PROJECT, startFakeGcs, type FakeGcs } from './gcs.fixture.js';

const MANY = 2500;

describe('google_cloud_storage source', () => {
  let g: FakeGcs;
  before(async () => {
    g = await startFakeGcs();
    g.bucket('many');
    for (let i = 0; i < MANY; i++) g.put('many', `p${i % 10}/obj-${String(i).padStart(5, '0')}.bin`, `x${i}`);
    g.bucket('mixed-docs');
    g.put('mixed-docs', 'docs/report.pdf', pdfWithText('Quarterly pelican report'), 'application/pdf');
    g.put('mixed-docs', 'docs/letter.docx', docxWithText(['Dear walrus', 'regards']), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    g.put('mixed-docs', 'notes/read me.txt', 'plain otter notes', 'text/plain');
    g.put('mixed-docs', 'big.txt', 'y'.repeat(5000), 'text/plain');
    g.put('mixed-docs', 'broken.pdf', '%PDF-1.4 not really a pdf', 'application/pdf');
  });
  after(() => g.close());

  test(`${MANY} objects across pages of 1000, with Elastic's fields`, async () => {
    const before = g.counts.list;
    const src = gcs.create(gcsConfig(g, ['many']));
    const docs = await collect(src.getDocs(testContext()));
    await src.close();
    assert.equal(docs.length, MANY);
    assert.equal(new Set(docs.map((d) => d._id)).size, MANY);
    assert.equal(g.counts.list - before, Math.ceil(MANY / 1000), 'one request per page');
    const o = g.objects('many').get('p3/obj-00003.bin')!;
    const d = docs.find((x) => x.name === 'p3/obj-00003.bin')!;
    assert.deepEqual(d, {
      _id: `many/p3/obj-00003.bin/${o.generation}`,
      _timestamp: o.updated,
      component_count: null,
      content_encoding: null,
      content_language: null,
      created_at: o.created,
      last_updated: o.updated,
      metadata: { origin: 'fixture' },
      name: 'p3/obj-00003.bin',
      size: '2',
      storage_class: 'STANDARD',
      type: 'application/octet-stream',
      url: `https://console.cloud.google.com/storage/browser/_details/many/p3%2Fobj-00003.bin;tab=live_object?project=${PROJECT}`,
      version: o.generation,
      bucket_name: 'many',
    });
  });

  test('buckets = * reads every bucket of the key\'s project', async () => {
    const src = gcs.create(gcsConfig(g, ['*']));
    await src.ping();
    const docs = await collect(src.getDocs(testContext()));
    await src.close();
    assert.equal(docs.length, MANY + 5);
  });

  test('text and binary documents are extracted; a large object and a corrupt one keep their metadata and are failures', async () => {
    const src = gcs.create(gcsConfig(g, ['mixed-docs'], { max_file_size: 4096 }));
    const ctx = testContext();
    const by = new Map((await collect(src.getDocs(ctx))).map((d) => [d.name, d]));
    await src.close();
    assert.match(String(by.get('docs/report.pdf')!.body), /Quarterly pelican report/);
    assert.match(String(by.get('docs/letter.docx')!.body), /Dear walrus/);
    assert.equal(by.get('notes/read me.txt')!.body, 'plain otter notes');
    assert.equal(by.get('big.txt')!.body, undefined);
    assert.equal(by.get('broken.pdf')!.body, undefined);
    const failed = ctx.failures.map(([id]) => id);
    assert.ok(failed.includes(String(by.get('big.txt')!._id)) && failed.includes(String(by.get('broken.pdf')!._id)), JSON.stringify(ctx.failures));
    assert.match(ctx.failures.find(([id]) => id === by.get('big.txt')!._id)![1], /max_file_size/);
  });

  test('basic rules are pushed down: excluded objects are not downloaded', async () => {
    const media = g.counts.media;
    const src = gcs.create(gcsConfig(g, ['mixed-docs']));
    const rules = [
      { id: 'r1', order: 0, policy: 'include', field: 'name', rule: 'starts_with', value: 'docs/', created_at: '', updated_at: '' },
      { id: 'DEFAULT', order: 1, policy: 'exclude', field: '_', rule: 'regex', value: '.*', created_at: '', updated_at: '' },
    ];
    const docs = await collect(src.getDocs(testContext({ basicRules: rules as never })));
    await src.close();
    assert.deepEqual(docs.map((d) => d.name).sort(), ['docs/letter.docx', 'docs/report.pdf']);
    assert.equal(g.counts.media - media, 2);
  });

  test('incremental syncs download only changed objects, and re-enumerate after a deletion or an overwrite', async () => {
    g.bucket('inc');
    for (let i = 0; i < 30; i++) g.put('inc', `f${i % 3}/n${i}.txt`, `v1 ${i}`, 'text/plain');
    const cfg = gcsConfig(g, ['inc']);
    await new Promise((r) => setTimeout(r, 3200)); // past the 3 s clock-skew margin
    const full = gcs.create(cfg);
    await collect(full.getDocs(testContext()));
    let cursor = full.cursorAfterFullSync!() as Record<string, unknown>;
    await full.close();
    await new Promise((r) => setTimeout(r, 3200));

    g.put('inc', 'f0/new.txt', 'fresh', 'text/plain');
    let media = g.counts.media;
    let src = gcs.create(cfg);
    let ctx = testContext({ syncCursor: cursor });
    let it = src.getDocsIncrementally!(ctx);
    let docs: SourceDocument[] = [];
    let r;
    for (r = await it.next(); !r.done; r = await it.next()) docs.push(r.value as SourceDocument);
    cursor = r.value as Record<string, unknown>;
    await src.close();
    assert.deepEqual(docs.map((d) => d.name), ['f0/new.txt']);
    assert.equal(ctx.complete, false, 'an addition alone needs no sweep');
    assert.equal(g.counts.media - media, 1);
    await new Promise((r) => setTimeout(r, 3200));

    g.remove('inc', 'f1/n1.txt');
    g.put('inc', 'f2/n2.txt', 'v2', 'text/plain');
    media = g.counts.media;
    src = gcs.create(cfg);
    ctx = testContext({ syncCursor: cursor });
    it = src.getDocsIncrementally!(ctx);
    docs = [];
    for (r = await it.next(); !r.done; r = await it.next()) docs.push(r.value as SourceDocument);
    await src.close();
    assert.equal(ctx.complete, true, 'a deletion makes the run a complete enumeration the runtime sweeps after');
    assert.equal(docs.length, 30, 'every object now present, once');
    assert.ok(!docs.some((d) => d.name === 'f1/n1.txt'));
    assert.equal(docs.find((d) => d.name === 'f2/n2.txt')!.body, 'v2');
    assert.equal(g.counts.media - media, 30, 'the changed object is not downloaded twice');
  });

  test('429 with Retry-After and 503 are retried within retry_count; past it the error is transient and says so', async () => {
    const src = gcs.create(gcsConfig(g, ['mixed-docs'], { retry_count: 3 }));
    g.fail(2, 429, 1);
    const t0 = Date.now();
    await src.ping();
    assert.ok(Date.now() - t0 >= 1900, 'Retry-After: 1 honoured twice');
    g.fail(3, 503);
    assert.equal((await collect(src.getDocs(testContext()))).length, 5);
    await src.close();
    const failed = g.counts.failed;
    const few = gcs.create(gcsConfig(g, ['mixed-docs'], { retry_count: 1 }));
    g.fail(5, 503);
    await assert.rejects(few.ping(), (e: unknown) => e instanceof SourceError && /HTTP 503/.test(e.message) && /retry_count/.test(e.message) && e.options.transient === true);
    assert.equal(g.counts.failed - failed, 2, 'one attempt and one retry');
    g.fail(0, 0);
    await few.close();
  });

  test('one token serves a whole sync; a short-lived one is renewed before it expires; the token endpoint is retried on 503', async () => {
    let tokens = g.counts.token;
    const src = gcs.create(gcsConfig(g, ['mixed-docs']));
    await collect(src.getDocs(testContext()));
    await collect(src.getDocs(testContext()));
    assert.equal(g.counts.token - tokens, 1);
    await src.close();
    g.tokenLifetime = 2;
    tokens = g.counts.token;
    const unauthorized = g.counts.unauthorized;
    const short = gcs.create(gcsConfig(g, ['mixed-docs']));
    await short.ping();
    await new Promise((r) => setTimeout(r, 2100));
    await short.ping();
    assert.equal(g.counts.token - tokens, 2, 'renewed');
    assert.equal(g.counts.unauthorized, unauthorized, 'never sent expired');
    await short.close();
    g.tokenLifetime = 3600;
    const fresh = gcs.create(gcsConfig(g, ['mixed-docs']));
    g.failTokens(2, 503);
    await fresh.ping();
    await fresh.close();
  });

  test('an expired or revoked token is refreshed once, without failing the sync', async () => {
    const src = gcs.create(gcsConfig(g, ['mixed-docs']));
    await src.ping();
    const tokens = g.counts.token;
    g.revokeTokens();
    assert.equal((await collect(src.getDocs(testContext()))).length, 5);
    assert.equal(g.counts.token - tokens, 1, 'one new token');
    await src.close();
  });

  test('bad credentials, a missing bucket and a broken key are errors that say what to fix', async () => {
    const bad = gcs.create({ ...gcsConfig(g, ['mixed-docs']), service_account_credentials: g.key({ other: true }) });
    await assert.rejects(bad.ping(), (e: unknown) => e instanceof SourceError && /service_account_credentials/.test(e.message) && /Invalid JWT Signature/.test(e.message));
    await bad.close();
    const missing = gcs.create(gcsConfig(g, ['mixed-docs', 'no-such-bucket']));
    await assert.rejects(missing.ping(), (e: unknown) => e instanceof SourceError && /no-such-bucket/.test(e.message) && /\[buckets\]/.test(e.message));
    await missing.close();
    const otherProject = gcs.create(gcsConfig(g, ['*'], { service_account_credentials: JSON.stringify({ ...JSON.parse(g.key()), project_id: 'elsewhere' }) }));
    await assert.rejects(otherProject.ping(), (e: unknown) => e instanceof SourceError && /elsewhere/.test(e.message) && /project_id/.test(e.message));
    await otherProject.close();
    for (const [key, re] of [['{not json', /not valid JSON/], [JSON.stringify({ type: 'service_account', client_email: 'a@b' }), /private_key/], [JSON.stringify({ private_key: 'x' }), /client_email/]] as const) {
      const s = gcs.create({ buckets: ['a-b-c'], service_account_credentials: key });
      await assert.rejects(s.ping(), (e: unknown) => e instanceof SourceError && re.test(e.message) && /service_account_credentials/.test(e.message));
      await s.close();
    }
  });

  test('403 on a listing names the role to grant; 403 on one download keeps the document with its metadata', async () => {
    g.deny = (url) => url.startsWith('/storage/v1/b/mixed-docs/o?');
    const src = gcs.create(gcsConfig(g, ['mixed-docs']));
    await assert.rejects(src.ping(), (e: unknown) => e instanceof SourceError && /roles\/storage\.objectViewer/.test(e.message) && /denied access/.test(e.message));
    g.deny = (url) => url.includes('alt=media') && url.includes('letter.docx');
    const ctx = testContext();
    const docs = await collect(src.getDocs(ctx));
    g.deny = () => false;
    await src.close();
    assert.equal(docs.length, 5);
    const letter = docs.find((d) => d.name === 'docs/letter.docx')!;
    assert.equal(letter.body, undefined);
    assert.match(ctx.failures.find(([id]) => id === letter._id)![1], /cannot be read \(HTTP 403/);
  });

  test("the operator's egress allow-list bounds where the source connects", async () => {
    const refused = gcs.create(gcsConfig(g, ['mixed-docs']), { directoryRoots: null, allowedHosts: ['10.0.0.0/8'] });
    await assert.rejects(refused.ping(), (e: unknown) => e instanceof SourceError && /is not allowed/.test(e.message) && /sources\.allowed_hosts/.test(e.message));
    await refused.close();
    const allowed = gcs.create(gcsConfig(g, ['mixed-docs']), { directoryRoots: null, allowedHosts: ['127.0.0.0/8'] });
    await allowed.ping();
    await allowed.close();
  });

  test('cancel aborts a download in flight promptly', async () => {
    g.stall = (url) => url.includes('alt=media');
    const src = gcs.create(gcsConfig(g, ['mixed-docs']));
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(new Error('cancelled')), 300);
    await assert.rejects(collect(src.getDocs(testContext({ signal: ac.signal }))), /cancelled/);
    assert.ok(Date.now() - t0 < 1500, `ended ${Date.now() - t0} ms after start`);
    g.stall = () => false;
    await src.close();
  });
});

describe('google_cloud_storage content through the extraction service (every object-store source shares it)', () => {
  let g: FakeGcs;
  before(async () => {
    g = await startFakeGcs();
    g.bucket('formats');
    for (const d of DOCUMENTS) g.put('formats', `every/${d.name}`, d.bytes);
    g.put('formats', 'lies/report.txt', pdfWithText('Disguised pelican PDF'), 'text/plain');
    g.put('formats', 'bad/bomb.docx', bombDeclared());
    g.put('formats', 'img/photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });
  after(() => g.close());

  test('every format has its text; the content wins over a lying name; a ZIP bomb is a failure with metadata', async () => {
    const src = gcs.create(gcsConfig(g, ['formats']));
    const ctx = testContext({ pipeline: { extract_binary_content: true, reduce_whitespace: false } });
    const by = new Map((await collect(src.getDocs(ctx))).map((d) => [d.name, d]));
    await src.close();
    for (const d of DOCUMENTS) {
      const body = by.get(`every/${d.name}`)!.body;
      if (typeof d.text === 'string') assert.equal(body, d.text, d.name);
      else assert.match(String(body), d.text, d.name);
    }
    assert.equal(by.get('lies/report.txt')!.body, 'Disguised pelican PDF');
    assert.equal(by.get('img/photo.png')!.body, undefined);
    assert.equal(by.get('bad/bomb.docx')!.body, undefined);
    assert.deepEqual(ctx.failures.map(([id]) => id), [by.get('bad/bomb.docx')!._id]);
    assert.match(ctx.failures[0][1], /^Object \[bad\/bomb\.docx\] of bucket \[formats\] was not extracted: entry \[word\/document\.xml\] inflates to 4000000000 bytes/);
  });

  test('without extract_binary_content, documents are not read — also a PDF under a text name', async () => {
    const media = g.counts.media;
    const src = gcs.create(gcsConfig(g, ['formats']));
    const ctx = testContext({ pipeline: { extract_binary_content: false, reduce_whitespace: false } });
    const by = new Map((await collect(src.getDocs(ctx))).map((d) => [d.name, d]));
    await src.close();
    assert.equal(by.get('every/report.pdf')!.body, undefined);
    assert.equal(by.get('every/budget.xlsx')!.body, undefined);
    assert.equal(by.get('lies/report.txt')!.body, undefined);
    assert.equal(by.get('every/page.html')!.body, 'Hello\nworld & more');
    assert.equal(ctx.failures.length, 0);
    const textual = DOCUMENTS.filter((d) => !['pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'eml'].includes(d.format)).length;
    assert.equal(g.counts.media - media, textual + 1, 'documents by name are not downloaded; the lying .txt is');
  });
});
