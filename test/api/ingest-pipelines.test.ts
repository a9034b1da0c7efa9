/**
 * Ingest pipelines over real HTTP (docs/embedded-index.md "Ingest pipelines"): the pipeline
 * endpoints with Elasticsearch's shapes and errors, the default connector pipelines on
 * `_bulk` with real DOCX, PDF and HTML attachments, per-item failures, single-document writes,
 * bad input, and pipelines kept across a restart of the state store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startIndexServer } from '../../src/api/content-index/index-server.fixture.js';
import { docxWithText, pdfWithText } from '../../src/extraction/binary-documents.fixture.js';

let srv: Awaited<ReturnType<typeof startIndexServer>>;
before(async () => (srv = await startIndexServer({ listen: true })));
after(() => srv.close());

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(srv.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}
const ndjson = (lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
const bulk = (path: string, lines: unknown[]) => call('POST', path, ndjson(lines), 'application/x-ndjson');
const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');

describe('ingest pipeline endpoints', () => {
  it('PUT, GET (one, comma list, wildcard, all), DELETE, and 404 {} when missing', async () => {
    const def = { description: 'lower titles', processors: [{ lowercase: { field: 'title' } }], version: 3, _meta: { owner: 'docs' } };
    assert.deepEqual(await call('PUT', '/_ingest/pipeline/lower', def), { status: 200, body: { acknowledged: true } });
    await call('PUT', '/_ingest/pipeline/lower-2', { processors: [] });
    assert.deepEqual(await call('GET', '/_ingest/pipeline/lower'), { status: 200, body: { lower: def } });
    assert.deepEqual(Object.keys((await call('GET', '/_ingest/pipeline/lower*')).body), ['lower', 'lower-2']);
    assert.deepEqual(Object.keys((await call('GET', '/_ingest/pipeline/lower-2,nope,lower')).body), ['lower', 'lower-2']);
    const all = (await call('GET', '/_ingest/pipeline')).body;
    for (const id of ['lower', 'lower-2', 'search-default-ingestion', 'ent-search-generic-ingestion']) assert.ok(all[id], id);
    assert.deepEqual((await call('GET', '/_ingest/pipeline/lower?summary=true')).body, { lower: {} });
    assert.deepEqual(await call('GET', '/_ingest/pipeline/nope'), { status: 404, body: {} });
    assert.deepEqual(await call('GET', '/_ingest/pipeline/nope*'), { status: 404, body: {} });
    assert.deepEqual(await call('DELETE', '/_ingest/pipeline/lower*'), { status: 200, body: { acknowledged: true } });
    assert.deepEqual(await call('GET', '/_ingest/pipeline/lower'), { status: 404, body: {} });
    const missing = await call('DELETE', '/_ingest/pipeline/lower');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.type, 'resource_not_found_exception');
    assert.equal(missing.body.error.reason, 'pipeline [lower] is missing');
  });

  it('if_version makes a PUT conditional', async () => {
    await call('PUT', '/_ingest/pipeline/v', { processors: [], version: 1 });
    const conflict = await call('PUT', '/_ingest/pipeline/v?if_version=2', { processors: [], version: 2 });
    assert.equal(conflict.status, 400);
    assert.match(conflict.body.error.reason, /required version \[2\] for pipeline \[v\] but current version is \[1\]/);
    assert.equal((await call('PUT', '/_ingest/pipeline/v?if_version=1', { processors: [], version: 2 })).status, 200);
  });

  it('refuses bad definitions with 400 and a reason: unknown processor, script, if, too many, too big, bad id', async () => {
    const bad = async (body: unknown, type: string, reason: RegExp, id = 'bad') => {
      const r = await call('PUT', `/_ingest/pipeline/${id}`, body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.type, type);
      assert.match(r.body.error.reason, reason);
      assert.equal(r.body.error.root_cause[0].type, type);
      return r.body.error;
    };
    const unknown = await bad({ processors: [{ frobnicate: { field: 'a' } }] }, 'parse_exception', /^No processor type exists with name \[frobnicate\]$/);
    assert.equal(unknown.processor_type, 'frobnicate');
    await bad({ processors: [{ script: { source: "ctx.x = 'y'" } }] }, 'parse_exception', /processor \[script\] is not supported: Tributary runs no scripts/);
    await bad({ processors: [{ set: { field: 'a', value: 1, if: 'ctx.a != null && ctx.b' } }] }, 'parse_exception', /conditions \(\[if\]\) are not supported/);
    await bad({ processors: Array.from({ length: 101 }, () => ({ trim: { field: 'a' } })) }, 'parse_exception', /at most 100 processors/);
    await bad({ processors: [], description: 'x'.repeat(300_000) }, 'parse_exception', /at most 262144 bytes/);
    await bad({ processors: [{ set: { field: 'a' } }] }, 'parse_exception', /\[value\] required property is missing/);
    await bad({ processors: [] }, 'illegal_argument_exception', /invalid pipeline id/, 'a*b');
    assert.equal((await call('PUT', '/_ingest/pipeline/nobody', '{not json')).status, 400);
    assert.deepEqual(await call('GET', '/_ingest/pipeline/bad'), { status: 404, body: {} });
  });

  it('hostile definitions are 400s with a reason, never 5xx', async () => {
    const bodies: unknown[] = [
      [], 'x', { processors: 'x' }, { processors: [null] }, { processors: [{ set: 'x' }] }, { processors: [{ set: {}, trim: {} }] },
      { processors: [{ set: { field: 'a', value: 1, on_failure: 'x' } }] }, { processors: [{ set: { field: ['a'], value: 1 } }] },
      { processors: [{ set: { field: 'a', value: 1, if: 1 } }] }, { processors: [{ attachment: { field: 'a', indexed_chars: 'many' } }] },
      { processors: [{ attachment: { field: 'a', properties: ['nope'] } }] }, { processors: [{ convert: { field: 'a', type: 'ip6' } }] },
      { processors: [{ remove: { field: 'a', keep: ['b'] } }] }, { processors: [{ __proto__: { field: 'a' } }] },
      { processors: [{ gsub: { field: 'a', pattern: 'x'.repeat(2000), replacement: '' } }] }, { processors: [{ gsub: { field: 'a', pattern: '(', replacement: '' } }] },
      { processors: [{ set: { field: 'a', value: 'x'.repeat(20_000) + '{{b}}' } }] }, { processors: [], version: 'one' }, { processors: [], on_failure: [] },
    ];
    for (const body of bodies) {
      const r = await call('PUT', '/_ingest/pipeline/hostile', body);
      assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 100)} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.ok(r.body.error.reason.length > 0);
    }
    assert.equal((await call('PUT', '/_ingest/pipeline/' + 'x'.repeat(300), { processors: [] })).status, 400);
    assert.deepEqual(await call('GET', '/_ingest/pipeline/hostile'), { status: 404, body: {} });
  });

  it('simulates a stored pipeline and one given in the body; a failing document shows its error', async () => {
    await call('PUT', '/_ingest/pipeline/up', { processors: [{ uppercase: { field: 'title' } }] });
    const r = await call('POST', '/_ingest/pipeline/up/_simulate', { docs: [{ _index: 'books', _id: '7', _source: { title: 'dune' } }, { _source: { title: 3 } }] });
    assert.equal(r.status, 200);
    const [first, second] = r.body.docs;
    assert.deepEqual({ ...first.doc, _ingest: undefined }, { _index: 'books', _version: '-3', _id: '7', _source: { title: 'DUNE' }, _ingest: undefined });
    assert.match(first.doc._ingest.timestamp, /^\d{4}-\d\d-\d\dT/);
    assert.equal(second.error.type, 'illegal_argument_exception');
    assert.equal(second.error.reason, 'field [title] of type [number] cannot be cast to [string]');
    const inline = await call('POST', '/_ingest/pipeline/_simulate', { pipeline: { processors: [{ set: { field: 'greeting', value: 'hi {{name}}' } }] }, docs: [{ _source: { name: 'Ada' } }] });
    assert.deepEqual(inline.body.docs[0].doc._source, { name: 'Ada', greeting: 'hi Ada' });
    assert.equal(inline.body.docs[0].doc._index, '_index');
    assert.equal((await call('POST', '/_ingest/pipeline/nope/_simulate', { docs: [{ _source: {} }] })).status, 404);
    assert.equal((await call('POST', '/_ingest/pipeline/_simulate', { docs: [{ _source: {} }] })).status, 400);
    assert.equal((await call('POST', '/_ingest/pipeline/up/_simulate', { docs: [] })).status, 400);
  });
});

describe('pipelines on writes into the embedded index', () => {
  it('_bulk?pipeline=search-default-ingestion extracts DOCX, PDF and HTML attachments into body and drops the control fields', async () => {
    const control = { _extract_binary_content: true, _reduce_whitespace: true, _run_ml_inference: false };
    const r = await bulk('/_bulk?pipeline=search-default-ingestion&refresh=true', [
      { index: { _index: 'content', _id: 'docx' } },
      { title: 'a docx', _attachment: b64(docxWithText(['Minutes   of the', 'board meeting'])), ...control },
      { index: { _index: 'content', _id: 'pdf' } },
      { title: 'a pdf', _attachment: b64(pdfWithText('Annual report 2026')), ...control },
      { index: { _index: 'content', _id: 'html' } },
      { title: 'a page', _attachment: b64('<html><head><style>p{}</style></head><body><h1>Hello</h1><p>world &amp; more</p></body></html>'), ...control },
      { index: { _index: 'content', _id: 'plain' } },
      { title: 'no extraction', body: 'kept   as  is', _attachment: b64('ignored'), _extract_binary_content: false },
    ]);
    assert.equal(r.status, 200);
    assert.equal(r.body.errors, false, JSON.stringify(r.body.items));
    const get = async (id: string) => (await call('GET', `/content/_doc/${id}`)).body._source;
    assert.deepEqual(await get('docx'), { title: 'a docx', body: 'Minutes of the board meeting' });
    assert.deepEqual(await get('pdf'), { title: 'a pdf', body: 'Annual report 2026' });
    assert.deepEqual(await get('html'), { title: 'a page', body: 'Hello world & more' });
    assert.deepEqual(await get('plain'), { title: 'no extraction', body: 'kept   as  is' });
    const hits = (await call('POST', '/content/_search', { query: { match: { body: 'board' } } })).body.hits.hits;
    assert.deepEqual(hits.map((h: { _id: string }) => h._id), ['docx']);
  });

  it('the action line picks the pipeline; a missing pipeline and a failing processor fail their item only', async () => {
    await call('PUT', '/_ingest/pipeline/strict-upper', { processors: [{ uppercase: { field: 'title' } }] });
    const r = await bulk('/items/_bulk?pipeline=strict-upper', [
      { index: { _id: '1' } },
      { title: 'ok' },
      { index: { _id: '2' } },
      { title: 42 },
      { create: { _id: '3', pipeline: 'no-such-pipeline' } },
      { title: 'x' },
      { index: { _id: '4', pipeline: '_none' } },
      { title: 'untouched' },
      { delete: { _id: 'absent' } },
    ]);
    assert.equal(r.body.errors, true);
    const [one, two, three, four, five] = r.body.items;
    assert.equal(one.index.status, 201);
    assert.deepEqual([two.index.status, two.index.error.type, two.index.error.reason], [400, 'illegal_argument_exception', 'field [title] of type [number] cannot be cast to [string]']);
    assert.deepEqual([three.create.status, three.create.error.type, three.create.error.reason], [400, 'illegal_argument_exception', 'pipeline with id [no-such-pipeline] does not exist']);
    assert.equal(four.index.status, 201);
    assert.equal(five.delete.status, 404);
    assert.equal((await call('GET', '/items/_doc/1')).body._source.title, 'OK');
    assert.equal((await call('GET', '/items/_doc/2')).status, 404);
    assert.equal((await call('GET', '/items/_doc/4')).body._source.title, 'untouched');
  });

  it('a failed extraction is recorded in _ingestion_errors by the default pipeline; the document is still indexed', async () => {
    const r = await bulk('/_bulk?pipeline=ent-search-generic-ingestion', [
      { index: { _index: 'broken', _id: 'b' } },
      { title: 't', _attachment: b64(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2])), _extract_binary_content: true },
    ]);
    assert.equal(r.body.errors, false);
    const src = (await call('GET', '/broken/_doc/b')).body._source;
    assert.equal(src._attachment, undefined);
    assert.equal(src._extract_binary_content, undefined);
    assert.match(src._ingestion_errors[0], /^Processor 'attachment' in pipeline 'ent-search-generic-ingestion' failed with message 'no text extractor reads this attachment/);
  });

  it('an attachment over 10 MB is not extracted: the reason is recorded, the document indexed', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 'a');
    const r = await bulk('/_bulk?pipeline=search-default-ingestion', [
      { index: { _index: 'big', _id: '1' } },
      { title: 'big', _attachment: b64(big), _extract_binary_content: true },
    ]);
    assert.equal(r.body.errors, false);
    const src = (await call('GET', '/big/_doc/1')).body._source;
    assert.equal(src._attachment, undefined);
    assert.equal(src.body, undefined);
    assert.match(src._ingestion_errors[0], /the attachment holds 10485761 bytes, more than the 10485760 bytes text is extracted from/);
  });

  it('single-document writes run ?pipeline=; a missing pipeline is 400 and writes nothing', async () => {
    await call('PUT', '/_ingest/pipeline/tag-it', { processors: [{ set: { field: 'tagged', value: true } }, { trim: { field: 'name' } }] });
    assert.equal((await call('PUT', '/single/_doc/1?pipeline=tag-it', { name: '  n  ' })).status, 201);
    assert.deepEqual((await call('GET', '/single/_doc/1')).body._source, { name: 'n', tagged: true });
    assert.equal((await call('POST', '/single/_create/2?pipeline=tag-it', { name: 'c ' })).status, 201);
    assert.deepEqual((await call('GET', '/single/_doc/2')).body._source, { name: 'c', tagged: true });
    const auto = await call('POST', '/single/_doc?pipeline=tag-it', { name: 'x' });
    assert.deepEqual((await call('GET', `/single/_doc/${auto.body._id}`)).body._source, { name: 'x', tagged: true });
    const missing = await call('PUT', '/single/_doc/3?pipeline=nope', { name: 'n' });
    assert.deepEqual([missing.status, missing.body.error.type, missing.body.error.reason], [400, 'illegal_argument_exception', 'pipeline with id [nope] does not exist']);
    const failing = await call('PUT', '/single/_doc/4?pipeline=tag-it', { name: 5 });
    assert.equal(failing.status, 400);
    assert.equal((await call('GET', '/single/_doc/3')).status, 404);
    assert.equal((await call('GET', '/single/_doc/4')).status, 404);
  });

  it('index.default_pipeline runs when a write names no pipeline; a named one or _none overrides it', async () => {
    await call('PUT', '/_ingest/pipeline/mark-default', { processors: [{ set: { field: 'via', value: 'default' } }] });
    await call('PUT', '/_ingest/pipeline/mark-named', { processors: [{ set: { field: 'via', value: 'named' } }] });
    assert.equal((await call('PUT', '/withdefault', { settings: { index: { default_pipeline: 'mark-default' } } })).status, 200);
    assert.equal((await call('GET', '/withdefault')).body.withdefault.settings.index.default_pipeline, 'mark-default');
    await bulk('/withdefault/_bulk', [{ index: { _id: '1' } }, { a: 1 }, { index: { _id: '2', pipeline: 'mark-named' } }, { a: 2 }, { index: { _id: '3', pipeline: '_none' } }, { a: 3 }]);
    await call('PUT', '/withdefault/_doc/4', { a: 4 });
    await call('PUT', '/withdefault/_doc/5?pipeline=_none', { a: 5 });
    const via = async (id: string) => (await call('GET', `/withdefault/_doc/${id}`)).body._source.via;
    assert.deepEqual([await via('1'), await via('2'), await via('3'), await via('4'), await via('5')], ['default', 'named', undefined, 'default', undefined]);
  });

  it('a default pipeline can be replaced, and comes back when the replacement is deleted', async () => {
    await call('PUT', '/_ingest/pipeline/search-default-ingestion', { processors: [{ set: { field: 'replaced', value: true } }] });
    await bulk('/_bulk?pipeline=search-default-ingestion', [{ index: { _index: 'repl', _id: '1' } }, { _reduce_whitespace: true }]);
    assert.deepEqual((await call('GET', '/repl/_doc/1')).body._source, { _reduce_whitespace: true, replaced: true });
    assert.deepEqual(await call('DELETE', '/_ingest/pipeline/search-default-ingestion'), { status: 200, body: { acknowledged: true } });
    const back = (await call('GET', '/_ingest/pipeline/search-default-ingestion')).body['search-default-ingestion'];
    assert.equal(back.processors.length, 6);
    assert.equal((await call('DELETE', '/_ingest/pipeline/search-default-ingestion')).status, 200);
  });
});
