/**
 * The UI's API client (client.ts) against a real Tributary server on loopback: the calls the
 * pages make, and an error answer becoming an ApiError with Elasticsearch's reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openApp } from '../../../src/app/open-app';
import { buildServer } from '../../../src/api/server';
import { api, ApiError, call, connectorSearchBody } from './client';

describe('UI API client', () => {
  let dataDir: string;
  let close: () => Promise<void>;
  const realFetch = globalThis.fetch;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tributary-ui-client-'));
    const server = buildServer(await openApp({ dataDir }), {});
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    // The browser resolves the client's relative paths against the page's origin.
    globalThis.fetch = (input, init) => realFetch(new URL(String(input), url), init);
    close = () => server.close();
  });

  after(async () => {
    globalThis.fetch = realFetch;
    await close?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('create, list with filters, configure, start and cancel a sync', async () => {
    const created = await api.createConnector({ id: 'ui-c1', name: 'Field notes', index_name: 'search-notes', service_type: 'directory' });
    assert.equal(created.result, 'created');
    await api.createConnector({ name: 'Other', index_name: 'search-other', service_type: 'postgresql' });
    const all = await api.listConnectors({ from: 0, size: 10 });
    assert.equal(all.count, 2);
    const byText = await api.listConnectors({ query: 'notes' });
    assert.deepEqual(byText.results.map((c) => c.id), ['ui-c1']);
    const byType = await api.listConnectors({ service_type: ['postgresql'] });
    assert.equal(byType.results[0].name, 'Other');

    const types = await api.sourceTypes();
    const dir = types.results.find((t) => t.service_type === 'directory')!;
    await api.putConfiguration('ui-c1', { ...dir.configuration, path: { ...dir.configuration.path, value: '/tmp/x' } });
    await api.putConfigurationValues('ui-c1', { path: '/tmp/y' });
    assert.equal((await api.getConnector('ui-c1')).configuration.path.value, '/tmp/y');

    const job = await api.startSync('ui-c1', 'full');
    const jobs = await api.listSyncJobs({ connector_id: 'ui-c1' });
    assert.deepEqual(jobs.results.map((j) => j.id), [job.id]);
    await api.cancelSync(job.id);
    const after = await api.listSyncJobs({ connector_id: 'ui-c1' });
    assert.match(after.results[0].status, /cancel/);
  });

  test('searchConnectors: the list by status through the system index, the same connectors as GET _connector', async () => {
    for (const [id, status, type, name] of [
      ['st-1', 'error', 'mysql', 'Alpha *star*'], ['st-2', 'error', 'postgresql', 'Beta'], ['st-3', 'connected', 'mysql', 'alpha two'], ['st-4', 'error', 'mysql', 'Gamma'],
    ]) {
      await api.createConnector({ id, name, index_name: `search-${id}`, service_type: type, description: id === 'st-4' ? 'ALPHA team' : undefined });
      await call('POST', `/.elastic-connectors/_update/${id}`, { body: { doc: { status } } });
    }
    await call('POST', '/.elastic-connectors/_update/ui-c1', { body: { doc: { status: 'error' } } });
    await api.deleteConnector('st-2');
    const errors = await api.searchConnectors({ status: ['error'], size: 10 });
    // By index name: search-notes, search-st-1, search-st-4 (st-2 is deleted, st-3 connected).
    assert.deepEqual(errors.results.map((c) => [c.id, c.status]), [['ui-c1', 'error'], ['st-1', 'error'], ['st-4', 'error']]);
    assert.equal(errors.count, 3);
    // The same rows GET _connector lists, status aside: text (name case-sensitive, description not) and type.
    const same = async (q: { query?: string; service_type?: string[] }) => {
      const listed = (await api.listConnectors({ ...q, size: 100 })).results.filter((c) => c.status === 'error');
      const searched = await api.searchConnectors({ ...q, status: ['error'], size: 100 });
      assert.deepEqual(searched.results, listed, JSON.stringify(q));
      return searched.results.map((c) => c.id);
    };
    assert.deepEqual(await same({ query: 'alpha' }), ['st-4']);
    assert.deepEqual(await same({ query: 'Alpha' }), ['st-1', 'st-4']);
    assert.deepEqual(await same({ query: '*star*' }), ['st-1'], 'wildcard characters are literal');
    assert.deepEqual(await same({ query: 'a?' }), []);
    assert.deepEqual(await same({ service_type: ['mysql'] }), ['st-1', 'st-4']);
    const paged = await api.searchConnectors({ status: ['error'], from: 1, size: 1 });
    assert.deepEqual([paged.count, paged.results.length], [3, 1]);
    assert.deepEqual(connectorSearchBody({ query: 'a*b\\' }).query, {
      bool: {
        filter: [{ bool: { should: [{ wildcard: { name: '*a\\*b\\\\*' } }, { wildcard: { index_name: '*a\\*b\\\\*' } }, { wildcard: { description: { value: '*a\\*b\\\\*', case_insensitive: true } } }], minimum_should_match: 1 } }],
        must_not: [{ term: { deleted: true } }],
      },
    });
  });

  test('an error answer is an ApiError with the API reason and status', async () => {
    await assert.rejects(api.getConnector('missing'), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 404);
      assert.equal(e.type, 'resource_not_found_exception');
      assert.match(e.message, /missing/);
      return true;
    });
    await assert.rejects(api.createConnector({ name: 'x', index_name: 'Bad Index', service_type: 'directory' }), (e: unknown) => e instanceof ApiError && e.status === 400);
  });

  test('schedules, sync rules draft → activate, privileges', async () => {
    await api.createConnector({ id: 'ui-c2', name: 'Rules', index_name: 'search-rules', service_type: 'directory' });
    await api.putScheduling('ui-c2', { full: { enabled: true, interval: '0 0 6 ? * MON' } });
    assert.deepEqual((await api.getConnector('ui-c2')).scheduling?.full, { enabled: true, interval: '0 0 6 ? * MON' });
    // A parse error names the field; the message carries its cause (the cron reason) too.
    await assert.rejects(api.putScheduling('ui-c2', { full: { enabled: true, interval: '0 0 0 * * *' } }), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 400);
      assert.match(e.message, /failed to parse field.*: Invalid cron expression \[0 0 0 \* \* \*\]: day-of-month/);
      return true;
    });

    await api.putFilteringDraft('ui-c2', { rules: [{ id: 'r1', order: 0, policy: 'exclude', field: 'extension', rule: 'equals', value: 'pdf' }], advanced_snippet: { value: {} } });
    let f = (await api.getConnector('ui-c2')).filtering![0];
    assert.equal(f.draft.validation.state, 'edited');
    assert.deepEqual(f.draft.rules.map((r) => r.id), ['r1', 'DEFAULT']);
    // Only a validated draft can be activated (the connector service validates; no worker here).
    await assert.rejects(api.activateFiltering('ui-c2'), (e: unknown) => e instanceof ApiError && e.status === 400 && /validated/.test(e.message));

    const p = await api.hasPrivileges(['cluster:admin/xpack/connector/update_scheduling']);
    assert.deepEqual(p.cluster, { 'cluster:admin/xpack/connector/update_scheduling': true });
    assert.equal(p.has_all_requested, true);
    f = (await api.getConnector('ui-c2')).filtering![0];
    assert.deepEqual(f.active.rules.map((r) => r.id), ['DEFAULT']);
  });
});
