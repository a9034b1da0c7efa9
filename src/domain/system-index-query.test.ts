/** The system-index query subset on connector and sync-job documents, with the query shapes Elastic's connector service sends. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SYSTEM_INDICES } from './system-index-mappings.js';
import { compileDocQuery, compileDocSort, MAX_CLAUSES } from './system-index-query.js';

const [connectors, jobs] = SYSTEM_INDICES;
const NOW = Date.parse('2026-12-07T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

const C = [
  { id: 'a', doc: { service_type: 'mysql', is_native: true, status: 'connected', description: 'Sales database, EU', deleted: false } },
  { id: 'b', doc: { service_type: 'dir', is_native: false, status: 'error', description: null } },
  { id: 'c', doc: { service_type: 'postgresql', is_native: true, status: 'created', deleted: true } },
];
const J = [
  { id: 'j1', doc: { status: 'pending', job_type: 'full', connector: { id: 'a', service_type: 'mysql' }, last_seen: null, indexed_document_count: 5 } },
  { id: 'j2', doc: { status: 'in_progress', job_type: 'full', connector: { id: 'a', service_type: 'mysql' }, last_seen: ago(400), indexed_document_count: 50 } },
  { id: 'j3', doc: { status: 'in_progress', job_type: 'incremental', connector: { id: 'b', service_type: 'dir' }, last_seen: ago(10), indexed_document_count: 7 } },
  { id: 'j4', doc: { status: 'suspended', job_type: 'access_control', connector: { id: 'gone', service_type: 'mysql' }, last_seen: ago(1000) } },
];

const hits = (rows: { id: string; doc: Record<string, unknown> }[], q: unknown, mappings = jobs.mappings) => {
  const p = compileDocQuery(q, mappings, NOW);
  return rows.filter((r) => p(r.doc, r.id)).map((r) => r.id);
};

test('the connector service: pending jobs of its service types', () => {
  const q = { bool: { must: [{ terms: { status: ['pending', 'suspended'] } }, { terms: { 'connector.service_type': ['mysql'] } }] } };
  assert.deepEqual(hits(J, q), ['j1', 'j4']);
});

test('the connector service: stuck jobs (range with date math on last_seen) and orphans (must_not terms on connector.id)', () => {
  const stuck = { bool: { filter: [{ terms: { 'connector.id': ['a', 'b'] } }, { terms: { status: ['in_progress', 'canceling'] } }, { range: { last_seen: { lte: 'now-300s' } } }] } };
  assert.deepEqual(hits(J, stuck), ['j2']);
  assert.deepEqual(hits(J, { bool: { must_not: { terms: { 'connector.id': ['a', 'b'] } } } }), ['j4']);
  assert.deepEqual(hits(J, { range: { last_seen: { gt: 'now-900s', lt: 'now' } } }), ['j2', 'j3']);
  assert.deepEqual(hits(J, { range: { last_seen: { gt: 'now-1h', lt: 'now' } } }), ['j2', 'j3', 'j4']);
});

test('the connector service: native connectors of its types, or connectors by _id (should)', () => {
  const q = { bool: { should: [{ bool: { filter: [{ term: { is_native: true } }, { terms: { service_type: ['mysql', 'postgresql'] } }] } }, { terms: { _id: ['b'] } }] } };
  assert.deepEqual(hits(C, q, connectors.mappings), ['a', 'b', 'c']);
  assert.deepEqual(hits(C, { bool: { must_not: { term: { deleted: true } } } }, connectors.mappings), ['a', 'b']);
  assert.deepEqual(hits(C, { bool: { should: [{ term: { _id: 'a' } }, { term: { _id: 'c' } }], minimum_should_match: 1, filter: { term: { is_native: true } } } }, connectors.mappings), ['a', 'c']);
});

test('match, exists, ids, term on numbers, match_all/none', () => {
  assert.deepEqual(hits(C, { match: { description: 'sales' } }, connectors.mappings), ['a'], 'text: any token, case-insensitive');
  assert.deepEqual(hits(C, { match: { status: 'connected' } }, connectors.mappings), ['a'], 'keyword: the whole value');
  assert.deepEqual(hits(C, { match: { status: 'conn' } }, connectors.mappings), []);
  assert.deepEqual(hits(C, { exists: { field: 'description' } }, connectors.mappings), ['a'], 'null is missing');
  assert.deepEqual(hits(J, { ids: { values: ['j3', 'nope'] } }), ['j3']);
  assert.deepEqual(hits(J, { term: { indexed_document_count: { value: '50' } } }), ['j2']);
  assert.deepEqual(hits(J, { range: { indexed_document_count: { gte: 7 } } }), ['j2', 'j3']);
  assert.deepEqual(hits(J, { match_all: {} }), ['j1', 'j2', 'j3', 'j4']);
  assert.deepEqual(hits(J, { match_none: {} }), []);
  assert.deepEqual(hits(J, undefined), ['j1', 'j2', 'j3', 'j4']);
});

test('sort by fields, missing last, then _id', () => {
  const sorted = compileDocSort([{ last_seen: { order: 'desc' } }, '_id'], jobs.mappings)!;
  assert.deepEqual([...J].sort(sorted.compare).map((r) => r.id), ['j3', 'j2', 'j4', 'j1']);
  assert.deepEqual(sorted.values(J[2]), [NOW - 10_000, 'j3']);
  const asc = compileDocSort({ indexed_document_count: 'asc' }, jobs.mappings)!;
  assert.deepEqual([...J].sort(asc.compare).map((r) => r.id), ['j1', 'j3', 'j2', 'j4']);
  assert.throws(() => compileDocSort([{ status: { order: 'up' } }], jobs.mappings), /order must be asc or desc/);
});

test('anything else is refused with parsing_exception, and bounded', () => {
  for (const q of [{ fuzzy: { status: 'x' } }, { bool: { must: [], nope: 1 } }, { term: {} }, { exists: {} }, { range: { last_seen: { gte: 'yesterday' } } }, 'match_all', { match_all: {}, term: {} }]) {
    assert.throws(() => compileDocQuery(q, jobs.mappings, NOW), (e: { type: string; status: number }) => e.type === 'parsing_exception' && e.status === 400, JSON.stringify(q));
  }
  let deep: unknown = { match_all: {} };
  for (let i = 0; i < 25; i++) deep = { bool: { must: [deep] } };
  assert.throws(() => compileDocQuery(deep, jobs.mappings, NOW), /nested deeper/);
  const wide = { bool: { should: Array.from({ length: MAX_CLAUSES + 1 }, (_, i) => ({ term: { status: `s${i}` } })) } };
  assert.throws(() => compileDocQuery(wide, jobs.mappings, NOW), (e: { type: string }) => e.type === 'too_many_clauses');
});
