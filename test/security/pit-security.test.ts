/**
 * Points in time on the embedded index with security on (docs/embedded-index.md "Deep paging"):
 * opening needs `read` on the index, a point in time belongs to its opener (another user, or
 * another API key of the same owner, gets 404 on search and close), searches on it apply the
 * caller's document-level security filter and field security as `_search` does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSecureServer, TEST_ROLES, TEST_USERS, type SecureServer } from '../helpers/secure-server.js';

const INDEX = 'notes';
const USERS = {
  ...TEST_USERS,
  carol: { password: 'carol-password', roles: ['own_notes', 'keys'] },
  dave: { password: 'dave-password', roles: ['own_notes'] },
  fran: { password: 'fran-password', roles: ['fields_only'] },
};
const ROLES = {
  ...TEST_ROLES,
  own_notes: { indices: [{ names: [INDEX], privileges: ['read'], query: '{"term": {"owner": "{{_user.username}}"}}' }] },
  fields_only: { indices: [{ names: [INDEX], privileges: ['read'], field_security: { grant: ['owner', 'n'] } }] },
  keys: { cluster: ['manage_own_api_key'] },
};
type User = keyof typeof USERS;
const auth = (u: User): [string, string] => [u, USERS[u].password];

let srv: SecureServer;
before(async () => {
  srv = await startSecureServer({ users: USERS, roles: ROLES }, { contentIndex: true });
  const mappings = { properties: { owner: { type: 'keyword' }, n: { type: 'long' }, secret: { type: 'keyword' } } };
  assert.equal((await srv.inject({ method: 'PUT', url: `/${INDEX}`, auth: auth('root'), body: { mappings } })).statusCode, 200);
  let bulk = '';
  for (let i = 0; i < 60; i++) {
    bulk += JSON.stringify({ index: { _index: INDEX, _id: `n${i}` } }) + '\n' + JSON.stringify({ owner: i % 3 === 0 ? 'carol' : 'dave', n: i, secret: `s${i}` }) + '\n';
  }
  const res = await srv.inject({ method: 'POST', url: '/_bulk', auth: auth('root'), headers: { 'content-type': 'application/x-ndjson' }, body: bulk });
  assert.equal(res.statusCode, 200, res.body);
});
after(() => srv.close());

type Who = { auth?: [string, string]; apiKey?: string };
const open = (who: Who) => srv.inject({ method: 'POST', url: `/${INDEX}/_pit?keep_alive=1m`, ...who });
const pitSearch = (who: Who, body: Record<string, unknown>) => srv.inject({ method: 'POST', url: '/_search', ...who, body });

async function walk(who: Who, id: string): Promise<string[]> {
  const ids: string[] = [];
  let last: unknown;
  for (;;) {
    const r = await pitSearch(who, { pit: { id }, size: 7, sort: [{ n: 'asc' }], ...(last ? { search_after: last } : {}) });
    assert.equal(r.statusCode, 200, r.body);
    const hits = r.json().hits.hits as { _id: string; sort: unknown[] }[];
    if (!hits.length) return ids;
    ids.push(...hits.map((h) => h._id));
    last = hits[hits.length - 1].sort;
  }
}

describe('points in time under security', () => {
  test('opening needs read on the index', async () => {
    const res = await open({ auth: auth('nobody') });
    assert.equal(res.statusCode, 403, res.body);
    assert.match(res.json().error.reason, /indices:data\/read\/open_point_in_time/);
  });

  test('searches on a point in time apply the caller\'s document-level security filter', async () => {
    const id = (await open({ auth: auth('carol') })).json().id;
    const ids = await walk({ auth: auth('carol') }, id);
    const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 === 0).map((i) => `n${i}`);
    assert.deepEqual(ids, expected);
    const total = await pitSearch({ auth: auth('carol') }, { pit: { id }, size: 0, track_total_hits: true });
    assert.equal(total.json().hits.total.value, 20);
  });

  test('a point in time belongs to its opener: another user and another API key get 404', async () => {
    const id = (await open({ auth: auth('carol') })).json().id;
    const other = await pitSearch({ auth: auth('dave') }, { pit: { id } });
    assert.equal(other.statusCode, 404, other.body);
    assert.equal(other.json().error.type, 'search_context_missing_exception');
    assert.equal((await srv.inject({ method: 'DELETE', url: '/_pit', auth: auth('dave'), body: { id } })).statusCode, 404);
    const key = await srv.inject({ method: 'POST', url: '/_security/api_key', auth: auth('carol'), body: { name: 'k' } });
    assert.equal(key.statusCode, 200, key.body);
    assert.equal((await pitSearch({ apiKey: key.json().encoded }, { pit: { id } })).statusCode, 404);
    // The opener can still use and close it.
    assert.equal((await pitSearch({ auth: auth('carol') }, { pit: { id } })).statusCode, 200);
    const closed = await srv.inject({ method: 'DELETE', url: '/_pit', auth: auth('carol'), body: { id } });
    assert.deepEqual(closed.json(), { succeeded: true, num_freed: 1 });
  });

  test('field security cuts hidden fields from hits; sorting on one is refused', async () => {
    const id = (await open({ auth: auth('fran') })).json().id;
    const r = await pitSearch({ auth: auth('fran') }, { pit: { id }, size: 2, sort: [{ n: 'asc' }] });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().hits.hits[0]._source, { owner: 'carol', n: 0 });
    const hidden = await pitSearch({ auth: auth('fran') }, { pit: { id }, sort: [{ secret: 'asc' }] });
    assert.equal(hidden.statusCode, 400);
  });
});
