/**
 * SMB I/O of the `network_drive` source: one SMB2 session per sync through `node-smb2` (MIT,
 * pure TypeScript, NTLMv2; chosen because `@marsaud/smb2` signs in with NTLMv1 and DES, which
 * OpenSSL 3 and current servers refuse). Folders are listed with repeated QUERY_DIRECTORY on one
 * handle (the library's `readDirectory` returns only the first batch), files are read chunk by
 * chunk up to a byte limit. Every request has a time limit, an abort drops the connection, and
 * transient failures (connection lost, timeouts) are retried with backoff on a new connection.
 * SMB status codes become SourceErrors that say which setting to fix.
 */
import { createRequire } from 'node:module';
import { setMaxListeners } from 'node:events';
import { withRetry } from '../../domain/shared/retry.js';
import { SourceError } from '../source.js';
import { resolveAllowed } from '../shared/egress.js';
import type { NetworkDriveSettings } from './config.js';

const require = createRequire(import.meta.url);

/* Minimal shapes of the library's classes (CommonJS, loaded with require). */
interface SmbResponse {
  header: { status: number };
  data?: RawEntry[];
  body: { buffer: Buffer };
}
interface RawEntry {
  type: 'File' | 'Directory';
  creationTime: Date;
  lastWriteTime: Date;
  changeTime: Date;
  fileSize: bigint;
  filename: string;
}
interface Tree {
  request(header: Record<string, unknown>, body: Record<string, unknown>): Promise<SmbResponse>;
}
interface Session {
  connectTree(share: string): Promise<Tree>;
}
export interface SmbClient {
  authenticate(o: { domain: string; username: string; password: string; forceNtlmVersion: 'v2' }): Promise<Session>;
  close(): Promise<void>;
  on(event: 'error', cb: (err: Error) => void): void;
}
interface Handle {
  _id: unknown;
  fileSize?: bigint;
  open(path: string): Promise<void>;
  close(): Promise<void>;
}
interface FileHandle extends Handle {
  readChunk(index: number, offset: number): Promise<Buffer>;
}
interface DirHandle extends Handle {
  read(): Promise<RawEntry[]>;
}

const smb2 = require('node-smb2') as { Client: new (host: string, o: { port: number; connectTimeout: number; requestTimeout: number }) => SmbClient };
const DirectoryClass = (require('node-smb2/dist/client/Directory.js') as { default: new (tree: Tree) => DirHandle }).default;
const FileClass = (require('node-smb2/dist/client/File.js') as { default: new (tree: Tree) => FileHandle }).default;

/** The library's read size per READ request (its `maxReadChunkLength`). */
const CHUNK = 0x10000;
export const CONNECT_TIMEOUT_MS = 15_000;
export const REQUEST_TIMEOUT_MS = 60_000;
const RETRIES = 3;

export const STATUS = {
  NO_MORE_FILES: 0x80000006,
  ACCESS_DENIED: 0xc0000022,
  OBJECT_NAME_NOT_FOUND: 0xc0000034,
  OBJECT_PATH_NOT_FOUND: 0xc000003a,
  SHARING_VIOLATION: 0xc0000043,
  BAD_NETWORK_NAME: 0xc00000cc,
  FILE_IS_A_DIRECTORY: 0xc00000ba,
  NOT_A_DIRECTORY: 0xc0000103,
} as const;
const CREDENTIALS = new Set([0xc000006d, 0xc0000064, 0xc000006a, 0xc0000072, 0xc0000234, 0xc0000071, 0xc000006e, 0xc000015b]);

export interface SmbEntry {
  name: string;
  isDir: boolean;
  size: number;
  created: Date;
  modified: Date;
  changed: Date;
}

/** The NT status of a library error, or null for a connection-level failure. */
export function ntStatus(err: unknown): number | null {
  const s = (err as { header?: { status?: unknown } } | null)?.header?.status;
  return typeof s === 'number' ? s >>> 0 : null;
}

/** A SourceError whose cause is an SMB status (per-file decisions look at it). */
export class SmbStatusError extends SourceError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message, { transient: false });
  }
}

function hex(status: number): string {
  return `0x${status.toString(16).padStart(8, '0')}`;
}

/** `\\server\share\path` for messages (no address: the configured name). */
export function unc(s: NetworkDriveSettings, path = ''): string {
  return `\\\\${s.serverIp}\\${s.share}${path ? `\\${path.replace(/\//g, '\\')}` : ''}`;
}

export class SmbShare {
  private conn: { client: SmbClient; tree: Promise<Tree> } | null = null;
  private resolved: Promise<string> | null = null;

  constructor(
    private readonly s: NetworkDriveSettings,
    private readonly allowedHosts: readonly string[] | null,
  ) {}

  private where(): string {
    return `network drive ${unc(this.s)} (port ${this.s.port})`;
  }

  /** The tree of the share, connecting and signing in once. */
  private tree(): Promise<Tree> {
    if (this.conn) return this.conn.tree;
    const s = this.s;
    let client: SmbClient | null = null;
    const conn = {
      get client() {
        return client!;
      },
      tree: (async () => {
        const address = await this.address();
        client = new smb2.Client(address, { port: s.port, connectTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS });
        // The library prints socket errors with console.error; the request that fails reports them.
        (client as unknown as { onError: (err: Error) => void }).onError = () => {};
        client.on('error', () => {});
        ignoreInterimResponses(client);
        const session = await quiet(() => client!.authenticate({ domain: s.domain, username: s.username, password: s.password, forceNtlmVersion: 'v2' }));
        return session.connectTree(s.share);
      })(),
    };
    this.conn = conn as { client: SmbClient; tree: Promise<Tree> };
    conn.tree.catch(() => this.drop(conn as never));
    return conn.tree;
  }

  /** The server's address, checked against the operator's allow-list once per sync. */
  address(): Promise<string> {
    this.resolved ??= resolveAllowed(this.s.serverIp, this.allowedHosts, 'Network drive').then((t) => t.address);
    this.resolved.catch(() => (this.resolved = null));
    return this.resolved;
  }

  /** Closes the connection (requests in flight fail); the next call connects again. */
  private drop(conn = this.conn): void {
    if (!conn || this.conn !== conn) return;
    this.conn = null;
    try {
      void conn.client?.close().catch(() => {});
    } catch {
      // not connected yet
    }
  }

  /** Runs `fn` with retries of connection-level failures; an abort drops the connection. */
  private async run<T>(what: string, signal: AbortSignal, fn: (tree: Tree) => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        signal.throwIfAborted();
        const conn = this.conn;
        // An abort closes the connection and ends the wait at once (the library would only give
        // up on a request at its time limit).
        let onAbort = () => {};
        const aborted = new Promise<never>((_, reject) => {
          onAbort = () => {
            this.drop();
            reject(signal.reason);
          };
        });
        aborted.catch(() => {});
        setMaxListeners(0, signal);
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          return await Promise.race([this.tree().then(fn), aborted]);
        } catch (err) {
          if (signal.aborted) throw signal.reason;
          if (ntStatus(err) === null && !(err instanceof SourceError)) this.drop(this.conn ?? conn);
          throw this.explain(err, what);
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      },
      {
        retries: RETRIES,
        backoff: { initialDelayMs: 500, maxDelayMs: 8000 },
        signal,
        classify: (err) => (err instanceof SourceError && err.options.transient === true ? {} : null),
      },
    );
  }

  /** What went wrong, with the setting to fix. */
  private explain(err: unknown, what: string): SourceError {
    if (err instanceof SourceError) return err;
    const status = ntStatus(err);
    if (status === null) {
      const msg = (err as Error)?.message ?? String(err);
      return new SourceError(`Cannot reach the ${this.where()} while ${what}: ${msg.slice(0, 200)}. Check [server_ip] and [server_port], and that the server accepts SMB2 connections.`, {
        transient: true,
        cause: err,
      });
    }
    if (CREDENTIALS.has(status)) {
      return new SmbStatusError(`The ${this.where()} refused to sign in [${this.s.domain ? `${this.s.domain}\\` : ''}${this.s.username}] (status ${hex(status)}): check [username] and [password].`, status);
    }
    if (status === STATUS.BAD_NETWORK_NAME) {
      return new SmbStatusError(`The ${this.where()} has no share [${this.s.share}]: check [drive_path] (its first segment is the share name).`, status);
    }
    if (status === STATUS.OBJECT_NAME_NOT_FOUND || status === STATUS.OBJECT_PATH_NOT_FOUND) {
      return new SmbStatusError(`Not found on the ${this.where()} while ${what}: check [drive_path].`, status);
    }
    if (status === STATUS.ACCESS_DENIED) {
      return new SmbStatusError(`The ${this.where()} denied [${this.s.username}] access while ${what}: give the account read access, or change [drive_path].`, status);
    }
    return new SmbStatusError(`The ${this.where()} answered status ${hex(status)} while ${what}.`, status);
  }

  /** Signs in and opens the configured folder. */
  async ping(signal: AbortSignal): Promise<void> {
    await this.listFolder(this.s.folder, signal);
  }

  /** Every entry of one folder (path relative to the share, `/`-separated), in batches read on one handle. */
  async listFolder(path: string, signal: AbortSignal): Promise<SmbEntry[]> {
    return this.run(`listing folder [${path || '\\'}]`, signal, async (tree) => {
      const dir = new DirectoryClass(tree);
      await dir.open(toSmbPath(path));
      const out: SmbEntry[] = [];
      try {
        for (;;) {
          let batch: RawEntry[];
          try {
            batch = await dir.read();
          } catch (err) {
            if (ntStatus(err) === STATUS.NO_MORE_FILES) break;
            throw err;
          }
          if (batch.length === 0) break;
          for (const e of batch) {
            const name = e.filename.replace(/^\.\//, '');
            if (name === '.' || name === '..' || name === '') continue;
            out.push({ name, isDir: e.type === 'Directory', size: Number(e.fileSize), created: e.creationTime, modified: e.lastWriteTime, changed: e.changeTime });
          }
          signal.throwIfAborted();
        }
      } finally {
        await dir.close().catch(() => {});
      }
      return out;
    });
  }

  /** The file's first bytes, at most `maxBytes`; 'too-big' when it is larger. */
  async read(path: string, maxBytes: number, signal: AbortSignal): Promise<Buffer | 'too-big'> {
    return this.run(`reading file [${path}]`, signal, async (tree) => {
      const f = new FileClass(tree);
      await f.open(toSmbPath(path));
      try {
        const size = Number(f.fileSize ?? 0n);
        if (size > maxBytes) return 'too-big';
        const out = Buffer.allocUnsafe(size);
        for (let i = 0, offset = 0; offset < size; i++, offset += CHUNK) {
          signal.throwIfAborted();
          const chunk = await f.readChunk(i, offset);
          chunk.copy(out, offset);
        }
        return out;
      } finally {
        await f.close().catch(() => {});
      }
    });
  }

  async close(): Promise<void> {
    this.drop();
  }
}

/** NT status of an interim response: the server answers again, with the same message id, when done. */
const STATUS_PENDING = 0x103;

/**
 * The library takes a server's interim STATUS_PENDING answer (Samba sends one for reads it runs
 * asynchronously, Windows for slow operations) as the final one, so a read returned a few bytes
 * of the interim answer instead of the file. Interim answers are dropped here; the request
 * waits for the final answer (within its time limit).
 */
export function ignoreInterimResponses(client: SmbClient): void {
  const c = client as unknown as { onResponse(r: { header: { status: number } }): void };
  const dispatch = c.onResponse.bind(client);
  c.onResponse = (r) => {
    if (r.header.status >>> 0 === STATUS_PENDING) return;
    dispatch(r);
  };
}

/** The library's path form: `/`-separated, from the share's root. */
function toSmbPath(path: string): string {
  return path === '' ? '/' : `/${path}`;
}

/** The library prints its NTLM version choice on stdout; keep that out of the server's log. */
async function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Using NTLM')) return;
    log(...args);
  };
  try {
    return await fn();
  } finally {
    console.log = log;
  }
}
