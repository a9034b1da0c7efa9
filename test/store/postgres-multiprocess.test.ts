/**
 * Two `tributary serve` processes on one PostgreSQL schema (issue 5): they start at the same
 * time (migrations under the advisory lock), then N concurrent sync-job claimers spread over
 * both processes give exactly one winner per job, round after round, and concurrent creates of
 * connectors with one `index_name` through both processes give exactly one 201.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dropSchema, pgUrl, randomSchema, requirePg } from '../../src/store/postgres/postgres.fixture.js';
import { call, spawnServer, type ServerProcess } from '../helpers/postgres-servers.js';

const N = 10;
const ROUNDS = 25;

if (await requirePg('two server processes on one PostgreSQL schema')) {
  describe('two server processes on one PostgreSQL schema', () => {
    const schema = randomSchema();
    let servers: ServerProcess[] = [];
    const via = (i: number) => servers[i % servers.length];

    before(async () => {
      const url = pgUrl({ schema });
      // Servers of one store share the secret key (docs/runtime.md): their in-process workers
      // write connector secrets that either server must read.
      const env = { TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64') };
      const started = await Promise.allSettled([spawnServer(url, { env }), spawnServer(url, { env })]);
      servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const failed = started.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) throw failed.reason;
    });

    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await dropSchema(schema);
    });

    it('both processes see each other\'s writes', async () => {
      assert.equal((await call(via(0), 'PUT', '/_connector/seen', { name: 'from 0' })).status, 201);
      const got = await call(via(1), 'GET', '/_connector/seen');
      assert.equal(got.status, 200);
      assert.equal(got.body.name, 'from 0');
      assert.equal((await call(via(1), 'DELETE', '/_connector/seen?hard=true')).status, 200);
      assert.equal((await call(via(0), 'GET', '/_connector/seen')).status, 404);
    });

    it(`concurrent creates with one index_name through both processes: exactly one 201, ${ROUNDS} rounds`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const index = `search-shared-${round}`;
        const results = await Promise.all(
          Array.from({ length: N }, (_, i) =>
            // Mix PUT with an id and POST (generated id).
            i % 3 === 2
              ? call(via(i), 'POST', '/_connector', { index_name: index, name: `c${i}` })
              : call(via(i), 'PUT', `/_connector/r${round}-c${i}`, { index_name: index, name: `c${i}` }),
          ),
        );
        const created = results.filter((r) => r.status === 201);
        assert.equal(created.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.status))}`);
        for (const r of results.filter((x) => x.status !== 201)) {
          assert.equal(r.status, 400, JSON.stringify(r.body));
          assert.equal(r.body.error.type, 'status_exception');
          assert.equal(r.body.error.reason, `Index name [${index}] is used by another connector.`);
        }
        for (const srv of servers) {
          const list = await call(srv, 'GET', `/_connector?index_name=${index}`);
          assert.equal(list.body.count, 1);
          assert.equal(list.body.results[0].id, created[0].body.id);
        }
      }
    });

    it(`${N} concurrent claimers spread over both processes: exactly one winner per job, ${ROUNDS} rounds`, async () => {
      const put = await call(via(0), 'PUT', '/_connector/claim-target', { index_name: 'search-claims', service_type: 'postgresql', name: 'claims' });
      assert.equal(put.status, 201, JSON.stringify(put.body));
      for (let round = 0; round < ROUNDS; round++) {
        const job = await call(via(round), 'POST', '/_connector/_sync_job', { id: 'claim-target', job_type: 'full' });
        assert.equal(job.status, 201, JSON.stringify(job.body));
        const id = job.body.id as string;
        const results = await Promise.all(
          Array.from({ length: N }, (_, i) => call(via(i + round), 'PUT', `/_connector/_sync_job/${id}/_claim`, { worker_hostname: `worker-${i}` })),
        );
        const won = results.flatMap((r, i) => (r.status === 200 ? [i] : []));
        assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.status))}`);
        assert.deepEqual(results[won[0]].body, { result: 'updated' });
        for (const r of results.filter((x) => x.status !== 200)) {
          assert.equal(r.status, 409, JSON.stringify(r.body));
          assert.equal(r.body.error.type, 'version_conflict_engine_exception');
        }
        for (const srv of servers) {
          const got = await call(srv, 'GET', `/_connector/_sync_job/${id}`);
          assert.equal(got.body.status, 'in_progress');
          assert.equal(got.body.worker_hostname, `worker-${won[0]}`);
        }
      }
      const jobs = await call(via(1), 'GET', '/_connector/_sync_job?connector_id=claim-target&size=100');
      assert.equal(jobs.body.count, ROUNDS);
      assert.ok(jobs.body.results.every((j: { status: string }) => j.status === 'in_progress'));
    });
  });
}
