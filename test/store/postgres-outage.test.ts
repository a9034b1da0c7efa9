/**
 * PostgreSQL going away under a running server (issue 5): every write the API acknowledged is
 * there afterwards, the API answers 503 (never 500) with a clear reason while the store is
 * unreachable, and the server serves again by itself once PostgreSQL is back.
 *
 * Two ways of losing PostgreSQL, neither of which disturbs other users of the database:
 * - its backends are terminated (`pg_terminate_backend`, only those of this server's
 *   `application_name`) again and again during a stream of writes;
 * - the server reaches PostgreSQL through a TCP proxy that the test cuts and restores.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { adminQuery, dropSchema, pgUrl, randomSchema, requirePg, TEST_PG_URL, terminateBackends } from '../../src/store/postgres/postgres.fixture.js';
import { call, spawnServer, startProxy, type CallResult, type ServerProcess } from '../helpers/postgres-servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function assertUnavailable(r: CallResult, what: string): void {
  assert.equal(r.status, 503, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body.error.type, 'unavailable_shards_exception', what);
  assert.equal(r.body.status, 503);
  assert.match(r.body.error.reason, /PostgreSQL state store at \[.*\] is unavailable .*retry later/, what);
}

/** Writes until `stop()`; returns the ids whose create was acknowledged, and every status seen. */
function writeStream(srv: ServerProcess, writers: number, prefix: string) {
  const acked: string[] = [];
  const statuses = new Map<number, number>();
  const unexpected: string[] = [];
  let running = true;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let n = 0; running; n++) {
      const id = `${prefix}-${w}-${n}`;
      let r: CallResult;
      try {
        r = await call(srv, 'PUT', `/_connector/${id}`, { name: id, index_name: `search-${id}` });
      } catch (e) {
        unexpected.push(`${id}: ${e}`);
        continue;
      }
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status === 201) acked.push(id);
      else if (r.status === 503 && r.body?.error?.type === 'unavailable_shards_exception') continue;
      else unexpected.push(`${id}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  });
  return {
    acked,
    statuses,
    unexpected,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function waitHealthy(srv: ServerProcess, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await call(srv, 'GET', '/_cluster/health');
    if (r.status === 200 && r.body.status === 'green') return;
    if (Date.now() > deadline) assert.fail(`server did not recover: ${JSON.stringify(r.body)}`);
    await sleep(100);
  }
}

if (await requirePg('PostgreSQL outages under a running server')) {
  describe('PostgreSQL outages under a running server', () => {
    const schemas: string[] = [];
    const cleanup: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c().catch(() => {});
      for (const s of schemas) await dropSchema(s);
    });

    it('backends terminated during a stream of writes: every acknowledged write is kept, the server carries on', async (t) => {
      const schema = randomSchema();
      schemas.push(schema);
      const app = `tributary_test_${randomBytes(4).toString('hex')}`;
      const srv = await spawnServer(pgUrl({ schema, application_name: app }));
      cleanup.push(() => srv.stop());

      const stream = writeStream(srv, 6, 'kill');
      // At least 12 rounds that actually killed something (slow machines may need more tries).
      let killed = 0;
      let rounds = 0;
      for (let i = 0; i < 60 && rounds < 12; i++) {
        await sleep(150);
        const n = await terminateBackends(app);
        killed += n;
        if (n > 0) rounds++;
      }
      await stream.stop();
      assert.deepEqual(stream.unexpected, [], `statuses: ${JSON.stringify([...stream.statuses])}\n${srv.log()}`);
      t.diagnostic(`terminated ${killed} backends in ${rounds} rounds; responses ${JSON.stringify(Object.fromEntries(stream.statuses))}`);
      assert.equal(rounds, 12, `terminated ${killed} backends in ${rounds} rounds`);
      assert.ok(stream.acked.length > 20, `only ${stream.acked.length} writes acknowledged`);

      // Every acknowledged write is in PostgreSQL and served by the API.
      const rows = await adminQuery(`SELECT id FROM "${schema}".connectors`);
      const stored = new Set(rows.rows.map((r) => r.id as string));
      const missing = stream.acked.filter((id) => !stored.has(id));
      assert.deepEqual(missing, [], 'acknowledged but missing');
      for (const id of stream.acked.slice(-20)) assert.equal((await call(srv, 'GET', `/_connector/${id}`)).status, 200);
      assert.equal((await call(srv, 'GET', '/_connector?size=0')).body.count, Math.min(stored.size, 10000));

      await waitHealthy(srv);
      assert.equal((await call(srv, 'PUT', '/_connector/after-kill', { name: 'ok' })).status, 201);
    });

    it('PostgreSQL unreachable: 503 with a reason on every store call, red health, then recovery by itself', async (t) => {
      const schema = randomSchema();
      schemas.push(schema);
      const target = new URL(TEST_PG_URL);
      const proxy = await startProxy(Number(target.port || 5432), target.hostname);
      cleanup.push(() => proxy.close());
      const srv = await spawnServer(proxy.url(pgUrl({ schema })));
      cleanup.push(() => srv.stop());

      assert.equal((await call(srv, 'PUT', '/_connector/before', { name: 'before', index_name: 'search-before' })).status, 201);
      const stream = writeStream(srv, 3, 'outage');
      await sleep(300);
      await proxy.down();

      // While PostgreSQL cannot be reached: 503 everywhere the store is needed, never 500.
      await sleep(300);
      assertUnavailable(await call(srv, 'GET', '/_connector/before'), 'get');
      assertUnavailable(await call(srv, 'GET', '/_connector'), 'list');
      assertUnavailable(await call(srv, 'PUT', '/_connector/during', { name: 'x' }), 'put');
      assertUnavailable(await call(srv, 'PUT', '/_connector/before/_name', { name: 'y' }), 'update');
      assertUnavailable(await call(srv, 'POST', '/_connector/_sync_job', { id: 'before' }), 'sync job post');
      assertUnavailable(await call(srv, 'GET', '/_connector/_sync_job'), 'sync job list');
      const health = await call(srv, 'GET', '/_cluster/health');
      assert.equal(health.status, 503);
      assert.equal(health.body.status, 'red');
      assert.equal(health.body.store.status, 'unreachable');
      assert.match(health.body.store.reason, /PostgreSQL state store/);
      // The root info does not need the store.
      assert.equal((await call(srv, 'GET', '/')).status, 200);
      const ackedDuringOutage = stream.acked.length;
      await sleep(500);
      assert.equal(stream.acked.length, ackedDuringOutage, 'nothing acknowledged while unreachable');

      await proxy.up();
      await waitHealthy(srv);
      await sleep(300);
      await stream.stop();
      assert.deepEqual(stream.unexpected, [], `statuses: ${JSON.stringify([...stream.statuses])}`);
      t.diagnostic(`responses ${JSON.stringify(Object.fromEntries(stream.statuses))}`);
      assert.ok((stream.statuses.get(503) ?? 0) > 0, 'the stream saw the outage');
      assert.ok(stream.acked.length > ackedDuringOutage, 'the stream wrote again after recovery');

      const rows = await adminQuery(`SELECT id FROM "${schema}".connectors`);
      const stored = new Set(rows.rows.map((r) => r.id as string));
      assert.deepEqual(stream.acked.filter((id) => !stored.has(id)), [], 'acknowledged but missing');
      assert.ok(stored.has('before'));
      assert.equal((await call(srv, 'GET', '/_connector/before')).body.name, 'before');
      assert.equal((await call(srv, 'PUT', '/_connector/before/_name', { name: 'after' })).status, 200);
    });
  });
}
