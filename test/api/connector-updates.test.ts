/**
 * The single-purpose connector update endpoints (connector-api.md §6.5–§6.10, §6.15–§6.20):
 * happy path, `noop`, deep merge, 404, 400 with type and reason, soft-deleted connectors (§9.2).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { createConnector, expectUnchanged, getConnector, update } from '../helpers/connectors.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => { srv = await startServer(); });
after(() => srv.close());

const V = 'action_request_validation_exception';
const X = 'x_content_parse_exception';
const IAE = 'illegal_argument_exception';
const validation = (m: string) => `Validation Failed: 1: ${m};`;
const result = async (id: string, action: string, body?: unknown) => ok(await update(srv, id, action, body)).result as string;
const pipeline = { extract_binary_content: true, name: 'my-pipeline', reduce_whitespace: true, run_ml_inference: false };
const sched = (enabled: boolean, interval = '0 0 0 * * ?') => ({ enabled, interval });

/** One valid body per endpoint, for the shared 404 / empty id / soft-delete checks. */
const VALID: Record<string, unknown> = {
  _name: { name: 'n' },
  _service_type: { service_type: 'mysql' },
  _index_name: { index_name: 'search-valid-body' },
  _native: { is_native: false },
  _pipeline: { pipeline },
  _scheduling: { scheduling: { full: sched(true) } },
  _error: { error: 'e' },
  _status: { status: 'needs_configuration' },
  _last_sync: { last_sync_error: 'e' },
  _check_in: undefined,
  _features: { features: { incremental_sync: { enabled: true } } },
  _api_key_id: { api_key_id: 'k' },
  _configuration: { values: {} },
  _filtering: { rules: [] },
  '_filtering/_validation': { validation: { errors: [], state: 'valid' } },
  '_filtering/_activate': undefined,
};
/** §9.2: these read the connector first and treat a soft-deleted one as missing. */
const PRE_GET = new Set(['_service_type', '_index_name', '_native', '_status', '_configuration', '_filtering', '_filtering/_validation', '_filtering/_activate']);

describe('shared rules for every update endpoint', () => {
  before(async () => {
    await createConnector(srv, 'soft', { index_name: 'search-soft' });
    ok(await srv.inject({ method: 'DELETE', url: '/_connector/soft' }));
  });

  for (const [action, body] of Object.entries(VALID)) {
    it(`${action}: 404 for a missing connector`, async () => {
      assertError(await update(srv, 'missing', action, body), 404, 'resource_not_found_exception', 'connector [missing] not found');
      assertError(await srv.inject({ method: 'GET', url: '/_connector/missing?include_deleted' }), 404, 'resource_not_found_exception');
    });

    it(`${action}: 400 for an empty connector id`, async () => {
      assertError(await update(srv, '', action, body), 400, V, validation('[connector_id] cannot be [null] or [""].'));
    });

    if (PRE_GET.has(action)) {
      it(`${action}: 404 on a soft-deleted connector, which stays unchanged`, async () => {
        const res = await expectUnchanged(srv, 'soft', () => update(srv, 'soft', action, body), 404);
        assertError(res, 404, 'resource_not_found_exception', 'connector [soft] not found');
      });
    } else {
      it(`${action}: works on a soft-deleted connector (direct update, quirk 9)`, async () => {
        ok(await update(srv, 'soft', action, body));
        assert.equal((await getConnector(srv, 'soft', true)).deleted, true);
      });
    }

    if (body !== undefined && action !== '_last_sync') {
      it(`${action}: 400 parse_exception without a body`, async () => {
        await createConnector(srv, 'nobody');
        const res = await expectUnchanged(srv, 'nobody', () => update(srv, 'nobody', action), 400);
        assertError(res, 400, 'parse_exception', 'request body is required');
      });
    }
  }
});

describe('PUT _name (§6.5)', () => {
  before(() => createConnector(srv, 'nm', { name: 'old', description: 'old desc' }));

  it('updates name and/or description; the same values again are noop', async () => {
    assert.equal(await result('nm', '_name', { name: 'new' }), 'updated');
    let doc = await getConnector(srv, 'nm');
    assert.equal(doc.name, 'new');
    assert.equal(doc.description, 'old desc');
    assert.equal(await result('nm', '_name', { description: 'new desc', name: null }), 'updated');
    doc = await getConnector(srv, 'nm');
    assert.equal(doc.name, 'new', 'null does not clear');
    assert.equal(doc.description, 'new desc');
    assert.equal(await result('nm', '_name', { name: 'new', description: 'new desc' }), 'noop');
    assert.equal(await result('nm', '_name', { name: '' }), 'updated');
    assert.equal((await getConnector(srv, 'nm')).name, '');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['both null', { name: null, description: null }, V,
      validation('[name] and [description] cannot both be [null]. Please provide a value for at least one of them.')],
    ['empty object', {}, V, validation('[name] and [description] cannot both be [null]. Please provide a value for at least one of them.')],
    ['unknown field', { name: 'x', foo: 1 }, X, '[connector_update_name_request] unknown field [foo]'],
    ['number', { name: 5 }, X, "[connector_update_name_request] name doesn't support values of type: VALUE_NUMBER"],
    ['object', { description: {} }, X, "[connector_update_name_request] description doesn't support values of type: START_OBJECT"],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'nm', () => update(srv, 'nm', '_name', body), 400), 400, type, reason));
  }
});

describe('PUT _service_type (§6.6)', () => {
  it('keeps status created, otherwise moves to needs_configuration', async () => {
    await createConnector(srv, 'st');
    assert.equal(await result('st', '_service_type', { service_type: 'mysql' }), 'updated');
    let doc = await getConnector(srv, 'st');
    assert.equal(doc.service_type, 'mysql');
    assert.equal(doc.status, 'created');
    assert.equal(await result('st', '_service_type', { service_type: 'mysql' }), 'noop');
    ok(await update(srv, 'st', '_configuration', { configuration: {} }));
    assert.equal((await getConnector(srv, 'st')).status, 'configured');
    assert.equal(await result('st', '_service_type', { service_type: 'postgresql' }), 'updated');
    doc = await getConnector(srv, 'st');
    assert.equal(doc.service_type, 'postgresql');
    assert.equal(doc.status, 'needs_configuration');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['missing key', {}, IAE, 'Required [service_type]'],
    ['empty string', { service_type: '' }, V, validation('[service_type] cannot be [null] or [""].')],
    ['null', { service_type: null }, X, "[connector_update_service_type_request] service_type doesn't support values of type: VALUE_NULL"],
    ['number', { service_type: 5 }, X, "[connector_update_service_type_request] service_type doesn't support values of type: VALUE_NUMBER"],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'st', () => update(srv, 'st', '_service_type', body), 400), 400, type, reason));
  }
});

describe('PUT _index_name (§6.7)', () => {
  before(async () => {
    await createConnector(srv, 'ix', { index_name: 'search-ix' });
    await createConnector(srv, 'ix-other', { index_name: 'search-ix-other' });
    await createConnector(srv, 'ix-native', { is_native: true, index_name: 'content-ix' });
  });

  it('sets, noop on the same name, null detaches', async () => {
    assert.equal(await result('ix', '_index_name', { index_name: 'search-ix2' }), 'updated');
    assert.equal((await getConnector(srv, 'ix')).index_name, 'search-ix2');
    assert.equal(await result('ix', '_index_name', { index_name: 'search-ix2' }), 'noop');
    assert.equal(await result('ix', '_index_name', { index_name: null }), 'updated');
    assert.equal((await getConnector(srv, 'ix')).index_name, null);
    assert.equal(await result('ix', '_index_name', { index_name: null }), 'noop');
  });

  it('the freed name can be taken by another connector', async () => {
    ok(await update(srv, 'ix', '_index_name', { index_name: 'search-freed' }));
    ok(await update(srv, 'ix', '_index_name', { index_name: 'search-ix3' }));
    assert.equal(await result('ix-other', '_index_name', { index_name: 'search-freed' }), 'updated');
  });

  it('400 when another live connector uses the name', async () => {
    const res = await expectUnchanged(srv, 'ix', () => update(srv, 'ix', '_index_name', { index_name: 'search-freed' }), 400);
    assertError(res, 400, 'status_exception', 'Index name [search-freed] is used by another connector.');
  });

  it('the uniqueness check comes first, as Elasticsearch searches before it reads (§6.7)', async () => {
    assertError(await update(srv, 'ix-missing', '_index_name', { index_name: 'search-freed' }), 400, 'status_exception',
      'Index name [search-freed] is used by another connector.');
    const res = await expectUnchanged(srv, 'ix-native', () => update(srv, 'ix-native', '_index_name', { index_name: 'search-freed' }), 400);
    assertError(res, 400, 'status_exception', 'Index name [search-freed] is used by another connector.');
  });

  it('a soft-deleted connector does not hold its name', async () => {
    await createConnector(srv, 'ix-gone', { index_name: 'search-ix-gone' });
    ok(await srv.inject({ method: 'DELETE', url: '/_connector/ix-gone' }));
    assert.equal(await result('ix', '_index_name', { index_name: 'search-ix-gone' }), 'updated');
  });

  it('native connectors need the content- prefix', async () => {
    const res = await expectUnchanged(srv, 'ix-native', () => update(srv, 'ix-native', '_index_name', { index_name: 'search-n' }), 400);
    assertError(res, 400, 'status_exception',
      "Index attached to an Elastic-managed connector must start with the prefix: [content-]. The index name in the payload [search-n] doesn't comply with this requirement.");
    assert.equal(await result('ix-native', '_index_name', { index_name: 'content-ix2' }), 'updated');
    assert.equal(await result('ix-native', '_index_name', { index_name: null }), 'updated');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['missing key', {}, IAE, 'Required [index_name]'],
    ['invalid name', { index_name: 'a b' }, V, /^Validation Failed: 1: \[a b\] InvalidIndexNameException\[Invalid index name \[a b\], must not contain/],
    ['empty name', { index_name: '' }, V, validation('[] InvalidIndexNameException[Invalid index name [], must not be empty]')],
    ['number', { index_name: 5 }, X, "[connector_update_index_name_request] index_name doesn't support values of type: VALUE_NUMBER"],
    ['unknown field', { index_name: 'x', y: 1 }, X, '[connector_update_index_name_request] unknown field [y]'],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'ix', () => update(srv, 'ix', '_index_name', body), 400), 400, type, reason));
  }
});

describe('PUT _native (§6.8)', () => {
  it('sets is_native; connected becomes configured; same value is noop', async () => {
    await createConnector(srv, 'nv', { index_name: 'content-nv' });
    ok(await update(srv, 'nv', '_error', { error: null }));
    assert.equal((await getConnector(srv, 'nv')).status, 'connected');
    assert.equal(await result('nv', '_native', { is_native: true }), 'updated');
    const doc = await getConnector(srv, 'nv');
    assert.equal(doc.is_native, true);
    assert.equal(doc.status, 'configured');
    assert.equal(await result('nv', '_native', { is_native: true }), 'noop');
    assert.equal(await result('nv', '_native', { is_native: 'false' }), 'updated');
    assert.equal((await getConnector(srv, 'nv')).status, 'configured');
  });

  it('400 when the attached index lacks the content- prefix (unless turning native off)', async () => {
    await createConnector(srv, 'nv2', { index_name: 'search-nv2' });
    const res = await expectUnchanged(srv, 'nv2', () => update(srv, 'nv2', '_native', { is_native: true }), 400);
    assertError(res, 400, 'status_exception',
      'The index name [search-nv2] attached to the connector [nv2] must start with the required prefix: [content-] to be Elastic-managed. Please update the attached index first to comply with this requirement.');
    assert.equal(await result('nv2', '_native', { is_native: false }), 'noop');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['missing key', {}, IAE, 'Required [is_native]'],
    ['null', { is_native: null }, X, "[connector_update_native_request] is_native doesn't support values of type: VALUE_NULL"],
    ['not a boolean', { is_native: 'yes' }, X, '[connector_update_native_request] failed to parse field [is_native]'],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'nv2', () => update(srv, 'nv2', '_native', body), 400), 400, type, reason));
  }
});

describe('PUT _pipeline (§6.9)', () => {
  before(() => createConnector(srv, 'pl'));

  it('sets the pipeline (absent on create); same again is noop', async () => {
    assert.equal('pipeline' in (await getConnector(srv, 'pl')), false);
    assert.equal(await result('pl', '_pipeline', { pipeline: { ...pipeline, extra: 'dropped' } }), 'updated');
    assert.deepEqual((await getConnector(srv, 'pl')).pipeline, pipeline);
    assert.equal(await result('pl', '_pipeline', { pipeline }), 'noop');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['missing pipeline', {}, IAE, 'Required [pipeline]'],
    ['missing reduce_whitespace', { pipeline: { extract_binary_content: true, name: 'p', run_ml_inference: true } }, IAE, 'Required [reduce_whitespace]'],
    ['pipeline null', { pipeline: null }, X, "[connector_update_pipeline_request] pipeline doesn't support values of type: VALUE_NULL"],
    ['wrong type inside', { pipeline: { ...pipeline, name: 1 } }, X, "[ingest_pipeline_params] name doesn't support values of type: VALUE_NUMBER"],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'pl', () => update(srv, 'pl', '_pipeline', body), 400), 400, type, reason));
  }
});

describe('PUT _scheduling (§6.10)', () => {
  before(() => createConnector(srv, 'sc'));

  it('deep-merges the given schedule types only', async () => {
    assert.equal(await result('sc', '_scheduling', { scheduling: { full: sched(true, '0 0 12 * * ?') } }), 'updated');
    let s = (await getConnector(srv, 'sc')).scheduling;
    assert.deepEqual(s, { access_control: sched(false), full: sched(true, '0 0 12 * * ?'), incremental: sched(false) });
    assert.equal(await result('sc', '_scheduling', { scheduling: { incremental: sched(true, '0 */5 * * * ?'), access_control: sched(true) } }), 'updated');
    s = (await getConnector(srv, 'sc')).scheduling;
    assert.deepEqual(s, { access_control: sched(true), full: sched(true, '0 0 12 * * ?'), incremental: sched(true, '0 */5 * * * ?') });
    assert.equal(await result('sc', '_scheduling', { scheduling: { full: sched(true, '0 0 12 * * ?') } }), 'noop');
  });

  const atLeastOne = validation('[scheduling] object needs to define at least one schedule type: [full | incremental | access_control]');
  const bad: [string, unknown, string, string | RegExp][] = [
    ['empty scheduling', { scheduling: {} }, V, atLeastOne],
    ['only access_control (quirk 3, kept)', { scheduling: { access_control: sched(true) } }, V, atLeastOne],
    ['invalid cron', { scheduling: { full: sched(true, '61 0 0 * * ?') } }, X, /failed to parse field \[interval\]/],
    ['missing interval', { scheduling: { full: { enabled: true } } }, IAE, 'Required [interval]'],
    ['missing scheduling', {}, IAE, 'Required [scheduling]'],
    ['enabled not boolean', { scheduling: { full: { enabled: 'on', interval: '0 0 0 * * ?' } } }, X, /failed to parse field \[enabled\]/],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'sc', () => update(srv, 'sc', '_scheduling', body), 400), 400, type, reason));
  }
});

describe('PUT _error (§6.15)', () => {
  before(() => createConnector(srv, 'er'));

  it('non-empty error → status error; null or "" → connected, stored as given', async () => {
    assert.equal(await result('er', '_error', { error: 'boom' }), 'updated');
    let doc = await getConnector(srv, 'er');
    assert.equal(doc.error, 'boom');
    assert.equal(doc.status, 'error');
    assert.equal(await result('er', '_error', { error: 'boom' }), 'noop');
    assert.equal(await result('er', '_error', { error: null }), 'updated');
    doc = await getConnector(srv, 'er');
    assert.equal(doc.error, null);
    assert.equal(doc.status, 'connected');
    assert.equal(await result('er', '_error', { error: '' }), 'updated');
    doc = await getConnector(srv, 'er');
    assert.equal(doc.error, '');
    assert.equal(doc.status, 'connected');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['missing key', {}, IAE, 'Required [error]'],
    ['number', { error: 1 }, X, "[connector_update_error_request] error doesn't support values of type: VALUE_NUMBER"],
    ['unknown field', { error: 'x', status: 'error' }, X, '[connector_update_error_request] unknown field [status]'],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'er', () => update(srv, 'er', '_error', body), 400), 400, type, reason));
  }
});

describe('PUT _status (§6.16, §5.1)', () => {
  before(() => createConnector(srv, 'ss'));

  it('follows the state machine; case-insensitive; allowed self-transitions are noop', async () => {
    assert.equal(await result('ss', '_status', { status: 'NEEDS_CONFIGURATION' }), 'updated');
    assert.equal(await result('ss', '_status', { status: 'configured' }), 'updated');
    assert.equal(await result('ss', '_status', { status: 'configured' }), 'noop');
    assert.equal(await result('ss', '_status', { status: 'connected' }), 'updated');
    assert.equal((await getConnector(srv, 'ss')).status, 'connected');
  });

  it('400 status_exception caused by connector_invalid_status_transition_exception', async () => {
    await createConnector(srv, 'ss2');
    for (const to of ['created', 'configured', 'connected']) {
      const res = await expectUnchanged(srv, 'ss2', () => update(srv, 'ss2', '_status', { status: to }), 400);
      const reason = `Invalid transition attempt from [created] to [${to}]. Such a status transition is not supported by the Connector Protocol.`;
      const body = assertError(res, 400, 'status_exception', reason);
      assert.deepEqual(body.error.caused_by, { type: 'connector_invalid_status_transition_exception', reason });
    }
  });

  it('400 for an unknown or missing status', async () => {
    const res = await expectUnchanged(srv, 'ss2', () => update(srv, 'ss2', '_status', { status: 'bogus' }), 400);
    const body = assertError(res, 400, X, '[connector_update_status_request] failed to parse field [status]');
    assert.deepEqual(body.error.caused_by, { type: IAE, reason: 'Unknown ConnectorStatus: bogus' });
    assertError(await update(srv, 'ss2', '_status', {}), 400, V, validation('[status] cannot be [null].'));
    assertError(await update(srv, 'ss2', '_status', { status: null }), 400, V, validation('[status] cannot be [null].'));
  });
});

describe('PUT _last_sync (§6.17)', () => {
  before(() => createConnector(srv, 'ls'));

  it('writes only non-null fields; timestamps normalised; sync_cursor deep-merged', async () => {
    assert.equal(await result('ls', '_last_sync', {
      last_sync_status: 'completed', last_synced: '2023-05-25T12:30:00Z', last_indexed_document_count: 10,
      last_deleted_document_count: 2, sync_cursor: { a: 1, nested: { x: 1 } },
    }), 'updated');
    let doc = await getConnector(srv, 'ls');
    assert.equal(doc.last_sync_status, 'completed');
    assert.equal(doc.last_synced, '2023-05-25T12:30:00.000Z');
    assert.equal(doc.last_indexed_document_count, 10);
    assert.deepEqual(doc.sync_cursor, { a: 1, nested: { x: 1 } });

    assert.equal(await result('ls', '_last_sync', { last_sync_status: null, last_sync_error: 'oops', sync_cursor: { b: 2, nested: { y: 2 } } }), 'updated');
    doc = await getConnector(srv, 'ls');
    assert.equal(doc.last_sync_status, 'completed', 'nulls are ignored, never clear');
    assert.equal(doc.last_sync_error, 'oops');
    assert.deepEqual(doc.sync_cursor, { a: 1, nested: { x: 1, y: 2 }, b: 2 }, 'old cursor keys survive (quirk 10)');
  });

  it('empty body, {} or all-null → noop', async () => {
    assert.equal(await result('ls', '_last_sync'), 'noop');
    assert.equal(await result('ls', '_last_sync', {}), 'noop');
    assert.equal(await result('ls', '_last_sync', { last_synced: null, sync_cursor: null }), 'noop');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['numeric timestamp', { last_synced: 1700000000000 }, X, '[connector_update_last_sync_stats_request] failed to parse field [last_synced]'],
    ['unparseable timestamp', { last_seen: 'yesterday' }, X, '[connector_update_last_sync_stats_request] failed to parse field [last_seen]'],
    ['unknown sync status', { last_access_control_sync_status: 'done' }, X, '[connector_update_last_sync_stats_request] failed to parse field [last_access_control_sync_status]'],
    ['count not a number', { last_indexed_document_count: 'many' }, X, '[connector_update_last_sync_stats_request] failed to parse field [last_indexed_document_count]'],
    ['unknown field', { last_sync: 'x' }, X, '[connector_update_last_sync_stats_request] unknown field [last_sync]'],
    ['sync_cursor not an object', { sync_cursor: 'page-2' }, X, '[connector_update_last_sync_stats_request] failed to parse field [sync_cursor]'],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'ls', () => update(srv, 'ls', '_last_sync', body), 400), 400, type, reason));
  }
});

describe('PUT _check_in (§6.18)', () => {
  it('sets last_seen to now, always updated, strictly later each time', async () => {
    await createConnector(srv, 'ci');
    assert.equal(await result('ci', '_check_in'), 'updated');
    const first = (await getConnector(srv, 'ci')).last_seen;
    assert.ok(Math.abs(Date.parse(first) - Date.now()) < 5000);
    assert.equal(await result('ci', '_check_in'), 'updated');
    const second = (await getConnector(srv, 'ci')).last_seen;
    assert.ok(second > first, `${second} > ${first}`);
  });

  it('400 with a body', async () => {
    const res = await expectUnchanged(srv, 'ci', () => update(srv, 'ci', '_check_in', { last_seen: 'x' }), 400);
    assertError(res, 400, IAE, 'request [PUT /_connector/ci/_check_in] does not support having a body');
  });
});

describe('PUT _features (§6.19)', () => {
  before(() => createConnector(srv, 'ft'));

  it('deep-merges individual features; unknown nested keys dropped; same again noop', async () => {
    assert.equal('features' in (await getConnector(srv, 'ft')), false);
    assert.equal(await result('ft', '_features', { features: { document_level_security: { enabled: true }, bogus: { enabled: true } } }), 'updated');
    assert.deepEqual((await getConnector(srv, 'ft')).features, { document_level_security: { enabled: true } });
    assert.equal(await result('ft', '_features', { features: { sync_rules: { advanced: { enabled: false } } } }), 'updated');
    assert.equal(await result('ft', '_features', { features: { sync_rules: { basic: { enabled: true } }, incremental_sync: { enabled: false } } }), 'updated');
    assert.deepEqual((await getConnector(srv, 'ft')).features, {
      document_level_security: { enabled: true },
      sync_rules: { advanced: { enabled: false }, basic: { enabled: true } },
      incremental_sync: { enabled: false },
    });
    assert.equal(await result('ft', '_features', { features: { document_level_security: { enabled: true } } }), 'noop');
    assert.equal(await result('ft', '_features', { features: {} }), 'noop');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['features missing (Elasticsearch: 500)', {}, V, validation('[features] cannot be [null].')],
    ['enabled missing', { features: { incremental_sync: {} } }, IAE, 'Required [enabled]'],
    ['unknown top-level field', { features: {}, native: true }, X, '[connector_update_features_request] unknown field [native]'],
    ['feature not an object', { features: { incremental_sync: true } }, X, /failed to parse field \[incremental_sync\]/],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'ft', () => update(srv, 'ft', '_features', body), 400), 400, type, reason));
  }
});

describe('PUT _api_key_id (§6.20)', () => {
  before(() => createConnector(srv, 'ak'));

  it('writes only non-null values', async () => {
    assert.equal(await result('ak', '_api_key_id', { api_key_id: 'key-1', api_key_secret_id: 'sec-1' }), 'updated');
    assert.equal(await result('ak', '_api_key_id', { api_key_id: 'key-2', api_key_secret_id: null }), 'updated');
    const doc = await getConnector(srv, 'ak');
    assert.equal(doc.api_key_id, 'key-2');
    assert.equal(doc.api_key_secret_id, 'sec-1');
    assert.equal(await result('ak', '_api_key_id', { api_key_id: 'key-2' }), 'noop');
  });

  const both = validation('[api_key_id] and [api_key_secret_id] cannot both be [null]. Please provide a value for at least one of them.');
  const bad: [string, unknown, string, string | RegExp][] = [
    ['both null', { api_key_id: null, api_key_secret_id: null }, V, both],
    ['empty object', {}, V, both],
    ['number', { api_key_id: 1 }, X, "[connector_update_api_key_id_request] api_key_id doesn't support values of type: VALUE_NUMBER"],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => void assertError(await expectUnchanged(srv, 'ak', () => update(srv, 'ak', '_api_key_id', body), 400), 400, type, reason));
  }
});

describe('atomicity', () => {
  it('concurrent _index_name updates to one name: exactly one wins', async () => {
    for (let i = 0; i < 8; i++) await createConnector(srv, `at-${i}`);
    const res = await Promise.all(Array.from({ length: 8 }, (_, i) => update(srv, `at-${i}`, '_index_name', { index_name: 'search-atomic' })));
    assert.deepEqual(res.map((r) => r.statusCode).sort(), [200, ...Array(7).fill(400)]);
  });

  it('every write is visible to the next read (no refresh lag)', async () => {
    await createConnector(srv, 'vis', { index_name: 'search-vis', name: 'first' });
    ok(await update(srv, 'vis', '_name', { name: 'second' }));
    const list = ok(await srv.inject({ method: 'GET', url: '/_connector?index_name=search-vis' }));
    assert.equal(list.results[0].name, 'second');
  });
});
