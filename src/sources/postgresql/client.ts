/**
 * All PostgreSQL I/O of the `postgresql` source (issue 7): one `pg` connection per source,
 * opened lazily, read-only (`default_transaction_read_only`), in UTC with ISO dates; keyset
 * pages; server-side cursors (pg-query-stream) for tables without a usable key and for custom
 * queries; PostgreSQL errors turned into actionable SourceErrors (which host, setting, table).
 */
import pg from 'pg';
import type { FieldDef } from 'pg';
import QueryStream from 'pg-query-stream';
import { SourceError } from '../source.js';
import { resolveAllowed } from '../shared/egress.js';
import { normalizePem, type SqlSettings } from '../shared/sql-config.js';
import type { FieldSpec, OpContext, ReadTarget, RowBatch, SqlDriver, TableInfo, Window } from '../shared/sql-driver.js';
import * as q from './queries.js';
import { BYTEA, BYTEA_ARRAY, KEYSET_TYPES, pgValueTypes } from './values.js';

/** SQLSTATEs and socket codes worth a retry: connection loss, overload, lock conflicts. */
const TRANSIENT = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  '08000', '08001', '08003', '08004', '08006', // connection exceptions
  '40001', '40P01', // serialization failure, deadlock
  '53000', '53300', '53400', // insufficient resources, too many connections
  '55P03', // lock not available
  '57P01', '57P02', '57P03', // admin / crash shutdown, cannot connect now
]);
const LOST = /Connection terminated|connection error and is not queryable|terminating connection/i;

/** The pg-cursor behind a QueryStream (its declared `cursor` member). */
interface PortalCursor {
  read(rows: number): Promise<unknown[][]>;
  close(): Promise<void>;
  state: string;
  _result: { fields: FieldDef[] };
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((r) => setTimeout(() => r(value), ms).unref());
}

function code(err: unknown): string {
  return String((err as { code?: unknown })?.code ?? '');
}

export class PgClient implements SqlDriver {
  readonly where: string;
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  /** Set by close(): a read still retrying in the background must not reconnect. */
  private closed = false;
  /** The client being connected (not yet in `client`), so close() can drop it. */
  private opening: pg.Client | null = null;
  /** Statements running now (queries and open streams): cancel() has work to do. */
  private active = 0;
  private canceling: Promise<void> | null = null;

  constructor(
    private readonly s: SqlSettings,
    /** The operator's egress allow-list (shared/egress.ts); null = any host. */
    private readonly allowedHosts: readonly string[] | null = null,
  ) {
    this.where = `PostgreSQL at ${s.host}:${s.port}`;
  }

  /** The options of a connection to the checked address (also used to cancel a statement). */
  private async options(): Promise<pg.ClientConfig> {
    const t = await resolveAllowed(this.s.host, this.allowedHosts, this.where);
    return {
      host: t.address,
      port: this.s.port,
      user: this.s.user,
      password: this.s.password || undefined,
      database: this.s.database,
      // Connected by address: the certificate is still checked against the configured name.
      ssl: this.s.sslEnabled
        ? { rejectUnauthorized: true, ...(t.address !== t.host ? { servername: t.host } : {}), ...(this.s.sslCa ? { ca: normalizePem(this.s.sslCa) } : {}) }
        : false,
      types: pgValueTypes,
      // Read-only: a custom query can never write. UTC and ISO: stable timestamp texts.
      options: '-c default_transaction_read_only=on -c TimeZone=UTC -c DateStyle=ISO',
      application_name: 'tributary',
      connectionTimeoutMillis: 15_000,
      keepAlive: true,
    };
  }

  private connect(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new SourceError(`The connection to ${this.where} was closed.`));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const c = new pg.Client(await this.options());
      if (this.closed) throw new SourceError(`The connection to ${this.where} was closed.`);
      this.opening = c;
      // A connection that dies while idle emits 'error' on the client; without a listener
      // that would crash the process. Forget it; the next call reconnects.
      c.on('error', () => {
        if (this.client === c) this.client = null;
      });
      try {
        await c.connect();
      } catch (err) {
        c.connection.stream.destroy();
        throw err;
      } finally {
        this.opening = null;
      }
      if (this.closed) {
        c.connection.stream.destroy();
        throw new SourceError(`The connection to ${this.where} was closed.`);
      }
      this.client = c;
      return c;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async query(text: string, values: unknown[] = [], rowMode?: 'array'): Promise<pg.QueryResult> {
    const c = await this.connect();
    this.active++;
    try {
      // Extended protocol even without parameters: one statement only, never a batch.
      return await c.query({ text, values, rowMode, queryMode: 'extended' } as pg.QueryConfig);
    } finally {
      this.active--;
    }
  }

  private fields(defs: FieldDef[]): FieldSpec[] {
    const skipBinary = this.s.binary === 'skip';
    return defs.map((f) => ({ name: f.name, skip: skipBinary && (f.dataTypeID === BYTEA || f.dataTypeID === BYTEA_ARRAY) }));
  }

  async ping(): Promise<void> {
    await this.query(q.PING);
  }

  async listTables(): Promise<string[]> {
    const r = await this.query(q.LIST_TABLES, [this.s.schema]);
    return r.rows.map((row) => row.name as string);
  }

  async describeTable(table: string): Promise<TableInfo> {
    const r = await this.query(q.DESCRIBE_TABLE, [this.s.schema, table]);
    const target = `"${this.s.schema}"."${table}"`;
    if (r.rows.length === 0) {
      const schema = await this.query(q.SCHEMA_EXISTS, [this.s.schema]);
      if (schema.rows.length === 0) {
        throw new SourceError(`Schema "${this.s.schema}" does not exist in database "${this.s.database}" on ${this.where}. Check the \`schema\` setting.`);
      }
      throw new SourceError(`Table ${target} not found on ${this.where} (database "${this.s.database}"). Check the \`tables\` setting (names are case-sensitive).`);
    }
    if (!r.rows[0].readable) {
      throw new SourceError(`User "${this.s.user}" may not read table ${target} on ${this.where}. Grant it (GRANT SELECT ON ${q.qualified(this.s.schema, table)} TO ${q.ident(this.s.user)}) or remove the table from the \`tables\` setting.`);
    }
    const key = r.rows.filter((row) => row.key_pos !== null).sort((a, b) => a.key_pos - b.key_pos);
    return {
      name: table,
      columns: r.rows.map((row) => row.name),
      primaryKey: key.map((row) => row.name),
      keyset: key.length > 0 && key.every((row) => KEYSET_TYPES.has(row.type)),
    };
  }

  async queryColumns(query: string): Promise<string[]> {
    const r = await this.query(q.columnsOf(query));
    return r.fields.map((f) => f.name);
  }

  async maxOf(target: ReadTarget, column: string): Promise<string | null> {
    const text = 'table' in target ? q.maxOfTable(this.s.schema, target.table.name, column) : q.maxOfQuery(target.query, column);
    const r = await this.query(text);
    return (r.rows[0]?.max as string | null) ?? null;
  }

  async readPage(t: TableInfo, after: unknown[] | null, limit: number, w: Window | null): Promise<RowBatch> {
    const sql = q.pageQuery(this.s.schema, t.name, t.primaryKey, after, limit, w);
    const r = await this.query(sql.text, sql.values, 'array');
    return { fields: this.fields(r.fields), rows: r.rows as unknown[][] };
  }

  async *stream(target: ReadTarget, w: Window | null, batchSize: number, signal: AbortSignal): AsyncGenerator<RowBatch> {
    const sql = 'table' in target ? q.tableScan(this.s.schema, target.table.name, w) : q.customQuery(target.query, w);
    const c = await this.connect();
    const qs = new QueryStream(sql.text, sql.values, { batchSize, rowMode: 'array' });
    c.query(qs);
    // Read the portal in batches through the stream's cursor rather than through the Readable:
    // the Readable's destroy waits for a ReadyForQuery that never comes once the connection
    // has died, which would hang the sync instead of failing it.
    const cursor = qs.cursor as PortalCursor;
    // Unblocks cursor.read(); the source logs a failed cancel (sql-source.ts `cancellable`).
    const onAbort = () => void this.cancel().catch(() => {});
    signal.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    this.active++;
    try {
      let fields: FieldSpec[] | null = null;
      for (;;) {
        const rows = await cursor.read(batchSize);
        signal.throwIfAborted();
        if (rows.length === 0) break;
        fields ??= this.fields(cursor._result.fields);
        yield { fields, rows };
      }
      finished = true;
    } finally {
      this.active--;
      signal.removeEventListener('abort', onAbort);
      if (!finished) {
        // Left early (consumer stopped, abort, error): close the portal, or drop a dead connection.
        const closed = cursor.state !== 'error' && this.client === c && (await Promise.race([cursor.close().then(() => true, () => false), delay(2000, false)]));
        if (!closed && this.client === c) await this.reset();
      }
    }
  }

  async checkQuery(query: string): Promise<string | null> {
    try {
      await this.query(q.explain(query));
      return null;
    } catch (err) {
      if (this.isTransient(err) || /^(08|28|3D|57)/.test(code(err)) || /^E[A-Z]+$/.test(code(err))) throw err;
      return (err as Error).message;
    }
  }

  isTransient(err: unknown): boolean {
    return TRANSIENT.has(code(err)) || LOST.test((err as Error)?.message ?? '');
  }

  toSourceError(err: unknown, ctx: OpContext): SourceError {
    const c = code(err);
    const msg = ((err as Error)?.message ?? String(err)).replace(/\.+$/, '');
    const where = this.where;
    const table = ctx.table ? `table "${this.s.schema}"."${ctx.table}"` : ctx.rule ? `advanced rule ${ctx.rule}` : null;
    const during = table ? ` while reading ${table}${ctx.rows ? ` (after ${ctx.rows} rows)` : ''}` : '';
    const retried = this.s.retryCount ? ` Gave up after ${this.s.retryCount} retries (\`retry_count\`).` : '';
    const wrap = (m: string, transient = false) => new SourceError(m, { cause: err, transient });
    switch (c) {
      case 'ECONNREFUSED':
        return wrap(`Cannot connect to ${where}: connection refused. Check the \`host\` and \`port\` settings and that the server accepts TCP connections.`, true);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return wrap(`Cannot resolve host "${this.s.host}" (${where}). Check the \`host\` setting.`);
      case '28P01':
        return wrap(`Authentication failed for user "${this.s.user}" on ${where}. Check the \`username\` and \`password\` settings.`);
      case '28000':
        return wrap(`${where} rejected user "${this.s.user}": ${msg}. Check the \`username\` setting and the server's pg_hba.conf.`);
      case '3D000':
        return wrap(`Database "${this.s.database}" does not exist on ${where}. Check the \`database\` setting.`);
      case '3F000':
        return wrap(`Schema "${this.s.schema}" does not exist on ${where}. Check the \`schema\` setting.`);
      case '42P01':
        return wrap(`${ctx.rule ? `Advanced rule ${ctx.rule}` : `Table "${this.s.schema}"."${ctx.table}"`}: ${msg} on ${where}. Check the ${ctx.rule ? 'rule\'s query' : '`tables` setting'}.`);
      case '42501':
        return wrap(`Permission denied${during} for user "${this.s.user}" on ${where}: ${msg}. Grant SELECT to the user or remove the table from the \`tables\` setting.`);
    }
    if (/self[- ]signed|certificate|SSL|TLS/i.test(msg) || c.startsWith('ERR_TLS') || c.includes('CERT')) {
      return wrap(`SSL connection to ${where} failed: ${msg}. Check the \`ssl_enabled\` and \`ssl_ca\` settings.`);
    }
    if (this.isTransient(err)) {
      return wrap(`Connection to ${where} was lost${during}: ${msg}.${retried}`, true);
    }
    if (ctx.rule) return wrap(`Advanced rule ${ctx.rule}: the query failed on ${where}: ${msg}.`);
    return wrap(`${where} error${during || ` during ${ctx.phase}`}: ${msg}.`);
  }

  async reset(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await Promise.race([c.end().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  /**
   * Stops the statement running now, on the server too (a cancelled or suspended job, a
   * timed-out check): `pg_cancel_backend` from a second short connection, then the connection
   * is dropped. Closing the socket alone would leave the backend running until the statement
   * ends by itself. A connection still being opened is dropped.
   */
  cancel(): Promise<void> {
    // One at a time: the stream's and the source's abort handlers may both ask.
    this.canceling ??= this.cancelNow().finally(() => {
      this.canceling = null;
    });
    return this.canceling;
  }

  private async cancelNow(): Promise<void> {
    this.opening?.connection.stream.destroy();
    const c = this.client;
    if (!c) return;
    const pid = (c as { processID?: number }).processID;
    let failure: unknown = null;
    if (this.active > 0 && pid) {
      let killer: pg.Client | null = null;
      try {
        killer = new pg.Client({ ...(await this.options()), connectionTimeoutMillis: 5_000 });
        killer.on('error', () => {});
        const k = killer;
        const done = await Promise.race([
          (async () => {
            await k.connect();
            await k.query('SELECT pg_cancel_backend($1)', [pid]);
            return true;
          })(),
          delay(5_000, false),
        ]);
        if (!done) failure = new Error('no answer within 5 s');
      } catch (err) {
        failure = err; // the server or the role refuses: dropping the connection is all that is left
      } finally {
        const k = killer;
        if (k) void Promise.race([k.end(), delay(1_000, undefined)]).catch(() => {}).finally(() => k.connection.stream.destroy());
      }
    }
    if (this.client === c) this.client = null;
    c.connection.stream.destroy();
    if (failure) throw new Error(`could not cancel the statement on the server (${(failure as Error)?.message ?? failure}); the connection was dropped`);
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      if (this.active > 0 || this.opening) await this.cancel();
    } finally {
      await this.reset();
    }
  }
}
