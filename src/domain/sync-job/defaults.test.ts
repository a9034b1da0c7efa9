/** The new sync job document and its connector snapshot (connector-api.md §7.1, §7.3). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { newConnectorDoc } from '../connector/defaults.js';
import type { ConnectorDoc } from '../connector/document.js';
import { assertSyncable, connectorSnapshot, newSyncJobDoc } from './defaults.js';

const NOW = '2025-01-02T03:04:05.678901Z';

/** A connector document; `extra` may break its shape on purpose (documents written through `_update`). */
function connector(extra: Record<string, unknown> = {}): ConnectorDoc {
  return { ...newConnectorDoc({ index_name: 'search-books', service_type: 'mysql', name: 'Books' }, '2024-12-31T00:00:00.000Z'), ...extra } as ConnectorDoc;
}

const activeRules = {
  advanced_snippet: { created_at: NOW, updated_at: NOW, value: { q: 1 } },
  rules: [{ created_at: NOW, field: 'title', id: 'r1', order: 0, policy: 'exclude', rule: 'equals', updated_at: NOW, value: 'x' }],
  validation: { errors: [], state: 'valid' },
};
const draftRules = { ...activeRules, rules: [], validation: { errors: [], state: 'edited' } };

describe('connectorSnapshot', () => {
  it('copies id, active filtering, index_name, service_type and configuration in writer order', () => {
    const configuration = { host: { label: 'Host', value: 'db', type: 'str', order: 1 }, port: { label: 'Port', value: 3306, type: 'int' } };
    const c = connector({ configuration, filtering: [{ active: activeRules, domain: 'DEFAULT', draft: draftRules }] });
    const snap = connectorSnapshot('c1', c, 'full');
    assert.deepEqual(Object.keys(snap), ['id', 'filtering', 'index_name', 'service_type', 'configuration']);
    assert.equal(snap.id, 'c1');
    assert.deepEqual(snap.filtering, activeRules, 'filtering is the active rules only: no draft, no domain, no array');
    assert.equal(snap.index_name, 'search-books');
    assert.equal(snap.service_type, 'mysql');
    assert.deepEqual(snap.configuration, configuration);
  });

  it('does not copy name, status, scheduling, sync_cursor or other connector fields', () => {
    const snap = connectorSnapshot('c1', connector({ sync_cursor: { page: 3 }, status: 'connected', api_key_id: 'k', last_seen: NOW }), 'incremental');
    for (const k of ['name', 'status', 'scheduling', 'sync_cursor', 'api_key_id', 'last_seen', 'is_native', 'deleted', 'sync_now']) {
      assert.ok(!(k in snap), k);
    }
  });

  it('prefixes the index with .search-acl-filter- for access_control jobs only', () => {
    assert.equal(connectorSnapshot('c1', connector(), 'access_control').index_name, '.search-acl-filter-search-books');
    assert.equal(connectorSnapshot('c1', connector(), 'full').index_name, 'search-books');
    assert.equal(connectorSnapshot('c1', connector(), 'incremental').index_name, 'search-books');
  });

  it('omits language and pipeline when null or absent, copies them when set', () => {
    let snap = connectorSnapshot('c1', connector({ language: null, pipeline: null }), 'full');
    assert.ok(!('language' in snap));
    assert.ok(!('pipeline' in snap));
    snap = connectorSnapshot('c1', connector(), 'full');
    assert.ok(!('language' in snap));
    assert.ok(!('pipeline' in snap));
    const pipeline = { extract_binary_content: true, name: 'search-default-ingestion', reduce_whitespace: true, run_ml_inference: false };
    snap = connectorSnapshot('c1', connector({ language: 'en', pipeline }), 'full');
    assert.deepEqual(Object.keys(snap), ['id', 'filtering', 'index_name', 'language', 'pipeline', 'service_type', 'configuration']);
    assert.equal(snap.language, 'en');
    assert.deepEqual(snap.pipeline, pipeline, 'the whole pipeline object');
  });

  it('omits filtering when the connector has none', () => {
    assert.ok(!('filtering' in connectorSnapshot('c1', connector({ filtering: [] }), 'full')));
    assert.ok(!('filtering' in connectorSnapshot('c1', connector({ filtering: undefined }), 'full')));
    assert.ok(!('filtering' in connectorSnapshot('c1', connector({ filtering: [{ domain: 'DEFAULT', draft: draftRules }] }), 'full')));
  });

  it('uses the first filtering entry', () => {
    const other = { ...activeRules, rules: [] };
    const snap = connectorSnapshot('c1', connector({ filtering: [{ active: activeRules }, { active: other }] }), 'full');
    assert.deepEqual(snap.filtering, activeRules);
  });

  it('gives an empty configuration when the connector has none', () => {
    assert.deepEqual(connectorSnapshot('c1', connector({ configuration: undefined }), 'full').configuration, {});
    assert.deepEqual(connectorSnapshot('c1', connector(), 'full').configuration, {});
  });

  it('takes the id argument, not a field of the document', () => {
    assert.equal(connectorSnapshot('real', connector({ id: 'stale' }), 'full').id, 'real');
  });
});

describe('assertSyncable (§7.3 steps 2–3)', () => {
  const noIndex = (id: string) =>
    `Cannot start a sync for connector [${id}] with no index attached. Set the [index_name] property for the connector to enable syncing data.`;
  const noService = (id: string) =>
    `Cannot start a sync for connector [${id}] with [service_type] not defined. Set the service type of your connector before starting the sync.`;

  function rejects(c: Record<string, unknown>, reason: string) {
    assert.throws(
      () => assertSyncable('c9', c),
      (e: unknown) => e instanceof ApiError && e.status === 400 && e.type === 'status_exception' && e.reason === reason,
    );
  }

  it('accepts a connector with index and service type', () => {
    assert.doesNotThrow(() => assertSyncable('c9', connector()));
  });
  it('rejects a missing, null or empty index_name', () => {
    rejects(connector({ index_name: undefined }), noIndex('c9'));
    rejects(connector({ index_name: null }), noIndex('c9'));
    rejects(connector({ index_name: '' }), noIndex('c9'));
  });
  it('rejects a missing, null or empty service_type', () => {
    rejects(connector({ service_type: undefined }), noService('c9'));
    rejects(connector({ service_type: null }), noService('c9'));
    rejects(connector({ service_type: '' }), noService('c9'));
  });
  it('checks the index first when both are missing', () => {
    rejects(connector({ index_name: null, service_type: null }), noIndex('c9'));
  });
  it('does not look at deleted: soft-deleted connectors can be synced (quirk 7)', () => {
    assert.doesNotThrow(() => assertSyncable('c9', connector({ deleted: true })));
  });
});

describe('newSyncJobDoc (§7.1)', () => {
  it('has the defaults in writer order, absent optional fields and the same created_at/last_seen', () => {
    const doc = newSyncJobDoc('c1', connector(), 'full', 'on_demand', NOW);
    assert.deepEqual(Object.keys(doc), [
      'connector', 'created_at', 'deleted_document_count', 'indexed_document_count', 'indexed_document_volume',
      'job_type', 'last_seen', 'metadata', 'status', 'total_document_count', 'trigger_method',
    ]);
    assert.equal(doc.created_at, NOW);
    assert.equal(doc.last_seen, NOW);
    assert.equal(doc.status, 'pending');
    assert.equal(doc.deleted_document_count, 0);
    assert.equal(doc.indexed_document_count, 0);
    assert.equal(doc.indexed_document_volume, 0);
    assert.equal(doc.total_document_count, 0);
    assert.deepEqual(doc.metadata, {});
    for (const k of ['cancelation_requested_at', 'canceled_at', 'completed_at', 'error', 'started_at', 'worker_hostname']) {
      assert.ok(!(k in doc), `${k} is omitted while null`);
    }
  });

  it('records job_type and trigger_method as given', () => {
    const doc = newSyncJobDoc('c1', connector(), 'access_control', 'scheduled', NOW);
    assert.equal(doc.job_type, 'access_control');
    assert.equal(doc.trigger_method, 'scheduled');
    assert.equal(doc.connector.index_name, '.search-acl-filter-search-books');
  });

  it('embeds the connector snapshot', () => {
    const c = connector({ language: 'fr' });
    assert.deepEqual(newSyncJobDoc('c1', c, 'incremental', 'on_demand', NOW).connector, connectorSnapshot('c1', c, 'incremental'));
  });

  it('is plain JSON (survives a round trip unchanged)', () => {
    const doc = newSyncJobDoc('c1', connector({ pipeline: { name: 'p' } }), 'full', 'on_demand', NOW);
    assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc);
  });
});
