/**
 * Issue 11 item 11: the connector loop handles connectors concurrently, with a timeout on each
 * source check. Three PostgreSQL connectors point at a real loopback TCP server that accepts
 * and never answers; a new connector is still configured within seconds, the stuck ones end
 * in `error` after the timeout with their sockets closed, and a connector whose round is still
 * running is never started twice.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { postgresqlSource } from '../../src/sources/postgresql/datasource.js';
import { counterSource } from './helpers/test-sources.js';
import { startStack, waitFor, type Stack } from './helpers/harness.js';

const TIMEOUT_MS = 4_000;
let s: Stack;
let deaf: Server;
let port = 0;
const sockets: Socket[] = [];
let open = 0;
let maxOpen = 0;
let closed = 0;

before(async () => {
  deaf = createServer((sock) => {
    sockets.push(sock);
    open++;
    maxOpen = Math.max(maxOpen, open);
    sock.on('close', () => {
      open--;
      closed++;
    });
    sock.on('error', () => {});
    sock.resume(); // accepts, reads (and so sees the client close), never answers
  });
  await new Promise<void>((r) => deaf.listen(0, '127.0.0.1', r));
  port = (deaf.address() as { port: number }).port;
  s = await startStack({
    worker: { sources: { postgresql: postgresqlSource, counter: counterSource }, connectorTimeoutMs: TIMEOUT_MS, pollIntervalMs: 100 },
  });
});

after(async () => {
  await s?.close();
  for (const x of sockets) x.destroy();
  await new Promise((r) => deaf.close(r));
});

test('stuck connectors delay neither a new connector nor each other; each check times out and closes its socket', async (t) => {
  const stuck = ['deaf-1', 'deaf-2', 'deaf-3'];
  for (const id of stuck) {
    await s.call('PUT', `/_connector/${id}`, { index_name: id, service_type: 'postgresql' });
    await waitFor(`${id} schema`, async () => Object.keys((await s.call('GET', `/_connector/${id}`)).body.configuration).length > 0);
    await s.call('PUT', `/_connector/${id}/_configuration`, {
      values: { host: '127.0.0.1', port, username: 'u', database: 'd', retry_count: 0 },
    });
  }
  await waitFor('three checks hang on the deaf server', async () => open >= 3, 10_000);

  const t0 = Date.now();
  await s.call('PUT', '/_connector/fresh', { index_name: 'fresh', service_type: 'counter' });
  await waitFor('the new connector is connected', async () => (await s.call('GET', '/_connector/fresh')).body.status === 'connected', 10_000);
  const took = Date.now() - t0;
  t.diagnostic(`new connector connected after ${took} ms`);
  assert.ok(took < 3_000, `new connector connected after ${took} ms while three others hang`);

  // Not started twice: while a round hangs (the loop ticks every 100 ms), its connector gets
  // no second connection.
  assert.ok(took < TIMEOUT_MS - 500, 'still before the timeouts');
  assert.equal(maxOpen, 3, 'one connection per stuck connector');

  // Each stuck check ends at the timeout with an error saying so, and its socket is closed.
  for (const id of stuck) {
    const c = await waitFor(`${id} in error`, async () => {
      const body = (await s.call('GET', `/_connector/${id}`)).body;
      return body.status === 'error' ? body : null;
    }, TIMEOUT_MS + 8_000);
    assert.match(c.error, /PostgreSQL source cannot connect: The PostgreSQL source did not answer within 4 s/);
  }
  assert.ok(closed >= 3, `the timed-out checks closed their sockets (${closed} closed)`);

  // Stopping the worker does not wait for hanging checks: they are given up, their sockets closed.
  await waitFor('checks hang again', async () => open >= 3, 5_000);
  const t1 = Date.now();
  await s.worker!.stop();
  assert.ok(Date.now() - t1 < 2_000, `worker stopped after ${Date.now() - t1} ms`);
  await waitFor('no socket left open', async () => open === 0, 3_000);
});
