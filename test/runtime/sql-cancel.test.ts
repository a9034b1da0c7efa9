/**
 * Issue 11 item 12 on the real servers (PostgreSQL postgres://postgres@127.0.0.1:5432/test,
 * MariaDB mysql://root@127.0.0.1:3306/test): canceling a job, or stopping the worker (suspend),
 * stops the source's statement on the server. A view that sleeps is synced; once its query
 * runs, the job is canceled; the server's process list no longer shows it within seconds. (A plain disconnect
 * does not do it: PostgreSQL runs the statement to its end, MariaDB a busy one too.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { mysqlSource } from '../../src/sources/mysql/datasource.js';
import { postgresqlSource } from '../../src/sources/postgresql/datasource.js';
import { startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const PG_URL = process.env.TRIBUTARY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MY_URL = process.env.TRIBUTARY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const sfx = `${process.pid}_${Date.now() % 100000}`;
const ns = `cancel_${sfx}`;
const VIEW = `slow_view_${sfx}`;

interface Engine {
  type: 'postgresql' | 'mysql';
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** Statements on the view the server runs now (other than this admin session's). */
  running(): Promise<number>;
  config(): Record<string, unknown>;
}

let pgAdmin: pg.Client;
let myAdmin: mysql.Connection;

const engines: Engine[] = [
  {
    type: 'postgresql',
    async setup() {
      pgAdmin = new pg.Client({ connectionString: PG_URL });
      await pgAdmin.connect();
      await pgAdmin.query(`CREATE SCHEMA ${ns}`);
      await pgAdmin.query(`CREATE VIEW ${ns}.${VIEW} AS SELECT n AS num, pg_sleep(60)::text AS slept FROM generate_series(1, 2) n`);
    },
    async teardown() {
      await pgAdmin?.query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%${VIEW}%`]);
      await pgAdmin?.query(`DROP SCHEMA IF EXISTS ${ns} CASCADE`);
      await pgAdmin?.end();
    },
    async running() {
      const r = await pgAdmin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`,
        [`%${VIEW}%`],
      );
      return r.rows[0].n;
    },
    config() {
      const u = new URL(PG_URL);
      return { host: u.hostname, port: Number(u.port || 5432), username: u.username || 'postgres', password: decodeURIComponent(u.password), database: u.pathname.slice(1), schema: ns, tables: VIEW, retry_count: 0 };
    },
  },
  {
    type: 'mysql',
    async setup() {
      myAdmin = await mysql.createConnection({ uri: MY_URL });
      await myAdmin.query(`CREATE DATABASE ${ns}`);
      // BENCHMARK, not SLEEP: MariaDB ends a SLEEP when the client disconnects, but not a busy
      // statement, which only KILL QUERY stops (~30 s of one core if it is not stopped).
      await myAdmin.query(`CREATE VIEW ${ns}.${VIEW} AS SELECT 1 AS num, BENCHMARK(100000000, SHA1('x')) AS slept`);
    },
    async teardown() {
      // Whatever the outcome, leave no statement running on the shared server.
      const [rows] = await myAdmin.query(`SELECT id FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()`, [`%${VIEW}%`]);
      for (const r of rows as { id: number }[]) await myAdmin.query(`KILL QUERY ${Number(r.id)}`).catch(() => {});
      await myAdmin?.query(`DROP DATABASE IF EXISTS ${ns}`);
      await myAdmin?.end();
    },
    async running() {
      const [rows] = await myAdmin.query(
        `SELECT COUNT(*) AS n FROM information_schema.processlist WHERE command = 'Query' AND info LIKE ? AND id <> CONNECTION_ID()`,
        [`%${VIEW}%`],
      );
      return Number((rows as { n: number }[])[0].n);
    },
    config() {
      const u = new URL(MY_URL);
      return { host: u.hostname, port: Number(u.port || 3306), user: u.username || 'root', password: decodeURIComponent(u.password), database: ns, tables: VIEW, retry_count: 0 };
    },
  },
];

for (const e of engines) {
  describe(`${e.type}: canceling a job stops its statement on the server`, () => {
    let s: Stack;
    before(async () => {
      await e.setup();
      s = await startStack({ worker: { sources: { postgresql: postgresqlSource, mysql: mysqlSource } } });
    });
    after(async () => {
      await s?.close();
      await e.teardown();
    });

    async function startSlowJob(connector: string): Promise<string> {
      const id = await syncNow(s, connector);
      await waitFor('the slow statement runs', async () => (await e.running()) > 0, 20_000);
      return id;
    }

    test('cancel (twice in a row): the server no longer runs the query within seconds', async () => {
      const cid = `cancel-${e.type}`;
      await s.call('PUT', `/_connector/${cid}`, { index_name: cid, service_type: e.type });
      await waitFor('schema', async () => Object.keys((await s.call('GET', `/_connector/${cid}`)).body.configuration).length > 0);
      await s.call('PUT', `/_connector/${cid}/_configuration`, { values: e.config() });
      await waitFor('connected', async () => (await s.call('GET', `/_connector/${cid}`)).body.status === 'connected');
      for (let round = 0; round < 2; round++) {
        const id = await startSlowJob(cid);
        const t0 = Date.now();
        assert.equal((await s.call('PUT', `/_connector/_sync_job/${id}/_cancel`)).status, 200);
        const job = await waitForJob(s, id, ['canceled', 'error', 'completed'], 10_000);
        assert.equal(job.status, 'canceled');
        await waitFor('the statement is gone from the server', async () => (await e.running()) === 0, 5_000);
        assert.ok(Date.now() - t0 < 6_000, `gone after ${Date.now() - t0} ms`);
      }
    });

    test('suspend (worker stop): the statement stops too', async () => {
      const cid = `cancel-${e.type}`;
      await startSlowJob(cid);
      await s.worker!.stop();
      await waitFor('the statement is gone from the server', async () => (await e.running()) === 0, 5_000);
    });
  });
}
