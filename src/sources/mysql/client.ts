/**
 * All MySQL / MariaDB I/O of the `mysql` source (issue 7): one `mysql2` connection per
 * source, opened lazily, read-only and in UTC; keyset pages; unbuffered streamed results for
 * tables without a usable key and for custom queries; server errors turned into actionable
 * SourceErrors (which host, setting, table).
 */
import mysql from 'mysql2';
import type { Connection, FieldPacket } from 'mysql2';
import { SourceError } from '../source.js';
import { connect as netConnect } from 'node:net';
import { resolveAllowed } from '../shared/egress.js';
import { normalizePem, type SqlSettings } from '../shared/sql-config.js';
import type { FieldSpec, OpContext, ReadTarget, RowBatch, SqlDriver, TableInfo, Window } from '../shared/sql-driver.js';
import * as q from './queries.js';
import { fieldSpec, KEYSET_TYPES, NUMERIC_TYPES } from './values.js';

const TRANSIENT = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED', 'ER_NET_READ_INTERRUPTED', 'ER_NET_WRITE_INTERRUPTED',
  'ER_NET_READ_ERROR', 'ER_NET_ERROR_ON_WRITE', 'ER_CLIENT_INTERACTION_TIMEOUT',
]);
const TRANSIENT_ERRNO = new Set([1040, 1053, 1152, 1153, 1158, 1159, 1160, 1161, 1203, 1205, 1213, 1927, 2006, 2013, 4031]);
const LOST = /connection (is|was) (in closed state|killed|lost)|Can't add new command when connection is in closed state|server has gone away/i;

type Err = { code?: string; errno?: number; message?: string };
const asErr = (e: unknown) => (e ?? {}) as Err;

interface Described extends TableInfo {
  numericKey: boolean[];
}

export class MysqlClient implements SqlDriver {
  readonly where: string;
  private conn: Connection | null = null;
  private connecting: Promise<Connection> | null = null;
  /** Set by close(): a read still retrying in the background must not reconnect. */
  private closed = false;
  /** The connection being opened (not yet in `conn`), so close() can drop it. */
  private opening: Connection | null = null;
  /** Statements running now (queries and open streams): cancel() has work to do. */
  private active = 0;
  private canceling: Promise<void> | null = null;

  constructor(
    private readonly s: SqlSettings,
    /** The operator's egress allow-list (shared/egress.ts); null = any host. */
    private readonly allowedHosts: readonly string[] | null = null,
  ) {
    this.where = `MySQL at ${s.host}:${s.port}`;
  }

  /** Connection options; the socket goes to the checked address, TLS still checks the name. */
  private async options(): Promise<mysql.ConnectionOptions> {
    const t = await resolveAllowed(this.s.host, this.allowedHosts, this.where);
    return {
      host: this.s.host,
      port: this.s.port,
      ...(t.address !== t.host ? { stream: () => netConnect({ host: t.address, port: this.s.port }) } : {}),
      user: this.s.user,
      password: this.s.password,
      database: this.s.database,
      ssl: this.s.sslEnabled ? { rejectUnauthorized: true, ...(this.s.sslCa ? { ca: normalizePem(this.s.sslCa) } : {}) } : undefined,
      charset: 'UTF8MB4_GENERAL_CI',
      supportBigNumbers: true,
      bigNumberStrings: false,
      dateStrings: true,
      multipleStatements: false,
      connectTimeout: 15_000,
      enableKeepAlive: true,
    };
  }

  private connect(): Promise<Connection> {
    if (this.closed) return Promise.reject(new SourceError(`The connection to ${this.where} was closed.`));
    if (this.conn) return Promise.resolve(this.conn);
    this.connecting ??= (async () => {
      const c = mysql.createConnection(await this.options());
      this.opening = c;
      // Fatal errors on an idle connection are emitted; forget the connection, reconnect later.
      c.on('error', () => {
        if (this.conn === c) this.conn = null;
      });
      try {
        await new Promise<void>((res, rej) => c.connect((err) => (err ? rej(err) : res())));
        await this.run(c, q.SESSION_SETUP);
        await this.run(c, q.READ_ONLY);
      } catch (err) {
        c.destroy();
        throw err;
      } finally {
        this.opening = null;
      }
      if (this.closed) {
        c.destroy();
        throw new SourceError(`The connection to ${this.where} was closed.`);
      }
      this.conn = c;
      return c;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private run(c: Connection, sql: string, values: unknown[] = [], rowsAsArray = false): Promise<{ rows: any[]; fields: FieldPacket[] }> {
    return new Promise((res, rej) => {
      c.query({ sql, values, rowsAsArray }, (err, rows, fields) => (err ? rej(err) : res({ rows: rows as any[], fields: fields ?? [] })));
    });
  }

  private async query(sql: string, values: unknown[] = [], rowsAsArray = false) {
    const c = await this.connect();
    this.active++;
    try {
      return await this.run(c, sql, values, rowsAsArray);
    } finally {
      this.active--;
    }
  }

  private fields(defs: FieldPacket[]): FieldSpec[] {
    return defs.map((f) => fieldSpec(f, this.s.binary === 'skip'));
  }

  async ping(): Promise<void> {
    await this.query(q.PING);
  }

  async listTables(): Promise<string[]> {
    const r = await this.query(q.LIST_TABLES, [this.s.database]);
    return r.rows.map((row) => row.name as string);
  }

  async describeTable(table: string): Promise<TableInfo> {
    const r = await this.query(q.DESCRIBE_TABLE, [this.s.database, table]);
    if (r.rows.length === 0) {
      await this.query(q.probe(this.s.database, table)); // throws the precise server error
      throw new SourceError(`Table \`${this.s.database}\`.\`${table}\` not found on ${this.where}. Check the \`tables\` setting.`);
    }
    const key = r.rows.filter((row) => row.key_pos !== null).sort((a, b) => Number(a.key_pos) - Number(b.key_pos));
    const info: Described = {
      name: table,
      columns: r.rows.map((row) => row.name),
      primaryKey: key.map((row) => row.name),
      keyset: key.length > 0 && key.every((row) => KEYSET_TYPES.has(String(row.type).toLowerCase())),
      numericKey: key.map((row) => NUMERIC_TYPES.has(String(row.type).toLowerCase())),
    };
    return info;
  }

  async queryColumns(query: string): Promise<string[]> {
    const c = await this.connect();
    // PREPARE parses the statement and describes its columns without running it.
    return new Promise((res, rej) =>
      c.prepare(query, (err, stmt) => {
        if (err) return rej(err);
        const names = ((stmt as { columns?: FieldPacket[] }).columns ?? []).map((f) => f.name);
        stmt.close();
        res(names);
      }),
    );
  }

  async maxOf(target: ReadTarget, column: string): Promise<string | null> {
    const sql = 'table' in target ? q.maxOfTable(this.s.database, target.table.name, column) : q.maxOfQuery(target.query, column);
    const r = await this.query(sql);
    return (r.rows[0]?.max as string | null) ?? null;
  }

  async readPage(t: TableInfo, after: unknown[] | null, limit: number, w: Window | null): Promise<RowBatch> {
    const numeric = (t as Described).numericKey ?? [];
    const keys = after?.map((v, i) => q.keyParam(v, numeric[i] ?? false)) ?? null;
    const sql = q.pageQuery(this.s.database, t.name, t.primaryKey, keys, limit, w);
    const r = await this.query(sql.sql, sql.values, true);
    return { fields: this.fields(r.fields), rows: r.rows };
  }

  async *stream(target: ReadTarget, w: Window | null, batchSize: number, signal: AbortSignal): AsyncGenerator<RowBatch> {
    const sql = 'table' in target ? q.tableScan(this.s.database, target.table.name, w) : q.customQuery(target.query, w);
    const c = await this.connect();
    let fieldDefs: FieldPacket[] = [];
    const query = c.query({ sql: sql.sql, values: sql.values, rowsAsArray: true });
    query.on('fields', (f: FieldPacket[]) => {
      fieldDefs = f;
    });
    const rs = query.stream({ highWaterMark: batchSize });
    const onAbort = () => {
      void this.cancel().catch(() => {}); // the source logs a failed cancel (sql-source.ts `cancellable`)
      rs.destroy(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // A streamed query has no callback, so mysql2 reports a lost connection on the connection
    // only; without this the stream would wait forever.
    const onLost = (err?: unknown) =>
      rs.destroy(err instanceof Error ? err : Object.assign(new Error('Connection lost: the server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' }));
    c.on('error', onLost);
    c.on('end', onLost);
    let complete = false;
    this.active++;
    try {
      let fields: FieldSpec[] | null = null;
      let rows: unknown[][] = [];
      for await (const row of rs) {
        rows.push(row as unknown[]);
        if (rows.length >= batchSize) {
          fields ??= this.fields(fieldDefs);
          yield { fields, rows };
          rows = [];
        }
      }
      complete = true;
      if (rows.length) yield { fields: fields ?? this.fields(fieldDefs), rows };
    } finally {
      this.active--;
      signal.removeEventListener('abort', onAbort);
      c.off('error', onLost);
      c.off('end', onLost);
      // An unfinished unbuffered result cannot be abandoned on a live connection: drop it.
      if (!complete && this.conn === c) {
        this.conn = null;
        c.destroy();
      }
    }
  }

  async checkQuery(query: string): Promise<string | null> {
    try {
      await this.queryColumns(query);
      return null;
    } catch (err) {
      const e = asErr(err);
      if (this.isTransient(err) || /^E[A-Z]+$/.test(e.code ?? '') || e.code === 'ER_ACCESS_DENIED_ERROR' || e.code === 'ER_BAD_DB_ERROR') throw err;
      return e.message ?? String(err);
    }
  }

  isTransient(err: unknown): boolean {
    const e = asErr(err);
    return TRANSIENT.has(e.code ?? '') || TRANSIENT_ERRNO.has(e.errno ?? -1) || LOST.test(e.message ?? '');
  }

  toSourceError(err: unknown, ctx: OpContext): SourceError {
    const e = asErr(err);
    const msg = (e.message ?? String(err)).replace(/\.+$/, '');
    const where = this.where;
    const db = this.s.database;
    const tableName = ctx.table ? `\`${db}\`.\`${ctx.table}\`` : null;
    const subject = tableName ? `table ${tableName}` : ctx.rule ? `advanced rule ${ctx.rule}` : null;
    const during = subject ? ` while reading ${subject}${ctx.rows ? ` (after ${ctx.rows} rows)` : ''}` : '';
    const retried = this.s.retryCount ? ` Gave up after ${this.s.retryCount} retries (\`retry_count\`).` : '';
    const wrap = (m: string, transient = false) => new SourceError(m, { cause: err, transient });
    switch (e.code) {
      case 'ECONNREFUSED':
        return wrap(`Cannot connect to ${where}: connection refused. Check the \`host\` and \`port\` settings and that the server accepts TCP connections.`, true);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return wrap(`Cannot resolve host "${this.s.host}" (${where}). Check the \`host\` setting.`);
      case 'ER_ACCESS_DENIED_ERROR':
      case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
        return wrap(`Authentication failed for user "${this.s.user}" on ${where}. Check the \`user\` and \`password\` settings.`);
      case 'ER_DBACCESS_DENIED_ERROR':
        return wrap(`User "${this.s.user}" may not use database "${db}" on ${where}. Check the \`database\` setting or grant access (GRANT SELECT ON \`${db}\`.* TO ...).`);
      case 'ER_BAD_DB_ERROR':
        return wrap(`Database "${db}" does not exist on ${where}. Check the \`database\` setting.`);
      case 'ER_NO_SUCH_TABLE':
        return wrap(ctx.rule ? `Advanced rule ${ctx.rule}: ${msg} on ${where}. Check the rule's query.` : `Table ${tableName ?? ''} not found on ${where}. Check the \`tables\` setting.`);
      case 'ER_TABLEACCESS_DENIED_ERROR':
      case 'ER_COLUMNACCESS_DENIED_ERROR':
        return wrap(`Permission denied${during} for user "${this.s.user}" on ${where}: ${msg}. Grant it (GRANT SELECT ON ${tableName ?? `\`${db}\`.<table>`} TO ...) or remove the table from the \`tables\` setting.`);
    }
    if (/SSL|TLS|certificate/i.test(msg) || (e.code ?? '').includes('CERT')) {
      return wrap(`SSL connection to ${where} failed: ${msg}. Check the \`ssl_enabled\` and \`ssl_ca\` settings.`);
    }
    if (this.isTransient(err)) return wrap(`Connection to ${where} was lost${during}: ${msg}.${retried}`, true);
    if (ctx.rule) return wrap(`Advanced rule ${ctx.rule}: the query failed on ${where}: ${msg}.`);
    return wrap(`${where} error${during || ` during ${ctx.phase}`}: ${msg}.`);
  }

  async reset(): Promise<void> {
    const c = this.conn;
    this.conn = null;
    c?.destroy();
  }

  /**
   * Stops the statement running now, on the server too (a cancelled or suspended job, a
   * timed-out check): `KILL QUERY <thread>` from a second short connection, then the
   * connection is dropped. Closing the socket alone would leave the server running the
   * statement until it ends by itself. A connection still being opened is dropped.
   */
  cancel(): Promise<void> {
    // One at a time: the stream's and the source's abort handlers may both ask.
    this.canceling ??= this.cancelNow().finally(() => {
      this.canceling = null;
    });
    return this.canceling;
  }

  private async cancelNow(): Promise<void> {
    this.opening?.destroy();
    const c = this.conn;
    if (!c) return;
    const thread = c.threadId;
    let failure: unknown = null;
    if (this.active > 0 && thread) {
      let killer: Connection | null = null;
      try {
        killer = mysql.createConnection({ ...(await this.options()), connectTimeout: 5_000 });
        killer.on('error', () => {});
        const k = killer;
        const done = await Promise.race([
          new Promise<boolean>((res, rej) => k.query(`KILL QUERY ${Number(thread)}`, (err) => (err ? rej(err) : res(true)))),
          new Promise<boolean>((res) => setTimeout(() => res(false), 5_000).unref()),
        ]);
        if (!done) failure = new Error('no answer within 5 s');
      } catch (err) {
        failure = err; // the server or the user refuses: dropping the connection is all that is left
      } finally {
        killer?.destroy();
      }
    }
    if (this.conn === c) this.conn = null;
    c.destroy();
    if (failure) throw new Error(`could not cancel the statement on the server (${(failure as Error)?.message ?? failure}); the connection was dropped`);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.active > 0 || this.opening) {
      await this.cancel();
      return;
    }
    const c = this.conn;
    this.conn = null;
    if (c) await Promise.race([new Promise<void>((res) => c.end(() => res())), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
}
