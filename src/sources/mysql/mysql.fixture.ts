/**
 * Test fixture of the `mysql` source: the real server (TRIBUTARY_TEST_MYSQL_URL, default
 * mysql://root@127.0.0.1:3306/test; MySQL or MariaDB) seen through
 * `SqlFixture` (admin connection, namespaces, the engine's SQL), for the database-source suite
 * (datasource.test.ts) and the source contract (contract.test.ts).
 */
import mysql from 'mysql2/promise';
import type { SqlFixture } from '../shared/sql-source.case.js';
import { mysqlSource } from './datasource.js';
import { ident } from './queries.js';

const url = process.env.TRIBUTARY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const u = new URL(url);
let admin: mysql.Connection;

/** Integers from..to without a sequence engine or deep recursion: cross-joined digits. */
function series(from: number, to: number): string {
  const digits = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
  const width = String(to - from).length;
  const parts = Array.from({ length: width }, (_, i) => `d${i}.d * ${10 ** i}`);
  const froms = Array.from({ length: width }, (_, i) => `${digits} AS d${i}`);
  return `(SELECT n FROM (SELECT ${from} + ${parts.join(' + ')} AS n FROM ${froms.join(', ')}) AS g WHERE n <= ${to}) AS s`;
}

const user = (name: string) => `'${name}'@'%'`;

export const mysqlFixture: SqlFixture = {
  engine: 'mysql',
  factory: mysqlSource,
  url,
  async open() {
    admin = await mysql.createConnection({ uri: url, connectTimeout: 5000, supportBigNumbers: true });
    admin.on('error', () => {});
  },
  async exec(sql) {
    const [rows] = await admin.query(sql);
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  },
  async close() {
    await admin.end();
  },
  async createNamespace(ns) {
    await admin.query(`CREATE DATABASE ${ident(ns)} CHARACTER SET utf8mb4`);
  },
  async dropNamespace(ns) {
    await admin.query(`DROP DATABASE IF EXISTS ${ident(ns)}`);
  },
  config: (ns, extra = {}) => ({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: ns,
    ...extra,
  }),
  qualify: (ns, table) => `${ident(ns)}.${ident(table)}`,
  async killSessions(ns) {
    const [rows] = await admin.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [ns]);
    let n = 0;
    for (const row of rows as { id: number }[]) {
      await admin.query(`KILL ${Number(row.id)}`).then(() => n++, () => {});
    }
    return n;
  },
  async createReader(ns, name, readable) {
    await admin.query(`CREATE USER ${user(name)} IDENTIFIED BY 'reader-pw'`);
    await admin.query(`GRANT SELECT ON ${ident(ns)}.${ident(readable)} TO ${user(name)}`);
    return { user: name, password: 'reader-pw' };
  },
  async dropReader(name) {
    await admin.query(`DROP USER IF EXISTS ${user(name)}`);
  },
  badLogin: (sfx) => ({ user: `nobody_${sfx}`, password: 'wrong' }),
  sql: {
    series,
    date: (n) => `DATE_ADD('2024-01-01', INTERVAL (${n}) % 365 DAY)`,
    timestamp: (n) => `DATE_ADD('2024-01-01 00:00:00', INTERVAL (${n}) SECOND)`,
    json: (n) => `JSON_OBJECT('n', ${n}, 'tags', JSON_ARRAY('t', (${n}) % 3))`,
    bytes: (n) => `UNHEX(LPAD(HEX(${n}), 4, '0'))`,
    text: (n) => `(${n})`,
    ddl: {
      items: (t) => `CREATE TABLE ${t} (id int PRIMARY KEY, name varchar(100), price decimal(10,2), qty int, big bigint,
        small_big bigint, active boolean, created date, updated_at datetime, meta json, data blob)`,
      orders: (t) => `CREATE TABLE ${t} (region varchar(10), num int, amount double, note text,
        updated_at datetime, PRIMARY KEY (region, num))`,
      logs: (t) => `CREATE TABLE ${t} (level int, msg varchar(50), updated_at datetime)`,
      big: (t) => `CREATE TABLE ${t} (id int PRIMARY KEY, payload varchar(250))`,
    },
  },
};
