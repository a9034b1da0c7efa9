/**
 * Issue 15: the connector loop learns new and changed connectors through the `_seq_no` change
 * cursor (ConnectorApi.connectorChanges) instead of listing every connector at each tick: after
 * the first tick it asks only for writes after the highest `_seq_no` it saw, and still sets up
 * connectors created later, and sees a changed one's new document. A server that refuses the
 * cursor query gets the full list every tick, with the same outcome.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counterSource } from './helpers/test-sources.js';
import { startStack, waitFor } from './helpers/harness.js';

const configured = async (s: Awaited<ReturnType<typeof startStack>>, id: string) =>
  Object.keys((await s.call('GET', `/_connector/${id}`)).body.configuration ?? {}).length > 0;

test('the connector loop follows the change cursor: new and changed connectors, no full lists', async () => {
  const s = await startStack({ worker: false });
  const cursors: number[] = [];
  let lists = 0;
  const changes = s.api.connectorChanges.bind(s.api);
  s.api.connectorChanges = (after) => (cursors.push(after), changes(after));
  const list = s.api.listConnectors.bind(s.api);
  s.api.listConnectors = (types) => (lists++, list(types));
  try {
    await s.call('PUT', '/_connector/first', { index_name: 'search-first', service_type: 'counter' });
    s.startWorker({ sources: { counter: counterSource } });
    await waitFor('first configured', () => configured(s, 'first'));
    await s.call('PUT', '/_connector/second', { index_name: 'search-second', service_type: 'counter' });
    await waitFor('second configured', () => configured(s, 'second'));
    // A change the loop acts on: sync_now on a configured connector becomes a job.
    await s.call('PUT', '/_connector/first/_configuration', { values: { count: 1 } });
    await s.call('POST', '/.elastic-connectors/_update/first', { doc: { sync_now: true } });
    await waitFor('sync_now seen and turned into a job', async () => (await s.call('GET', '/_connector/_sync_job?connector_id=first')).body.count > 0);
    assert.equal(lists, 0, 'never listed in full');
    assert.equal(cursors[0], -1, 'the first tick reads everything');
    assert.ok(cursors.slice(1).some((c) => c > 0), `later ticks start after a seen _seq_no: ${cursors.slice(0, 10)}`);
    assert.ok(cursors.every((c, i) => i === 0 || c >= cursors[i - 1] || c === -1), 'the cursor only moves forward');
  } finally {
    await s.close();
  }
});

test('a server that refuses the cursor query: connectors are listed in full, with the same outcome', async () => {
  const s = await startStack({ worker: false });
  let lists = 0;
  s.api.connectorChanges = async () => null;
  const list = s.api.listConnectors.bind(s.api);
  s.api.listConnectors = (types) => (lists++, list(types));
  try {
    s.startWorker({ sources: { counter: counterSource } });
    await s.call('PUT', '/_connector/late', { index_name: 'search-late', service_type: 'counter' });
    await waitFor('late configured', () => configured(s, 'late'));
    assert.ok(lists > 0);
  } finally {
    await s.close();
  }
});
