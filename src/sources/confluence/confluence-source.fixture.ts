/**
 * Data sets of the `confluence` source on the fixture server (confluence.fixture.ts): the
 * contract suite's recipe (`load`, `ids`, `change`, …) and the configuration that reads a fake.
 */
import type { SourceFixture } from '../source.case.js';
import { confluenceSource } from './datasource.js';
import { startFakeConfluence, type FakeConfluence, type FakeContent, type FakeUser } from './confluence.fixture.js';

export function confluenceConfig(f: FakeConfluence, spaces: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const creds = f.dialect === 'cloud'
    ? { data_source: 'confluence_cloud', account_email: f.login.user, api_token: f.login.secret }
    : { data_source: 'confluence_server', username: f.login.user, password: f.login.secret };
  return { ...creds, confluence_url: f.siteUrl, spaces, retry_count: 2, concurrent_downloads: 8, ...extra };
}

/** Adds `n` items to the spaces: pages (some below others), blog posts, comments, text attachments. */
export function populate(f: FakeConfluence, keys: string[], n: number, from = 0): void {
  const pages: string[] = [];
  for (const c of f.content.values()) if (c.type === 'page') pages.push(c.id);
  for (let i = from; i < from + n; i++) {
    const spaceKey = keys[i % keys.length];
    const kind = i % 10;
    const near = pages.filter((p) => f.content.get(p)?.spaceKey === spaceKey).slice(-3);
    if (kind <= 5 || near.length === 0) {
      const parent = kind % 3 === 1 && near.length ? near[0] : null;
      const p = f.add({ type: 'page', spaceKey, title: `Page ${i}`, parent, body: `<h1>Page ${i}</h1><p>Quarterly <strong>report</strong> number ${i}.</p><ac:structured-macro ac:name="info"><ac:rich-text-body><p>Note ${i}</p></ac:rich-text-body></ac:structured-macro>`, labels: i % 4 === 0 ? ['docs'] : [] });
      pages.push(p.id);
    } else if (kind <= 7) {
      f.add({ type: 'blogpost', spaceKey, title: `Blog ${i}`, body: `<p>Blog post ${i} &amp; news</p>` });
    } else if (kind === 8) {
      f.add({ type: 'comment', spaceKey, title: `Re: comment ${i}`, parent: near[near.length - 1], body: `<p>Comment ${i}</p>` });
    } else {
      f.add({ type: 'attachment', spaceKey, title: `notes-${i}.txt`, parent: near[near.length - 1], bytes: Buffer.from(`attachment text ${i}`), mediaType: 'text/plain' });
    }
  }
}

export function confluenceFixture(dialect: 'cloud' | 'server' = 'cloud'): SourceFixture {
  let f: FakeConfluence | null = null;
  const keys = ['ENG', 'DOCS'];
  let next = 0;
  return {
    factory: confluenceSource,
    incrementalDeletions: false,
    advancedRules: { valid: [{ query: 'space = ENG AND type = page' }], invalid: [{ query: 'space = ENG AND type =' }, { cql: 'x' }] },
    async load(n) {
      f = await startFakeConfluence({ dialect });
      for (const k of keys) f.space(k);
      populate(f, keys, n - keys.length);
      next = n;
      return confluenceConfig(f, keys.join(','));
    },
    async ids() {
      return [...[...f!.spaces.values()].map((s) => String(s.id)), ...f!.content.keys()];
    },
    async change({ update, add, remove }) {
      const leaves = [...f!.content.values()].filter((c) => c.type === 'page' && ![...f!.content.values()].some((k) => k.container === c.id || k.ancestors.includes(c.id)));
      for (const c of leaves.slice(0, update)) f!.update(c.id, { title: `${c.title} (edited)`, body: `${c.body}<p>edited</p>` });
      for (const c of leaves.slice(update, update + remove)) f!.remove(c.id);
      for (let i = 0; i < add; i++) f!.add({ type: 'page', spaceKey: keys[i % 2], title: `Added ${next + i}`, body: `<p>new ${next + i}</p>` });
      next += add;
    },
    unreachable: () => ({ ...confluenceConfig(f!, 'ENG'), confluence_url: 'http://127.0.0.1:9', retry_count: 0 }),
    async remove() {
      await f?.close();
    },
  };
}

/**
 * Spaces and content with permissions for document-level security tests: ENG viewable by the
 * groups engineering and administrators and the user carol, PUB open to anonymous users; pages
 * restricted to a user, to a group, to both; a page below a restricted one; comments and an
 * attachment of a restricted page; a restricted page in the anonymous space. 12 documents.
 */
export function dlsScenario(f: FakeConfluence): void {
  const ref = (name: string) => {
    const u = f.users.find((x) => x.username === name)!;
    return f.dialect === 'cloud' ? u.accountId : u.username;
  };
  f.space('ENG', { name: 'Engineering space', viewGroups: ['engineering', 'administrators'], viewUsers: [ref('carol')] });
  f.space('PUB', { name: 'Public space', viewGroups: [], anonymous: true });
  const open = f.add({ type: 'page', spaceKey: 'ENG', title: 'Open page' });
  f.add({ type: 'comment', spaceKey: 'ENG', title: 'Open comment', parent: open.id, body: '<p>hi</p>' });
  const bobs = f.add({ type: 'page', spaceKey: 'ENG', title: 'Bob only', restrictUsers: [ref('bob')] });
  f.add({ type: 'page', spaceKey: 'ENG', title: 'Below Bob only', parent: bobs.id });
  f.add({ type: 'comment', spaceKey: 'ENG', title: 'Comment on Bob only', parent: bobs.id, body: '<p>secret</p>' });
  f.add({ type: 'attachment', spaceKey: 'ENG', title: 'bob-secret.txt', parent: bobs.id, bytes: Buffer.from('secret'), mediaType: 'text/plain' });
  f.add({ type: 'blogpost', spaceKey: 'ENG', title: 'Admins blog', restrictGroups: ['administrators'] });
  f.add({ type: 'page', spaceKey: 'ENG', title: 'Carol and admins', restrictUsers: [ref('carol')], restrictGroups: ['administrators'] });
  const pub = f.add({ type: 'page', spaceKey: 'PUB', title: 'Public page' });
  f.add({ type: 'page', spaceKey: 'PUB', title: 'Public but restricted', parent: pub.id, restrictGroups: ['engineering'] });
}

/** What Confluence shows `u`: the space's view permission, then every restriction up the tree. */
export function confluenceShows(f: FakeConfluence, u: FakeUser, title: string): boolean {
  const ref = f.dialect === 'cloud' ? u.accountId : u.username;
  const space = [...f.spaces.values()].find((s) => s.name === title) ?? f.spaces.get([...f.content.values()].find((c) => c.title === title)!.spaceKey)!;
  if (!space.anonymous && !space.viewUsers.includes(ref) && !space.viewGroups.some((g) => u.groups.includes(g))) return false;
  const c = [...f.content.values()].find((x) => x.title === title);
  if (!c) return true;
  const chain: FakeContent[] = [c, ...(c.container ? [f.content.get(c.container)!] : []), ...c.ancestors.map((a) => f.content.get(a)!)];
  return chain.every((x) => (x.restrictUsers.length === 0 && x.restrictGroups.length === 0) || x.restrictUsers.includes(ref) || x.restrictGroups.some((g) => u.groups.includes(g)));
}

