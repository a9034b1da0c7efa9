/**
 * Test fixture of the `postgresql` source: the real server (TRIBUTARY_TEST_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/test) seen through
 * `SqlFixture` (admin connection, namespaces, the engine's SQL), for the database-source suite
 * (datasource.test.ts) and the source contract (contract.test.ts).
 */
import pg from 'pg';
import type { SqlFixture } from '../shared/sql-source.case.js';
import { postgresqlSource } from './datasource.js';
import { ident } from './queries.js';

const url = process.env.TRIBUTARY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const u = new URL(url);
let admin: pg.Client;

export const postgresqlFixture: SqlFixture = {
  engine: 'postgresql',
  factory: postgresqlSource,
  url,
  async open() {
    admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    admin.on('error', () => {});
    await admin.connect();
  },
  async exec(sql) {
    return (await admin.query(sql)).rows;
  },
  async close() {
    await admin.end();
  },
  async createNamespace(ns) {
    await admin.query(`CREATE SCHEMA ${ident(ns)}`);
  },
  async dropNamespace(ns) {
    await admin.query(`DROP SCHEMA IF EXISTS ${ident(ns)} CASCADE`);
  },
  config: (ns, extra = {}) => ({
    host: u.hostname,
    port: Number(u.port || 5432),
    username: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1) || 'postgres',
    schema: ns,
    ...extra,
  }),
  qualify: (ns, table) => `${ident(ns)}.${ident(table)}`,
  async killSessions(ns) {
    const r = await admin.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
       WHERE application_name = 'tributary' AND query LIKE $1 AND pid <> pg_backend_pid()`,
      [`%${ns}%`],
    );
    return r.rows.filter((row) => row.ok).length;
  },
  async createReader(ns, name, readable) {
    await admin.query(`CREATE ROLE ${ident(name)} LOGIN PASSWORD 'reader-pw'`);
    await admin.query(`GRANT USAGE ON SCHEMA ${ident(ns)} TO ${ident(name)}`);
    await admin.query(`GRANT SELECT ON ${ident(ns)}.${ident(readable)} TO ${ident(name)}`);
    return { username: name, password: 'reader-pw' };
  },
  async dropReader(name) {
    await admin.query(`DROP OWNED BY ${ident(name)}`).catch(() => {});
    await admin.query(`DROP ROLE IF EXISTS ${ident(name)}`);
  },
  badLogin: (sfx) => ({ username: `nobody_${sfx}`, password: 'wrong' }),
  sql: {
    series: (from, to) => `generate_series(${from}, ${to}) AS s(n)`,
    date: (n) => `(date '2024-01-01' + (${n}) % 365)`,
    timestamp: (n) => `(timestamp '2024-01-01' + (${n}) * interval '1 second')`,
    json: (n) => `jsonb_build_object('n', ${n}, 'tags', jsonb_build_array('t', (${n}) % 3))`,
    bytes: (n) => `decode(lpad(to_hex(${n}), 4, '0'), 'hex')`,
    text: (n) => `(${n})::text`,
    ddl: {
      items: (t) => `CREATE TABLE ${t} (id int PRIMARY KEY, name text, price numeric(10,2), qty int, big bigint,
        small_big bigint, active boolean, created date, updated_at timestamp(0), meta jsonb, data bytea)`,
      orders: (t) => `CREATE TABLE ${t} (region varchar(10), num int, amount double precision, note text,
        updated_at timestamp(0), PRIMARY KEY (region, num))`,
      logs: (t) => `CREATE TABLE ${t} (level int, msg text, updated_at timestamp(0))`,
      big: (t) => `CREATE TABLE ${t} (id int PRIMARY KEY, payload text)`,
    },
  },
};
