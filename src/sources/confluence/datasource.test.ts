/**
 * The `confluence` source against the fixture server (confluence.fixture.ts), Cloud and Server
 * dialects: Elastic's document fields, storage format through the extraction service, labels,
 * attachments (and one too big), paging past hundreds of pages, retries (429 with Retry-After,
 * 503), credentials and space errors that name the field, incremental syncs in a time zone far
 * from UTC, advanced CQL rules, and cancel.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { collect, testContext } from '../source.case.js';
import { SourceError, type SourceDocument } from '../source.js';
import { createConfluenceSource } from './datasource.js';
import { confluenceConfig, populate } from './confluence-source.fixture.js';
import { startFakeConfluence, type FakeConfluence } from './confluence.fixture.js';

const fast = { backoff: { initialDelayMs: 10, maxDelayMs: 50 } };

async function incremental(f: FakeConfluence, config: Record<string, unknown>, cursor: Record<string, unknown> | null) {
  const s = createConfluenceSource(config, undefined, fast);
  const ctx = testContext({ syncCursor: cursor });
  const it = s.getDocsIncrementally!(ctx);
  const docs: SourceDocument[] = [];
  let r = await it.next();
  for (; !r.done; r = await it.next()) docs.push(r.value as SourceDocument);
  await s.close();
  return { docs, cursor: r.value as Record<string, unknown>, complete: ctx.complete };
}

describe('confluence source (Cloud)', () => {
  let f: FakeConfluence;
  let page: string;
  before(async () => {
    f = await startFakeConfluence();
    f.space('ENG', { name: 'Engineering' });
    f.space('BIG');
    const root = f.add({ type: 'page', spaceKey: 'ENG', title: 'Handbook', body: '<p>Root</p>', labels: ['policy', 'hr'] });
    const p = f.add({ type: 'page', spaceKey: 'ENG', title: 'On call', parent: root.id, body: '<h2>Rota</h2><p>Call <strong>pelican</strong> &amp; friends.</p><ac:structured-macro ac:name="note"><ac:rich-text-body><p>Macro walrus text</p></ac:rich-text-body></ac:structured-macro><script>alert(1)</script>' });
    page = p.id;
    f.add({ type: 'blogpost', spaceKey: 'ENG', title: 'Launch', body: '<p>We launched the otter.</p>' });
    f.add({ type: 'comment', spaceKey: 'ENG', title: 'Re: On call', parent: p.id, body: '<p>Looks good, heron.</p>' });
    f.add({ type: 'attachment', spaceKey: 'ENG', title: 'rota.txt', parent: p.id, bytes: Buffer.from('weekly badger rota'), mediaType: 'text/plain' });
    f.add({ type: 'attachment', spaceKey: 'ENG', title: 'huge.txt', parent: p.id, bytes: Buffer.alloc(5000, 'a'), mediaType: 'text/plain' });
    populate(f, ['BIG'], 700);
  });
  after(() => f.close());

  test("pages, blog posts, comments, attachments and spaces with Elastic's fields; storage format as text", async () => {
    const s = createConfluenceSource(confluenceConfig(f, 'ENG', { index_labels: true, max_file_size: 1000 }), undefined, fast);
    const ctx = testContext();
    const docs = await collect(s.getDocs(ctx));
    await s.close();
    const by = new Map(docs.map((d) => [d.title, d]));
    const c = f.content.get(page)!;
    const base = `${f.siteUrl}/wiki`;
    assert.deepEqual(by.get('Engineering'), {
      _id: String(f.spaces.get('ENG')!.id), _timestamp: new Date(f.spaces.get('ENG')!.created).toISOString(), type: 'Space', title: 'Engineering', space_key: 'ENG',
      url: `${base}/spaces/ENG`, author: 'Ada Admin', createdDate: new Date(f.spaces.get('ENG')!.created).toISOString(),
    });
    const oncall = by.get('On call')!;
    assert.equal(oncall._id, page);
    assert.equal(oncall.type, 'page');
    assert.equal(oncall.space, 'Engineering');
    assert.equal(oncall.author, 'Bob Writer');
    assert.equal(oncall._timestamp, new Date(c.modified).toISOString());
    assert.equal(oncall.url, `${base}/spaces/ENG/pages/${page}/On+call`);
    assert.deepEqual(oncall.ancestors, [{ title: 'Handbook', url: `${base}/spaces/ENG/pages/${c.ancestors[0]}/Handbook` }]);
    assert.deepEqual(oncall.labels, []);
    assert.deepEqual(by.get('Handbook')!.labels, ['policy', 'hr']);
    const body = String(oncall.body);
    for (const w of ['Rota', 'pelican & friends', 'Macro walrus text']) assert.ok(body.includes(w), `${w} in ${body}`);
    assert.ok(!/[<>]/.test(body) && !body.includes('alert'), body);
    assert.equal(by.get('Launch')!.type, 'blogpost');
    assert.equal(by.get('Re: On call')!.type, 'comment');
    assert.equal(by.get('Re: On call')!.page, 'On call');
    assert.equal(by.get('Re: On call')!.body, 'Looks good, heron.');
    const att = by.get('rota.txt')!;
    assert.equal(att.type, 'attachment');
    assert.equal(att.page, 'On call');
    assert.equal(att.size, 18);
    assert.equal(att.body, 'weekly badger rota');
    assert.equal(by.get('huge.txt')!.body, undefined, 'too big: metadata only');
    assert.equal(ctx.failures.length, 1);
    assert.match(ctx.failures[0][1], /huge\.txt.*over \[max_file_size\] 1000/);
    assert.equal(docs.length, 7);
    assert.ok(docs.every((d) => d._allow_access_control === undefined), 'no DLS fields when DLS is off');
  });

  test('700 items over many search pages, children only where the expansion counted some; 429 and 503 retried', async () => {
    const s = createConfluenceSource(confluenceConfig(f, 'BIG'), undefined, fast);
    const before = { ...f.counts };
    f.fail(1, 429, 1);
    const t0 = Date.now();
    const first = await collect(s.getDocs(testContext()));
    assert.ok(Date.now() - t0 >= 1000, 'Retry-After: 1 honoured');
    f.fail(2, 503);
    const second = await collect(s.getDocs(testContext()));
    await s.close();
    const expected = [...f.content.values()].filter((c) => c.spaceKey === 'BIG').length + 1;
    assert.equal(first.length, expected);
    assert.deepEqual(second.map((d) => d._id).sort(), first.map((d) => d._id).sort());
    assert.equal(f.counts.failed - before.failed, 3);
    const parents = new Set([...f.content.values()].filter((c) => c.spaceKey === 'BIG' && c.container).map((c) => `${c.container}/${c.type}`));
    assert.equal((f.counts.children - before.children) / 2, parents.size, 'one children request per page and kind that has any');
  });

  test('bad credentials, a missing space and an unreachable site fail with what to fix', async () => {
    const bad = createConfluenceSource({ ...confluenceConfig(f, 'ENG'), api_token: 'wrong' }, undefined, fast);
    await assert.rejects(bad.ping(), (e: unknown) => e instanceof SourceError && /\[account_email\] and \[api_token\]/.test(e.message) && !e.message.includes('wrong'));
    await bad.close();
    const missing = createConfluenceSource(confluenceConfig(f, 'ENG,NOPE'), undefined, fast);
    await assert.rejects(missing.ping(), (e: unknown) => e instanceof SourceError && /fix \[spaces\]: no space \[NOPE\]/.test(e.message));
    await assert.rejects(collect(missing.getDocs(testContext())), /NOPE/);
    await missing.close();
    const cfg = createConfluenceSource({ ...confluenceConfig(f, 'ENG'), spaces: 'bad key!' });
    await assert.rejects(cfg.ping(), /Configuration field \[spaces\]/);
    f.fail(5, 503);
    const flaky = createConfluenceSource(confluenceConfig(f, 'ENG', { retry_count: 1 }), undefined, fast);
    await assert.rejects(flaky.ping(), (e: unknown) => e instanceof SourceError && e.options.transient === true && /retried 1 times/.test(e.message));
    f.fail(0, 0);
    await flaky.close();
  });

  test('incremental syncs find edits, new pages, comments and attachments at minute precision in the account\'s time zone', async () => {
    f.timeZone = 'Pacific/Chatham'; // UTC+13:45: a wrong zone would miss or repeat everything
    const config = confluenceConfig(f, 'ENG');
    const full = createConfluenceSource(config, undefined, fast);
    await collect(full.getDocs(testContext()));
    const cursor = full.cursorAfterFullSync!();
    await full.close();
    assert.ok(cursor);
    const none = await incremental(f, config, cursor);
    assert.deepEqual(none.docs, [], 'nothing changed: the overlap window re-reads but skips known versions');
    f.update(page, { body: '<p>Edited rota</p>' });
    const added = f.add({ type: 'page', spaceKey: 'ENG', title: 'New page', body: '<p>fresh</p>' });
    const comment = f.add({ type: 'comment', spaceKey: 'ENG', title: 'Re: New page', parent: added.id, body: '<p>first!</p>' });
    const att = f.add({ type: 'attachment', spaceKey: 'ENG', title: 'new.txt', parent: added.id, bytes: Buffer.from('new attachment'), mediaType: 'text/plain' });
    f.add({ type: 'page', spaceKey: 'BIG', title: 'Elsewhere' });
    const run = await incremental(f, config, none.cursor);
    assert.equal(run.complete, false);
    assert.deepEqual(run.docs.map((d) => d._id).sort(), [page, added.id, comment.id, att.id].sort());
    const by = new Map(run.docs.map((d) => [d._id, d]));
    assert.equal(by.get(page)!.body, 'Edited rota');
    assert.equal(by.get(comment.id)!.page, 'New page');
    assert.equal(by.get(att.id)!.body, 'new attachment');
    const again = await incremental(f, config, run.cursor);
    assert.deepEqual(again.docs, []);
    const other = await incremental(f, confluenceConfig(f, 'ENG,BIG'), run.cursor);
    assert.equal(other.complete, true, 'other spaces: the cursor does not cover them, everything is read');
    f.timeZone = 'UTC';
  });

  test('advanced rules: CQL queries replace the spaces; Confluence checks them', async () => {
    const s = createConfluenceSource(confluenceConfig(f, 'BIG'), undefined, fast);
    const rules = [{ query: 'space = ENG AND type = page ORDER BY title' }, { query: 'type = attachment AND title ~ "rota"' }];
    const docs = await collect(s.getDocs(testContext({ advancedRules: rules })));
    assert.deepEqual(docs.map((d) => d.title), ['Handbook', 'New page', 'On call', 'rota.txt'], 'ordered as the rule says (New page: added by the incremental test)');
    assert.equal(docs[3].body, 'weekly badger rota');
    assert.deepEqual(await s.validateAdvancedRules!(rules), { valid: true, messages: [] });
    const bad = await s.validateAdvancedRules!([{ query: 'type = page' }, { query: 'spice = ENG' }]);
    assert.equal(bad.valid, false);
    assert.match(bad.messages[0], /^Rule 2: Confluence does not accept the CQL query: .*Could not parse cql/);
    const shape = await s.validateAdvancedRules!([{ query: 'type = page' }, { cql: 'x' }, 'x']);
    assert.match(shape.messages[0], /^Rule 2: unknown key "cql"/);
    assert.match(shape.messages[2], /^Rule 3: must be an object/);
    await assert.rejects(collect(s.getDocs(testContext({ advancedRules: { query: 'x' } }))), /Invalid advanced sync rules/);
    const cursor = s.cursorAfterFullSync!(); // of the last full run: these rules
    await s.close();
    const handbook = [...f.content.values()].find((c) => c.title === 'Handbook')!;
    f.update(handbook.id, { body: '<p>Handbook v2</p>' });
    f.add({ type: 'blogpost', spaceKey: 'ENG', title: 'Not selected by the rules' });
    const inc = createConfluenceSource(confluenceConfig(f, 'BIG'), undefined, fast);
    const ctx = testContext({ syncCursor: cursor, advancedRules: rules });
    const got: SourceDocument[] = [];
    const it = inc.getDocsIncrementally!(ctx);
    for (let r = await it.next(); !r.done; r = await it.next()) got.push(r.value as SourceDocument);
    await inc.close();
    assert.equal(ctx.complete, false);
    assert.deepEqual(got.map((d) => [d.title, d.body]), [['Handbook', 'Handbook v2']], 'each rule, restricted to changes');
  });

  test('cancel ends a stalled request at once', async () => {
    f.stall = (u) => u.includes('/content/search');
    const s = createConfluenceSource(confluenceConfig(f, 'ENG'), undefined, fast);
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(new Error('canceled')), 200);
    await assert.rejects(collect(s.getDocs(testContext({ signal: ac.signal }))), /canceled/);
    assert.ok(Date.now() - t0 < 2000);
    await s.close();
    f.stall = () => false;
  });
});

describe('confluence source (Server, below a context path)', () => {
  let f: FakeConfluence;
  before(async () => {
    f = await startFakeConfluence({ dialect: 'server', context: '/confluence' });
    f.space('OPS');
    populate(f, ['OPS'], 260);
  });
  after(() => f.close());

  test('offset paging, user-name logins and URLs under the context path', async () => {
    const s = createConfluenceSource(confluenceConfig(f, 'OPS'), undefined, fast);
    await s.ping();
    const docs = await collect(s.getDocs(testContext()));
    await s.close();
    assert.equal(docs.length, f.content.size + 1);
    assert.ok(docs.every((d) => String(d.url).startsWith(`${f.siteUrl}/`)));
    assert.ok(f.siteUrl.endsWith('/confluence'));
    const dc = createConfluenceSource({ data_source: 'confluence_data_center', data_center_username: f.login.user, data_center_password: f.login.secret, confluence_url: f.siteUrl, spaces: 'OPS' }, undefined, fast);
    assert.equal((await collect(dc.getDocs(testContext()))).length, docs.length, 'Data Center: the same API with its own credential fields');
    await dc.close();
  });
});

for (const dialect of ['cloud', 'server'] as const) {
  test(`${dialect}: content deleted and added between search pages (and comments between comment pages) loses no other document`, async () => {
    const f = await startFakeConfluence({ dialect });
    f.space('CHG');
    for (let i = 0; i < 180; i++) f.add({ type: 'page', spaceKey: 'CHG', title: `P${i}` });
    const comments = Array.from({ length: 230 }, (_, i) => f.add({ type: 'comment', spaceKey: 'CHG', title: `C${i}`, parent: [...f.content.keys()][0], body: `<p>c${i}</p>` }));
    const ids = [...f.content.keys()].filter((id) => f.content.get(id)!.type === 'page');
    let searches = 0;
    let childPages = 0;
    f.onRequest = (u) => {
      if (u.includes('/child/comment') && ++childPages === 2) for (const c of comments.slice(20, 28)) f.remove(c.id); // 8 comments already read
      if (!u.includes('/content/search')) return;
      searches++;
      if (searches === 2) for (const id of ids.slice(10, 17)) f.remove(id); // 7 deletions: more than the overlap
      if (searches === 3) for (const id of ids.slice(60, 62)) f.remove(id);
      if (searches === 3) f.add({ type: 'page', spaceKey: 'CHG', title: 'Late' });
    };
    const s = createConfluenceSource(confluenceConfig(f, 'CHG'), undefined, fast);
    const got = new Set((await collect(s.getDocs(testContext()))).map((d) => d._id));
    await s.close();
    await f.close();
    const missing = [...f.content.keys()].filter((id) => !got.has(id));
    assert.deepEqual(missing, [], 'every item present from start to end was read');
  });
}
