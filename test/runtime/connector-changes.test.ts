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

test('more connectors than connector_concurrency: every one gets its round in one tick', async () => {
  const s = await startStack({ worker: false });
  try {
    const ids = Array.from({ length: 30 }, (_, i) => `many-${i}`);
    for (const id of ids) await s.call('PUT', `/_connector/${id}`, { index_name: `search-${id}`, service_type: 'counter' });
    // One tick only (the next one is an hour away): the rounds must come from its queue.
    s.startWorker({ sources: { counter: counterSource }, connectorConcurrency: 2, pollIntervalMs: 3_600_000 });
    await waitFor('all 30 configured', async () => {
      for (const id of ids) if (!(await configured(s, id))) return false;
      return true;
    });
  } finally {
    await s.close();
  }
});

test('a settled connector costs no call per tick: its check-in waits for check_in_interval', async () => {
  const s = await startStack({ worker: false });
  let checkIns = 0;
  const checkIn = s.api.checkInConnector.bind(s.api);
  s.api.checkInConnector = (id) => (checkIns++, checkIn(id));
  try {
    await s.call('PUT', '/_connector/settled', { index_name: 'search-settled', service_type: 'counter' });
    const w = s.startWorker({ sources: { counter: counterSource }, checkInIntervalMs: 3_600_000 });
    await waitFor('settled configured', () => configured(s, 'settled'));
    // The round's check-in comes after its bootstrap writes.
    const seen = await waitFor('checked in once', async () => (await s.call('GET', '/_connector/settled')).body.last_seen);
    const before = { checkIns };
    // Many ticks (poll interval 100 ms) on a connector with nothing to do and no schedule.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(checkIns, before.checkIns, 'no check-in before the interval');
    await w.stop();
    assert.equal((await s.call('GET', '/_connector/settled')).body.last_seen, seen);
    // A change (sync_now) is seen and acted on by a worker checking in at every round.
    s.startWorker({ sources: { counter: counterSource }, checkInIntervalMs: 0 });
    await s.call('PUT', '/_connector/settled/_configuration', { values: { count: 1 } });
    await s.call('POST', '/.elastic-connectors/_update/settled', { doc: { sync_now: true } });
    await waitFor('sync_now turned into a job', async () => (await s.call('GET', '/_connector/_sync_job?connector_id=settled')).body.count > 0);
    await waitFor('checked in again', async () => (await s.call('GET', '/_connector/settled')).body.last_seen !== seen);
  } finally {
    await s.close();
  }
});
