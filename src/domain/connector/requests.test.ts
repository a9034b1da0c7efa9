import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsApi } from '../../../test/helpers/assert-es.js';
import {
  parseApiKeyId, parseConfiguration, parseCreate, parseError, parseFeatures, parseFiltering, parseFilteringValidation,
  parseIndexName, parseLastSync, parseName, parseNative, parsePipeline, parseScheduling, parseServiceType, parseStatus,
} from './requests.js';

const NOW = '2024-06-01T00:00:00.000Z';
const V = 'action_request_validation_exception';
const X = 'x_content_parse_exception';
const IAE = 'illegal_argument_exception';
const validation = (...m: string[]) => 'Validation Failed: ' + m.map((x, i) => `${i + 1}: ${x};`).join('');

describe('top-level parsers are strict (connector-api.md §1.4)', () => {
  const cases: [string, (b: unknown) => unknown, string, unknown][] = [
    ['create', parseCreate, 'connector_put_request', {}],
    ['_name', parseName, 'connector_update_name_request', { name: 'x' }],
    ['_service_type', parseServiceType, 'connector_update_service_type_request', { service_type: 'x' }],
    ['_index_name', parseIndexName, 'connector_update_index_name_request', { index_name: null }],
    ['_native', parseNative, 'connector_update_native_request', { is_native: true }],
    ['_error', parseError, 'connector_update_error_request', { error: null }],
    ['_status', parseStatus, 'connector_update_status_request', { status: 'error' }],
    ['_last_sync', parseLastSync, 'connector_update_last_sync_stats_request', {}],
    ['_features', parseFeatures, 'connector_update_features_request', { features: {} }],
    ['_api_key_id', parseApiKeyId, 'connector_update_api_key_id_request', { api_key_id: 'k' }],
    ['_configuration', parseConfiguration, 'connector_update_configuration_request', { values: {} }],
    ['_filtering', (b) => parseFiltering(b, NOW), 'connector_update_filtering_request', { rules: [] }],
  ];
  for (const [name, parse, parser, valid] of cases) {
    it(`${name}: unknown field → 400 naming the parser and field`, () => {
      assert.doesNotThrow(() => parse(valid));
      throwsApi(() => parse({ ...(valid as object), foo: 1 }), X, `[${parser}] unknown field [foo]`);
    });
    it(`${name}: a non-object body → 400`, () => {
      for (const [b, tok] of [[[], 'START_ARRAY'], ['s', 'VALUE_STRING'], [1, 'VALUE_NUMBER'], [null, 'VALUE_NULL'], [true, 'VALUE_BOOLEAN']] as const) {
        throwsApi(() => parse(b), X, `[${parser}] Expected START_OBJECT but found [${tok}]`);
      }
    });
    it(`${name}: Object.prototype names are unknown fields, not crashes`, () => {
      for (const k of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
        throwsApi(() => parse(JSON.parse(`{"${k}": 1}`)), X, `[${parser}] unknown field [${k}]`);
      }
    });
  }
});

describe('create (§6.1)', () => {
  it('accepts no body and every field', () => {
    assert.deepEqual(parseCreate(undefined), {});
    const all = { description: 'd', index_name: 'search-x', is_native: false, language: 'en', name: 'n', service_type: 's' };
    assert.deepEqual(parseCreate(all), all);
  });

  it('index_name may be null; the other strings may not', () => {
    assert.deepEqual(parseCreate({ index_name: null }), { index_name: null });
    for (const k of ['description', 'language', 'name', 'service_type', 'is_native']) {
      throwsApi(() => parseCreate({ [k]: null }), X, `[connector_put_request] ${k} doesn't support values of type: VALUE_NULL`);
    }
  });

  it('rejects non-string values for string fields', () => {
    for (const [v, tok] of [[5, 'VALUE_NUMBER'], [true, 'VALUE_BOOLEAN'], [{}, 'START_OBJECT'], [[], 'START_ARRAY']] as const) {
      throwsApi(() => parseCreate({ name: v }), X, `[connector_put_request] name doesn't support values of type: ${tok}`);
    }
  });

  it('is_native: boolean, or the strings "true"/"false"', () => {
    assert.equal(parseCreate({ is_native: 'true' }).is_native, true);
    const e = throwsApi(() => parseCreate({ is_native: 'yes' }), X, '[connector_put_request] failed to parse field [is_native]');
    assert.deepEqual(e.causedBy, { type: IAE, reason: 'Failed to parse value [yes] as only [true] or [false] are allowed.' });
    throwsApi(() => parseCreate({ is_native: 1 }), X);
  });

  it('validates the index name', () => {
    throwsApi(() => parseCreate({ index_name: '_bad' }), V,
      validation("[_bad] InvalidIndexNameException[Invalid index name [_bad], must not start with '_', '-', or '+']"));
    throwsApi(() => parseCreate({ index_name: '' }), V, validation('[] InvalidIndexNameException[Invalid index name [], must not be empty]'));
  });

  it('native connectors need the content- prefix', () => {
    throwsApi(() => parseCreate({ is_native: true, index_name: 'search-x' }), V,
      validation('Index [search-x] is invalid. Index attached to an Elastic-managed connector must start with the prefix: [content-]'));
    assert.doesNotThrow(() => parseCreate({ is_native: true, index_name: 'content-x' }));
    assert.doesNotThrow(() => parseCreate({ is_native: true }));
    assert.doesNotThrow(() => parseCreate({ is_native: true, index_name: null }));
    assert.doesNotThrow(() => parseCreate({ is_native: false, index_name: 'search-x' }));
  });
});

describe('_name (§6.5)', () => {
  it('either field; nulls allowed but not both', () => {
    assert.deepEqual(parseName({ name: 'n' }), { name: 'n' });
    assert.deepEqual(parseName({ description: 'd', name: null }), { description: 'd', name: null });
    const msg = validation('[name] and [description] cannot both be [null]. Please provide a value for at least one of them.');
    throwsApi(() => parseName({}), V, msg);
    throwsApi(() => parseName({ name: null, description: null }), V, msg);
  });
  it('empty strings are values', () => assert.deepEqual(parseName({ name: '' }), { name: '' }));
});

describe('_service_type (§6.6)', () => {
  it('required key, non-empty string', () => {
    assert.equal(parseServiceType({ service_type: 'sharepoint' }), 'sharepoint');
    throwsApi(() => parseServiceType({}), IAE, 'Required [service_type]');
    throwsApi(() => parseServiceType({ service_type: '' }), V, validation('[service_type] cannot be [null] or [""].'));
    throwsApi(() => parseServiceType({ service_type: null }), X);
    throwsApi(() => parseServiceType({ service_type: 5 }), X, "[connector_update_service_type_request] service_type doesn't support values of type: VALUE_NUMBER");
  });
});

describe('_index_name (§6.7)', () => {
  it('required key; null detaches; validated when non-null', () => {
    assert.equal(parseIndexName({ index_name: 'search-y' }), 'search-y');
    assert.equal(parseIndexName({ index_name: null }), null);
    throwsApi(() => parseIndexName({}), IAE, 'Required [index_name]');
    throwsApi(() => parseIndexName({ index_name: 'a,b' }), V, /InvalidIndexNameException\[Invalid index name \[a,b\], must not contain/);
    throwsApi(() => parseIndexName({ index_name: 7 }), X);
  });
});

describe('_native (§6.8)', () => {
  it('required boolean', () => {
    assert.equal(parseNative({ is_native: false }), false);
    assert.equal(parseNative({ is_native: 'false' }), false);
    throwsApi(() => parseNative({}), IAE, 'Required [is_native]');
    throwsApi(() => parseNative({ is_native: null }), X);
    throwsApi(() => parseNative({ is_native: 'no' }), X, '[connector_update_native_request] failed to parse field [is_native]');
  });
});

describe('_pipeline (§6.9, §3.7)', () => {
  const p = { extract_binary_content: true, name: 'ingest', reduce_whitespace: false, run_ml_inference: true };
  it('all four fields required; unknown nested keys dropped', () => {
    assert.deepEqual(parsePipeline({ pipeline: { ...p, extra: 1 } }), p);
    throwsApi(() => parsePipeline({}), IAE, 'Required [pipeline]');
    for (const k of Object.keys(p)) {
      const body: Record<string, unknown> = { ...p };
      delete body[k];
      throwsApi(() => parsePipeline({ pipeline: body }), IAE, `Required [${k}]`);
    }
    throwsApi(() => parsePipeline({ pipeline: null }), X);
    throwsApi(() => parsePipeline({ pipeline: 'ingest' }), X);
  });
});

describe('_scheduling (§6.10)', () => {
  const s = { enabled: true, interval: '0 0 12 * * ?' };
  it('any subset of full / incremental (+ access_control); only given types are returned', () => {
    assert.deepEqual(parseScheduling({ scheduling: { full: s } }), { full: s });
    assert.deepEqual(parseScheduling({ scheduling: { access_control: s, incremental: s, extra: 1 } }), { access_control: s, incremental: s });
  });
  it('{} and access_control only are rejected (quirk 3, kept)', () => {
    const msg = validation('[scheduling] object needs to define at least one schedule type: [full | incremental | access_control]');
    throwsApi(() => parseScheduling({ scheduling: {} }), V, msg);
    throwsApi(() => parseScheduling({ scheduling: { access_control: s } }), V, msg);
  });
  it('enabled and interval required; interval must be valid Quartz cron', () => {
    throwsApi(() => parseScheduling({ scheduling: { full: { enabled: true } } }), IAE, 'Required [interval]');
    throwsApi(() => parseScheduling({ scheduling: { full: { interval: '0 0 0 * * ?' } } }), IAE, 'Required [enabled]');
    const e = throwsApi(() => parseScheduling({ scheduling: { full: { enabled: true, interval: '61 0 0 * * ?' } } }), X);
    assert.match(e.causedBy!.reason, /61 0 0 \* \* \?/);
    throwsApi(() => parseScheduling({}), IAE, 'Required [scheduling]');
  });
  it('the interval string is stored as given', () => {
    assert.equal(parseScheduling({ scheduling: { full: { enabled: false, interval: '  0 0 0 * * ?  ' } } }).full!.interval, '  0 0 0 * * ?  ');
  });
});

describe('_configuration (§6.11)', () => {
  it('exactly one of configuration and values', () => {
    assert.deepEqual(parseConfiguration({ values: { a: 1 } }), { kind: 'values', values: { a: 1 } });
    const r = parseConfiguration({ configuration: { a: { label: 'A' } } });
    assert.equal(r.kind, 'schema');
    throwsApi(() => parseConfiguration({}), V, validation('[configuration] and [values] cannot both be null.'));
    throwsApi(() => parseConfiguration({ configuration: null, values: null }), V, validation('[configuration] and [values] cannot both be null.'));
    throwsApi(() => parseConfiguration({ configuration: {}, values: {} }), V,
      validation('[configuration] and [values] cannot both be provided in the same request.'));
    throwsApi(() => parseConfiguration({ values: [1] }), X);
  });
});

describe('_filtering (§6.12)', () => {
  const rules = { advanced_snippet: { value: {} }, rules: [], validation: { errors: [], state: 'valid' } };
  it('full form or draft form', () => {
    const full = parseFiltering({ filtering: [{ active: rules, draft: rules }] }, NOW);
    assert.equal(full.kind, 'full');
    const draft = parseFiltering({ advanced_snippet: { value: [] } }, NOW);
    assert.deepEqual(draft, { kind: 'draft', rules: undefined, advanced_snippet: { created_at: NOW, updated_at: NOW, value: [] } });
  });
  it('validation messages', () => {
    throwsApi(() => parseFiltering({}, NOW), V, validation('[advanced_snippet] and [rules] cannot be both [null].'));
    throwsApi(() => parseFiltering({ rules: null, advanced_snippet: null }, NOW), V, validation('[advanced_snippet] and [rules] cannot be both [null].'));
    throwsApi(() => parseFiltering({ filtering: [], rules: [] }, NOW), V,
      validation('If [filtering] is specified, [rules] and [advanced_snippet] should not be present in the request body.'));
    throwsApi(() => parseFiltering({ rules: {} }, NOW), X);
    throwsApi(() => parseFiltering({ filtering: {} }, NOW), X);
  });
  it('_validation: required, replaced as parsed', () => {
    assert.deepEqual(parseFilteringValidation({ validation: { errors: [], state: 'Valid' } }, NOW), { errors: [], state: 'valid' });
    throwsApi(() => parseFilteringValidation({}, NOW), IAE, 'Required [validation]');
    throwsApi(() => parseFilteringValidation({ validation: null }, NOW), X);
  });
});

describe('_error (§6.15)', () => {
  it('required key, string or null', () => {
    assert.equal(parseError({ error: 'boom' }), 'boom');
    assert.equal(parseError({ error: null }), null);
    assert.equal(parseError({ error: '' }), '');
    throwsApi(() => parseError({}), IAE, 'Required [error]');
    throwsApi(() => parseError({ error: 5 }), X);
    throwsApi(() => parseError({ error: { m: 'x' } }), X);
  });
});

describe('_status (§6.16)', () => {
  it('case-insensitive enum, written lowercase', () => {
    assert.equal(parseStatus({ status: 'CONFIGURED' }), 'configured');
    for (const s of ['created', 'needs_configuration', 'configured', 'connected', 'error']) assert.equal(parseStatus({ status: s }), s);
  });
  it('unknown value → parse error caused by Unknown ConnectorStatus; missing → validation', () => {
    const e = throwsApi(() => parseStatus({ status: 'bogus' }), X, '[connector_update_status_request] failed to parse field [status]');
    assert.deepEqual(e.causedBy, { type: IAE, reason: 'Unknown ConnectorStatus: bogus' });
    throwsApi(() => parseStatus({}), V, validation('[status] cannot be [null].'));
    throwsApi(() => parseStatus({ status: null }), V, validation('[status] cannot be [null].'));
    throwsApi(() => parseStatus({ status: 1 }), X);
  });
});

describe('_last_sync (§6.17)', () => {
  it('drops nulls, keeps values, normalises timestamps and statuses', () => {
    const out = parseLastSync({
      last_access_control_sync_error: null,
      last_access_control_sync_scheduled_at: '2023-05-25T12:30:00Z',
      last_access_control_sync_status: 'COMPLETED',
      last_deleted_document_count: 3,
      last_incremental_sync_scheduled_at: null,
      last_indexed_document_count: '4',
      last_seen: '1700000000000',
      last_sync_error: 'e',
      last_sync_scheduled_at: null,
      last_sync_status: 'error',
      last_synced: '2023-12-04T08:45:50.567149Z',
      sync_cursor: { a: 1 },
    });
    assert.deepEqual(out, {
      last_access_control_sync_scheduled_at: '2023-05-25T12:30:00.000Z',
      last_access_control_sync_status: 'completed',
      last_deleted_document_count: 3,
      last_indexed_document_count: 4,
      last_seen: '2023-11-14T22:13:20.000Z',
      last_sync_error: 'e',
      last_sync_status: 'error',
      last_synced: '2023-12-04T08:45:50.567149Z',
      sync_cursor: { a: 1 },
    });
    assert.deepEqual(parseLastSync({}), {});
    assert.deepEqual(parseLastSync(undefined), {});
  });
  it('rejects numbers for timestamps, bad dates, unknown statuses, non-numeric counts', () => {
    throwsApi(() => parseLastSync({ last_synced: 1700000000000 }), X);
    throwsApi(() => parseLastSync({ last_synced: 'not a date' }), X);
    throwsApi(() => parseLastSync({ last_synced: '2023-02-30T00:00:00Z' }), X);
    const e = throwsApi(() => parseLastSync({ last_sync_status: 'done' }), X);
    assert.equal(e.causedBy?.reason, 'Unknown ConnectorSyncStatus [done].');
    throwsApi(() => parseLastSync({ last_indexed_document_count: 'many' }), X);
    throwsApi(() => parseLastSync({ last_sync_error: 5 }), X);
    for (const cursor of ['page-2', 2, true, [1]]) throwsApi(() => parseLastSync({ sync_cursor: cursor }), X, /failed to parse field \[sync_cursor\]/);
  });
});

describe('_features (§6.19)', () => {
  it('keeps given features, drops unknown nested keys', () => {
    assert.deepEqual(
      parseFeatures({ features: { document_level_security: { enabled: true }, sync_rules: { basic: { enabled: false }, extra: 1 }, bogus: { enabled: true } } }),
      { document_level_security: { enabled: true }, sync_rules: { basic: { enabled: false } } },
    );
  });
  it('features missing → 400 (Elasticsearch: 500); enabled required', () => {
    throwsApi(() => parseFeatures({}), V, validation('[features] cannot be [null].'));
    throwsApi(() => parseFeatures({ features: { incremental_sync: {} } }), IAE, 'Required [enabled]');
    throwsApi(() => parseFeatures({ features: { incremental_sync: true } }), X);
    throwsApi(() => parseFeatures({ features: null }), X);
  });
});

describe('_api_key_id (§6.20)', () => {
  it('returns only non-null values; both null rejected', () => {
    assert.deepEqual(parseApiKeyId({ api_key_id: 'k', api_key_secret_id: null }), { api_key_id: 'k' });
    assert.deepEqual(parseApiKeyId({ api_key_secret_id: 's' }), { api_key_secret_id: 's' });
    const msg = validation('[api_key_id] and [api_key_secret_id] cannot both be [null]. Please provide a value for at least one of them.');
    throwsApi(() => parseApiKeyId({}), V, msg);
    throwsApi(() => parseApiKeyId({ api_key_id: null, api_key_secret_id: null }), V, msg);
    throwsApi(() => parseApiKeyId({ api_key_id: 1 }), X);
  });
});
