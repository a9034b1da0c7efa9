/**
 * The `azure_blob_storage` source against Azurite (azure.fixture.ts): thousands of blobs across
 * prefixes and pages, Elastic's document fields, a large blob over the extraction limit,
 * binary documents, a 20 MiB blob read whole, an archived blob, basic rules pushed down, incremental syncs that read only
 * what changed and re-enumerate after a deletion, throttling (a proxy answering 503
 * ServerBusy, 429 with Retry-After), bad credentials, a missing container, concurrent
 * downloads bounded by `concurrent_downloads`, and cancel.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testContext } from '../source.case.js';
import { SourceError } from '../source.js';
import { azureBlobStorageSource as azure, documentId } from './datasource.js';
import { cancelScenario, collect, egressScenario, incrementalScenario, mixedDocsScenario, putMixedDocs } from '../shared/object-store-scenarios.fixture.js';
import { azureConfig, inParallel, KEY, startAzurite, throttlingProxy, viaProxy, type TestAzure } from './azure.fixture.js';

const MANY = 3000;

describe('azure_blob_storage source', () => {
  let az: TestAzure;
  before(async () => {
    az = await startAzurite();
    await az.container('many-blobs', { team: 'search' });
    await inParallel(Array.from({ length: MANY }, (_, i) => i), 32, (i) => az.put('many-blobs', `p${i % 10}/q${i % 7}/blob-${i}.txt`, `text of blob ${i}`, { contentType: 'text/plain' }));
    await az.container('mixed-docs');
    await putMixedDocs((name, body) => az.put('mixed-docs', name, body, name.endsWith('.pdf') ? { contentType: 'application/pdf', metadata: { author: "O'Brien" } } : {}));
    await az.put('mixed-docs', 'empty.txt', '');
  });
  after(() => az.close());

  test(`${MANY} blobs across prefixes, in pages of 100, with Elastic's fields`, async () => {
    const src = azure.create(azureConfig(az.endpoint, ['many-blobs'], { page_size: 100 }));
    const t0 = Date.now();
    const docs = await collect(src.getDocs(testContext()));
    const ms = Date.now() - t0;
    await src.close();
    assert.equal(docs.length, MANY);
    assert.equal(new Set(docs.map((d) => d._id)).size, MANY);
    const d = docs.find((x) => x.title === 'p3/q6/blob-13.txt')!;
    assert.equal(d._id, 'many-blobs/p3/q6/blob-13.txt');
    assert.equal(d._id, documentId('many-blobs', 'p3/q6/blob-13.txt'));
    assert.equal(d.container, 'many-blobs');
    assert.equal(d.size, 'text of blob 13'.length);
    assert.equal(d.body, 'text of blob 13');
    assert.equal(d['content type'], 'text/plain');
    assert.equal(d.tier, 'Hot');
    assert.equal(d.metadata, '{}');
    assert.equal(d['container metadata'], "{'team': 'search'}");
    assert.equal(d.leasedata, "{'status': 'unlocked', 'state': 'available', 'duration': None}");
    assert.equal(d.url, `${az.endpoint}/many-blobs/p3/q6/blob-13.txt`);
    assert.ok(!Number.isNaN(Date.parse(d._timestamp!)));
    assert.ok(!Number.isNaN(Date.parse(String(d['created at']))));
    console.log(`# ${MANY} blobs listed and downloaded in ${ms} ms`);
  });

  test('binary documents are extracted; a large blob and a corrupt one keep their metadata and are failures', async () => {
    const by = await mixedDocsScenario(azure.create(azureConfig(az.endpoint, ['mixed-docs'])), 'title', 'size', 1);
    const report = by.get('docs/report.pdf')!;
    assert.equal(report.metadata, `{'author': "O'Brien"}`);
    assert.equal(report['content type'], 'application/pdf');
    assert.equal(by.get('empty.txt')!.body, undefined);
  });

  test('a large blob under max_file_size is downloaded whole; its text is cut at 4 Mi characters', async () => {
    await az.container('large');
    const big = Buffer.alloc(20 * 1024 * 1024, 'b');
    big.write('start of the large blob ', 0);
    await az.put('large', 'big/twenty.txt', big, { contentType: 'text/plain' });
    const src = azure.create(azureConfig(az.endpoint, ['large'], { max_file_size: 32 * 1024 * 1024 }));
    const ctx = testContext();
    const [d] = await collect(src.getDocs(ctx));
    await src.close();
    assert.equal(d.size, 20 * 1024 * 1024);
    assert.equal(String(d.body).length, 4 * 1024 * 1024);
    assert.ok(String(d.body).startsWith('start of the large blob b'));
    assert.equal(d.body_truncated, true);
    assert.deepEqual(ctx.failures, []);
  });

  test('a blob in the Archive tier is indexed with its metadata and reported', async () => {
    const c = await az.container('archived');
    await az.put('archived', 'old/notes.txt', 'cold notes');
    await az.put('archived', 'new/notes.txt', 'warm notes');
    await c.getBlobClient('old/notes.txt').setAccessTier('Archive');
    const src = azure.create(azureConfig(az.endpoint, ['archived']));
    const ctx = testContext();
    const docs = await collect(src.getDocs(ctx));
    await src.close();
    const old = docs.find((d) => d.title === 'old/notes.txt')!;
    assert.equal(old.tier, 'Archive');
    assert.equal(old.body, undefined);
    assert.match(new Map(ctx.failures).get(old._id)!, /Archive tier.*Rehydrate/);
    assert.equal(docs.find((d) => d.title === 'new/notes.txt')!.body, 'warm notes');
  });

  test('binary documents are not downloaded when the pipeline does not extract binary content; basic rules are pushed down', async () => {
    const src = azure.create(azureConfig(az.endpoint, ['mixed-docs']));
    const ctx = testContext({ pipeline: { extract_binary_content: false, reduce_whitespace: true } });
    const docs = await collect(src.getDocs(ctx));
    assert.equal(docs.find((d) => d.title === 'docs/report.pdf')!.body, undefined);
    assert.match(String(docs.find((d) => d.title === 'docs/page.html')!.body), /Otter/);
    const skipped: string[] = [];
    const basic = testContext({
      basicRules: [
        { id: 'a', order: 0, policy: 'exclude', field: 'title', rule: 'starts_with', value: 'big/', created_at: '', updated_at: '' },
        { id: 'DEFAULT', order: 1, policy: 'include', field: '_', rule: 'regex', value: '.*', created_at: '', updated_at: '' },
      ] as never,
      reportSkipped: (id: string) => skipped.push(id),
    });
    const kept = await collect(src.getDocs(basic));
    await src.close();
    assert.equal(kept.length, 6);
    assert.deepEqual(skipped, [documentId('mixed-docs', 'big/huge.txt')]);
    assert.equal(basic.failures.length, 1, 'the excluded large blob is not even looked at');
  });

  test('every container of the account with containers: *', async () => {
    const src = azure.create(azureConfig(az.endpoint, ['*']));
    await src.ping();
    const docs = await collect(src.getDocs(testContext()));
    await src.close();
    const containers = new Set(docs.map((d) => d.container));
    assert.ok(containers.has('many-blobs') && containers.has('mixed-docs'));
    assert.ok(docs.length >= MANY + 7);
  });

  test('incremental syncs download only new or changed blobs, and re-enumerate after a deletion', async () => {
    await az.container('incremental');
    await incrementalScenario(azure, azureConfig(az.endpoint, ['incremental']), {
      put: (name, body) => az.put('incremental', name, body),
      remove: (name) => az.remove('incremental', name),
    }, 'title');
  });

  test('throttling: 503 ServerBusy and 429 with Retry-After are retried with backoff within retry_count', async () => {
    const proxy = await throttlingProxy(az.endpoint, 3);
    try {
      const src = azure.create(azureConfig(viaProxy(proxy, az.endpoint), ['mixed-docs'], { retry_count: 4 }));
      const docs = await collect(src.getDocs(testContext()));
      await src.close();
      assert.equal(docs.length, 7);
      assert.equal(proxy.throttled(), 3);
    } finally {
      await proxy.close();
    }
    const tooMany = await throttlingProxy(az.endpoint, 1, { answer: { status: 429, headers: { 'retry-after': '1' }, body: '' } });
    try {
      const src = azure.create(azureConfig(viaProxy(tooMany, az.endpoint), ['mixed-docs'], { retry_count: 1 }));
      const t0 = Date.now();
      await src.ping();
      assert.ok(Date.now() - t0 >= 950, 'waited as Retry-After asked');
      assert.equal(tooMany.throttled(), 1);
      await src.close();
    } finally {
      await tooMany.close();
    }
    const stubborn = await throttlingProxy(az.endpoint, 1000);
    try {
      const src = azure.create(azureConfig(viaProxy(stubborn, az.endpoint), ['mixed-docs'], { retry_count: 1 }));
      await assert.rejects(collect(src.getDocs(testContext())), (e: unknown) => e instanceof SourceError && /ServerBusy/.test(e.message) && /\[retry_count\]/.test(e.message) && e.options.transient === true);
      assert.equal(stubborn.throttled(), 2, 'retry_count bounds the attempts');
      await src.close();
    } finally {
      await stubborn.close();
    }
  });

  test('bad credentials and a missing container are errors that say what to fix', async () => {
    const wrongKey = 'AAAA' + KEY.slice(4);
    const bad = azure.create(azureConfig(az.endpoint, ['mixed-docs'], { account_key: wrongKey }));
    await assert.rejects(bad.ping(), (e: unknown) => e instanceof SourceError && /rejected the credentials/.test(e.message) && /\[account_key\]/.test(e.message));
    await assert.rejects(collect(bad.getDocs(testContext())), /rejected the credentials/);
    await bad.close();
    const missing = azure.create(azureConfig(az.endpoint, ['mixed-docs', 'no-such-container']));
    await assert.rejects(missing.ping(), (e: unknown) => e instanceof SourceError && /container not found/.test(e.message) && /\[no-such-container\]/.test(e.message) && /fix \[containers\]/.test(e.message));
    await assert.rejects(collect(missing.getDocs(testContext())), /container not found/);
    await missing.close();
    const invalid = azure.create(azureConfig(az.endpoint, ['Bad_Container']));
    await assert.rejects(invalid.ping(), /Configuration field \[containers\]: container \[Bad_Container\]/);
    const notBase64 = azure.create(azureConfig(az.endpoint, ['mixed-docs'], { account_key: 'not a key!' }));
    await assert.rejects(notBase64.ping(), /\[account_key\] is not a storage account key/);
  });

  test("the operator's egress allow-list bounds where the source connects", async () => {
    await egressScenario((policy) => azure.create(azureConfig(az.endpoint, ['mixed-docs']), policy), 7);
  });

  test('downloads run concurrent_downloads at a time, no more', async () => {
    const proxy = await throttlingProxy(az.endpoint, 0);
    try {
      const src = azure.create(azureConfig(viaProxy(proxy, az.endpoint), ['many-blobs'], { concurrent_downloads: 3, page_size: 500 }));
      assert.equal((await collect(src.getDocs(testContext()))).length, MANY);
      await src.close();
      // 3 downloads and the next listing page at most
      assert.ok(proxy.maxInFlight() <= 4, `at most 4 requests at once, saw ${proxy.maxInFlight()}`);
      assert.ok(proxy.maxInFlight() >= 2, `downloads overlap, saw ${proxy.maxInFlight()}`);
    } finally {
      await proxy.close();
    }
  });

  test('cancel aborts the listing and the downloads in flight promptly', async () => {
    // A download the store never answers (read_timeout 90 s) is aborted at once by a cancel.
    const proxy = await throttlingProxy(az.endpoint, 0, { stall: (url) => url.includes('report.pdf') });
    try {
      await cancelScenario(
        () => azure.create(azureConfig(az.endpoint, ['many-blobs'], { concurrent_downloads: 16 })),
        () => azure.create(azureConfig(viaProxy(proxy, az.endpoint), ['mixed-docs'])),
      );
    } finally {
      await proxy.close();
    }
  });

  test('a stalled request fails after read_timeout and is retried', async () => {
    let stalls = 1;
    const proxy = await throttlingProxy(az.endpoint, 0, { stall: (url) => url.includes('page.html') && stalls-- > 0 });
    try {
      const src = azure.create(azureConfig(viaProxy(proxy, az.endpoint), ['mixed-docs'], { read_timeout: 1, retry_count: 1 }));
      const docs = await collect(src.getDocs(testContext()));
      await src.close();
      assert.match(String(docs.find((d) => d.title === 'docs/page.html')!.body), /Otter/);
    } finally {
      await proxy.close();
    }
  });
});
