/**
 * One data folder, one `serve` with the embedded index (issue 11 item 15, docs/runtime.md "One
 * data folder per server"). Two processes on one folder corrupted the content index (500s,
 * duplicate `_seq_no`s, lost `if_seq_no` updates); now the second is refused at start, the first
 * keeps serving, a kill -9 leaves no stale lock, and `tributary worker` (no data folder) is not
 * concerned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { serve, type ServeOptions } from '../../src/app/serve.js';
import { DataFolderInUseError } from '../../src/app/data-folder-lock.js';
import { freePort, spawnBin, type BinProcess } from '../helpers/bin-process.js';

const REFUSED = /Data folder \[.+\] is in use by another tributary serve process .*Stop the other process, or give this one its own --data folder/s;

async function json(url: string, method = 'GET', body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await p;
  return { value, ms: performance.now() - t0 };
}

describe('serve processes on one data folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-lock-'));
  const data = join(dir, 'data');
  const procs: BinProcess[] = [];
  const start = async () => {
    const port = await freePort();
    const p = spawnBin(['serve', '--port', String(port), '--data', data, '--no-worker', '--log-level', 'warn']);
    procs.push(p);
    return { p, url: `http://127.0.0.1:${port}` };
  };
  let first: { p: BinProcess; url: string };
  let third: { p: BinProcess; url: string };

  after(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second serve exits non-zero with a clear message within 2 s of its start-up, and the first keeps serving', async () => {
    first = await start();
    await first.p.waitForHttp(`${first.url}/`);
    const put = await json(`${first.url}/search-lock/_doc/1?refresh=true`, 'PUT', { title: 'before the second server' });
    assert.equal(put.status, 201, JSON.stringify(put.body));

    // Start-up (loading the program through tsx) takes seconds on a busy machine, and is not
    // what is measured: `serve --help` loads the same program and exits, run at the same time
    // as the refused server, is the baseline. A server that starts (the old behaviour) never
    // exits on its own: the 60 s cap turns that into a failure, not a hang.
    const second = await start();
    const help = spawnBin(['serve', '--help']);
    procs.push(help);
    const cap = new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000).unref());
    const [refused, baseline] = await Promise.all([timed(Promise.race([second.p.exited, cap])), timed(help.exited)]);
    assert.notEqual(refused.value, 'still running', `the second server kept running on the same data folder:\n${second.p.output()}`);
    assert.notEqual(refused.value, 0, second.p.output());
    assert.match(second.p.output(), REFUSED);
    assert.ok(second.p.output().includes(data), 'the message names the folder');
    assert.ok(
      refused.ms <= baseline.ms + 2000,
      `refused after ${refused.ms.toFixed(0)} ms; loading the program alone took ${baseline.ms.toFixed(0)} ms`,
    );

    assert.ok(first.p.alive(), first.p.output());
    assert.equal((await json(`${first.url}/`)).status, 200);
    const got = await json(`${first.url}/search-lock/_doc/1`);
    assert.equal(got.status, 200);
    assert.equal(got.body._source.title, 'before the second server');
    const more = await json(`${first.url}/search-lock/_doc/2?refresh=true`, 'PUT', { title: 'after' });
    assert.equal(more.status, 201, JSON.stringify(more.body));
  });

  it('after kill -9 of the first, a new serve starts on the folder at once and finds the content', async () => {
    first.p.kill('SIGKILL');
    assert.equal(await first.p.exited, 'SIGKILL');
    third = await start();
    await third.p.waitForHttp(`${third.url}/`);
    const got = await json(`${third.url}/search-lock/_search`, 'POST', { query: { match_all: {} } });
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.equal(got.body.hits.total.value, 2);
  });

  it('a tributary worker process (no data folder) runs beside it and bootstraps a connector', async () => {
    const put = await json(`${third.url}/_connector/lock-dir`, 'PUT', { index_name: 'search-lock-dir', service_type: 'directory', name: 'lock' });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const worker = spawnBin(['worker', '--url', third.url, '--service-types', 'directory', '--log-level', 'warn']);
    procs.push(worker);
    const deadline = Date.now() + 60_000;
    let status = 'created';
    while (status === 'created' && Date.now() < deadline) {
      assert.ok(worker.alive(), `the worker exited:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 200));
      status = (await json(`${third.url}/_connector/lock-dir`)).body.status;
    }
    assert.notEqual(status, 'created', `the worker did not bootstrap the connector in 60 s:\n${worker.output()}`);
    assert.doesNotMatch(worker.output(), REFUSED);
    await worker.stop();
  });
});

describe('serve() in one process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-lock-inproc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const opts = (o: Partial<ServeOptions> = {}): ServeOptions => ({
    port: '0', host: '127.0.0.1', data: join(dir, 'data'), maxBody: '1048576', logLevel: 'silent', worker: false, ...o,
  });

  it('refuses a second server on the folder at once, and lets one start again once the first stops', async () => {
    const stop = await serve(opts());
    try {
      const t0 = performance.now();
      await assert.rejects(serve(opts()), (e: Error) => e instanceof DataFolderInUseError && REFUSED.test(e.message));
      assert.ok(performance.now() - t0 < 2000, `refusal took ${(performance.now() - t0).toFixed(0)} ms`);
    } finally {
      await stop();
    }
    const again = await serve(opts());
    await again();
  });

  it('a failed start (port taken) releases the lock', async () => {
    const stop = await serve(opts());
    try {
      const port = await freePort();
      const other = await serve(opts({ data: join(dir, 'other'), port: String(port) }));
      try {
        await assert.rejects(serve(opts({ data: join(dir, 'third'), port: String(port) })), /EADDRINUSE/);
        const ok = await serve(opts({ data: join(dir, 'third') }));
        await ok();
      } finally {
        await other();
      }
    } finally {
      await stop();
    }
  });

  it('servers without the embedded index (external content target) may share a folder: no lock', async () => {
    const config = join(dir, 'external.yml');
    writeFileSync(config, 'content:\n  target: elasticsearch\n  url: http://127.0.0.1:9\n');
    const a = await serve(opts({ data: join(dir, 'shared'), config }));
    try {
      const b = await serve(opts({ data: join(dir, 'shared'), config }));
      await b();
    } finally {
      await a();
    }
  });
});
