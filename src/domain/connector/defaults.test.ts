import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_INTERVAL, defaultScheduling, newConnectorDoc } from './defaults.js';

const T = '2024-01-02T03:04:05.678Z';

const defaultRules = {
  advanced_snippet: { created_at: T, updated_at: T, value: {} },
  rules: [{ created_at: T, field: '_', id: 'DEFAULT', order: 0, policy: 'include', rule: 'regex', updated_at: T, value: '.*' }],
  validation: { errors: [], state: 'valid' },
};
const scheduling = {
  access_control: { enabled: false, interval: '0 0 0 * * ?' },
  full: { enabled: false, interval: '0 0 0 * * ?' },
  incremental: { enabled: false, interval: '0 0 0 * * ?' },
};

describe('newConnectorDoc (connector-api.md §3.2)', () => {
  it('builds the exact 9.x document from an empty request', () => {
    const doc = newConnectorDoc({}, T);
    assert.deepEqual(doc, {
      configuration: {},
      custom_scheduling: {},
      filtering: [{ active: defaultRules, domain: 'DEFAULT', draft: defaultRules }],
      is_native: false,
      name: '',
      scheduling,
      status: 'created',
      sync_now: false,
      deleted: false,
    });
  });

  it('writes the fields in Elasticsearch writer order', () => {
    const doc = newConnectorDoc(
      { description: 'd', index_name: 'search-x', is_native: false, language: 'en', name: 'n', service_type: 'google_drive' },
      T,
    );
    assert.deepEqual(Object.keys(doc), [
      'configuration', 'custom_scheduling', 'description', 'filtering', 'index_name', 'is_native', 'language',
      'name', 'scheduling', 'service_type', 'status', 'sync_now', 'deleted',
    ]);
    assert.equal(doc.description, 'd');
    assert.equal(doc.index_name, 'search-x');
    assert.equal(doc.language, 'en');
    assert.equal(doc.name, 'n');
    assert.equal(doc.service_type, 'google_drive');
  });

  it('omits null optional fields instead of storing null', () => {
    const doc = newConnectorDoc({ description: null, index_name: null, language: null, name: null, service_type: null, is_native: null }, T);
    for (const k of ['description', 'index_name', 'language', 'service_type']) assert.equal(k in doc, false, k);
    assert.equal(doc.name, '');
    assert.equal(doc.is_native, false);
    assert.equal(doc.status, 'created');
  });

  it('native connectors start in needs_configuration', () => {
    const doc = newConnectorDoc({ is_native: true, index_name: 'content-x' }, T);
    assert.equal(doc.is_native, true);
    assert.equal(doc.status, 'needs_configuration');
  });

  it('never sets pipeline, api keys, error, features, last_seen or sync_cursor (YAML 10_connector_put)', () => {
    const doc = newConnectorDoc({ name: 'x' }, T);
    for (const k of ['pipeline', 'api_key_id', 'api_key_secret_id', 'error', 'features', 'last_seen', 'sync_cursor']) {
      assert.equal(k in doc, false, k);
    }
  });

  it('reuses one timestamp everywhere, so active and draft filtering are identical', () => {
    const f = newConnectorDoc({}, T).filtering[0] as { active: unknown; draft: unknown };
    assert.deepEqual(f.active, f.draft);
    assert.notEqual(f.active, f.draft, 'distinct objects, so mutating one cannot change the other');
  });

  it('returns fresh objects on every call', () => {
    const a = newConnectorDoc({}, T);
    const b = newConnectorDoc({}, T);
    a.scheduling.full.enabled = true;
    assert.equal(b.scheduling.full.enabled, false);
  });
});

describe('defaultScheduling (§3.8)', () => {
  it('is disabled, daily at midnight, for every sync type', () => {
    assert.equal(DEFAULT_INTERVAL, '0 0 0 * * ?');
    assert.deepEqual(defaultScheduling(), scheduling);
  });
});
