/**
 * Document-level security of the `confluence` source on the fixture server, Cloud and Server
 * dialects: spaces viewable by a group and a user, an anonymous space, pages restricted to a
 * user or a group, a page below a restricted one, comments and attachments of restricted pages.
 * A user's view is what Elastic's DLS query keeps (documents without `_allow_access_control`, or
 * sharing an identity with the user's access-control document); it must equal what Confluence
 * lets the user see — computed here from the fixture's permissions by Confluence's rule (space
 * view permission, and every restriction on the page and its ancestors satisfied).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { collect, testContext, visibleTo } from '../source.case.js';
import type { SourceDocument } from '../source.js';
import { createConfluenceSource } from './datasource.js';
import { confluenceConfig, confluenceShows, dlsScenario } from './confluence-source.fixture.js';
import { startFakeConfluence, type FakeConfluence } from './confluence.fixture.js';

/** The titles of the documents a user's access-control document lets through. */
function visible(docs: SourceDocument[], acl: SourceDocument): string[] {
  return visibleTo(docs, acl).map((d) => String(d.title)).sort();
}

for (const dialect of ['cloud', 'server'] as const) {
  describe(`confluence document-level security (${dialect})`, () => {
    let f: FakeConfluence;
    let config: Record<string, unknown>;
    before(async () => {
      f = await startFakeConfluence({ dialect });
      dlsScenario(f);
      config = confluenceConfig(f, 'ENG,PUB', { use_document_level_security: true });
    });
    after(() => f.close());

    test('content documents carry their readers; each user sees exactly what Confluence shows them', async () => {
      const s = createConfluenceSource(config);
      const docs = await collect(s.getDocs(testContext()));
      const acls = await collect(s.getAccessControl!(testContext()));
      await s.close();
      assert.equal(docs.length, 12);
      assert.equal(acls.length, f.users.length);
      const byTitle = new Map(docs.map((d) => [d.title, d]));
      assert.equal(byTitle.get('Public page')!._allow_access_control, undefined, 'anonymous space: public');
      const bob = f.users.find((u) => u.username === 'bob')!;
      const bobId = `account_id:${dialect === 'cloud' ? bob.accountId : 'bob'}`;
      assert.deepEqual(byTitle.get('Bob only')!._allow_access_control, [bobId]);
      assert.deepEqual(byTitle.get('bob-secret.txt')!._allow_access_control, [bobId], 'attachments inherit');
      assert.deepEqual(byTitle.get('Below Bob only')!._allow_access_control, [bobId], 'restrictions are inherited down the tree');
      const admins = dialect === 'cloud' ? `group_id:${f.groups.find((g) => g.name === 'administrators')!.id}` : 'group:administrators';
      assert.deepEqual(byTitle.get('Admins blog')!._allow_access_control, [admins]);
      for (const u of f.users) {
        const acl = acls.find((a) => a._id === (dialect === 'cloud' ? u.accountId : u.username))!;
        assert.ok(acl, `identity document of ${u.username}`);
        const expected = docs.map((d) => String(d.title)).filter((t) => confluenceShows(f, u, t)).sort();
        assert.deepEqual(visible(docs, acl), expected, `what ${u.username} sees`);
      }
      const ada = acls.find((a) => (a.identity as { display_name?: string }).display_name === 'name:Ada-Admin')!;
      assert.ok((ada.query as { template: { params: { access_control: string[] } } }).template.params.access_control.includes(admins));
    });

    test('incremental syncs carry the same readers (comments and attachments through their page)', async () => {
      const s = createConfluenceSource(config);
      await collect(s.getDocs(testContext()));
      const cursor = s.cursorAfterFullSync!();
      await s.close();
      const bobs = [...f.content.values()].find((c) => c.title === 'Bob only')!;
      f.add({ type: 'comment', spaceKey: 'ENG', title: 'Late comment on Bob only', parent: bobs.id, body: '<p>later</p>' });
      f.add({ type: 'page', spaceKey: 'ENG', title: 'Late below Bob only', parent: bobs.id });
      const inc = createConfluenceSource(config);
      const ctx = testContext({ syncCursor: cursor });
      const docs: SourceDocument[] = [];
      const it = inc.getDocsIncrementally!(ctx);
      for (let r = await it.next(); !r.done; r = await it.next()) docs.push(r.value as SourceDocument);
      await inc.close();
      const expected = bobs.restrictUsers.map((u) => `account_id:${dialect === 'cloud' ? u : f.users.find((x) => x.username === u)!.username}`);
      assert.deepEqual(docs.map((d) => [d.title, d._allow_access_control]).sort(), [['Late below Bob only', expected], ['Late comment on Bob only', expected]]);
    });
  });
}
