/**
 * Test harness for the connector service: a Tributary server on a loopback port, an embedded
 * content index, and a worker talking to the server over HTTP with fast intervals. Also a
 * file-tree generator and helpers to wait on jobs and read an index's ids.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { ContentIndex } from '../../src/content-index/content-index.js';
import { EmbeddedSink } from '../../src/sink/embedded/embedded-sink.js';
import type { Sink } from '../../src/sink/sink.js';
import { ConnectorApi, Worker, type WorkerOptions } from '../../src/runtime/worker/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

export const FAST = {
  pollIntervalMs: 100,
  jobPollIntervalMs: 100,
  heartbeatMs: 400,
  cancelPollMs: 100,
  shutdownTimeoutMs: 5_000,
} satisfies Partial<WorkerOptions>;

export interface Stack {
  srv: TestServer;
  url: string;
  index: ContentIndex;
  sink: Sink;
  api: ConnectorApi;
  worker: Worker | null;
  startWorker(o?: Partial<WorkerOptions>): Worker;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startStack(o: { worker?: Partial<WorkerOptions> | false } = {}): Promise<Stack> {
  const srv = await startServer({ listen: true });
  const index = new ContentIndex(join(srv.dataDir, 'content.db'));
  srv.app.contentIndex = index; // serves `_search`, `_count`, `_bulk` … over HTTP too
  const sink = new EmbeddedSink(index);
  const api = ConnectorApi.connect({ url: srv.url });
  const workers: Worker[] = [];
  const stack: Stack = {
    srv, url: srv.url, index, sink, api, worker: null,
    startWorker(wo = {}) {
      const w = new Worker({ api, sink, ...FAST, ...wo }).start();
      workers.push(w);
      stack.worker ??= w;
      return w;
    },
    async call(method, path, body) {
      const res = await fetch(srv.url + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await api.close();
      await srv.close(); // also removes the data directory
      index.close();
    },
  };
  if (o.worker !== false) stack.startWorker(o.worker || {});
  return stack;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitForJob(s: Stack, id: string, statuses: string[], timeoutMs = 30_000): Promise<any> {
  return waitFor(`job ${id} in ${statuses.join('|')}`, async () => {
    const r = await s.call('GET', `/_connector/_sync_job/${id}`);
    return statuses.includes(r.body?.status) ? r.body : null;
  }, timeoutMs);
}

export async function syncNow(s: Stack, connectorId: string, jobType = 'full'): Promise<string> {
  const r = await s.call('POST', '/_connector/_sync_job', { id: connectorId, job_type: jobType });
  if (r.status !== 201) throw new Error(`sync job create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/** Creates a directory connector and configures it once the worker registered its schema. */
export async function directoryConnector(s: Stack, id: string, path: string, extra: Record<string, unknown> = {}): Promise<void> {
  const put = await s.call('PUT', `/_connector/${id}`, { index_name: id, service_type: 'directory', name: id });
  if (put.status >= 300) throw new Error(JSON.stringify(put.body));
  await waitFor('schema registration', async () => (await s.call('GET', `/_connector/${id}`)).body.status === 'needs_configuration');
  const cfg = await s.call('PUT', `/_connector/${id}/_configuration`, { values: { path, ...extra } });
  if (cfg.status >= 300) throw new Error(JSON.stringify(cfg.body));
  await waitFor('connected', async () => (await s.call('GET', `/_connector/${id}`)).body.status === 'connected');
}

export function tempDir(prefix = 'tributary-tree-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const EXT = ['txt', 'md', 'json', 'html', 'csv'];

function content(ext: string, token: string): string {
  switch (ext) {
    case 'md':
      return `# Note ${token}\n\nSome *markdown* text about ${token}.\n`;
    case 'json':
      return JSON.stringify({ token, words: ['alpha', 'beta'] });
    case 'html':
      return `<html><head><style>.x{}</style></head><body><p>Page ${token}</p><script>var x=1</script></body></html>`;
    case 'csv':
      return `id,token\n1,${token}\n`;
    default:
      return `Plain text file ${token}\n`;
  }
}

/** Writes `n` files over `dirs` folders two levels deep; returns their relative paths. */
export function makeTree(root: string, n: number, dirs = 50): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = i % dirs;
    const rel = `a${d % 10}/b${Math.floor(d / 10)}/f${i}.${EXT[i % EXT.length]}`;
    writeFile(root, rel, content(EXT[i % EXT.length], `tok${i}x`));
    out.push(rel);
  }
  return out;
}

export function writeFile(root: string, rel: string, text: string | Buffer): void {
  const abs = join(root, rel);
  mkdirSync(join(abs, '..'), { recursive: true });
  writeFileSync(abs, text);
}

export function docId(rel: string): string {
  return createHash('sha256').update(rel).digest('hex').slice(0, 32);
}

/** Relative paths of every file below root (the expected index content). */
export function listTree(root: string, dir = root, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const abs = join(dir, name);
    if (statSync(abs).isDirectory()) listTree(root, abs, out);
    else out.push(relative(root, abs).split(sep).join('/'));
  }
  return out;
}

/** Every document id of an index with its path, read over HTTP (`_count`, then `_search`). */
export async function indexIds(s: Stack, name: string): Promise<Map<string, string>> {
  const count = await s.call('POST', `/${name}/_count`, { query: { match_all: {} } });
  if (count.status !== 200) throw new Error(`_count: ${JSON.stringify(count.body)}`);
  const out = new Map<string, string>();
  for (let from = 0; from < count.body.count; from += 5000) {
    const r = await s.call('POST', `/${name}/_search`, { from, size: 5000, _source: ['path'] });
    for (const h of r.body.hits.hits) out.set(h._id, h._source?.path);
  }
  if (out.size !== count.body.count) throw new Error(`_search returned ${out.size} ids, _count ${count.body.count}`);
  return out;
}

export async function countDocs(s: Stack, name: string): Promise<number> {
  const r = await s.call('GET', `/${name}/_count`);
  return r.status === 404 ? 0 : r.body.count;
}
