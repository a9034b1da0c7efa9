/** Pipelines: definitions checked when stored, processors' behaviour and failures, the defaults. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { builtinPipelines } from './builtin.js';
import type { IngestDoc, IngestEnv } from './ingest-doc.js';
import { compilePipeline, PIPELINE_LIMITS } from './pipeline.js';
import { runPipeline } from './run.js';

const env: IngestEnv = {
  async extract(bytes, maxChars) {
    const text = new TextDecoder().decode(bytes);
    if (text.startsWith('BROKEN')) throw new Error('corrupt document');
    return { content: text.slice(0, maxChars), contentType: 'text/plain', contentLength: Math.min(text.length, maxChars) };
  },
};

async function run(processors: unknown[], source: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const doc: IngestDoc = { source, meta: { _index: 'i', _id: '1' }, ingest: { timestamp: 'now' } };
  await runPipeline(compilePipeline('p', { processors, ...extra }), doc, env);
  return doc.source;
}

const rejects400 = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e) => e instanceof ApiError && e.status === 400 && re.test(e.reason));

describe('pipeline definitions', () => {
  it('refuses unknown processors, script, if beyond the one form, unknown options, and bounds', () => {
    rejects400(() => compilePipeline('p', { processors: [{ nope: {} }] }), /^No processor type exists with name \[nope\]$/);
    rejects400(() => compilePipeline('p', { processors: [{ script: { source: 'ctx.a = 1' } }] }), /runs no scripts/);
    rejects400(() => compilePipeline('p', { processors: [{ grok: { field: 'a' } }] }), /not supported by Tributary/);
    rejects400(() => compilePipeline('p', { processors: [{ set: { field: 'a', value: 1, if: "ctx.a.contains('x')" } }] }), /conditions \(\[if\]\) are not supported/);
    rejects400(() => compilePipeline('p', { processors: [{ set: { field: 'a', value: 1, bogus: 2 } }] }), /doesn't support one or more provided configuration parameters \[bogus\]/);
    rejects400(() => compilePipeline('p', { processors: [{ set: { value: 1 } }] }), /\[field\] required property is missing/);
    rejects400(() => compilePipeline('p', { processors: [{ set: { field: 'a', value: '{{#x}}y{{/x}}' } }] }), /only variables/);
    rejects400(() => compilePipeline('p', { processors: [{ gsub: { field: 'a', pattern: '(?=x)', replacement: '' } }] }), /RE2/);
    rejects400(() => compilePipeline('p', { processors: [{ lowercase: { field: 'a', on_failure: [] } }] }), /cannot be empty/);
    rejects400(() => compilePipeline('p', {}), /\[processors\] required property is missing/);
    rejects400(() => compilePipeline('p', { processors: [], extra: 1 }), /\[extra\]/);
    const many = Array.from({ length: PIPELINE_LIMITS.maxProcessors + 1 }, () => ({ trim: { field: 'a' } }));
    rejects400(() => compilePipeline('p', { processors: many }), /at most 100 processors/);
    let nested: unknown = [{ trim: { field: 'a' } }];
    for (let i = 0; i < 8; i++) nested = [{ trim: { field: 'a', on_failure: nested } }];
    rejects400(() => compilePipeline('p', { processors: nested }), /nested at most/);
    rejects400(() => compilePipeline('p', { processors: [], description: 'x'.repeat(PIPELINE_LIMITS.maxBodyBytes) }), /at most 262144 bytes/);
    assert.equal(compilePipeline('p', { processors: [{ set: { field: 'a', value: 1, if: 'ctx?.b?.c == "x"' } }] }).processors.length, 1);
  });

  it('the default pipelines compile', () => {
    for (const [id, body] of Object.entries(builtinPipelines())) assert.equal(compilePipeline(id, body).processors.length, 6);
  });
});

describe('processors', () => {
  it('set (templates, copy_from, override), remove, rename, case, trim, append, convert, gsub', async () => {
    const out = await run(
      [
        { set: { field: 'greeting', value: 'hello {{name.first}} ({{{_ingest.timestamp}}})' } },
        { set: { field: 'copy', copy_from: 'name' } },
        { set: { field: 'name.first', value: 'x', override: false } },
        { rename: { field: 'old', target_field: 'new.place' } },
        { lowercase: { field: 'upper' } },
        { uppercase: { field: 'tags' } },
        { trim: { field: 'padded', target_field: 'trimmed' } },
        { append: { field: 'tags', value: ['B', 'c'], allow_duplicates: false } },
        { convert: { field: 'n', type: 'integer' } },
        { convert: { field: 'flag', type: 'boolean' } },
        { gsub: { field: 'spaces', pattern: '\\s+', replacement: ' ' } },
        { remove: { field: ['drop', 'absent'], ignore_missing: true } },
      ],
      { name: { first: 'Ada' }, old: 1, upper: 'MiXed', tags: ['a', 'b'], padded: '  p  ', n: '42', flag: 'TRUE', spaces: 'a \n\t b', drop: 1 },
    );
    assert.deepEqual(out, {
      name: { first: 'Ada' }, upper: 'mixed', tags: ['A', 'B', 'c'], padded: '  p  ', n: 42, flag: true, spaces: 'a b',
      greeting: 'hello Ada (now)', copy: { first: 'Ada' }, new: { place: 1 }, trimmed: 'p',
    });
  });

  it('fails with Elasticsearch reasons; ignore_missing, ignore_failure and on_failure handle it', async () => {
    await assert.rejects(run([{ lowercase: { field: 'missing' } }], {}), /field \[missing\] not present as part of path \[missing\]/);
    await assert.rejects(run([{ rename: { field: 'a', target_field: 'b' } }], { a: 1, b: 2 }), /field \[b\] already exists/);
    await assert.rejects(run([{ uppercase: { field: 'a' } }], { a: 1 }), /field \[a\] of type \[number\] cannot be cast to \[string\]/);
    await assert.rejects(run([{ convert: { field: 'a', type: 'integer' } }], { a: 'x' }), /unable to convert \[x\] to integer/);
    assert.deepEqual(await run([{ lowercase: { field: 'missing', ignore_missing: true } }], { a: 1 }), { a: 1 });
    assert.deepEqual(await run([{ lowercase: { field: 'a', ignore_failure: true } }, { set: { field: 'b', value: 2 } }], { a: 1 }), { a: 1, b: 2 });
    const handled = await run(
      [{ uppercase: { field: 'a', tag: 'up', on_failure: [{ set: { field: 'why', value: '{{_ingest.on_failure_processor_type}}/{{_ingest.on_failure_processor_tag}}: {{_ingest.on_failure_message}}' } }] } }],
      { a: 1 },
    );
    assert.equal(handled.why, 'uppercase/up: field [a] of type [number] cannot be cast to [string]');
    const pipelineLevel = await run([{ uppercase: { field: 'a' } }], { a: 1 }, { on_failure: [{ set: { field: 'failed_in', value: '{{_ingest.on_failure_pipeline}}' } }] });
    assert.equal(pipelineLevel.failed_in, 'p');
  });

  it('gsub: groups in the replacement; output of templates and gsub bounded', async () => {
    assert.deepEqual(await run([{ gsub: { field: 'd', pattern: '(\\d+)-(\\d+)', replacement: '$2/$1 \\$' } }], { d: 'x 12-34 y' }), { d: 'x 34/12 $ y' });
    rejects400(() => compilePipeline('p', { processors: [{ gsub: { field: 'a', pattern: '(a)', replacement: '$2' } }] }), /refers to group \[2\]/);
    rejects400(() => compilePipeline('p', { processors: [{ gsub: { field: 'a', pattern: 'a', replacement: '${name}' } }] }), /named groups are not supported/);
    const big = 'x'.repeat(4_000_000);
    await assert.rejects(run([{ gsub: { field: 'a', pattern: '', replacement: 'yyyy' } }], { a: big }), /gsub produced more than 10000000 characters/);
    await assert.rejects(run([{ set: { field: 'b', value: '{{a}}{{a}}{{a}}' } }], { a: big }), /rendered more than 10000000 characters/);
  });

  it('attachment: base64 to text, indexed_chars, remove_binary, bad input', async () => {
    const b64 = Buffer.from('The text of a file').toString('base64');
    assert.deepEqual(await run([{ attachment: { field: 'data', indexed_chars: 8 } }], { data: b64 }), {
      attachment: { content: 'The text', content_type: 'text/plain', content_length: 8 },
    });
    assert.deepEqual(await run([{ attachment: { field: 'data', remove_binary: false, properties: ['content'] } }], { data: b64 }), { data: b64, attachment: { content: 'The text of a file' } });
    await assert.rejects(run([{ attachment: { field: 'data' } }], { data: '%%%' }), /not valid base64/);
    const started = Date.now();
    await assert.rejects(run([{ attachment: { field: 'data' } }], { data: ' '.repeat(2_000_000) + '%' }), /not valid base64/);
    assert.ok(Date.now() - started < 1000, 'checked in linear time');
    await assert.rejects(run([{ attachment: { field: 'data' } }], { data: 'eA==eA==' }), /not valid base64/);
    await assert.rejects(run([{ attachment: { field: 'data' } }], { data: Buffer.from('BROKEN').toString('base64') }), /corrupt document/);
  });
});

describe('the default connector pipeline', () => {
  const pipeline = () => compilePipeline('search-default-ingestion', builtinPipelines()['search-default-ingestion']);
  const doc = (source: Record<string, unknown>): IngestDoc => ({ source, meta: { _index: 'i', _id: '1' }, ingest: { timestamp: 't' } });

  it('extracts the attachment into body, reduces whitespace and removes the control fields', async () => {
    const d = doc({ title: 't', _attachment: Buffer.from('  Some   text\n\nhere ').toString('base64'), _extract_binary_content: true, _reduce_whitespace: true, _run_ml_inference: true });
    await runPipeline(pipeline(), d, env);
    assert.deepEqual(d.source, { title: 't', body: 'Some text here' });
  });

  it('leaves body alone without the flags, and records a failed extraction in _ingestion_errors', async () => {
    const d = doc({ body: 'a  b', _attachment: 'eA==', _extract_binary_content: false });
    await runPipeline(pipeline(), d, env);
    assert.deepEqual(d.source, { body: 'a  b' });
    const bad = doc({ _attachment: Buffer.from('BROKEN').toString('base64'), _extract_binary_content: true });
    await runPipeline(pipeline(), bad, env);
    assert.deepEqual(bad.source._ingestion_errors, [
      "Processor 'attachment' in pipeline 'search-default-ingestion' failed with message 'corrupt document'",
      "Processor 'set' in pipeline 'search-default-ingestion' failed with message 'field [_extracted_attachment] not present as part of path [_extracted_attachment.content]'",
    ]);
    assert.equal(bad.source._attachment, undefined);
  });
});
