/**
 * The commands as a user runs them: `tributary serve` with its in-process worker (on by
 * default), the quick-start calls over HTTP, and `tributary sync <id> --wait` following the job
 * to the end with its progress output.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTree, waitFor } from '../runtime/helpers/harness.js';
import { freePort } from '../helpers/bin-process.js';

const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
let dir: string;
let server: ChildProcess;
let url: string;


async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: await res.json() as any };
}

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => resolve({ code, out }));
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
  makeTree(join(dir, 'docs'), 300);
  writeFileSync(join(dir, 'tributary.yml'), 'worker:\n  poll_interval: 200ms\n  job_poll_interval: 200ms\n  heartbeat: 1s\n');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data', join(dir, 'data'), '--config', join(dir, 'tributary.yml'), '--log-level', 'warn'], { stdio: 'ignore' });
  await waitFor('server', async () => (await fetch(url)).ok, 20_000, 200);
});

after(async () => {
  server?.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
  rmSync(dir, { recursive: true, force: true });
});

test('serve + in-process worker + sync --wait: the quick start', async () => {
  assert.equal((await call('PUT', '/_connector/my-docs', { index_name: 'my-docs', service_type: 'directory' })).status, 201);
  await waitFor('schema', async () => (await call('GET', '/_connector/my-docs')).body.status === 'needs_configuration');
  assert.equal((await call('PUT', '/_connector/my-docs/_configuration', { values: { path: join(dir, 'docs') } })).status, 200);
  await waitFor('connected', async () => (await call('GET', '/_connector/my-docs')).body.status === 'connected');

  const r = await run(['sync', 'my-docs', '--wait', '--url', url, '--interval', '200']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Created full sync job \[[\w-]+\] for connector \[my-docs\]/);
  assert.match(r.out, /Job \[[\w-]+\] completed: 300 indexed, 0 deleted/);
  assert.match(r.out, /300\/300 docs \| [\d.]+ MiB \| \d+ docs\/s \| completed/);

  const count = await call('POST', '/my-docs/_count', { query: { match: { body: 'tok42x' } } });
  assert.equal(count.body.count, 1);

  const bad = await run(['sync', 'nope', '--url', url]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /Connector \[nope\] does not exist/);
});
