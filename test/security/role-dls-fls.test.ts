/**
 * Document- and field-level security of config roles (docs/security.md "Document- and
 * field-level security"): a templated role query per user (`{{_user.username}}`,
 * `{{_user.metadata.*}}`), several roles ORed, a role without a query lifting the filter,
 * `field_security` grant/except (hidden fields gone from `_source`, highlight and queries),
 * API keys limited by their owner's roles, hostile template values kept as one JSON value, and
 * invalid role queries refused at config load and key creation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseSecurityConfig } from '../../src/security/config.js';
import { createIndexWithDocs, startSecureServer, TEST_ROLES, TEST_USERS, type SecureServer } from '../helpers/secure-server.js';

const INDEX = 'notes';
const HOSTILE = 'red"}},{"match_all":{}}]}}, "x": {"y": "';
const USERS = {
  ...TEST_USERS,
  carol: { password: 'carol-password', roles: ['own_notes'], metadata: { teams: ['blue'] } },
  dave: { password: 'dave-password', roles: ['own_notes', 'team_notes'], metadata: { teams: ['red'] } },
  erin: { password: 'erin-password', roles: ['own_notes', 'all_notes'] },
  mallory: { password: 'mallory-password', roles: ['team_notes', 'one_team'], metadata: { teams: [HOSTILE], team: HOSTILE } },
  fran: { password: 'fran-password', roles: ['fields_only'] },
  gus: { password: 'gus-password', roles: ['own_notes', 'manage_keys'], metadata: { teams: ['red'] } },
  hank: { password: 'hank-password', roles: ['own_writer'] },
};
const ROLES = {
  ...TEST_ROLES,
  own_notes: { indices: [{ names: [INDEX], privileges: ['read'], query: '{"term": {"owner": "{{_user.username}}"}}' }] },
  team_notes: {
    indices: [{ names: [INDEX], privileges: ['read'], query: { template: { source: '{"terms": {"team": {{#toJson}}_user.metadata.teams{{/toJson}}}}' } } }],
  },
  one_team: { indices: [{ names: [INDEX], privileges: ['read'], query: '{"term": {"team": "{{_user.metadata.team}}"}}' }] },
  all_notes: { indices: [{ names: ['not*'], privileges: ['read'] }] },
  fields_only: { indices: [{ names: [INDEX], privileges: ['read', 'view_index_metadata'], field_security: { grant: ['title', 'owner', 'meta.*'], except: ['meta.secret'] } }] },
  manage_keys: { cluster: ['manage_own_api_key'] },
  own_writer: { indices: [{ names: [INDEX], privileges: ['read', 'write'], query: '{"term": {"owner": "{{_user.username}}"}}' }] },
};
type User = keyof typeof USERS;
const auth = (u: User): [string, string] => [u, USERS[u].password];

const NOTES = [
  { id: 'c1', owner: 'carol', team: 'blue', title: 'carol plan', body: 'budget draft', meta: { public: 'p1', secret: 's1' } },
  { id: 'd1', owner: 'dave', team: 'red', title: 'dave plan', body: 'budget final', meta: { public: 'p2', secret: 's2' } },
  { id: 'r1', owner: 'nobody', team: 'red', title: 'red roadmap', body: 'team budget', meta: { public: 'p3', secret: 's3' } },
  { id: 'b1', owner: 'nobody', team: 'blue', title: 'blue roadmap', body: 'other', meta: { public: 'p4', secret: 's4' } },
];

let srv: SecureServer;
before(async () => {
  srv = await startSecureServer({ users: USERS, roles: ROLES }, { contentIndex: true });
  const mappings = { properties: { owner: { type: 'keyword' }, team: { type: 'keyword' }, title: { type: 'text' }, body: { type: 'text' } } };
  await createIndexWithDocs(srv, auth('root'), INDEX, mappings, NOTES);
});
after(() => srv.close());

async function search(who: { auth?: [string, string]; apiKey?: string }, body: unknown = {}) {
  const res = await srv.inject({ method: 'POST', url: `/${INDEX}/_search`, ...who, body });
  return res;
}
const idsOf = (res: { json(): any }) => (res.json().hits.hits as { _id: string }[]).map((h) => h._id).sort();
const expect = (pred: (n: (typeof NOTES)[number]) => boolean) => NOTES.filter(pred).map((n) => n.id).sort();

describe('document-level security of config roles', () => {
  test('{{_user.username}}: each user sees their own notes', async () => {
    assert.deepEqual(idsOf(await search({ auth: auth('carol') })), expect((n) => n.owner === 'carol'));
    assert.equal((await srv.inject({ method: 'GET', url: `/${INDEX}/_doc/d1`, auth: auth('carol') })).statusCode, 404);
    assert.equal((await srv.inject({ method: 'GET', url: `/${INDEX}/_doc/c1`, auth: auth('carol') })).statusCode, 200);
  });

  test('several roles are ORed: own notes or the team\'s ({{#toJson}} of metadata)', async () => {
    assert.deepEqual(idsOf(await search({ auth: auth('dave') })), expect((n) => n.owner === 'dave' || n.team === 'red'));
    const count = await srv.inject({ method: 'GET', url: `/${INDEX}/_count`, auth: auth('dave') });
    assert.equal(count.json().count, expect((n) => n.owner === 'dave' || n.team === 'red').length);
  });

  test('a role without a query on the index lifts the filter', async () => {
    assert.deepEqual(idsOf(await search({ auth: auth('erin') })), expect(() => true));
  });

  test('a hostile metadata value stays one JSON value: it matches nothing instead of widening the query', async () => {
    const res = await search({ auth: auth('mallory') });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(idsOf(res), []);
  });

  test('_authenticate shows the user metadata the templates read', async () => {
    const res = await srv.inject({ method: 'GET', url: '/_security/_authenticate', auth: auth('dave') });
    assert.deepEqual(res.json().metadata, { teams: ['red'] });
  });
});

describe('field-level security', () => {
  test('hidden fields are cut from _source of hits and of _doc; meta-fields stay', async () => {
    const res = await search({ auth: auth('fran') }, { query: { ids: { values: ['c1'] } } });
    const hit = res.json().hits.hits[0];
    assert.deepEqual(hit._source, { owner: 'carol', title: 'carol plan', meta: { public: 'p1' } });
    assert.equal(hit._id, 'c1');
    assert.equal(hit._index, INDEX);
    const doc = await srv.inject({ method: 'GET', url: `/${INDEX}/_doc/c1`, auth: auth('fran') });
    assert.deepEqual(doc.json()._source, { owner: 'carol', title: 'carol plan', meta: { public: 'p1' } });
    // Without field security the same document has every field (the test can tell).
    const full = await srv.inject({ method: 'GET', url: `/${INDEX}/_doc/c1`, auth: auth('erin') });
    assert.equal(full.json()._source.body, 'budget draft');
  });

  test('a query on a hidden field matches nothing; on a granted one it works', async () => {
    assert.deepEqual(idsOf(await search({ auth: auth('fran') }, { query: { match: { body: 'budget' } } })), []);
    assert.deepEqual(idsOf(await search({ auth: auth('erin') }, { query: { match: { body: 'budget' } } })), ['c1', 'd1', 'r1']);
    assert.deepEqual(idsOf(await search({ auth: auth('fran') }, { query: { term: { team: 'red' } } })), []);
    assert.deepEqual(idsOf(await search({ auth: auth('fran') }, { query: { multi_match: { query: 'budget', fields: ['*'] } } })), []);
    assert.deepEqual(idsOf(await search({ auth: auth('fran') }, { query: { multi_match: { query: 'roadmap' } } })), ['b1', 'r1']);
    assert.deepEqual(idsOf(await search({ auth: auth('fran') }, { query: { bool: { must_not: [{ match: { body: 'budget' } }] } } })), expect(() => true));
    const q = await srv.inject({ method: 'GET', url: `/${INDEX}/_search?q=budget`, auth: auth('fran') });
    assert.equal(q.json().hits.total.value, 0);
  });

  test('get-mapping shows only the visible fields', async () => {
    const res = await srv.inject({ method: 'GET', url: `/${INDEX}/_mapping`, auth: auth('fran') });
    assert.equal(res.statusCode, 200, res.body);
    const props = res.json()[INDEX].mappings.properties;
    assert.deepEqual(Object.keys(props).sort(), ['meta', 'owner', 'title']);
    assert.deepEqual(Object.keys(props.meta.properties), ['public']);
    const idx = await srv.inject({ method: 'GET', url: `/${INDEX}`, auth: auth('fran') });
    assert.deepEqual(Object.keys(idx.json()[INDEX].mappings.properties).sort(), ['meta', 'owner', 'title']);
    const full = await srv.inject({ method: 'GET', url: `/${INDEX}/_mapping`, auth: auth('root') });
    assert.ok(full.json()[INDEX].mappings.properties.body);
  });

  test('highlight does not show hidden fields; sorting on one is refused as unmapped', async () => {
    const res = await search({ auth: auth('fran') }, { query: { match: { title: 'plan' } }, highlight: { fields: { '*': {} } } });
    for (const hit of res.json().hits.hits) assert.deepEqual(Object.keys(hit.highlight ?? {}).filter((k) => k !== 'title'), []);
    const sorted = await search({ auth: auth('fran') }, { sort: [{ team: 'asc' }] });
    assert.equal(sorted.statusCode, 400);
    assert.match(sorted.json().error.reason, /No mapping found for \[team\]/);
  });
});

describe('API keys with role queries', () => {
  test('a key is limited by both its own query and its owner\'s roles', async () => {
    const res = await srv.inject({
      method: 'POST', url: '/_security/api_key', auth: auth('gus'),
      body: { name: 'red-only', role_descriptors: { r: { indices: [{ names: [INDEX], privileges: ['read'], query: { term: { team: 'red' } } }] } } },
    });
    assert.equal(res.statusCode, 200, res.body);
    // The owner (gus) sees only notes owned by gus: none. The key alone would see the red ones.
    assert.deepEqual(idsOf(await search({ apiKey: res.json().encoded })), []);
    const mine = await srv.inject({ method: 'PUT', url: `/${INDEX}/_doc/g1`, auth: auth('root'), body: { owner: 'gus', team: 'red', title: 'gus red' } });
    assert.equal(mine.statusCode, 201);
    const blue = await srv.inject({ method: 'PUT', url: `/${INDEX}/_doc/g2`, auth: auth('root'), body: { owner: 'gus', team: 'blue', title: 'gus blue' } });
    assert.equal(blue.statusCode, 201);
    assert.deepEqual(idsOf(await search({ apiKey: res.json().encoded })), ['g1']);
    assert.deepEqual(idsOf(await search({ auth: auth('gus') })), ['g1', 'g2']);
  });

  test('an invalid or hostile role query is refused at key creation with a 400 naming the problem', async () => {
    const cases: [unknown, RegExp][] = [
      [{ nope: {} }, /unknown query \[nope\]/],
      ['{"term": ', /not valid JSON/],
      [{ template: { source: '{"term": {"owner": "{{{_user.username}}}"}}' } }, /triple mustache/],
      [{ template: { source: '{{#each x}}{"match_all": {}}{{/each}}' } }, /not supported/],
      [{ template: { id: 'stored' } }, /stored scripts/],
      [{ template: { source: 'x'.repeat(70_000) } }, /longer than/],
      [{ template: { source: '{"term": {"owner": {{_user.username}}}} trailing' } }, /not valid JSON/],
      [{ bool: { filter: Array.from({ length: 1 }, () => nest(30)) } }, /nests deeper/],
    ];
    for (const [query, reason] of cases) {
      const res = await srv.inject({
        method: 'POST', url: '/_security/api_key', auth: auth('gus'),
        body: { name: 'bad', role_descriptors: { r: { indices: [{ names: [INDEX], privileges: ['read'], query }] } } },
      });
      assert.equal(res.statusCode, 400, JSON.stringify(query).slice(0, 80));
      assert.match(res.json().error.reason, reason);
    }
  });
});

function nest(depth: number): unknown {
  return depth === 0 ? { match_all: {} } : { bool: { filter: [nest(depth - 1)] } };
}

describe('writes under document-level security', () => {
  test('writes are not filtered, but updates (which read the document) are refused as in Elasticsearch', async () => {
    const put = await srv.inject({ method: 'PUT', url: `/${INDEX}/_doc/h1`, auth: auth('hank'), body: { owner: 'someone-else', title: 'hank wrote' } });
    assert.equal(put.statusCode, 201, put.body);
    // Written, yet outside hank's query: hank cannot read it back.
    assert.equal((await srv.inject({ method: 'GET', url: `/${INDEX}/_doc/h1`, auth: auth('hank') })).statusCode, 404);
    const upd = await srv.inject({ method: 'POST', url: `/${INDEX}/_update/c1`, auth: auth('hank'), body: { doc: { title: 'x' } } });
    assert.equal(upd.statusCode, 400);
    assert.equal(upd.json().error.type, 'security_exception');
    assert.match(upd.json().error.reason, /update request if field or document level security is enabled/);
    const nd = [{ update: { _id: 'c1' } }, { doc: { title: 'x' } }, { index: { _id: 'h2' } }, { owner: 'hank' }].map((l) => JSON.stringify(l)).join('\n') + '\n';
    const bulk = await srv.inject({ method: 'POST', url: `/${INDEX}/_bulk`, auth: auth('hank'), payload: nd, headers: { 'content-type': 'application/x-ndjson' } });
    const items = bulk.json().items as Record<string, any>[];
    assert.equal(items[0]!.update.status, 400);
    assert.match(items[0]!.update.error.reason, /bulk item request with update requests embedded/);
    assert.equal(items[1]!.index.status, 201);
    const c1 = await srv.inject({ method: 'GET', url: `/${INDEX}/_doc/c1`, auth: auth('root') });
    assert.equal(c1.json()._source.title, 'carol plan');
  });

  test('_delete_by_query deletes only the documents the caller can see', async () => {
    const before = (await srv.inject({ method: 'GET', url: `/${INDEX}/_count`, auth: auth('root') })).json().count;
    const res = await srv.inject({ method: 'POST', url: `/${INDEX}/_delete_by_query`, auth: auth('hank'), body: { query: { match_all: {} } } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().deleted, 1); // h2, owned by hank; h1 (owner someone-else) and the others stay
    assert.equal((await srv.inject({ method: 'GET', url: `/${INDEX}/_count`, auth: auth('root') })).json().count, before - 1);
    assert.equal((await srv.inject({ method: 'GET', url: `/${INDEX}/_doc/h1`, auth: auth('root') })).statusCode, 200);
  });
});

describe('config load', () => {
  test('an invalid role query or field_security fails the load with the role named', async () => {
    const load = (role: unknown) => parseSecurityConfig({ enabled: true, users: { u: { password: 'password', roles: ['r'] } }, roles: { r: role } }, 'cfg', { hashCost: 10 });
    await assert.rejects(load({ indices: [{ names: ['x'], privileges: ['read'], query: { match_everything: {} } }] }), /role \[r\].*unknown query \[match_everything\]/);
    await assert.rejects(load({ indices: [{ names: ['x'], privileges: ['read'], query: '{{#with _user}}{}{{/with}}' }] }), /role \[r\].*not supported/);
    await assert.rejects(load({ indices: [{ names: ['x'], privileges: ['read'], field_security: { grant: ['a'], except: ['b'] } }] }), /subset of the granted fields/);
    await assert.rejects(load({ indices: [{ names: ['x'], privileges: ['read'], field_security: { allow: ['a'] } }] }), /unknown key \[allow\]/);
    const ok = await load({ indices: [{ names: ['x'], privileges: ['read'], query: '{"term": {"owner": "{{_user.username}}"}}', field_security: { grant: ['*'], except: ['secret'] } }] });
    assert.ok(ok.roles.get('r')!.indices[0]!.query);
  });
});
