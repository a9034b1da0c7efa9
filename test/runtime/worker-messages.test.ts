/**
 * Issue 12 item 10, what the worker says: a connector whose configuration is invalid ends in
 * `error` with "Invalid … configuration", not "… source cannot connect"; a connector of a
 * service type this worker does not serve is logged once (at start, and when a new one appears),
 * naming the types the worker serves, instead of staying `created` without a word.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { directorySource } from '../../src/sources/directory/datasource.js';
import { counterSource } from './helpers/test-sources.js';
import { startStack, waitFor, type Stack } from './helpers/harness.js';

let s: Stack;
const warnings: string[] = [];
const log = { info: () => {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };

before(async () => {
  s = await startStack({ worker: false });
  // Created before the worker starts: reported at its start.
  assert.equal((await s.call('PUT', '/_connector/early', { index_name: 'early', service_type: 'nosuch' })).status, 201);
  s.startWorker({ sources: { directory: directorySource, counter: counterSource }, serviceTypes: ['directory'], log });
});

after(async () => {
  await s?.close();
});

test('an invalid configuration is reported as such, not as a connection failure', async () => {
  await s.call('PUT', '/_connector/rel', { index_name: 'rel', service_type: 'directory' });
  await waitFor('schema', async () => Object.keys((await s.call('GET', '/_connector/rel')).body.configuration).length > 0);
  assert.equal((await s.call('PUT', '/_connector/rel/_configuration', { values: { path: 'relative/folder' } })).status, 200);
  const c = await waitFor('error', async () => {
    const body = (await s.call('GET', '/_connector/rel')).body;
    return body.status === 'error' ? body : null;
  });
  assert.match(c.error, /^Invalid Directory configuration: Configuration field \[path\] must be an absolute path, got \[relative\/folder\]/);
  assert.doesNotMatch(c.error, /cannot connect/);
});

test('connectors of a service type no worker here serves are logged once each, with the types served', async () => {
  const early = await waitFor('early reported', async () => warnings.find((w) => w.includes('[early]')));
  assert.match(early, /connector \[early\]: service type \[nosuch\] is not served by this worker \(this worker serves directory; \[nosuch\] is not a known source\); it stays \[created\]/);

  // A known source this worker was told not to serve, created while it runs.
  await s.call('PUT', '/_connector/later', { index_name: 'later', service_type: 'counter' });
  const later = await waitFor('later reported', async () => warnings.find((w) => w.includes('[later]')));
  assert.match(later, /service type \[counter\] is not served by this worker \(this worker serves directory\); it stays \[created\] until a worker serving \[counter\] runs \(--service-types\)/);
  assert.equal((await s.call('GET', '/_connector/later')).body.status, 'created');

  // Several more rounds (100 ms each): still one line per connector.
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(warnings.filter((w) => w.includes('[early]')).length, 1);
  assert.equal(warnings.filter((w) => w.includes('[later]')).length, 1);
});
