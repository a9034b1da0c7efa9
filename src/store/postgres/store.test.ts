/**
 * The shared store suite (store.case.ts) on PostgreSQL, a fresh schema per test and two
 * pools per schema; then what only PostgreSQL has: URL options, concurrent migrations under
 * the advisory lock, lost connections (retried, or 503) and recovery.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { describe, it } from 'node:test';
import { ApiError } from '../../domain/errors.js';
import { connectorDoc, job, storeCases, type StoreBackend } from '../store.case.js';
import { seqNoCases } from '../seq-no.case.js';
import { pipelineStoreCases } from '../pipeline-store.case.js';
import { listCases } from '../list.case.js';
import { migrations } from './migrations.js';
import { parseStoreUrl, PgDatabase } from './database.js';
import { openPostgresStore } from './index.js';
import { adminQuery, dropSchema, pgUrl, randomSchema, requirePg, terminateBackends } from './postgres.fixture.js';

describe('postgres store URL', () => {
  it('parses schema and pool size, keeps the rest for pg, hides the password', () => {
    const o = parseStoreUrl('postgres://u:secret@db.example:6543/app?schema=tenant_1&pool_max=3&sslmode=require');
    assert.equal(o.schema, 'tenant_1');
    assert.equal(o.poolMax, 3);
    assert.equal(o.target, 'db.example:6543/app');
    const u = new URL(o.connectionString);
    assert.equal(u.searchParams.get('schema'), null);
    assert.equal(u.searchParams.get('sslmode'), 'require');
    assert.equal(u.searchParams.get('application_name'), 'tributary');
    const d = parseStoreUrl('postgresql://u@localhost/db');
    assert.deepEqual([d.schema, d.poolMax, d.target], ['public', 10, 'localhost:5432/db']);
    assert.throws(() => parseStoreUrl('postgres://u@h/db?schema=bad;drop'), /Invalid schema name/);
    assert.throws(() => parseStoreUrl('postgres://u@h/db?pool_max=0'), /pool_max/);
    assert.equal(d.prepared, true);
    const off = parseStoreUrl('postgres://u@h/db?prepared_statements=off');
    assert.equal(off.prepared, false);
    assert.equal(new URL(off.connectionString).searchParams.get('prepared_statements'), null);
    assert.throws(() => parseStoreUrl('postgres://u@h/db?prepared_statements=maybe'), /prepared_statements \[maybe\].*on or off/);
  });

  it('an unreachable server gives 503 unavailable_shards_exception with the reason, not a crash', async () => {
    const db = new PgDatabase(parseStoreUrl('postgres://postgres@127.0.0.1:1/none?schema=x'));
    try {
      const started = Date.now();
      await assert.rejects(db.query('SELECT 1'), (e) => {
        assert.ok(e instanceof ApiError);
        assert.equal(e.status, 503);
        assert.equal(e.type, 'unavailable_shards_exception');
        assert.match(e.reason, /PostgreSQL state store at \[127\.0\.0\.1:1\/none\] is unavailable \(.*ECONNREFUSED.*\); retry later/);
        return true;
      });
      assert.ok(Date.now() - started < 3000, 'gives up within the retry budget');
    } finally {
      await db.close();
    }
  });
});

describe('postgres store: a connection killed right after it opened', () => {
  // A fake server that accepts the startup and, in the same packet as ReadyForQuery, sends
  // FATAL 57P01 (what pg_terminate_backend looks like when it hits a brand-new backend).
  function msg(type: string, body: Buffer): Buffer {
    const len = Buffer.alloc(4);
    len.writeInt32BE(body.length + 4);
    return Buffer.concat([Buffer.from(type), len, body]);
  }
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const field = (code: string, value: string) => Buffer.from(`${code}${value}\0`);
  const fatal = msg('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', '57P01'), field('M', 'terminating connection due to administrator command'), Buffer.from('\0')]));

  it('does not crash the process: the request is retried, then 503', async () => {
    let connections = 0;
    const server = net.createServer((sock) => {
      connections++;
      sock.once('data', () => {
        sock.write(Buffer.concat([msg('R', int32(0)), msg('Z', Buffer.from('I')), fatal]));
        sock.end();
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const db = new PgDatabase(parseStoreUrl(`postgres://u@127.0.0.1:${port}/db`));
    try {
      await assert.rejects(db.query('SELECT 1'), (e) => e instanceof ApiError && e.status === 503 && /administrator command|not queryable|terminated/.test(e.reason));
      assert.ok(connections >= 2, `retried (${connections} connections)`);
    } finally {
      await db.close();
      server.close();
    }
  });
});

if (await requirePg('postgres store')) {
  const backend: StoreBackend = {
    kind: 'postgres',
    async fresh() {
      const schema = randomSchema();
      return { open: () => openPostgresStore(pgUrl({ schema })), drop: () => dropSchema(schema) };
    },
  };
  storeCases(backend);
  seqNoCases(backend);
  pipelineStoreCases(backend);
  listCases(backend);

  describe('postgres store: migrations and connections', () => {
    it('several processes starting at once migrate once (advisory lock)', async () => {
      const schema = randomSchema();
      try {
        const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore(pgUrl({ schema, pool_max: '2' }))));
        const versions = (await adminQuery(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)).rows.map((r) => r.version);
        assert.deepEqual(versions, migrations.map((m) => m.version));
        await stores[0].connectors.put('c1', connectorDoc({ index_name: 'x' }));
        assert.equal((await stores[5].connectors.get('c1'))!.doc.index_name, 'x');
        await Promise.all(stores.map((s) => s.close()));
        // Reopening finds nothing to apply.
        const again = await openPostgresStore(pgUrl({ schema }));
        assert.equal((await again.connectors.get('c1'))!.doc.index_name, 'x');
        await again.close();
      } finally {
        await dropSchema(schema);
      }
    });

    it('the sequence-number migration numbers existing rows apart, keeps them, and new writes come after', async () => {
      const schema = randomSchema();
      try {
        // A store as migration 2 left it, with documents in it.
        await adminQuery(`CREATE SCHEMA "${schema}"`);
        await adminQuery(`CREATE TABLE "${schema}".schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
        for (const m of migrations.filter((m) => m.version <= 2)) {
          await adminQuery(`SET search_path TO "${schema}"; ${m.sql}; INSERT INTO schema_migrations (version) VALUES (${m.version})`);
        }
        for (const id of ['a', 'b', 'c']) {
          await adminQuery(`INSERT INTO "${schema}".connectors (id, doc) VALUES ($1, $2)`, [id, JSON.stringify({ name: id })]);
          await adminQuery(`INSERT INTO "${schema}".sync_jobs (id, doc) VALUES ($1, $2)`, [`j${id}`, JSON.stringify({ connector: { id } })]);
        }
        const store = await openPostgresStore(pgUrl({ schema }));
        try {
          const seqs = await Promise.all(['a', 'b', 'c'].map(async (id) => (await store.connectors.get(id))!));
          assert.deepEqual(seqs.map((s) => s.doc), [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
          assert.equal(new Set(seqs.map((s) => s.seq.seqNo)).size, 3, 'distinct numbers');
          assert.ok(seqs.every((s) => s.seq.version === 1));
          const jobs = await Promise.all(['ja', 'jb', 'jc'].map(async (id) => (await store.syncJobs.get(id))!.seq.seqNo));
          assert.equal(new Set(jobs).size, 3);
          const up = (await store.connectors.update('a', (d) => ({ ...d, name: 'A' })))!;
          assert.ok(up.seq.seqNo > Math.max(...seqs.map((s) => s.seq.seqNo)));
          assert.equal(up.seq.version, 2);
          await store.syncJobs.create('jd', job('d'));
          assert.ok((await store.syncJobs.get('jd'))!.seq.seqNo > Math.max(...jobs));
        } finally {
          await store.close();
        }
      } finally {
        await dropSchema(schema);
      }
    });

    it('the list-index migration (4) keeps a version-3 store\'s rows, and the filters find them through the new indexes', async () => {
      const schema = randomSchema();
      try {
        // A store as migration 3 left it, with documents in it.
        await adminQuery(`CREATE SCHEMA "${schema}"`);
        await adminQuery(`CREATE TABLE "${schema}".schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
        for (const m of migrations.filter((m) => m.version <= 3)) {
          await adminQuery(`SET search_path TO "${schema}"; ${m.sql}; INSERT INTO schema_migrations (version) VALUES (${m.version})`);
        }
        const docs: Record<string, object> = {
          a: { name: 'Alpha Drive', index_name: 'search-alpha', service_type: 'google_drive', description: 'Quarterly REPORTS' },
          b: { name: 'beta', index_name: 'search-beta', service_type: 'mysql', description: 'orders 100%' },
          c: { name: 'gamma', service_type: 'mysql', description: 'Reports of gamma', deleted: true },
        };
        for (const [id, doc] of Object.entries(docs)) await adminQuery(`INSERT INTO "${schema}".connectors (id, doc) VALUES ($1, $2)`, [id, JSON.stringify(doc)]);
        await adminQuery(`INSERT INTO "${schema}".sync_jobs (id, doc) VALUES ($1, $2)`, ['j1', JSON.stringify(job('b', { status: 'error' }))]);
        const store = await openPostgresStore(pgUrl({ schema }));
        try {
          const ids = async (q: object) => (await store.connectors.list({ from: 0, size: 10, ...q })).results.map((r) => JSON.parse(r).id);
          assert.deepEqual(await ids({ serviceTypes: ['mysql'] }), ['b']);
          assert.deepEqual(await ids({ serviceTypes: ['mysql'], includeDeleted: true }), ['b', 'c']);
          assert.deepEqual(await ids({ query: 'reports', includeDeleted: true }), ['a', 'c']);
          assert.deepEqual(await ids({ query: '0%' }), ['b']);
          assert.deepEqual(await ids({ query: '%' }), ['b']);
          assert.deepEqual((await store.syncJobs.list({ from: 0, size: 10, statuses: ['error'] })).results.map((r) => JSON.parse(r).id), ['j1']);
        } finally {
          await store.close();
        }
        const indexes = (await adminQuery('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [schema])).rows.map((r) => r.indexname);
        for (const name of ['connectors_service_type_live', 'connectors_name_live', 'connectors_name_trgm', 'connectors_index_name_trgm', 'connectors_description_trgm', 'sync_jobs_status_order']) {
          assert.ok(indexes.includes(name), `index ${name} exists`);
        }
        // The substring test is one the trigram index answers (the planner is kept off the table scan).
        const plan = await adminQuery(
          `SET search_path TO "${schema}"; SET enable_seqscan = off; EXPLAIN SELECT id FROM connectors WHERE name LIKE '%lpha%' OR index_name LIKE '%lpha%'`,
        );
        const text = (Array.isArray(plan) ? plan.at(-1)! : plan).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
        assert.match(text, /connectors_name_trgm/);
        assert.match(text, /connectors_index_name_trgm/);
      } finally {
        await dropSchema(schema);
      }
    });

    it('pooled connections killed by the server are replaced; reads and writes carry on', async () => {
      const schema = randomSchema();
      const app = `tributary_test_${randomBytes(4).toString('hex')}`;
      const store = await openPostgresStore(pgUrl({ schema, application_name: app, pool_max: '4' }));
      try {
        let n = 0;
        for (let round = 0; round < 5; round++) {
          // Fill the pool with idle connections, then kill them all.
          await Promise.all(Array.from({ length: 4 }, () => store.connectors.put(`c${n++}`, connectorDoc({ name: 'x' }))));
          assert.ok((await terminateBackends(app)) > 0);
          await new Promise((r) => setTimeout(r, 20 * round));
          assert.equal(await store.connectors.put(`c${n++}`, connectorDoc({ name: 'after' })), 'created');
          assert.equal((await store.connectors.update('c0', (d) => ({ ...d, round })))!.result, 'updated');
          await store.ping();
        }
        assert.equal((await store.connectors.list({ from: 0, size: 100 })).count, n);
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });

    it('prepared_statements=off (a pooler that cannot keep them): the same answers from unnamed statements', async () => {
      const schema = randomSchema();
      const store = await openPostgresStore(pgUrl({ schema, prepared_statements: 'off' }));
      try {
        const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
        // Concurrent: batched puts and gets as well as single ones.
        assert.deepEqual(await Promise.all(ids.map((id) => store.connectors.put(id, connectorDoc({ index_name: `search-${id}` })))), ids.map(() => 'created'));
        assert.equal(await store.connectors.put('p0', connectorDoc({ index_name: 'search-p0', name: 'again' })), 'updated');
        const got = await Promise.all(ids.map((id) => store.connectors.getJson(id, false)));
        assert.ok(got.every((j, i) => JSON.parse(j!).id === ids[i]));
        assert.equal((await store.connectors.update('p1', (d) => ({ ...d, name: 'changed' })))!.result, 'updated');
      } finally {
        await store.close();
        await dropSchema(schema);
      }
      // What the connection keeps: a named statement with the default, none with off.
      for (const [setting, expected] of [['on', ['tributary_1']], ['off', []]] as const) {
        const db = new PgDatabase(parseStoreUrl(pgUrl({ prepared_statements: setting, pool_max: '1' })));
        try {
          const p = db.prepare('SELECT $1::int + 1 AS n');
          assert.equal((await db.run(p, [1])).rows[0].n, 2);
          assert.equal((await db.run(p, [2])).rows[0].n, 3);
          const kept = await db.read((c) => c.query('SELECT name FROM pg_prepared_statements ORDER BY name'));
          assert.deepEqual(kept.rows.map((r) => r.name), expected, setting);
        } finally {
          await db.close();
        }
      }
    });

    it('a connection lost at COMMIT is settled with txid_status: aborted runs again, committed is done', async () => {
      const schema = randomSchema();
      const app = `tributary_test_${randomBytes(4).toString('hex')}`;
      const db = new PgDatabase(parseStoreUrl(pgUrl({ schema, application_name: app })));
      try {
        await db.migrate();
        const t = `"${schema}".secrets`;
        // Killed between the last statement and COMMIT: PostgreSQL rolled back, so it runs again.
        let runs = 0;
        const out = await db.tx(async (c) => {
          runs++;
          await c.query(`INSERT INTO ${t} (id, value) VALUES ($1, 'v')`, [`a${runs}`]);
          if (runs === 1) {
            await terminateBackends(app);
            await new Promise((r) => setTimeout(r, 100));
          }
          return runs;
        });
        assert.equal(out, 2);
        assert.deepEqual((await db.query(`SELECT id FROM ${t} ORDER BY id`)).rows.map((r) => r.id), ['a2']);
        // The COMMIT went through but its answer was lost: acknowledged once, not run again.
        let runs2 = 0;
        const out2 = await db.tx(async (c) => {
          runs2++;
          await c.query(`INSERT INTO ${t} (id, value) VALUES ($1, 'v')`, [`b${runs2}`]);
          const query = c.query.bind(c) as (...a: unknown[]) => Promise<unknown>;
          (c as unknown as { query: unknown }).query = async (...a: unknown[]) => {
            const r = await query(...a);
            if (a[0] === 'COMMIT') throw new Error('Connection terminated unexpectedly');
            return r;
          };
          return 'done';
        });
        assert.equal(out2, 'done');
        assert.equal(runs2, 1);
        assert.deepEqual((await db.query(`SELECT id FROM ${t} ORDER BY id`)).rows.map((r) => r.id), ['a2', 'b1']);
      } finally {
        await db.close();
        await dropSchema(schema);
      }
    });

    it('transactions bound how long a vanished client can hold row locks', async () => {
      const db = new PgDatabase(parseStoreUrl(pgUrl({})));
      try {
        const inTx = await db.tx(async (c) => (await c.query('SHOW idle_in_transaction_session_timeout')).rows[0]);
        assert.deepEqual(inTx, { idle_in_transaction_session_timeout: '15s' });
        // SET LOCAL: pooled sessions keep the server's default outside Tributary's transactions.
        const outside = await db.query('SHOW idle_in_transaction_session_timeout');
        assert.notEqual(outside.rows[0].idle_in_transaction_session_timeout, '15s');
      } finally {
        await db.close();
      }
    });

    it('a document jsonb cannot hold is a 400, not a 500', async () => {
      const schema = randomSchema();
      const store = await openPostgresStore(pgUrl({ schema }));
      try {
        await assert.rejects(store.connectors.put('c1', connectorDoc({ name: 'a\u0000b' })), (e) => e instanceof ApiError && e.status === 400);
        await assert.rejects(store.secrets.put('s1', 'a\u0000b'), (e) => e instanceof ApiError && e.status === 400);
        assert.equal(await store.connectors.put('c1', connectorDoc({ name: 'ünïcødé ✓ 𝄞' })), 'created');
        assert.equal((await store.connectors.get('c1'))!.doc.name, 'ünïcødé ✓ 𝄞');
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });
  });
}
