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
import { api, ApiError } from './client';

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
});
