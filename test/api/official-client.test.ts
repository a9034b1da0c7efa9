/**
 * Every `client.connector.*` method of the official JavaScript client that is not a sync-job
 * method — connectors and connector secrets — with both `@elastic/elasticsearch` 9.x and `es8`
 * (8.x), against a real listening Tributary server (issue 2, clients.md). The `syncJob*`
 * methods are covered by official-client-sync-job.test.ts; a final check makes sure the two
 * files together call every method the clients have.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Client as Client9, errors as errors9 } from '@elastic/elasticsearch';
import { Client as Client8, errors as errors8 } from 'es8';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => { srv = await startServer({ listen: true }); });
after(() => srv.close());

/** The part of both clients used here, loosely typed so one test body serves both versions. */
interface AnyClient {
  connector: Record<string, (params?: any, options?: any) => Promise<any>>;
  ping(): Promise<boolean>;
  info(): Promise<any>;
  close(): Promise<void>;
}

const flavours = [
  { name: '9.x', make: (node: string) => new Client9({ node }) as unknown as AnyClient, ResponseError: errors9.ResponseError },
  { name: '8.x', make: (node: string) => new Client8({ node }) as unknown as AnyClient, ResponseError: errors8.ResponseError },
] as const;

/** Methods called through `track`, per flavour, for the completeness check at the end. */
const called: Record<string, Set<string>> = { '9.x': new Set(), '8.x': new Set() };

const pipeline = { extract_binary_content: true, name: 'search-default-ingestion', reduce_whitespace: true, run_ml_inference: false };

for (const flavour of flavours) {
  describe(`official client ${flavour.name}: connector.*`, () => {
    let raw: AnyClient;
    /** `client.connector` with every call recorded. */
    let connector: AnyClient['connector'];
    const p = `c${flavour.name[0]}-`;

    async function rejects(call: Promise<unknown>, status: number, type: string, reason?: string | RegExp): Promise<any> {
      try {
        await call;
      } catch (e) {
        assert.ok(e instanceof flavour.ResponseError, `expected a ResponseError, got ${String(e)}`);
        const err = e as InstanceType<typeof flavour.ResponseError>;
        assert.equal(err.meta.statusCode, status, JSON.stringify(err.body));
        const body = err.body as any;
        assert.equal(body.error.type, type);
        if (typeof reason === 'string') assert.equal(body.error.reason, reason);
        else if (reason) assert.match(body.error.reason, reason);
        assert.match(err.message, new RegExp(type));
        return body;
      }
      assert.fail(`expected ${status} ${type}`);
    }

    before(() => {
      raw = flavour.make(srv.url);
      connector = new Proxy(raw.connector, {
        get(target, prop: string) {
          const fn = (target as any)[prop];
          if (typeof fn !== 'function') return fn;
          return (...args: unknown[]) => {
            called[flavour.name].add(prop);
            return fn.apply(target, args);
          };
        },
      });
    });
    after(() => raw.close());

    it('ping and info work (product check passes)', async () => {
      assert.equal(await raw.ping(), true);
      const info = await raw.info();
      assert.match(info.version.number, /^9\./);
      assert.equal(info.tagline, 'You Know, for Search');
    });

    it('put: the issue example → created 201, again → updated 200', async () => {
      const params = { connector_id: `${p}my-connector`, index_name: `${p}search-google-drive`, name: 'My Connector', service_type: 'google_drive' };
      const first = await connector.put(params, { meta: true });
      assert.equal(first.statusCode, 201);
      assert.deepEqual(first.body, { id: `${p}my-connector`, result: 'created' });
      const second = await connector.put(params, { meta: true });
      assert.equal(second.statusCode, 200);
      assert.deepEqual(second.body, { id: `${p}my-connector`, result: 'updated' });
      const plain = await connector.put(params);
      assert.deepEqual(plain, { id: `${p}my-connector`, result: 'updated' });
    });

    it('put without connector_id and post generate ids', async () => {
      const a = await connector.put({ name: `${p}generated`, index_name: `${p}gen-a` });
      assert.equal(a.result, 'created');
      assert.match(a.id, /^[A-Za-z0-9_-]{20}$/);
      const b = await connector.post({ name: `${p}posted`, index_name: `${p}gen-b`, service_type: 'mysql', description: 'd', language: 'en', is_native: false });
      assert.equal(b.result, 'created');
      assert.notEqual(b.id, a.id);
      const doc = await connector.get({ connector_id: b.id });
      assert.equal(doc.name, `${p}posted`);
      assert.equal(doc.language, 'en');
    });

    it('get returns the document with its id; 404 is a ResponseError, or false-y with ignore', async () => {
      const doc = await connector.get({ connector_id: `${p}my-connector` });
      assert.equal(doc.id, `${p}my-connector`);
      assert.equal(doc.name, 'My Connector');
      assert.equal(doc.status, 'created');
      assert.deepEqual(doc.scheduling.full, { enabled: false, interval: '0 0 0 * * ?' });
      await rejects(connector.get({ connector_id: `${p}missing` }), 404, 'resource_not_found_exception', `connector [${p}missing] not found`);
      const ignored = await connector.get({ connector_id: `${p}missing` }, { ignore: [404], meta: true });
      assert.equal(ignored.statusCode, 404);
    });

    it('list with from, size and every filter', async () => {
      for (const [id, svc] of [['l1', 'mysql'], ['l2', 'postgresql'], ['l3', 'mysql']]) {
        await connector.put({ connector_id: `${p}${id}`, index_name: `${p}list-${id}`, name: `${p}name-${id}`, service_type: svc, description: `about ${id}` });
      }
      const ids = (r: any) => r.results.map((c: any) => c.id);
      const all = await connector.list({ query: `${p}list-` });
      assert.equal(all.count, 3);
      assert.deepEqual(ids(all), [`${p}l1`, `${p}l2`, `${p}l3`]);
      assert.deepEqual(ids(await connector.list({ query: `${p}list-`, from: 1, size: 1 })), [`${p}l2`]);
      assert.deepEqual(ids(await connector.list({ index_name: [`${p}list-l1`, `${p}list-l3`] })), [`${p}l1`, `${p}l3`]);
      assert.deepEqual(ids(await connector.list({ index_name: `${p}list-l2` })), [`${p}l2`]);
      assert.deepEqual(ids(await connector.list({ connector_name: `${p}name-l3` })), [`${p}l3`]);
      assert.deepEqual(ids(await connector.list({ service_type: 'postgresql', query: `${p}list-` })), [`${p}l2`]);
      assert.deepEqual(ids(await connector.list({ service_type: ['mysql'], connector_name: [`${p}name-l1`, `${p}name-l2`] })), [`${p}l1`]);
      assert.equal((await connector.list({ include_deleted: true, query: `${p}list-` })).count, 3);
      await rejects(connector.list({ from: -1 }), 400, 'illegal_argument_exception', 'Parameter [from] cannot be < 0');
    });

    it('updateName, updateServiceType, updateIndexName, updateNative', async () => {
      const id = `${p}upd`;
      await connector.put({ connector_id: id, index_name: `${p}upd-index` });
      assert.deepEqual(await connector.updateName({ connector_id: id, name: 'New name', description: 'New description' }), { result: 'updated' });
      assert.deepEqual(await connector.updateName({ connector_id: id, name: 'New name' }), { result: 'noop' });
      assert.deepEqual(await connector.updateServiceType({ connector_id: id, service_type: 'sharepoint_online' }), { result: 'updated' });
      assert.deepEqual(await connector.updateIndexName({ connector_id: id, index_name: `content-${p}upd` }), { result: 'updated' });
      assert.deepEqual(await connector.updateIndexName({ connector_id: id, index_name: `content-${p}upd` }), { result: 'noop' });
      assert.deepEqual(await connector.updateNative({ connector_id: id, is_native: true }), { result: 'updated' });
      const doc = await connector.get({ connector_id: id });
      assert.equal(doc.name, 'New name');
      assert.equal(doc.description, 'New description');
      assert.equal(doc.service_type, 'sharepoint_online');
      assert.equal(doc.index_name, `content-${p}upd`);
      assert.equal(doc.is_native, true);
      await rejects(connector.updateIndexName({ connector_id: id, index_name: `search-${p}upd` }), 400, 'status_exception', /must start with the prefix: \[content-\]/);
      await rejects(connector.updateIndexName({ connector_id: id, index_name: `${p}list-l1` }), 400, 'status_exception',
        `Index name [${p}list-l1] is used by another connector.`);
      assert.deepEqual(await connector.updateIndexName({ connector_id: id, index_name: null }), { result: 'updated' });
      assert.equal((await connector.get({ connector_id: id })).index_name, null);
      await rejects(connector.updateServiceType({ connector_id: id, service_type: '' }), 400, 'action_request_validation_exception');
    });

    it('updatePipeline and updateScheduling (partial)', async () => {
      const id = `${p}sched`;
      await connector.put({ connector_id: id });
      assert.deepEqual(await connector.updatePipeline({ connector_id: id, pipeline }), { result: 'updated' });
      assert.deepEqual(await connector.updateScheduling({ connector_id: id, scheduling: { incremental: { enabled: true, interval: '0 10 * * * ?' } } }), { result: 'updated' });
      const doc = await connector.get({ connector_id: id });
      assert.deepEqual(doc.pipeline, pipeline);
      assert.deepEqual(doc.scheduling.incremental, { enabled: true, interval: '0 10 * * * ?' });
      assert.deepEqual(doc.scheduling.full, { enabled: false, interval: '0 0 0 * * ?' });
      await rejects(connector.updateScheduling({ connector_id: id, scheduling: { full: { enabled: true, interval: '61 0 0 * * ?' } } }), 400, 'x_content_parse_exception');
      await rejects(connector.updatePipeline({ connector_id: id, pipeline: { name: 'x' } }), 400, 'illegal_argument_exception', /^Required \[/);
    });

    it('updateConfiguration: schema, then values', async () => {
      const id = `${p}conf`;
      await connector.put({ connector_id: id, service_type: 'mysql' });
      const configuration = {
        host: { label: 'Host', type: 'str', display: 'textbox', order: 1, required: true, sensitive: false, value: 'localhost', default_value: null, depends_on: [], tooltip: null, ui_restrictions: [], validations: [] },
        port: { label: 'Port', type: 'int', display: 'numeric', order: 2, value: 3306, default_value: 3306, required: true, sensitive: false, depends_on: [], options: [], tooltip: null, ui_restrictions: [], validations: [] },
      };
      assert.deepEqual(await connector.updateConfiguration({ connector_id: id, configuration }), { result: 'updated' });
      assert.deepEqual(await connector.updateConfiguration({ connector_id: id, values: { host: 'db.internal', port: 3307 } }), { result: 'updated' });
      const doc = await connector.get({ connector_id: id });
      assert.equal(doc.status, 'configured');
      assert.equal(doc.configuration.host.value, 'db.internal');
      assert.equal(doc.configuration.host.label, 'Host');
      assert.equal(doc.configuration.port.value, 3307);
      await rejects(connector.updateConfiguration({ connector_id: id, values: { nope: 1 } }), 400, 'status_exception', /^Unknown \[configuration\] fields in the request payload: \[nope\]/);
    });

    it('updateFiltering (draft and full), updateFilteringValidation, updateActiveFiltering', async () => {
      const id = `${p}filt`;
      await connector.put({ connector_id: id });
      const rule = { id: 'r1', field: 'title', order: 0, policy: 'exclude', rule: 'contains', value: 'draft' };
      assert.deepEqual(await connector.updateFiltering({ connector_id: id, rules: [rule], advanced_snippet: { value: { q: 1 } } }), { result: 'updated' });
      await rejects(connector.updateActiveFiltering({ connector_id: id }), 400, 'status_exception', /Current filtering draft validation state \[edited\]/);
      assert.deepEqual(await connector.updateFilteringValidation({ connector_id: id, validation: { errors: [], state: 'valid' } }), { result: 'updated' });
      assert.deepEqual(await connector.updateActiveFiltering({ connector_id: id }), { result: 'updated' });
      let f = (await connector.get({ connector_id: id })).filtering[0];
      assert.deepEqual(f.active.rules.map((r: any) => r.id), ['r1', 'DEFAULT']);
      assert.deepEqual(f.active.advanced_snippet.value, { q: 1 });
      assert.deepEqual(f.active, f.draft);

      const full = { active: f.active, draft: { ...f.draft, validation: { errors: [{ ids: ['r1'], messages: ['m'] }], state: 'invalid' } }, domain: 'DEFAULT' };
      assert.deepEqual(await connector.updateFiltering({ connector_id: id, filtering: [full] }), { result: 'updated' });
      f = (await connector.get({ connector_id: id })).filtering[0];
      assert.equal(f.draft.validation.state, 'invalid');
      await rejects(connector.updateFiltering({ connector_id: id }), 400, 'parse_exception', 'request body is required');
      await rejects(connector.updateFiltering({ connector_id: id, rules: null }), 400, 'action_request_validation_exception',
        'Validation Failed: 1: [advanced_snippet] and [rules] cannot be both [null].;');
    });

    it('updateError, updateStatus', async () => {
      const id = `${p}status`;
      await connector.put({ connector_id: id });
      assert.deepEqual(await connector.updateStatus({ connector_id: id, status: 'needs_configuration' }), { result: 'updated' });
      const body = await rejects(connector.updateStatus({ connector_id: id, status: 'connected' }), 400, 'status_exception',
        'Invalid transition attempt from [needs_configuration] to [connected]. Such a status transition is not supported by the Connector Protocol.');
      assert.equal(body.error.caused_by.type, 'connector_invalid_status_transition_exception');
      await rejects(connector.updateStatus({ connector_id: id, status: 'unknown' }), 400, 'x_content_parse_exception');
      assert.deepEqual(await connector.updateError({ connector_id: id, error: 'Houston, we have a problem' }), { result: 'updated' });
      assert.equal((await connector.get({ connector_id: id })).status, 'error');
      assert.deepEqual(await connector.updateError({ connector_id: id, error: null }), { result: 'updated' });
      const doc = await connector.get({ connector_id: id });
      assert.equal(doc.status, 'connected');
      assert.equal(doc.error, null);
    });

    it('lastSync and checkIn', async () => {
      const id = `${p}sync`;
      await connector.put({ connector_id: id });
      assert.deepEqual(await connector.checkIn({ connector_id: id }), { result: 'updated' });
      const seen = (await connector.get({ connector_id: id })).last_seen;
      assert.ok(Math.abs(Date.parse(seen) - Date.now()) < 10_000);
      assert.deepEqual(await connector.lastSync({
        connector_id: id,
        last_access_control_sync_error: 'acl failed',
        last_access_control_sync_scheduled_at: '2024-01-01T00:00:00Z',
        last_access_control_sync_status: 'error',
        last_deleted_document_count: 1,
        last_incremental_sync_scheduled_at: '2024-01-02T00:00:00Z',
        last_indexed_document_count: 42,
        last_seen: '2024-01-03T00:00:00Z',
        last_sync_error: null,
        last_sync_scheduled_at: '2024-01-04T00:00:00.123456Z',
        last_sync_status: 'completed',
        last_synced: '2024-01-05T00:00:00Z',
        sync_cursor: { page: 2 },
      }), { result: 'updated' });
      const doc = await connector.get({ connector_id: id });
      assert.equal(doc.last_indexed_document_count, 42);
      assert.equal(doc.last_sync_status, 'completed');
      assert.equal(doc.last_access_control_sync_status, 'error');
      assert.equal(doc.last_sync_scheduled_at, '2024-01-04T00:00:00.123456Z');
      assert.equal(doc.last_seen, '2024-01-03T00:00:00.000Z');
      assert.deepEqual(doc.sync_cursor, { page: 2 });
      assert.equal('last_sync_error' in doc, false);
      assert.deepEqual(await connector.lastSync({ connector_id: id }), { result: 'noop' });
      await rejects(connector.lastSync({ connector_id: id, last_sync_status: 'done' }), 400, 'x_content_parse_exception');
      await rejects(connector.checkIn({ connector_id: `${p}missing` }), 404, 'resource_not_found_exception');
    });

    it('updateFeatures (deep merge) and updateApiKeyId', async () => {
      const id = `${p}feat`;
      await connector.put({ connector_id: id });
      assert.deepEqual(await connector.updateFeatures({ connector_id: id, features: { document_level_security: { enabled: true }, sync_rules: { advanced: { enabled: false } } } }), { result: 'updated' });
      assert.deepEqual(await connector.updateFeatures({ connector_id: id, features: { sync_rules: { basic: { enabled: true } }, incremental_sync: { enabled: true } } }), { result: 'updated' });
      assert.deepEqual((await connector.get({ connector_id: id })).features, {
        document_level_security: { enabled: true },
        sync_rules: { advanced: { enabled: false }, basic: { enabled: true } },
        incremental_sync: { enabled: true },
      });
      assert.deepEqual(await connector.updateApiKeyId({ connector_id: id, api_key_id: 'my-api-key-id', api_key_secret_id: 'my-secret-id' }), { result: 'updated' });
      const doc = await connector.get({ connector_id: id });
      assert.equal(doc.api_key_id, 'my-api-key-id');
      assert.equal(doc.api_key_secret_id, 'my-secret-id');
      await rejects(connector.updateApiKeyId({ connector_id: id }), 400, 'parse_exception', 'request body is required');
      await rejects(connector.updateApiKeyId({ connector_id: id, api_key_id: null }), 400, 'action_request_validation_exception');
      await rejects(connector.updateFeatures({ connector_id: id, body: {} }), 400, 'action_request_validation_exception', 'Validation Failed: 1: [features] cannot be [null].;');
    });

    it('delete: soft by default, include_deleted, hard, delete_sync_jobs', async () => {
      const id = `${p}del`;
      await connector.put({ connector_id: id, index_name: `${p}del-index`, service_type: 'mysql' });
      const job = await connector.syncJobPost({ id });
      assert.deepEqual(await connector.delete({ connector_id: id }), { acknowledged: true });
      await rejects(connector.get({ connector_id: id }), 404, 'resource_not_found_exception');
      assert.equal((await connector.get({ connector_id: id, include_deleted: true })).deleted, true);
      assert.equal((await connector.list({ index_name: `${p}del-index` })).count, 0);
      assert.equal((await connector.list({ index_name: `${p}del-index`, include_deleted: true })).count, 1);
      await rejects(connector.delete({ connector_id: id }), 404, 'resource_not_found_exception');
      assert.ok(await connector.syncJobGet({ connector_sync_job_id: job.id }));
      assert.deepEqual(await connector.delete({ connector_id: id, hard: true, delete_sync_jobs: true }), { acknowledged: true });
      await rejects(connector.get({ connector_id: id, include_deleted: true }), 404, 'resource_not_found_exception');
      await rejects(connector.syncJobGet({ connector_sync_job_id: job.id }), 404, 'resource_not_found_exception');
    });

    it('rejects unknown keys (the client puts them in the body) and empty ids cleanly', async () => {
      const id = `${p}my-connector`;
      // 9.x sends unknown keys in the body (strict parser → unknown field), 8.x in the query string (unknown parameter).
      if (flavour.name === '9.x') {
        await rejects(connector.updateName({ connector_id: id, name: 'x', colour: 'blue' }), 400, 'x_content_parse_exception',
          '[connector_update_name_request] unknown field [colour]');
        await rejects(connector.put({ connector_id: id, bogus: true }), 400, 'x_content_parse_exception', '[connector_put_request] unknown field [bogus]');
      } else {
        await rejects(connector.updateName({ connector_id: id, name: 'x', colour: 'blue' }), 400, 'illegal_argument_exception',
          `request [/_connector/${id}/_name] contains unrecognized parameter: [colour]`);
        await rejects(connector.put({ connector_id: id, bogus: true }), 400, 'illegal_argument_exception', /contains unrecognized parameter: \[bogus\]/);
      }
      await rejects(connector.updateError({ connector_id: '', error: 'x' }), 400, 'action_request_validation_exception');
      assert.equal((await connector.get({ connector_id: id })).name, 'My Connector');
    });

    it('secretPost, secretGet, secretPut, secretDelete', async () => {
      const posted = await connector.secretPost({ value: 'hunter2' });
      assert.equal(typeof posted.id, 'string');
      assert.deepEqual(await connector.secretGet({ id: posted.id }), { id: posted.id, value: 'hunter2' });
      const created = await connector.secretPut({ id: `${p}secret`, value: 'first' }, { meta: true });
      assert.equal(created.statusCode, 201);
      assert.deepEqual(created.body, { result: 'created' });
      const updated = await connector.secretPut({ id: `${p}secret`, value: 'second' }, { meta: true });
      assert.equal(updated.statusCode, 200);
      assert.deepEqual(updated.body, { result: 'updated' });
      assert.deepEqual(await connector.secretGet({ id: `${p}secret` }), { id: `${p}secret`, value: 'second' });
      assert.deepEqual(await connector.secretDelete({ id: `${p}secret` }), { deleted: true });
      await rejects(connector.secretGet({ id: `${p}secret` }), 404, 'resource_not_found_exception', `No secret with id [${p}secret]`);
      await rejects(connector.secretDelete({ id: `${p}secret` }), 404, 'resource_not_found_exception');
      await rejects(connector.secretPost({ value: '' }), 400, 'action_request_validation_exception');
    });
  });
}

describe('coverage', () => {
  it('with official-client-sync-job.test.ts, every connector method of both clients is driven', () => {
    for (const [name, make] of [['9.x', (n: string) => new Client9({ node: n })], ['8.x', (n: string) => new Client8({ node: n })]] as const) {
      const client = make('http://127.0.0.1:9');
      const all = Object.getOwnPropertyNames(Object.getPrototypeOf(client.connector)).filter((m) => m !== 'constructor');
      const here = all.filter((m) => !m.startsWith('syncJob'));
      assert.deepEqual(here.filter((m) => !called[name].has(m)), [], `${name}: methods not called here`);
      const syncJobFile = readFileSync(new URL('./official-client-sync-job.test.ts', import.meta.url), 'utf8');
      const missing = all.filter((m) => m.startsWith('syncJob') && !syncJobFile.includes(`.${m}(`));
      assert.deepEqual(missing, [], `${name}: sync-job methods not driven by official-client-sync-job.test.ts`);
      assert.ok(all.length >= 34, `${name}: ${all.length} methods`);
      void client.close();
    }
  });
});
