/**
 * Issue 19: `tributary serve` (the real bin, a child process on whichever Node runs the suite)
 * under a sustained, bounded workload with forced garbage collections (`--expose-gc` and
 * TRIBUTARY_DEBUG_GC_MS): connector creates and deletes, directory syncs into the embedded
 * index, document writes, searches, document and index deletes. The process must never die,
 * must exit cleanly on SIGTERM, and after a restart on the same data folder every acknowledged
 * write must be there (and every acknowledged delete gone).
 *
 * On Node 24.19-24.21 with better-sqlite3 12 (`node::ObjectWrap`), the server aborted with
 * `RemoveEnvironmentCleanupHook … Assertion failed: (env) != nullptr` from
 * `Statement::~Statement()`; see src/store/sqlite/driver.ts.
 * TRIBUTARY_SOAK_MS sets the workload's length (default 20 s).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTree, waitFor, writeFile } from './helpers/harness.js';
import { freePort } from '../helpers/bin-process.js';

const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
const SOAK_MS = Number(process.env.TRIBUTARY_SOAK_MS ?? 20_000);
const TREE = 150;

interface Server {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dir: string;
let data: string;
let config: string;


async function startServe(): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(
    process.execPath,
    ['--expose-gc', BIN, 'serve', '--port', String(port), '--data', data, '--config', config, '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TRIBUTARY_DEBUG_GC_MS: '200' } },
  );
  let out = '';
  proc.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  proc.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const srv = { proc, url, output: () => out, exited };
  await waitFor('server', async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`serve exited early: ${out}`);
    return (await fetch(url)).ok;
  }, 30_000, 100);
  return srv;
}

async function stopServe(srv: Server): Promise<void> {
  srv.proc.kill('SIGTERM');
  const { code, signal } = await srv.exited;
  assert.equal(signal, null, `serve died by ${signal}:\n${srv.output()}`);
  assert.equal(code, 0, `serve exited with ${code}:\n${srv.output()}`);
}

function caller(srv: Server) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    if (srv.proc.exitCode !== null || srv.proc.signalCode !== null) {
      throw new Error(`serve is gone (${srv.proc.exitCode ?? srv.proc.signalCode}):\n${srv.output()}`);
    }
    let res: Response;
    try {
      const ndjson = typeof body === 'string';
      res = await fetch(srv.url + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
        body: body === undefined ? undefined : ndjson ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new Error(`${method} ${path}: ${(e as Error).message}\nserve output:\n${srv.output()}`);
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-soak-'));
  data = join(dir, 'data');
  config = join(dir, 'tributary.yml');
  makeTree(join(dir, 'tree'), TREE);
  writeFileSync(config, 'worker:\n  poll_interval: 100ms\n  job_poll_interval: 100ms\n  heartbeat: 1s\n');
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('serve survives a sustained workload with forced collections and keeps every acknowledged write', { timeout: SOAK_MS + 180_000 }, async () => {
  const connectors = new Set<string>();
  const deletedConnectors = new Set<string>();
  const docs = new Map<string, { index: string; id: string; title: string }>();
  const deletedDocs = new Set<string>();
  const deletedIndices = new Set<string>();
  let treeFiles = TREE;
  let syncs = 0;
  let searches = 0;

  let srv = await startServe();
  let call = caller(srv);
  try {
    // A directory connector whose syncs run all along the workload.
    assert.equal((await call('PUT', '/_connector/soak-dir', { index_name: 'soak-dir', service_type: 'directory' })).status, 201);
    await waitFor('schema', async () => (await call('GET', '/_connector/soak-dir')).body.status === 'needs_configuration', 30_000);
    assert.equal((await call('PUT', '/_connector/soak-dir/_configuration', { values: { path: join(dir, 'tree') } })).status, 200);
    await waitFor('connected', async () => (await call('GET', '/_connector/soak-dir')).body.status === 'connected', 30_000);

    let job: string | null = null;
    const end = Date.now() + SOAK_MS;
    let i = 0;
    for (; Date.now() < end; i++) {
      // Directory syncs: one at a time, a few new files before each.
      if (job) {
        const j: any = (await call('GET', `/_connector/_sync_job/${job}`)).body;
        if (['error', 'canceled'].includes(j.status)) assert.fail(`sync job ${job} ended ${j.status}: ${j.error}`);
        if (j.status === 'completed') job = null;
      }
      if (!job) {
        for (let k = 0; k < 3; k++) writeFile(join(dir, 'tree'), `new/n${treeFiles++}.txt`, `added file soaktoken${treeFiles}`);
        const r = await call('POST', '/_connector/_sync_job', { id: 'soak-dir', job_type: 'full' });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        job = r.body.id;
        syncs++;
      }

      // Connector creates, and deletes of earlier ones.
      const cid = `soak-c${i}`;
      const put = await call('PUT', `/_connector/${cid}`, { index_name: `soak-c${i}`, service_type: 'directory', name: cid });
      assert.equal(put.status, 201, JSON.stringify(put.body));
      connectors.add(cid);
      if (i % 3 === 2) {
        const victim = `soak-c${i - 2}`;
        const del = await call('DELETE', `/_connector/${victim}`);
        assert.equal(del.status, 200, JSON.stringify(del.body));
        connectors.delete(victim);
        deletedConnectors.add(victim);
      }

      // Documents: single writes and a bulk, searches over them, some deletes.
      const index = `soak-docs-${i % 4}`;
      const title = `soak document ${i}`;
      const w = await call('PUT', `/${index}/_doc/d${i}`, { title, body: `common word${i}` });
      assert.ok([200, 201].includes(w.status), JSON.stringify(w.body));
      docs.set(`${index}/d${i}`, { index, id: `d${i}`, title });
      const lines = [];
      for (let k = 0; k < 10; k++) lines.push(JSON.stringify({ index: { _index: index, _id: `b${i}-${k}` } }), JSON.stringify({ title: `bulk ${i} ${k}`, body: 'common bulk' }));
      const bulk = await call('POST', '/_bulk', lines.join('\n') + '\n');
      assert.equal(bulk.status, 200, JSON.stringify(bulk.body));
      assert.equal(bulk.body.errors, false, JSON.stringify(bulk.body));
      for (let k = 0; k < 10; k++) docs.set(`${index}/b${i}-${k}`, { index, id: `b${i}-${k}`, title: `bulk ${i} ${k}` });
      for (const q of [{ match: { body: 'common' } }, { match: { title: `document ${i}` } }, { query_string: { query: `word${i} OR bulk` } }]) {
        const s = await call('POST', `/${index}/_search`, { query: q, size: 5 });
        assert.equal(s.status, 200, JSON.stringify(s.body));
        assert.ok(s.body.hits.total.value >= 1);
        searches++;
      }
      if (i % 4 === 3) {
        const key = `${index}/b${i}-0`;
        const del = await call('DELETE', `/${index}/_doc/b${i}-0`);
        assert.equal(del.status, 200, JSON.stringify(del.body));
        docs.delete(key);
        deletedDocs.add(key);
      }

      // Index creates and deletes: statements prepared for an index that then goes away.
      if (i % 5 === 4) {
        const tmp = `soak-tmp-${i}`;
        assert.equal((await call('PUT', `/${tmp}/_doc/x`, { title: 'temporary' })).status, 201);
        assert.equal((await call('POST', `/${tmp}/_search`, { query: { match: { title: 'temporary' } } })).status, 200);
        assert.equal((await call('DELETE', `/${tmp}`)).status, 200);
        deletedIndices.add(tmp);
      }
    }

    // The last sync (no new files after it started) must complete: its documents are acknowledged.
    if (job) {
      const id = job;
      const j: any = await waitFor('last sync', async () => {
        const b = (await call('GET', `/_connector/_sync_job/${id}`)).body;
        return ['completed', 'error', 'canceled'].includes(b.status) ? b : null;
      }, 120_000, 200);
      assert.equal(j.status, 'completed', `last sync: ${j.error}`);
    }
    console.log(`# soak on Node ${process.version}: ${i} rounds, ${syncs} directory syncs, ${searches} searches, ${docs.size} documents, ${connectors.size} connectors in ${SOAK_MS} ms`);
    assert.ok(i >= 3 && syncs >= 1, `too little work to mean anything: ${i} rounds, ${syncs} syncs`);
    await stopServe(srv);

    // A clean restart on the same data folder: every acknowledged write is there.
    srv = await startServe();
    call = caller(srv);
    for (const id of connectors) assert.equal((await call('GET', `/_connector/${id}`)).status, 200, `connector ${id} lost`);
    for (const id of deletedConnectors) assert.equal((await call('GET', `/_connector/${id}`)).status, 404, `deleted connector ${id} is back`);
    for (const [key, d] of docs) {
      const r = await call('GET', `/${d.index}/_doc/${d.id}`);
      assert.equal(r.body?.found, true, `document ${key} lost`);
      assert.equal(r.body._source.title, d.title);
    }
    for (const key of deletedDocs) assert.equal((await call('GET', `/${key.replace('/', '/_doc/')}`)).body?.found, false, `deleted ${key} is back`);
    for (const name of deletedIndices) assert.equal((await call('GET', `/${name}`)).status, 404, `deleted index ${name} is back`);
    assert.equal((await call('POST', '/soak-dir/_count', { query: { match_all: {} } })).body.count, treeFiles, 'synced documents');
    assert.equal((await call('POST', '/soak-dir/_count', { query: { match: { body: `soaktoken${treeFiles}` } } })).body.count, 1);
    await stopServe(srv);
  } finally {
    if (srv.proc.exitCode === null && srv.proc.signalCode === null) srv.proc.kill('SIGKILL');
  }
});
