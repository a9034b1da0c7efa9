/**
 * The PostgreSQL connection pool of the PostgreSQL store: URL options, versioned migrations
 * applied under an advisory lock (several processes may start at once), and the two ways
 * backends run SQL, `read` and `tx`, which retry what is safe to retry and turn a lost
 * connection into 503 `unavailable_shards_exception` (clients retry 503) instead of a 500.
 *
 * What is safe to retry: a read; a transaction whose connection failed before COMMIT was
 * sent (PostgreSQL rolled it back). A failure during COMMIT leaves the outcome unknown: the
 * caller gets a 503 saying so and nothing was acknowledged.
 */
import pg from 'pg';
import { ApiError, errors } from '../../domain/errors.js';
import type { SqlDialect } from '../list-query.js';
import { migrations } from './migrations.js';

export interface PgOptions {
  /** The URL handed to `pg`, without Tributary's own parameters. */
  connectionString: string;
  /** Schema holding the tables (`?schema=`, default `public`), created when missing. */
  schema: string;
  /** Pool size per process (`?pool_max=`, default 10). */
  poolMax: number;
  /** Named prepared statements for the hot queries (`?prepared_statements=off` for poolers that cannot keep them). */
  prepared: boolean;
  /** `host:port/database`, for error messages (never the password). */
  target: string;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** Parses `postgres://user[:pass]@host[:port]/db[?schema=s&pool_max=n&…]`. */
export function parseStoreUrl(url: string): PgOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`Invalid PostgreSQL store URL: expected postgres://user@host:5432/db`);
  }
  const schema = u.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name [${schema}] in the store URL: use letters, digits and _`);
  const poolMax = Number(u.searchParams.get('pool_max') ?? 10);
  if (!Number.isInteger(poolMax) || poolMax < 1) throw new Error(`Invalid pool_max [${u.searchParams.get('pool_max')}] in the store URL`);
  const preparedParam = u.searchParams.get('prepared_statements') ?? 'on';
  if (preparedParam !== 'on' && preparedParam !== 'off') throw new Error(`Invalid prepared_statements [${preparedParam}] in the store URL: expected on or off`);
  u.searchParams.delete('schema');
  u.searchParams.delete('pool_max');
  u.searchParams.delete('prepared_statements');
  if (!u.searchParams.has('application_name')) u.searchParams.set('application_name', 'tributary');
  const target = `${u.hostname || u.searchParams.get('host') || 'localhost'}:${u.port || 5432}${u.pathname}`;
  return { connectionString: u.toString(), schema, poolMax, prepared: preparedParam === 'on', target };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** PostgreSQL's spelling of the shared list queries (`store/list-query.ts`). */
export const pgDialect: SqlDialect = {
  param: (n) => `$${n}`,
  // LIKE with every wildcard of the text escaped: the same test as strpos(), which the
  // trigram indexes of migration 4 (pg_trgm) can answer.
  contains: (haystack, needle) => `${haystack} LIKE ${needle}`,
  containsValue: (text) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
  // SQLite's lower() folds ASCII only; translate() keeps both backends answering alike.
  asciiLower: (expr) => `translate(${expr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`,
  live: 'NOT deleted',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ECONNABORTED', 'EHOSTDOWN', 'ENETDOWN',
]);
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, idle_session_timeout,
// idle_in_transaction_session_timeout
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57P05', '25P03']);
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Query read timeout|server closed the connection|Connection refused/i;

/** True when the error means PostgreSQL cannot be reached (as opposed to a failed statement). */
export function isConnectionError(e: unknown): boolean {
  if (e instanceof ApiError) return false;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  return CONNECTION_MESSAGES.test(String((e as Error)?.message ?? ''));
}

/** Serialization failure or deadlock: the transaction was rolled back and may simply run again. */
function isRetryableConflict(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '40001' || code === '40P01';
}

/** A document PostgreSQL's jsonb cannot hold (a `\u0000` in a string, an unpaired surrogate). */
export function isUnstorableDocument(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '22P05' || code === '22021' || (code === '22P02' && /unicode|surrogate|escape/i.test(String((e as Error).message)));
}

export function unstorable(e: unknown): ApiError {
  return errors.illegalArgument(`The PostgreSQL state store cannot store this document: ${(e as Error).message}`);
}

/**
 * Opens a transaction in one round trip. The idle-in-transaction timeout bounds how long a
 * backend whose client vanished (a network partition, a frozen process) can hold row locks
 * that other processes wait on; Tributary's transactions are never idle for more than
 * milliseconds. `txid_current()` is what `commitOutcome` asks about if COMMIT loses its answer.
 */
const BEGIN = 'BEGIN; SET LOCAL idle_in_transaction_session_timeout = 15000; SELECT txid_current()::text AS xid';

/** A statement PostgreSQL parses and plans once per connection (a named prepared statement of `pg`). */
export interface Prepared {
  /** Absent with `prepared_statements=off`: an unnamed statement, parsed at each call. */
  name?: string;
  text: string;
}

/** pg refused the statement before sending it (the connection was already closed). */
const NOT_SENT = /not queryable/i;

const ATTEMPTS = 4;
const RETRY_BUDGET_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What an attempt had sent when its connection failed: a COMMIT (with its transaction id), or an autocommit write. */
interface Commit<T> {
  pending?: { xid: string; value: T };
  sent?: true;
}

export class PgDatabase {
  readonly pool: pg.Pool;
  /** The quoted schema name, to prefix table names. */
  readonly s: string;

  constructor(readonly opts: PgOptions) {
    this.s = quoteIdent(opts.schema);
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.poolMax,
      idleTimeoutMillis: 30_000,
      // Fail fast (then 503) instead of hanging when the server is unreachable.
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    // An idle pooled connection that dies (server restart, pg_terminate_backend) is dropped
    // by the pool; without a listener the 'error' event would crash the process.
    this.pool.on('error', () => {});
  }

  unavailable(e: unknown, outcomeUnknown = false): ApiError {
    const why = (e as Error)?.message || String((e as { code?: string })?.code ?? e);
    return errors.unavailable(
      `The PostgreSQL state store at [${this.opts.target}] is unavailable (${why})` +
        (outcomeUnknown ? '; the connection was lost while committing, so the write may or may not have been applied' : '') +
        '; retry later',
    );
  }

  private readonly names = new Map<string, string>();

  /**
   * Names `text` as a prepared statement: each pooled connection parses and plans it on first
   * use, then sends only the name and the values (no parse, no plan per call).
   */
  prepare(text: string): Prepared {
    if (!this.opts.prepared) return { text };
    let name = this.names.get(text);
    if (!name) this.names.set(text, (name = `tributary_${this.names.size + 1}`));
    return { name, text };
  }

  /** One prepared read statement, retried like `read`. */
  async run<R extends pg.QueryResultRow = any>(p: Prepared, values: unknown[]): Promise<pg.QueryResult<R>> {
    return this.read((c) => c.query<R>({ name: p.name, text: p.text, values }));
  }

  /**
   * One prepared write statement in autocommit: one round trip, atomic on its own (no BEGIN,
   * no COMMIT). A connection that fails before the statement was sent is retried like a read;
   * once it was sent the outcome is unknown (a retry could apply it twice), so the caller gets
   * the 503 saying the write may or may not have been applied, as for a lost COMMIT.
   */
  async write<R extends pg.QueryResultRow = any>(p: Prepared, values: unknown[]): Promise<pg.QueryResult<R>> {
    return this.attempt(async (c, commit) => {
      try {
        return await c.query<R>({ name: p.name, text: p.text, values });
      } catch (e) {
        if (isConnectionError(e) && !NOT_SENT.test(String((e as Error)?.message))) commit.sent = true;
        throw e;
      }
    });
  }

  /** Runs read-only work (a statement or a few), retrying when the connection fails. */
  async read<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.attempt(async (c) => fn(c));
  }

  /** One statement, retried like `read`. */
  async query<R extends pg.QueryResultRow = any>(sql: string, args: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.read((c) => c.query<R>(sql, args));
  }

  /**
   * Runs `fn` in one transaction (READ COMMITTED; rows locked with FOR UPDATE by the caller).
   * An error thrown by `fn` rolls back and reaches the caller unchanged. The transaction id is
   * taken with BEGIN (same round trip) so that a connection lost during COMMIT can be settled
   * afterwards with `txid_status`: committed counts as done, aborted is retried.
   */
  async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.attempt(async (c, commit) => {
      // Three statements in one query: pg resolves with one result per statement, but its
      // typings only know the single-statement form, so this cast stays.
      const begun = (await c.query(BEGIN)) as unknown as pg.QueryResult[];
      let value: T;
      try {
        value = await fn(c);
      } catch (e) {
        if (!isConnectionError(e)) await c.query('ROLLBACK').catch(() => {});
        throw e;
      }
      commit.pending = { xid: begun[2].rows[0].xid as string, value };
      await c.query('COMMIT');
      return value;
    });
  }

  /**
   * Checks a client out with `onError` already listening. A checked-out client whose
   * connection drops between statements emits 'error', which would crash the process without
   * a listener. The callback form matters: a new connection's first answer and a FATAL right
   * behind it can arrive in one read, so the listener must be on before the promise resolves.
   */
  private checkout(onError: (e: Error) => void): Promise<pg.PoolClient> {
    return new Promise((resolve, reject) => {
      this.pool.connect((err, client) => {
        if (err || !client) return reject(err ?? new Error('no client'));
        client.on('error', onError);
        resolve(client);
      });
    });
  }

  private async attempt<T>(run: (c: pg.PoolClient, commit: Commit<T>) => Promise<T>): Promise<T> {
    const started = Date.now();
    const onError = () => {};
    for (let attempt = 1; ; attempt++) {
      const retry = attempt < ATTEMPTS && Date.now() - started < RETRY_BUDGET_MS;
      const backoff = () => sleep(50 * 3 ** (attempt - 1));
      let client: pg.PoolClient;
      try {
        client = await this.checkout(onError);
      } catch (e) {
        if (!isConnectionError(e)) throw e;
        if (retry) {
          await backoff();
          continue;
        }
        throw this.unavailable(e);
      }
      const commit: Commit<T> = {};
      try {
        const value = await run(client, commit);
        client.removeListener('error', onError);
        client.release();
        return value;
      } catch (e) {
        client.removeListener('error', onError);
        if (isConnectionError(e)) {
          client.release(true);
          if (commit.sent) throw this.unavailable(e, true);
          if (commit.pending) {
            const outcome = await this.commitOutcome(commit.pending.xid);
            if (outcome === 'committed') return commit.pending.value;
            if (outcome !== 'aborted') throw this.unavailable(e, true);
          }
          // Nothing was committed: run it again.
          if (retry) {
            await backoff();
            continue;
          }
          throw this.unavailable(e);
        }
        client.release();
        if (isRetryableConflict(e) && attempt < ATTEMPTS) continue;
        throw e;
      }
    }
  }

  /** Whether a transaction whose COMMIT lost its connection committed, asked on a new connection. */
  private async commitOutcome(xid: string): Promise<'committed' | 'aborted' | 'unknown'> {
    const deadline = Date.now() + 1000;
    for (;;) {
      try {
        const r = await this.pool.query<{ s: string | null }>('SELECT txid_status($1::bigint) AS s', [xid]);
        const s = r.rows[0]?.s;
        if (s === 'committed' || s === 'aborted') return s;
        // 'in progress': the terminated backend is still rolling back.
      } catch {
        // still unreachable
      }
      if (Date.now() > deadline) return 'unknown';
      await sleep(50);
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Applies missing migrations. The advisory lock (scoped to the schema) makes concurrent
   * starts take turns: the first applies, the others then find nothing left to do.
   */
  async migrate(): Promise<void> {
    const onError = () => {};
    const client = await this.connectForStartup(onError);
    const lockArgs = ['tributary.migrations', this.opts.schema];
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', lockArgs);
      try {
        const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.opts.schema]);
        if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${this.s}`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${this.s}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
        const done = new Set((await client.query(`SELECT version FROM ${this.s}.schema_migrations`)).rows.map((r) => Number(r.version)));
        for (const m of migrations) {
          if (done.has(m.version)) continue;
          await client.query('BEGIN');
          try {
            await client.query(`SET LOCAL search_path TO ${this.s}`);
            await client.query(m.sql);
            await client.query(`INSERT INTO ${this.s}.schema_migrations (version) VALUES ($1)`, [m.version]);
            await client.query('COMMIT');
          } catch (e) {
            await client.query('ROLLBACK').catch(() => {});
            throw new Error(`PostgreSQL store migration ${m.version} failed: ${(e as Error).message}`);
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', lockArgs).catch(() => {});
      }
    } finally {
      client.removeListener('error', onError);
      client.release();
    }
  }

  /** At startup the server may come up before PostgreSQL: wait up to 10 s for it. */
  private async connectForStartup(onError: (e: Error) => void): Promise<pg.PoolClient> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        return await this.checkout(onError);
      } catch (e) {
        if (!isConnectionError(e) || Date.now() > deadline) {
          throw new Error(`Cannot connect to the PostgreSQL state store at [${this.opts.target}]: ${(e as Error).message}`);
        }
        await sleep(500);
      }
    }
  }
}
