/**
 * Test scenarios shared by the object-store sources' tests (s3, azure_blob_storage): the same
 * behaviour checked against each store's test server.
 */
import assert from 'node:assert/strict';
import { docxWithText, pdfWithText } from '../../extraction/binary-documents.fixture.js';
import { testContext } from '../source.case.js';
import { SourceError, type ConfigValues, type Source, type SourceDocument, type SourceFactory, type SourcePolicy } from '../source.js';
import { inParallel } from './faulty-proxy.fixture.js';

export async function collect(it: AsyncIterable<SourceDocument>): Promise<SourceDocument[]> {
  const out: SourceDocument[] = [];
  for await (const d of it) out.push(d);
  return out;
}

/** One empty bucket (container) of a test server. */
export interface EmptyBucket {
  put(key: string, body: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Past the sources' 3 s margin for clocks and second-granular modification times. */
export const settle = () => new Promise((r) => setTimeout(r, 4100));

/**
 * Incremental syncs download only new or changed objects (`keyField` holds the key in the
 * documents), read nothing when nothing changed, and re-enumerate after a deletion.
 */
export async function incrementalScenario(factory: SourceFactory, config: ConfigValues, bucket: EmptyBucket, keyField: string): Promise<void> {
  await inParallel(Array.from({ length: 200 }, (_, i) => i), 16, (i) => bucket.put(`f${i % 4}/o-${i}.txt`, `v1 ${i}`));
  await settle();
  const full = factory.create(config);
  assert.equal((await collect(full.getDocs(testContext()))).length, 200);
  let cursor = full.cursorAfterFullSync!();
  await full.close();

  const run = async () => {
    const src = factory.create(config);
    const ctx = testContext({ syncCursor: cursor });
    const it = src.getDocsIncrementally!(ctx);
    const docs: SourceDocument[] = [];
    let r = await it.next();
    for (; !r.done; r = await it.next()) docs.push(r.value as SourceDocument);
    cursor = r.value as Record<string, unknown>;
    await src.close();
    return { docs, complete: ctx.complete };
  };
  await bucket.put('f1/new-a.txt', 'new a');
  await bucket.put('f9/new-b.txt', 'new b');
  await settle();
  let r = await run();
  assert.deepEqual(r.docs.map((d) => d[keyField]).sort(), ['f1/new-a.txt', 'f9/new-b.txt']);
  assert.equal(r.complete, false);

  await bucket.put('f2/o-2.txt', 'v2 2');
  await settle();
  r = await run();
  assert.deepEqual(r.docs.map((d) => [d[keyField], d.body]), [['f2/o-2.txt', 'v2 2']]);
  assert.equal(r.complete, false);
  await settle();

  r = await run();
  assert.deepEqual(r.docs, [], 'nothing changed, nothing read');

  await bucket.remove('f3/o-3.txt');
  r = await run();
  assert.equal(r.complete, true, 'a deletion makes the run a complete enumeration (the runtime sweeps)');
  assert.equal(r.docs.length, 201);
  assert.ok(!r.docs.some((d) => d[keyField] === 'f3/o-3.txt'));
}

/**
 * Cancel: an abort after 50 documents of `many` (a bucket of thousands) ends the run promptly
 * with the abort's reason; and a download the store never answers (`stalled` reads through a
 * proxy that leaves one object's download unanswered) is aborted at once.
 */
export async function cancelScenario(many: () => Source, stalled: () => Source): Promise<void> {
  const src = many();
  const ac = new AbortController();
  let n = 0;
  const t0 = Date.now();
  await assert.rejects(
    (async () => {
      for await (const _ of src.getDocs(testContext({ signal: ac.signal }))) if (++n === 50) ac.abort(new Error('canceled'));
    })(),
    /canceled/,
  );
  assert.ok(Date.now() - t0 < 10_000);
  assert.equal(n, 50);
  await src.close();

  const stuck = stalled();
  const stop = new AbortController();
  const run = collect(stuck.getDocs(testContext({ signal: stop.signal })));
  await new Promise((r) => setTimeout(r, 1000));
  const t1 = Date.now();
  stop.abort(new Error('canceled while downloading'));
  await assert.rejects(run, /canceled while downloading/);
  assert.ok(Date.now() - t1 < 2000, `ended ${Date.now() - t1} ms after the cancel`);
  await stuck.close();
}

/** The operator's egress allow-list: a source outside it is refused with a message; inside it reads `expected` documents. */
export async function egressScenario(create: (policy: SourcePolicy) => Source, expected: number): Promise<void> {
  const refused = create({ directoryRoots: null, allowedHosts: ['10.0.0.0/8'] });
  await assert.rejects(refused.ping(), (e: unknown) => e instanceof SourceError && /is not allowed/.test(e.message) && /sources\.allowed_hosts/.test(e.message));
  await refused.close();
  const allowed = create({ directoryRoots: null, allowedHosts: ['127.0.0.0/8'] });
  await allowed.ping();
  assert.equal((await collect(allowed.getDocs(testContext()))).length, expected);
  await allowed.close();
}

/** The objects `mixedDocsScenario` reads: PDF, DOCX, HTML, an 11 MiB text, an image, a corrupt PDF. */
export async function putMixedDocs(put: (key: string, body: string | Buffer) => Promise<void>): Promise<void> {
  await put('docs/report.pdf', pdfWithText('Quarterly pelican report'));
  await put('docs/letter.docx', docxWithText(['Dear walrus', 'regards']));
  await put('docs/page.html', '<html><body><h1>Otter page</h1><script>var x=1</script></body></html>');
  await put('big/huge.txt', Buffer.alloc(11 * 1024 * 1024, 'a'));
  await put('img/photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  await put('broken/bad.pdf', Buffer.from('%PDF-1.4 not really a pdf'));
}

/**
 * Binary documents are extracted; a large object and a corrupt one keep their metadata and are
 * failures; an image is not downloaded. `key` and `size` name the documents' fields. Returns the
 * documents by key.
 */
export async function mixedDocsScenario(src: Source, key: string, size: string, extra = 0): Promise<Map<string, SourceDocument>> {
  const ctx = testContext();
  const docs = await collect(src.getDocs(ctx));
  await src.close();
  const by = new Map(docs.map((d) => [d[key] as string, d]));
  assert.equal(docs.length, 6 + extra);
  assert.match(String(by.get('docs/report.pdf')!.body), /Quarterly pelican report/);
  assert.match(String(by.get('docs/letter.docx')!.body), /Dear walrus/);
  assert.match(String(by.get('docs/page.html')!.body), /Otter page/);
  assert.doesNotMatch(String(by.get('docs/page.html')!.body), /var x/);
  const huge = by.get('big/huge.txt')!;
  assert.equal(huge.body, undefined);
  assert.equal(huge[size], 11 * 1024 * 1024);
  assert.equal(by.get('img/photo.png')!.body, undefined);
  const failed = new Map(ctx.failures);
  assert.match(failed.get(huge._id)!, /over \[max_file_size\] 10485760/);
  assert.match(failed.get(by.get('broken/bad.pdf')!._id)!, /broken\/bad\.pdf/);
  assert.equal(ctx.failures.length, 2);
  return by;
}
