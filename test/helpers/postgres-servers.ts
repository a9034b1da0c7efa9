/**
 * Helpers for the multi-process PostgreSQL tests: real `tributary serve` processes on one
 * store URL, a tiny HTTP client, and a TCP proxy in front of PostgreSQL that a test can cut
 * (PostgreSQL "goes away" for that server only, without disturbing anyone else's database).
 *
 *   const srv = await spawnServer(storeUrl);       // waits for /_cluster/health
 *   const res = await call(srv, 'PUT', '/_connector/c1', { index_name: 'x' }); // {status, body}
 *   await srv.stop();
 *
 *   const proxy = await startProxy(5432);  proxy.url(pgUrl)  await proxy.down()  await proxy.up()
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './bin-process.js';

export { freePort };

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** stdout + stderr so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}


export async function spawnServer(storeUrl: string, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-pg-proc-'));
  const proc = spawn(
    process.execPath,
    ['bin/tributary.js', 'serve', '--port', String(port), '--data', dataDir, '--store', storeUrl, '--log-level', 'warn'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1', ...opts.env } },
  );
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    proc,
    log: () => output,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let done = false;
  exited.then(() => (done = true));
  while (Date.now() < deadline) {
    if (done) throw new Error(`server exited during startup:\n${output}`);
    try {
      const res = await fetch(`${url}/_cluster/health`);
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`server did not become healthy:\n${output}`);
}

export interface CallResult {
  status: number;
  body: any;
}

export async function call(srv: { url: string }, method: string, path: string, body?: unknown): Promise<CallResult> {
  const res = await fetch(srv.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed };
}

export interface PgProxy {
  port: number;
  /** The store URL with host and port replaced by the proxy's. */
  url(storeUrl: string): string;
  /** Refuses new connections and cuts every open one, as a crashed or unreachable server. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<PgProxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });
  const down = async () => {
    const s = server;
    server = null;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return {
    port,
    url(storeUrl) {
      const u = new URL(storeUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    down,
    up: listen,
    close: down,
  };
}
