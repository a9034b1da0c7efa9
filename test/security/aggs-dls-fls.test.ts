/**
 * Aggregations under document- and field-level security (docs/embedded-index.md
 * "Aggregations"): buckets and metrics count only the documents the role query lets the
 * caller see; an aggregation on a hidden field sees no values (an unmapped field), a `filter`
 * on a hidden field matches nothing, and `top_hits` hits lose hidden fields.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createIndexWithDocs, startSecureServer, TEST_ROLES, TEST_USERS, type SecureServer } from '../helpers/secure-server.js';

const INDEX = 'notes';
const USERS = {
  ...TEST_USERS,
  carol: { password: 'carol-password', roles: ['own_notes'] },
  fran: { password: 'fran-password', roles: ['fields_only'] },
};
const ROLES = {
  ...TEST_ROLES,
  own_notes: { indices: [{ names: [INDEX], privileges: ['read'], query: '{"term": {"owner": "{{_user.username}}"}}' }] },
  fields_only: { indices: [{ names: [INDEX], privileges: ['read'], field_security: { grant: ['title', 'owner', 'team'] } }] },
};
const auth = (u: keyof typeof USERS): [string, string] => [u, USERS[u].password];
const NOTES = [
  { id: 'c1', owner: 'carol', team: 'blue', pay: 10, title: 'carol plan' },
  { id: 'c2', owner: 'carol', team: 'red', pay: 20, title: 'carol memo' },
  { id: 'd1', owner: 'dave', team: 'red', pay: 300, title: 'dave plan' },
  { id: 'r1', owner: 'nobody', team: 'red', pay: 4000, title: 'red roadmap' },
];

let srv: SecureServer;
before(async () => {
  srv = await startSecureServer({ users: USERS, roles: ROLES }, { contentIndex: true });
  const mappings = { properties: { owner: { type: 'keyword' }, team: { type: 'keyword' }, pay: { type: 'long' }, title: { type: 'text' } } };
  await createIndexWithDocs(srv, auth('root'), INDEX, mappings, NOTES);
});
after(() => srv.close());

const AGGS = {
  teams: { terms: { field: 'team' }, aggs: { pay: { sum: { field: 'pay' } } } },
  pays: { terms: { field: 'pay' } },
  top: { max: { field: 'pay' } },
  hidden: { filter: { range: { pay: { gte: 0 } } } },
  hits: { top_hits: { size: 5, sort: [{ owner: 'asc' }] } },
};

async function aggs(user: keyof typeof USERS) {
  const res = await srv.inject({ method: 'POST', url: `/${INDEX}/_search`, auth: auth(user), body: { size: 0, aggs: AGGS } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().aggregations;
}

test('document-level security: aggregations count only the documents the role query shows', async () => {
  const all = await aggs('root');
  assert.deepEqual(all.teams.buckets.map((b: { key: string; doc_count: number }) => [b.key, b.doc_count]), [['red', 3], ['blue', 1]]);
  const carol = await aggs('carol');
  assert.deepEqual(carol.teams.buckets, [{ key: 'blue', doc_count: 1, pay: { value: 10 } }, { key: 'red', doc_count: 1, pay: { value: 20 } }]);
  assert.equal(carol.top.value, 20);
  assert.equal(carol.hits.hits.total.value, 2);
});

test('field-level security: a hidden field has no values, filters on it match nothing, top_hits hide it', async () => {
  const fran = await aggs('fran');
  assert.deepEqual(fran.pays, { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [] });
  assert.deepEqual(fran.top, { value: null });
  assert.equal(fran.hidden.doc_count, 0);
  assert.deepEqual(fran.teams.buckets.map((b: { pay: { value: number } }) => b.pay.value), [0, 0]);
  assert.equal(fran.hits.hits.hits.length, 4);
  for (const h of fran.hits.hits.hits) assert.equal(h._source.pay, undefined);
  assert.ok(fran.hits.hits.hits.every((h: { _source: Record<string, unknown> }) => typeof h._source.owner === 'string'));
  const root = await aggs('root');
  assert.equal(root.hidden.doc_count, 4);
  assert.equal(root.top.value, 4000);
});
