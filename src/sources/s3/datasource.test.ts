/**
 * The `s3` source against a real S3-compatible server (s3rver, s3.fixture.ts): thousands of
 * objects across prefixes and pages, a large object over the extraction limit, binary
 * documents, advanced rules, incremental syncs that read only what changed, throttling (a
 * proxy answering 503 SlowDown), bad credentials, a missing bucket, and cancel.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { testContext } from '../source.case.js';
import { SourceError } from '../source.js';
import { documentId, s3Source } from './datasource.js';
import { cancelScenario, collect, egressScenario, incrementalScenario, mixedDocsScenario, putMixedDocs } from '../shared/object-store-scenarios.fixture.js';
import { inParallel, s3Config, startS3, throttlingProxy, type TestS3 } from './s3.fixture.js';

const MANY = 3000;

describe('s3 source', () => {
  let s3: TestS3;
  before(async () => {
    s3 = await startS3();
    await s3.bucket('many-objects');
    await inParallel(Array.from({ length: MANY }, (_, i) => i), 32, (i) => s3.put('many-objects', `p${i % 10}/q${i % 7}/object-${i}.txt`, `text of object ${i}`));
    await s3.bucket('mixed-docs');
    await putMixedDocs((key, body) => s3.put('mixed-docs', key, body));
  });
  after(() => s3.close());

  test(`${MANY} objects across prefixes, in pages of 100, with Elastic's fields`, async () => {
    const src = s3Source.create(s3Config(s3.endpoint, ['many-objects'], { page_size: 100 }));
    const t0 = Date.now();
    const docs = await collect(src.getDocs(testContext()));
    const ms = Date.now() - t0;
    await src.close();
    assert.equal(docs.length, MANY);
    assert.equal(new Set(docs.map((d) => d._id)).size, MANY);
    const d = docs.find((x) => x.filename === 'p3/q6/object-13.txt')!;
    assert.equal(d._id, documentId('many-objects', 'p3/q6/object-13.txt'));
    assert.equal(d.bucket, 'many-objects');
    assert.equal(d.size_in_bytes, 'text of object 13'.length);
    assert.equal(d.body, 'text of object 13');
    assert.equal(d.region, 'us-east-1');
    assert.equal(d.storage_class, 'STANDARD');
    assert.equal(typeof d.owner, 'string');
    assert.ok(!Number.isNaN(Date.parse(d._timestamp!)));
    console.log(`# ${MANY} objects listed and downloaded in ${ms} ms`);
  });

  test('binary documents are extracted; a large object and a corrupt one keep their metadata and are failures', async () => {
    await mixedDocsScenario(s3Source.create(s3Config(s3.endpoint, ['mixed-docs'])), 'filename', 'size_in_bytes');
  });

  test('binary documents are not downloaded when the pipeline does not extract binary content', async () => {
    const src = s3Source.create(s3Config(s3.endpoint, ['mixed-docs']));
    const ctx = testContext({ pipeline: { extract_binary_content: false, reduce_whitespace: true } });
    const docs = await collect(src.getDocs(ctx));
    await src.close();
    assert.equal(docs.find((d) => d.filename === 'docs/report.pdf')!.body, undefined);
    assert.match(String(docs.find((d) => d.filename === 'docs/page.html')!.body), /Otter/);
  });

  test('advanced rules select bucket + prefix + extensions; basic rules are pushed down', async () => {
    const src = s3Source.create(s3Config(s3.endpoint, ['nonexistent-is-ignored']));
    const rules = [{ bucket: 'mixed-docs', prefix: 'docs/', extension: ['.pdf', 'DOCX'] }, { bucket: 'many-objects', prefix: 'p1/q1/' }];
    const ctx = testContext({ advancedRules: rules });
    const docs = await collect(src.getDocs(ctx));
    const names = docs.map((d) => d.filename as string).sort();
    assert.deepEqual(names.filter((n) => n.startsWith('docs/')), ['docs/letter.docx', 'docs/report.pdf']);
    const many = names.filter((n) => n.startsWith('p1/'));
    assert.equal(many.length, Array.from({ length: MANY }, (_, i) => i).filter((i) => i % 10 === 1 && i % 7 === 1).length);
    const skipped: string[] = [];
    const basic = testContext({
      basicRules: [
        { id: 'a', order: 0, policy: 'exclude', field: 'filename', rule: 'starts_with', value: 'big/', created_at: '', updated_at: '' },
        { id: 'DEFAULT', order: 1, policy: 'include', field: '_', rule: 'regex', value: '.*', created_at: '', updated_at: '' },
      ] as never,
      reportSkipped: (id: string) => skipped.push(id),
    });
    const src2 = s3Source.create(s3Config(s3.endpoint, ['mixed-docs']));
    const kept = await collect(src2.getDocs(basic));
    assert.equal(kept.length, 5);
    assert.deepEqual(skipped, [documentId('mixed-docs', 'big/huge.txt')]);
    const bad = await src.validateAdvancedRules!([{ bucket: 'mixed-docs', extension: '.pdf' }, { prefix: 'x' }, { bucket: 'ok-bucket', region: 'x' }]);
    assert.equal(bad.valid, false);
    assert.equal(bad.messages.length, 3);
    assert.match(bad.messages.join(' '), /Rule 1: "extension" must be a list/);
    assert.match(bad.messages.join(' '), /Rule 2 needs "bucket"/);
    assert.match(bad.messages.join(' '), /Rule 3 has an unknown key \[region\]/);
    await src.close();
    await src2.close();
  });

  test('incremental syncs download only new or changed objects, and re-enumerate after a deletion', async () => {
    await s3.bucket('incremental');
    await incrementalScenario(s3Source, s3Config(s3.endpoint, ['incremental']), {
      put: (key, body) => s3.put('incremental', key, body),
      remove: async (key) => void (await s3.client.send(new DeleteObjectCommand({ Bucket: 'incremental', Key: key }))),
    }, 'filename');
  });

  test('throttling: 503 SlowDown is retried with backoff within max_attempts', async () => {
    const proxy = await throttlingProxy(s3.endpoint, 3);
    try {
      const src = s3Source.create(s3Config(proxy.endpoint, ['mixed-docs'], { max_attempts: 5 }));
      const docs = await collect(src.getDocs(testContext()));
      await src.close();
      assert.equal(docs.length, 6);
      assert.equal(proxy.throttled(), 3);
    } finally {
      await proxy.close();
    }
    const stubborn = await throttlingProxy(s3.endpoint, 1000);
    try {
      const src = s3Source.create(s3Config(stubborn.endpoint, ['mixed-docs'], { max_attempts: 2 }));
      await assert.rejects(collect(src.getDocs(testContext())), (e: unknown) => e instanceof SourceError && /SlowDown/.test(e.message) && e.options.transient === true);
      assert.equal(stubborn.throttled(), 2, 'max_attempts bounds the attempts');
      await src.close();
    } finally {
      await stubborn.close();
    }
  });

  test('without s3:GetBucketLocation the configured region is used; an object that cannot be read keeps its metadata', async () => {
    const proxy = await throttlingProxy(s3.endpoint, 0, (url) => url.includes('location') || url.includes('letter.docx'));
    try {
      const src = s3Source.create(s3Config(proxy.endpoint, ['mixed-docs'], { region: 'eu-central-1' }));
      const ctx = testContext();
      const docs = await collect(src.getDocs(ctx));
      await src.close();
      assert.equal(docs.length, 6);
      assert.ok(docs.every((d) => d.region === 'eu-central-1'));
      const letter = docs.find((d) => d.filename === 'docs/letter.docx')!;
      assert.equal(letter.body, undefined);
      assert.match(new Map(ctx.failures).get(letter._id)!, /cannot be read \(AccessDenied\)/);
      assert.match(String(docs.find((d) => d.filename === 'docs/report.pdf')!.body), /pelican/);
    } finally {
      await proxy.close();
    }
  });

  test('bad credentials and a missing bucket are errors that say what to fix', async () => {
    const bad = s3Source.create(s3Config(s3.endpoint, ['mixed-docs'], { aws_access_key_id: 'NOT-A-KEY' }));
    await assert.rejects(bad.ping(), (e: unknown) => e instanceof SourceError && /aws_access_key_id/.test(e.message) && /rejected the credentials/.test(e.message));
    await assert.rejects(collect(bad.getDocs(testContext())), /rejected the credentials/);
    await bad.close();
    const missing = s3Source.create(s3Config(s3.endpoint, ['no-such-bucket']));
    await assert.rejects(missing.ping(), (e: unknown) => e instanceof SourceError && /bucket not found/.test(e.message) && /\[buckets\]/.test(e.message));
    await missing.close();
    const invalid = s3Source.create(s3Config(s3.endpoint, ['Bad_Bucket']));
    await assert.rejects(invalid.ping(), /Configuration field \[buckets\]: bucket \[Bad_Bucket\]/);
  });

  test("the operator's egress allow-list bounds where the source connects", async () => {
    await egressScenario((policy) => s3Source.create(s3Config(s3.endpoint, ['mixed-docs']), policy), 6);
  });

  test('cancel aborts the listing and the downloads in flight promptly', async () => {
    // A download the store never answers (read_timeout 90 s) is aborted at once by a cancel.
    const proxy = await throttlingProxy(s3.endpoint, 0, () => false, (url) => url.includes('report.pdf'));
    try {
      await cancelScenario(
        () => s3Source.create(s3Config(s3.endpoint, ['many-objects'], { concurrent_downloads: 16 })),
        () => s3Source.create(s3Config(proxy.endpoint, ['mixed-docs'])),
      );
    } finally {
      await proxy.close();
    }
  });
});
