/** Which connector searches are the connectors list (pushed to the store's list) and which are walked; wildcard queries. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectorListFilter } from './connector-list-filter.js';
import { SYSTEM_INDICES } from './system-index-mappings.js';
import { compileDocQuery, compileDocSort } from './system-index-query.js';

const SORT = [{ index_name: 'asc' }];
const text = (t: string) => ({
  bool: { should: [{ wildcard: { name: `*${t}*` } }, { wildcard: { index_name: { value: `*${t}*` } } }, { wildcard: { description: { value: `*${t}*`, case_insensitive: true } } }] },
});
const NOT_DELETED = { term: { deleted: true } };

test('the list shape: status, type, text, live only, in index_name order', () => {
  const q = { bool: { filter: [{ terms: { status: ['error', 'connected'] } }, { term: { service_type: 'mysql' } }, text('Sales')], must_not: [NOT_DELETED] } };
  assert.deepEqual(connectorListFilter(q, SORT), { includeDeleted: false, none: false, statuses: ['error', 'connected'], serviceTypes: ['mysql'], text: 'Sales' });
  assert.deepEqual(connectorListFilter(undefined, 'index_name'), { includeDeleted: true, none: false });
  assert.deepEqual(connectorListFilter({ match_all: {} }, [{ index_name: { order: 'asc' } }, { _id: 'asc' }]), { includeDeleted: true, none: false });
  assert.deepEqual(connectorListFilter({ bool: { must: { term: { status: { value: 'error' } } }, must_not: { term: { deleted: { value: true } } } } }, SORT), {
    includeDeleted: false, none: false, statuses: ['error'],
  });
  // Two term clauses on one field intersect; nothing left matches nothing.
  assert.equal(connectorListFilter({ bool: { filter: [{ term: { status: 'error' } }, { term: { status: 'created' } }] } }, SORT)!.none, true);
  assert.equal(connectorListFilter({ bool: { filter: [{ terms: { status: [] } }] } }, SORT)!.none, true);
});

test('texts beyond ASCII and with escaped wildcard characters are the list\'s query', () => {
  const textOf = (t: string) => connectorListFilter({ bool: { filter: [text(t)] } }, SORT)?.text;
  assert.equal(textOf('école'), 'école');
  assert.equal(textOf('日本語'), '日本語');
  assert.equal(textOf('a\\*b\\?\\\\'), 'a*b?\\');
  assert.equal(textOf('50%_x'), '50%_x');
});

test('anything else is walked: other sorts, fields, clauses, texts with wildcards, control characters or non-ASCII capitals', () => {
  const status = { bool: { filter: [{ term: { status: 'error' } }] } };
  for (const sort of [undefined, [{ index_name: 'desc' }], [{ name: 'asc' }], [{ index_name: 'asc' }, { name: 'asc' }]]) assert.equal(connectorListFilter(status, sort), null);
  for (const q of [
    { term: { status: 'error' } },
    { bool: { should: [{ term: { status: 'error' } }] } },
    { bool: { filter: [{ term: { name: 'x' } }] } },
    { bool: { filter: [{ term: { status: 1 } }] } },
    { bool: { must_not: [{ term: { deleted: false } }] } },
    { bool: { must_not: [{ term: { status: 'error' } }] } },
    { bool: { filter: [text('a*b')] } },
    { bool: { filter: [text('É')] } },
    { bool: { filter: [text('a\u0000')] } },
    { bool: { filter: [text('a?')] } },
    { bool: { filter: [text('a\\')] } },
    { bool: { filter: [{ bool: { should: [{ wildcard: { name: '*a*' } }, { wildcard: { index_name: '*b*' } }, { wildcard: { description: { value: '*a*', case_insensitive: true } } }] } }] } },
    { bool: { filter: [{ bool: { should: [{ wildcard: { name: '*a*' } }, { wildcard: { index_name: '*a*' } }, { wildcard: { description: '*a*' } }] } }] } },
    { bool: { filter: [{ bool: { should: [{ wildcard: { name: '*a*' } }, { wildcard: { index_name: '*a*' } }] } }] } },
  ]) assert.equal(connectorListFilter(q, SORT), null, JSON.stringify(q));
});

test('wildcard: whole value, * and ?, escapes, ASCII case folding, bounded pattern', () => {
  const [connectors] = SYSTEM_INDICES;
  const docs = [
    { id: 'a', doc: { name: 'Sales EU', index_name: 'search-sales', description: 'The SALES database' } },
    { id: 'b', doc: { name: 'hr*', index_name: 'search-hr', description: 'Ünïcode HR' } },
    { id: 'c', doc: { name: null, index_name: 'search-x' } },
  ];
  const ids = (q: unknown) => docs.filter((d) => compileDocQuery(q, connectors.mappings)(d.doc, d.id)).map((d) => d.id);
  assert.deepEqual(ids({ wildcard: { name: '*ale*' } }), ['a']);
  assert.deepEqual(ids({ wildcard: { name: '*sales*' } }), []);
  assert.deepEqual(ids({ wildcard: { name: { value: '*sales*', case_insensitive: true } } }), ['a']);
  assert.deepEqual(ids({ wildcard: { description: { value: '*sales*', case_insensitive: true } } }), ['a']);
  assert.deepEqual(ids({ wildcard: { description: { value: 'ünïcode*', case_insensitive: true } } }), [], 'only ASCII letters fold');
  assert.deepEqual(ids({ wildcard: { index_name: 'search-??' } }), ['b']);
  assert.deepEqual(ids({ wildcard: { name: 'hr\\*' } }), ['b']);
  assert.deepEqual(ids({ wildcard: { name: 'h\\?*' } }), []);
  assert.deepEqual(ids({ wildcard: { _id: '?' } }), ['a', 'b', 'c']);
  assert.deepEqual(ids(text('SALES')), ['a']);
  // No blow-up on many stars against a long value.
  const long = { id: 'l', doc: { name: 'a'.repeat(5000) } };
  const started = performance.now();
  assert.equal(compileDocQuery({ wildcard: { name: `${'*a'.repeat(400)}*b` } }, connectors.mappings)(long.doc, long.id), false);
  assert.ok(performance.now() - started < 2000);
  assert.throws(() => compileDocQuery({ wildcard: { name: 'x'.repeat(1001) } }, connectors.mappings), /longer than/);
  assert.throws(() => compileDocQuery({ wildcard: { name: { value: 'x', fuzzy: 1 } } }, connectors.mappings), /does not support \[fuzzy\]/);
});

test('sort compares strings in code-point (UTF-8 byte) order, as the stores list them', () => {
  const [connectors] = SYSTEM_INDICES;
  const names = ['b', '\u{1F680}', '\uFF21', 'a', 'ab', '\uE000', 'é'];
  const byBytes = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  const sort = compileDocSort([{ index_name: 'asc' }], connectors.mappings)!;
  const rows = names.map((n, i) => ({ id: String(i), doc: { index_name: n } }));
  assert.deepEqual(rows.sort(sort.compare).map((r) => r.doc.index_name), byBytes);
  assert.deepEqual(byBytes, ['a', 'ab', 'b', 'é', '\uE000', '\uFF21', '\u{1F680}']);
});
