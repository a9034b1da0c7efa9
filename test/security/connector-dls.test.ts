/**
 * Document-level security as Elastic's connectors use it (docs/security.md "Document- and
 * field-level security"): a connector writes content documents carrying
 * `_allow_access_control` (no field = public) and, per user, an access-control document in
 * `.search-acl-filter-<index>` whose `query.template` lists the user's identities. A search
 * application reads the user's document and creates an API key whose role descriptor uses that
 * query; the key then sees exactly what the identities allow, through `_search`, `_count`,
 * `_doc` and scroll.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSecureServer, TEST_ROLES, TEST_USERS, type SecureServer } from '../helpers/secure-server.js';

const INDEX = 'search-docs';
const ACL = `.search-acl-filter-${INDEX}`;
const USERS = { ...TEST_USERS, searchapp: { password: 'searchapp-password', roles: ['search_app'] } };
const ROLES = {
  ...TEST_ROLES,
  search_app: { cluster: ['manage_own_api_key'], indices: [{ names: [INDEX, ACL], privileges: ['read'] }] },
};
const root: [string, string] = ['root', USERS.root.password];
const app: [string, string] = ['searchapp', USERS.searchapp.password];

/** The query template Elastic's connectors write into each access-control document. */
const SOURCE = `{
  "bool": {
    "should": [
      { "bool": { "must_not": { "exists": { "field": "_allow_access_control" } } } },
      { "terms": { "_allow_access_control.enum": {{#toJson}}access_control{{/toJson}} } }
    ]
  }
}`;
const aclDoc = (username: string, email: string, identities: string[]) => ({
  created_at: '2026-12-07T10:00:00Z',
  identity: { username, email, user_id: `id-${username}` },
  query: { template: { params: { access_control: identities }, source: SOURCE } },
});

const DOCS: Record<string, string[] | undefined> = {
  public: undefined,
  engineering: ['group:engineering'],
  alice_only: ['email:alice@example.com'],
  bob_only: ['email:bob@example.com', 'user_id:id-bob'],
  eng_or_bob: ['group:engineering', 'email:bob@example.com'],
  admins: ['group:admins'],
};
/** Who may see what: computed from the identities, the way the template's query reads. */
const IDENTITIES = {
  alice: ['email:alice@example.com', 'group:engineering', 'user_id:id-alice'],
  bob: ['email:bob@example.com', 'user_id:id-bob'],
  carol: ['email:carol@example.com'],
};
const expected = (who: keyof typeof IDENTITIES) =>
  Object.entries(DOCS).filter(([, acl]) => acl === undefined || acl.some((i) => IDENTITIES[who].includes(i))).map(([id]) => id).sort();

let srv: SecureServer;
const keys: Record<string, string> = {};

/** What a search application does for a user: read its ACL document, make a key from its query. */
async function keyFor(email: string): Promise<string> {
  const acl = await srv.inject({ method: 'GET', url: `/${ACL}/_doc/${encodeURIComponent(email)}`, auth: app });
  assert.equal(acl.statusCode, 200, acl.body);
  const { identity, query } = acl.json()._source;
  const res = await srv.inject({
    method: 'POST', url: '/_security/api_key', auth: app,
    body: {
      name: `search-app-${identity.username}`,
      expiration: '1d',
      role_descriptors: { [`dls-${identity.username}`]: { indices: [{ names: [INDEX], privileges: ['read'], query }] } },
      metadata: { search_application: 'docs', identity },
    },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().encoded;
}

before(async () => {
  srv = await startSecureServer({ users: USERS, roles: ROLES }, { contentIndex: true });
  const mappings = { properties: { title: { type: 'text' }, _allow_access_control: { type: 'keyword', fields: { enum: { type: 'keyword' } } } } };
  assert.equal((await srv.inject({ method: 'PUT', url: `/${INDEX}`, auth: root, body: { mappings } })).statusCode, 200);
  for (const [id, acl] of Object.entries(DOCS)) {
    const doc = { title: `document ${id.replace('_', ' ')}`, ...(acl ? { _allow_access_control: acl } : {}) };
    const res = await srv.inject({ method: 'PUT', url: `/${INDEX}/_doc/${id}`, auth: root, body: doc });
    assert.equal(res.statusCode, 201, res.body);
  }
  for (const [user, ids] of Object.entries(IDENTITIES)) {
    const email = `${user}@example.com`;
    const res = await srv.inject({ method: 'PUT', url: `/${ACL}/_doc/${encodeURIComponent(email)}`, auth: root, body: aclDoc(user, email, ids) });
    assert.equal(res.statusCode, 201, res.body);
  }
  for (const user of Object.keys(IDENTITIES)) keys[user] = await keyFor(`${user}@example.com`);
});
after(() => srv.close());

async function ids(key: string, body: unknown = {}): Promise<string[]> {
  const res = await srv.inject({ method: 'POST', url: `/${INDEX}/_search`, apiKey: key, body: { size: 100, ...(body as object) } });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().hits.hits as { _id: string }[]).map((h) => h._id).sort();
}

describe('a search application API key built from the ACL index', () => {
  test('the expected sets differ per user (the test can tell them apart)', () => {
    assert.notDeepEqual(expected('alice'), expected('bob'));
    assert.deepEqual(expected('carol'), ['public']);
  });

  for (const who of Object.keys(IDENTITIES) as (keyof typeof IDENTITIES)[]) {
    test(`${who}: _search and _count see exactly the documents the identities allow`, async () => {
      assert.deepEqual(await ids(keys[who]!), expected(who));
      const count = await srv.inject({ method: 'GET', url: `/${INDEX}/_count`, apiKey: keys[who] });
      assert.equal(count.json().count, expected(who).length);
      // The user's own query is combined with the filter, never replaces it.
      assert.deepEqual(await ids(keys[who]!, { query: { match: { title: 'document' } } }), expected(who));
      assert.deepEqual(await ids(keys[who]!, { query: { ids: { values: ['admins', 'public'] } } }), ['public']);
      const q = await srv.inject({ method: 'GET', url: `/${INDEX}/_search?q=title:admins`, apiKey: keys[who] });
      assert.equal(q.json().hits.total.value, 0);
    });

    test(`${who}: _doc answers found:false for a document the identities do not allow`, async () => {
      for (const id of Object.keys(DOCS)) {
        const res = await srv.inject({ method: 'GET', url: `/${INDEX}/_doc/${id}`, apiKey: keys[who] });
        const visible = expected(who).includes(id);
        assert.equal(res.statusCode, visible ? 200 : 404, `${who} ${id}`);
        assert.equal(res.json().found, visible);
        if (!visible) assert.equal(res.json()._source, undefined);
        const head = await srv.inject({ method: 'HEAD', url: `/${INDEX}/_doc/${id}`, apiKey: keys[who] });
        assert.equal(head.statusCode, visible ? 200 : 404);
      }
    });

    test(`${who}: a scroll walks exactly the allowed documents`, async () => {
      let res = await srv.inject({ method: 'POST', url: `/${INDEX}/_search?scroll=1m`, apiKey: keys[who], body: { size: 1, sort: ['_doc'] } });
      assert.equal(res.statusCode, 200, res.body);
      const seen: string[] = [];
      for (let page = 0; page < 20; page++) {
        const hits = res.json().hits.hits as { _id: string }[];
        if (hits.length === 0) break;
        seen.push(...hits.map((h) => h._id));
        res = await srv.inject({ method: 'POST', url: '/_search/scroll', apiKey: keys[who], body: { scroll: '1m', scroll_id: res.json()._scroll_id } });
        assert.equal(res.statusCode, 200, res.body);
      }
      assert.deepEqual(seen.sort(), expected(who));
      assert.equal(res.json().hits.total.value, expected(who).length);
    });
  }

  test('a scroll opened by one user\'s key cannot be continued by another key of the same owner', async () => {
    const open = await srv.inject({ method: 'POST', url: `/${INDEX}/_search?scroll=1m`, apiKey: keys.carol, body: { size: 1 } });
    assert.equal(open.statusCode, 200, open.body);
    const id = open.json()._scroll_id;
    const stolen = await srv.inject({ method: 'POST', url: '/_search/scroll', apiKey: keys.alice, body: { scroll: '1m', scroll_id: id } });
    assert.equal(stolen.statusCode, 404, stolen.body);
    const own = await srv.inject({ method: 'POST', url: '/_search/scroll', apiKey: keys.carol, body: { scroll: '1m', scroll_id: id } });
    assert.equal(own.statusCode, 200, own.body);
  });

  test('the key reaches neither the ACL index nor other indices, and the owner sees everything', async () => {
    const res = await srv.inject({ method: 'GET', url: `/${ACL}/_search`, apiKey: keys.alice });
    assert.equal(res.statusCode, 403);
    const owner = await srv.inject({ method: 'GET', url: `/${INDEX}/_count`, auth: app });
    assert.equal(owner.json().count, Object.keys(DOCS).length);
  });

  test('writes are not filtered: a superuser still updates a document the key cannot see, and the key still cannot see it', async () => {
    const res = await srv.inject({ method: 'POST', url: `/${INDEX}/_update/admins`, auth: root, body: { doc: { title: 'document admins updated' } } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await srv.inject({ method: 'GET', url: `/${INDEX}/_doc/admins`, apiKey: keys.alice })).statusCode, 404);
  });

  test('a key whose descriptor says [restriction] (search application workflows) is refused with the reason', async () => {
    const res = await srv.inject({
      method: 'POST', url: '/_security/api_key', auth: app,
      body: { name: 'x', role_descriptors: { r: { indices: [{ names: [INDEX], privileges: ['read'] }], restriction: { workflows: ['search_application_query'] } } } },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.reason, /\[restriction\]/);
  });
});
