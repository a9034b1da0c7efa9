import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SourceDocument, SyncContext } from '../source.js';
import { testContext } from '../source.case.js';
import { directorySource, documentId } from './datasource.js';
import { htmlToText } from './extract.js';
import { fileFilter, validateGlobRules } from './globs.js';
import { docxWithText, pdfWithText } from '../../extraction/binary-documents.fixture.js';

let root: string;

function put(rel: string, content: string | Buffer) {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), content);
}

async function docs(config: Record<string, unknown>, ctx: SyncContext = testContext()): Promise<Map<string, SourceDocument>> {
  const s = directorySource.create({ path: root, ...config });
  const out = new Map<string, SourceDocument>();
  for await (const d of s.getDocs(ctx)) out.set(d.path as string, d);
  await s.close();
  return out;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'tributary-dir-'));
  put('notes/a.md', '# Title\n\nHello   markdown');
  put('notes/b.txt', 'plain text');
  put('web/page.html', '<html><head><title>T</title><style>p{}</style></head><body><p>Hi &amp; bye</p><script>x()</script></body></html>');
  put('data/rows.csv', 'a,b\n1,2\n');
  put('data/doc.json', '{"k": "v"}');
  put('bin/report.pdf', pdfWithText('Quarterly revenue grew'));
  put('bin/letter.docx', docxWithText(['Dear reader,', 'the docx body.']));
  put('bin/image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  put('big/huge.txt', 'x'.repeat(5000));
  put('node_modules/pkg/index.txt', 'never read');
  put('.git/config', 'never read');
  symlinkSync(join(root, 'notes'), join(root, 'link-to-notes'));
});

after(() => rmSync(root, { recursive: true, force: true }));

test('documents: stable ids, metadata, text of every supported format', async () => {
  const ctx = testContext();
  const d = await docs({ max_file_size: 4096 }, ctx);
  assert.deepEqual([...d.keys()].sort(), [
    'big/huge.txt', 'bin/image.png', 'bin/letter.docx', 'bin/report.pdf', 'data/doc.json', 'data/rows.csv', 'notes/a.md', 'notes/b.txt', 'web/page.html',
  ]);
  const md = d.get('notes/a.md')!;
  assert.equal(md._id, documentId('notes/a.md'));
  assert.equal(md.title, 'a.md');
  assert.equal(md.directory, 'notes');
  assert.equal(md.extension, 'md');
  assert.equal(md.size, 25);
  assert.ok(!Number.isNaN(Date.parse(md._timestamp!)));
  assert.equal(md.body, '# Title\n\nHello   markdown', 'the runtime reduces whitespace, not the source');
  assert.equal(d.get('web/page.html')!.body, 'T\nHi & bye');
  assert.equal(d.get('data/rows.csv')!.body, 'a,b\n1,2\n');
  assert.equal(d.get('bin/report.pdf')!.body, 'Quarterly revenue grew');
  assert.equal(d.get('bin/letter.docx')!.body, 'Dear reader,\nthe docx body.');
  assert.equal(d.get('bin/image.png')!.body, undefined);
  // Over max_file_size: indexed without content and reported, not dropped.
  assert.equal(d.get('big/huge.txt')!.body, undefined);
  assert.equal(ctx.failures.length, 1);
  assert.equal(ctx.failures[0][0], documentId('big/huge.txt'));
  assert.match(ctx.failures[0][1], /File \[big\/huge.txt\] is 5000 bytes, over \[max_file_size\] 4096/);
});

test('binary extraction only with extract_binary_content', async () => {
  const d = await docs({}, testContext({ pipeline: { extract_binary_content: false, reduce_whitespace: true } }));
  assert.equal(d.get('bin/report.pdf')!.body, undefined);
  assert.equal(d.get('bin/letter.docx')!.body, undefined);
  assert.equal(d.get('notes/b.txt')!.body, 'plain text');
});

test('a corrupt PDF is indexed without content and reported', async () => {
  put('bad/broken.pdf', '%PDF-1.4 this is not really a pdf');
  const ctx = testContext();
  const d = await docs({ include: 'bad/**' }, ctx);
  assert.equal(d.get('bad/broken.pdf')!.body, undefined);
  assert.match(ctx.failures[0][1], /File \[bad\/broken.pdf\] has no extractable text/);
  rmSync(join(root, 'bad'), { recursive: true });
});

test('names without an extension: their bytes decide; binary, archives and oversize ones are skipped quietly', async () => {
  put('plain/LICENSE', 'MIT License\n\nPermission is hereby granted');
  put('plain/page', '<!doctype html><html><body><p>Unnamed page</p></body></html>');
  put('plain/program', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0]));
  put('plain/archive', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64)]));
  put('plain/big', 'y'.repeat(5000));
  const ctx = testContext();
  const d = await docs({ include: 'plain/**', max_file_size: 4096 }, ctx);
  assert.equal(d.get('plain/LICENSE')!.body, 'MIT License\n\nPermission is hereby granted');
  assert.equal(d.get('plain/page')!.body, 'Unnamed page');
  assert.equal(d.get('plain/program')!.body, undefined);
  assert.equal(d.get('plain/archive')!.body, undefined);
  assert.equal(d.get('plain/big')!.body, undefined);
  assert.deepEqual(ctx.failures, [], 'a guess that does not pan out is not a failure');
  rmSync(join(root, 'plain'), { recursive: true });
});

test('include and exclude globs; names without a slash match at any depth', async () => {
  assert.deepEqual([...(await docs({ include: '*.md, web/**', exclude: '' })).keys()].sort(), ['notes/a.md', 'web/page.html']);
  assert.deepEqual([...(await docs({ exclude: 'bin/**,big/**,**/.git/**,node_modules/**,*.csv' })).keys()].sort(), [
    'data/doc.json', 'notes/a.md', 'notes/b.txt', 'web/page.html',
  ]);
  const f = fileFilter([{ include: [], exclude: ['node_modules/**', '**/.git/**'] }]);
  assert.equal(f.pruned('node_modules'), true);
  assert.equal(f.pruned('a/node_modules'), false, 'a/** only covers the folder at the root');
  assert.equal(f.pruned('a/.git'), true);
});

test('advanced rules narrow the selection further; invalid rules are explained', async () => {
  const d = await docs({}, testContext({ advancedRules: { include: ['notes/**', 'data/**'], exclude: ['**/*.csv'] } }));
  assert.deepEqual([...d.keys()].sort(), ['data/doc.json', 'notes/a.md', 'notes/b.txt']);
  const v = validateGlobRules({ include: ['ok/**', ''], exclude: 'x', extra: true });
  assert.equal(v.valid, false);
  assert.deepEqual(v.messages, [
    'Unknown key [extra]: advanced rules accept only "include" and "exclude"',
    '[include][1] must be a non-empty glob string, got ""',
    '[exclude] must be an array of glob strings',
  ]);
  assert.equal(validateGlobRules([]).valid, false);
  assert.deepEqual(validateGlobRules({}), { valid: true, messages: [] });
});

test('basic rules are pushed down: excluded files are not read', async () => {
  const rules = [{ id: 'r', field: 'directory', rule: 'equals' as const, value: 'bin', policy: 'exclude' as const, order: 0 }];
  const d = await docs({}, testContext({ basicRules: rules }));
  assert.ok(![...d.keys()].some((p) => p.startsWith('bin/')));
});

test('configuration errors name the field', async () => {
  const s = directorySource.create({ path: 'relative/path' });
  await assert.rejects(s.ping(), /\[path\] must be an absolute path/);
  const t = directorySource.create({ path: root, max_file_size: -3 });
  await assert.rejects(t.ping(), /\[max_file_size\] must be a positive integer/);
  await assert.rejects(directorySource.create({ path: join(root, 'nope') }).ping(), /does not exist: check the connector's \[path\]/);
  await assert.rejects(directorySource.create({ path: join(root, 'notes/a.md') }).ping(), /is not a folder/);
});

async function incremental(cursor: Record<string, unknown> | null) {
  const s = directorySource.create({ path: root });
  const ctx = testContext({ syncCursor: cursor });
  const it = s.getDocsIncrementally!(ctx);
  const paths: string[] = [];
  let r;
  while (!(r = await it.next()).done) paths.push((r.value as SourceDocument).path as string);
  return { paths: paths.sort(), complete: ctx.complete, cursor: r.value as Record<string, unknown> };
}

test('incremental: additions and edits without re-enumeration; a rename or delete re-enumerates', async () => {
  await new Promise((r) => setTimeout(r, 2100)); // past the margin for coarse timestamps
  const first = await incremental(null);
  assert.equal(first.complete, true, 'no cursor: a complete enumeration');
  await new Promise((r) => setTimeout(r, 2100));
  const quiet = await incremental(first.cursor);
  assert.deepEqual(quiet.paths, []);
  assert.equal(quiet.complete, false);

  put('notes/new.md', 'new');
  put('notes/b.txt', 'edited');
  put('fresh/dir/c.txt', 'in a new folder');
  const adds = await incremental(quiet.cursor);
  if (adds.complete) {
    // A false alarm re-enumerates (allowed by design: it only costs time). Seen once on a loaded
    // CI machine; the run must then still hold every file.
    for (const p of ['fresh/dir/c.txt', 'notes/b.txt', 'notes/new.md']) assert.ok(adds.paths.includes(p), p);
  } else {
    assert.deepEqual(adds.paths, ['fresh/dir/c.txt', 'notes/b.txt', 'notes/new.md']);
  }

  await new Promise((r) => setTimeout(r, 2100));
  renameSync(join(root, 'notes/new.md'), join(root, 'notes/renamed.md'));
  const renamed = await incremental(adds.cursor);
  assert.equal(renamed.complete, true, 'a rename loses a name: re-enumerate');
  assert.ok(renamed.paths.includes('notes/renamed.md') && !renamed.paths.includes('notes/new.md'));

  await new Promise((r) => setTimeout(r, 2100));
  rmSync(join(root, 'fresh'), { recursive: true });
  const removed = await incremental(renamed.cursor);
  assert.equal(removed.complete, true, 'a removed folder: re-enumerate');
  assert.ok(!removed.paths.some((p) => p.startsWith('fresh/')));
});

test('html to text', () => {
  assert.equal(htmlToText('<div>a<br>b</div><!-- c --><p>&lt;d&gt; &#233; &#x41;</p>').text, 'a\nb\n<d> é A');
});
