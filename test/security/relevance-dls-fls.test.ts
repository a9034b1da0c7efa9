/**
 * Relevance features under document- and field-level security (docs/embedded-index.md
 * "Security of the relevance features"): collapse and its inner hits see only the role
 * query's documents and lose hidden fields; function_score on a hidden field reads no values;
 * suggest is refused under a role query (as in Elasticsearch) and reads no terms of a hidden field.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createIndexWithDocs, startSecureServer, TEST_ROLES, TEST_USERS, type SecureServer } from '../helpers/secure-server.js';

const INDEX = 'posts';
const USERS = {
  ...TEST_USERS,
  carol: { password: 'carol-password', roles: ['own_posts'] },
  fran: { password: 'fran-password', roles: ['fields_only'] },
};
const ROLES = {
  ...TEST_ROLES,
  own_posts: { indices: [{ names: [INDEX], privileges: ['read'], query: '{"term": {"owner": "{{_user.username}}"}}' }] },
  fields_only: { indices: [{ names: [INDEX], privileges: ['read'], field_security: { grant: ['title', 'owner', 'team'] } }] },
};
const auth = (u: keyof typeof USERS): [string, string] => [u, USERS[u].password];
const POSTS = [
  { id: 'c1', owner: 'carol', team: 'blue', pay: 10, title: 'carol plan', secret: 'classified budget' },
  { id: 'c2', owner: 'carol', team: 'red', pay: 20, title: 'carol memo', secret: 'classified salary' },
  { id: 'd1', owner: 'dave', team: 'red', pay: 300, title: 'dave plan', secret: 'classified merger' },
  { id: 'r1', owner: 'nobody', team: 'green', pay: 4000, title: 'green roadmap', secret: 'classified layoffs' },
];

let srv: SecureServer;
before(async () => {
  srv = await startSecureServer({ users: USERS, roles: ROLES }, { contentIndex: true });
  const mappings = { properties: { owner: { type: 'keyword' }, team: { type: 'keyword' }, pay: { type: 'long' }, title: { type: 'text' }, secret: { type: 'text' } } };
  await createIndexWithDocs(srv, auth('root'), INDEX, mappings, POSTS);
});
after(() => srv.close());

async function search(user: keyof typeof USERS, body: unknown) {
  return srv.inject({ method: 'POST', url: `/${INDEX}/_search`, auth: auth(user), body });
}

test('collapse and inner hits under a role query: only the caller\'s documents', async () => {
  const res = await search('carol', { collapse: { field: 'team', inner_hits: { name: 'all', size: 10 } }, sort: [{ pay: 'asc' }] });
  assert.equal(res.statusCode, 200, res.body);
  const hits = res.json().hits.hits;
  assert.deepEqual(hits.map((h: { _id: string }) => h._id), ['c1', 'c2']);
  for (const h of hits) for (const ih of h.inner_hits.all.hits.hits) assert.equal(ih._source.owner, 'carol');
});

test('field-level security: inner hits lose hidden fields, hidden fields cannot be collapsed on or scored by', async () => {
  const res = await search('fran', { collapse: { field: 'team', inner_hits: { name: 'all', size: 10 } } });
  assert.equal(res.statusCode, 200, res.body);
  for (const h of res.json().hits.hits) {
    assert.equal(h._source.pay, undefined);
    for (const ih of h.inner_hits.all.hits.hits) {
      assert.equal(ih._source.pay, undefined);
      assert.equal(ih._source.secret, undefined);
    }
  }
  const hidden = await search('fran', { collapse: { field: 'pay' } });
  assert.equal(hidden.statusCode, 400);
  assert.match(hidden.json().error.reason, /no mapping found for `pay` in order to collapse on/);
  // a hidden field reads as unmapped: factor `missing` for everyone, the order reveals nothing
  const scored = await search('fran', { query: { function_score: { field_value_factor: { field: 'pay', missing: 2 }, boost_mode: 'replace' } } });
  assert.equal(scored.statusCode, 200, scored.body);
  assert.deepEqual(scored.json().hits.hits.map((h: { _score: number }) => h._score), [2, 2, 2, 2]);
  const decayed = await search('fran', { query: { function_score: { gauss: { pay: { origin: 0, scale: 10 } }, boost_mode: 'replace' } } });
  assert.deepEqual(decayed.json().hits.hits.map((h: { _score: number }) => h._score), [1, 1, 1, 1]);
  // fuzzy and match_bool_prefix on a hidden field match nothing
  for (const query of [{ fuzzy: { secret: 'clasified' } }, { match_bool_prefix: { secret: 'class' } }]) {
    const r = await search('fran', { query });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().hits.total.value, 0);
  }
  const visible = await search('fran', { query: { fuzzy: { title: 'plam' } } });
  assert.equal(visible.json().hits.total.value, 2);
});

test('suggest: refused under a role query, no terms of a hidden field', async () => {
  const dls = await search('carol', { suggest: { s: { text: 'clasified', term: { field: 'secret' } } } });
  assert.equal(dls.statusCode, 400);
  assert.equal(dls.json().error.reason, "Suggest isn't supported if document level security is enabled");
  const fls = await search('fran', { size: 0, suggest: { s: { text: 'clasified', term: { field: 'secret' } }, t: { text: 'plam', term: { field: 'title' } } } });
  assert.equal(fls.statusCode, 200, fls.body);
  assert.deepEqual(fls.json().suggest.s[0].options, []);
  assert.deepEqual(fls.json().suggest.t[0].options.map((o: { text: string }) => o.text), ['plan']);
  const root = await search('root', { size: 0, suggest: { s: { text: 'clasified', term: { field: 'secret' } } } });
  assert.deepEqual(root.json().suggest.s[0].options.map((o: { text: string }) => o.text), ['classified']);
});
