/**
 * All Redis I/O of the `redis` source (docs/sources/redis.md): one `ioredis` connection per
 * database being read (no SELECT state shared between reads), opened to the address the egress
 * allow-list checked, with bounded connect and command timeouts and no automatic reconnect or
 * offline queue (a lost connection ends the command at once, it does not wait). Replies are
 * Buffers so keys and values that are not UTF-8 stay exact. Server errors become SourceErrors
 * that say what to fix (which setting, which permission).
 */
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import { resolveAllowed } from '../shared/egress.js';
import { normalizePem } from '../shared/sql-config.js';
import { SourceError } from '../source.js';
import type { RedisSettings } from './config.js';

export type Arg = string | Buffer | number;
/** One reply of a pipeline: the error of that command, or its (Buffer) reply. */
export type Reply = [Error | null, unknown];

type Err = { code?: string; message?: string; name?: string };
const asErr = (e: unknown) => (e ?? {}) as Err;

/** Errors that say the connection went away (worth a retry of the whole sync, not a fix). */
const LOST = /Connection is closed|ECONNRESET|EPIPE|socket hang up|Stream isn't writeable|LOADING|BUSY |TRYAGAIN|MASTERDOWN/i;

/** Reads `DB index is out of range` and similar refusals of SELECT. */
const BAD_DB = /DB index is out of range|invalid DB index|SELECT is not allowed in cluster mode/i;

export class RedisClient {
  readonly where: string;

  constructor(
    readonly s: RedisSettings,
    /** The operator's egress allow-list (shared/egress.ts); null = any host. */
    private readonly allowedHosts: readonly string[] | null = null,
  ) {
    this.where = `Redis at ${s.host}:${s.port}`;
  }

  private async options(): Promise<RedisOptions> {
    const t = await resolveAllowed(this.s.host, this.allowedHosts, this.where);
    const tls = this.s.sslEnabled
      ? {
          servername: /^[\d.:[\]]+$/.test(this.s.host) ? undefined : this.s.host,
          rejectUnauthorized: true,
          ...(this.s.sslCa ? { ca: normalizePem(this.s.sslCa) } : {}),
          ...(this.s.mutualTls ? { cert: normalizePem(this.s.tlsCert), key: normalizePem(this.s.tlsKey) } : {}),
          // The certificate names the configured host, not the address connected to.
          checkServerIdentity: (_h: string, cert: PeerCertificate) => checkServerIdentity(this.s.host.replace(/^\[|\]$/g, ''), cert),
        }
      : undefined;
    return {
      host: t.address,
      port: this.s.port,
      tls,
      lazyConnect: true,
      connectTimeout: this.s.connectTimeoutMs,
      // No per-command timer (one timer object per command costs more than the command):
      // RedisDb bounds each round trip instead, with read_timeout.
      enableReadyCheck: false, // the ready check sends INFO, which a read-only ACL user may lack
      enableOfflineQueue: false,
      enableAutoPipelining: false,
      protocol: 2, // RESP2: flat replies (as Elastic's client reads them), works on Redis < 6, no HELLO handshake
      disableClientInfo: true, // no CLIENT SETINFO handshake: nothing to wait for but the socket
      maxRetriesPerRequest: 0,
      retryStrategy: () => null, // no reconnect: a lost connection fails the command
      reconnectOnError: () => false,
    };
  }

  /**
   * A connection authenticated (AUTH sent here, so a refusal is this call's error, not an
   * event) and on database `db`. Aborting `signal` drops the connection, which fails every
   * command in flight at once.
   */
  async open(db: number, signal?: AbortSignal): Promise<RedisDb> {
    signal?.throwIfAborted();
    const r = new Redis(await this.options());
    // Failures surface as commands' rejections; a failed connect rejects with "Connection is
    // closed", the cause (refused, timed out, TLS) comes as an event first.
    let cause: unknown = null;
    r.on('error', (err) => {
      cause ??= err;
    });
    const conn = new RedisDb(r, db, this, signal);
    try {
      await conn.connect().catch((err) => {
        throw cause ?? err;
      });
      if (this.s.password || this.s.username) {
        await conn.raw('AUTH', ...(this.s.username ? [this.s.username] : []), this.s.password);
      }
      if (db !== 0) await conn.raw('SELECT', db);
    } catch (err) {
      conn.close();
      throw this.toSourceError(err, `connecting to database ${db}`, signal);
    }
    return conn;
  }

  /** The error a user can act on; an abort gives the abort's reason. */
  toSourceError(err: unknown, during: string, signal?: AbortSignal): Error {
    if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
    if (err instanceof SourceError) return err;
    const e = asErr(err);
    const msg = (e.message ?? String(err)).replace(/\.+$/, '');
    const where = this.where;
    const user = this.s.username || 'default';
    const wrap = (m: string, transient = false) => new SourceError(m, { cause: err, transient });
    if (e.code === 'ECONNREFUSED') {
      return wrap(`Cannot connect to ${where}: connection refused. Check the \`host\` and \`port\` settings and that Redis listens on that address (bind, protected-mode).`, true);
    }
    if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return wrap(`Cannot resolve host "${this.s.host}" (${where}). Check the \`host\` setting.`);
    if (e.code === 'ETIMEDOUT' || /connect ETIMEDOUT/.test(msg)) {
      return wrap(`${where} did not accept the connection within ${this.s.connectTimeoutMs / 1000} s (\`connect_timeout\`). Check the \`host\` and \`port\` settings and firewalls; with TLS on the server, enable \`ssl_enabled\`.`, true);
    }
    if (/^WRONGPASS/.test(msg) || /invalid password|invalid username-password/i.test(msg)) {
      return wrap(`Authentication failed for user "${user}" on ${where}. Check the \`username\` and \`password\` settings.`);
    }
    if (/^NOAUTH/.test(msg)) {
      return wrap(`${where} requires a password. Set the \`password\` setting (and \`username\` for an ACL user other than "default").`);
    }
    if (/^NOPERM/.test(msg)) {
      return wrap(`User "${user}" lacks a permission on ${where} while ${during}: ${msg}. Grant it (e.g. ACL SETUSER ${user} +@read +@connection +info +memory ~*; see docs/sources/redis.md "Permissions").`);
    }
    if (BAD_DB.test(msg)) return wrap(`${where}: ${during} failed: ${msg}. Check the \`database\` setting (or the advanced rules' "database").`);
    if (/Command timed out/i.test(msg)) {
      return wrap(`${where} did not answer within ${this.s.readTimeoutMs / 1000} s (\`read_timeout\`) while ${during}.`, true);
    }
    if (/SSL|TLS|certificate|wrong version number|EPROTO|self.signed|unable to verify/i.test(msg) || (e.code ?? '').startsWith('ERR_TLS') || (e.code ?? '').includes('CERT')) {
      return wrap(`TLS connection to ${where} failed: ${msg}. Check the \`ssl_enabled\`, \`ssl_ca\`, \`mutual_tls_enabled\`, \`tls_certfile\` and \`tls_keyfile\` settings.`);
    }
    if (/Unknown RESP type|Protocol error|ParserError/i.test(msg) || e.name === 'ParserError') {
      return wrap(`${where} does not answer as a Redis server (${msg.slice(0, 80)}). Check the \`host\` and \`port\` settings, and \`ssl_enabled\` if the server expects TLS.`);
    }
    if (LOST.test(msg) || e.code === 'ECONNRESET' || e.code === 'EPIPE') {
      // A plain connection to a TLS-only port is closed by the server at the first command.
      const atStart = /^(connecting|checking the connection)/.test(during);
      const hint = atStart && !this.s.sslEnabled ? ' If the server accepts only TLS connections, enable `ssl_enabled`.' : ' The next sync starts again.';
      return wrap(`The connection to ${where} was lost while ${during}: ${msg}.${hint}`, true);
    }
    return wrap(`${where} error while ${during}: ${msg}.`);
  }
}

/** One connection on one database. */
export class RedisDb {
  private closed = false;
  private readonly onAbort = () => this.close();

  constructor(
    private readonly r: Redis,
    readonly db: number,
    private readonly client: RedisClient,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** TCP (and TLS) connect, bounded by connect_timeout inside ioredis and by read_timeout here. */
  async connect(): Promise<void> {
    await this.bounded(this.r.connect(), this.client.s.connectTimeoutMs + this.client.s.readTimeoutMs);
  }

  /** One command, Buffer reply; errors as SourceErrors saying what was being done. */
  async call(during: string, ...args: Arg[]): Promise<unknown> {
    this.signal?.throwIfAborted();
    try {
      const [cmd, ...rest] = args;
      return await this.bounded(this.r.callBuffer(String(cmd), ...rest));
    } catch (err) {
      throw this.client.toSourceError(err, during, this.signal);
    }
  }

  /**
   * A round trip bounded by read_timeout: past it the connection is dropped (its other
   * commands fail too) and the error says which setting bounds the wait.
   */
  private bounded<T>(p: Promise<T>, ms = this.client.s.readTimeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => {
        this.close();
        rej(new Error('Command timed out'));
      }, ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  /** A server's refusal of one pipelined command as the error a user can act on. */
  error(err: unknown, during: string): Error {
    return this.client.toSourceError(err, during, this.signal);
  }

  /** One command as is (errors unmapped), bounded by read_timeout. */
  raw(cmd: string, ...args: Arg[]): Promise<unknown> {
    return this.bounded(this.r.callBuffer(cmd, ...args));
  }

  /** One command whose server-side refusal is returned, not thrown (e.g. a module missing). */
  async tryCall(...args: Arg[]): Promise<Reply> {
    this.signal?.throwIfAborted();
    const [cmd, ...rest] = args;
    try {
      return [null, await this.bounded(this.r.callBuffer(String(cmd), ...rest))];
    } catch (err) {
      return [err as Error, null];
    }
  }

  /**
   * Several commands in one round trip. A command the server refuses (WRONGTYPE, NOPERM on one
   * command) has its error in its slot; a lost connection or a timeout throws.
   */
  async pipeline(during: string, commands: Arg[][]): Promise<Reply[]> {
    this.signal?.throwIfAborted();
    if (commands.length === 0) return [];
    const p = this.r.pipeline();
    for (const [cmd, ...rest] of commands) (p as unknown as { callBuffer(...a: Arg[]): void }).callBuffer(String(cmd), ...rest);
    let out: Reply[] | null;
    try {
      out = (await this.bounded(p.exec())) as Reply[] | null;
    } catch (err) {
      throw this.client.toSourceError(err, during, this.signal);
    }
    if (!out) throw this.client.toSourceError(new Error('Connection is closed'), during, this.signal);
    for (const [err] of out) {
      if (err && (LOST.test(err.message) || /Command timed out/i.test(err.message))) throw this.client.toSourceError(err, during, this.signal);
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.r.disconnect();
  }
}
