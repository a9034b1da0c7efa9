/**
 * Atomic `_claim` under real concurrency (issue 3, connector-api.md §7.10, §9.1): two
 * `tributary serve` processes on ONE SQLite data directory (WAL lets both open it; they sync
 * content to an external cluster, since the embedded index is one process's and its lock would
 * refuse the second server: docs/runtime.md "One data folder per server"), and N
 * claimers per job, each on its own TCP connection (a fresh non-keep-alive agent per claimer),
 * spread over both processes. Every round uses a fresh job; exactly one claimer gets 200, all
 * others 409 `version_conflict_engine_exception`, and the stored `worker_hostname` is the
 * winner's, as seen from both processes. Elasticsearch lets every racer win (quirk 6).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/bin-process.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = 10;
const ROUNDS = 50;

interface Proc { url: string; proc: ChildProcess; log(): string; stop(): Promise<void> }
interface Reply { status: number; body: any }


/** One HTTP request. A fresh agent without keep-alive means a fresh TCP connection. */
function call(base: string, method: string, path: string, body?: unknown, agent = new http.Agent({ keepAlive: false })): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), {
      method, agent,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        } catch (e) {
          reject(new Error(`${method} ${path}: ${res.statusCode} non-JSON body ${text}`));
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** `tributary serve` on `dataDir`; resolves once `GET /` answers. */
async function serve(dataDir: string): Promise<Proc> {
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    ['bin/tributary.js', 'serve', '--port', String(port), '--data', dataDir, '--config', join(dataDir, 'external-content.yml'), '--log-level', 'warn', '--no-worker'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const p: Proc = {
    url, proc,
    log: () => output,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${output}`);
    try {
      if ((await call(url, 'GET', '/')).status === 200) return p;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await p.stop();
      throw new Error(`server did not start in 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('atomic _claim under concurrency (SQLite, two processes, one data directory)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-claim-race-'));
  const servers: Proc[] = [];
  const via = (i: number) => servers[i % servers.length].url;

  before(async () => {
    // No embedded index (never reached: --no-worker), so both may use the folder.
    writeFileSync(join(dataDir, 'external-content.yml'), 'content:\n  target: elasticsearch\n  url: http://127.0.0.1:9\n');
    // One after the other: the first creates the database, the second opens it as it is.
    servers.push(await serve(dataDir));
    servers.push(await serve(dataDir));
    const put = await call(via(0), 'PUT', '/_connector/race', { index_name: 'search-race', service_type: 'mysql', name: 'race' });
    assert.equal(put.status, 201, JSON.stringify(put.body));
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function newJob(round: number): Promise<string> {
    const r = await call(via(round), 'POST', '/_connector/_sync_job', { id: 'race' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  }

  /** Fires `n` claims at once, claimer i through `server(i)` on its own connection. */
  async function race(id: string, n: number, server: (i: number) => string): Promise<Reply[]> {
    const agents = Array.from({ length: n }, () => new http.Agent({ keepAlive: false }));
    try {
      return await Promise.all(agents.map((agent, i) => call(server(i), 'PUT', `/_connector/_sync_job/${id}/_claim`, { worker_hostname: `worker-${i}` }, agent)));
    } finally {
      for (const a of agents) a.destroy();
    }
  }

  async function assertOneWinner(id: string, round: number, results: Reply[]) {
    const statuses = JSON.stringify(results.map((r) => r.status));
    const winners = results.flatMap((r, i) => (r.status === 200 ? [i] : []));
    assert.equal(winners.length, 1, `round ${round}: exactly one 200, got ${statuses}\n${servers.map((s) => s.log()).join('\n')}`);
    assert.deepEqual(results[winners[0]].body, { result: 'updated' });
    for (const [i, r] of results.entries()) {
      if (i === winners[0]) continue;
      assert.equal(r.status, 409, `round ${round} claimer ${i}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.type, 'version_conflict_engine_exception');
      assert.equal(r.body.status, 409);
    }
    for (const s of servers) {
      const job = await call(s.url, 'GET', `/_connector/_sync_job/${id}`);
      assert.equal(job.status, 200);
      assert.equal(job.body.status, 'in_progress');
      assert.equal(job.body.worker_hostname, `worker-${winners[0]}`, `round ${round}: the stored worker is the winner (seen from ${s.url})`);
    }
    return winners[0];
  }

  it('both processes see each other\'s writes', async () => {
    const id = await newJob(0);
    const seen = await call(via(1), 'GET', `/_connector/_sync_job/${id}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.status, 'pending');
    assert.equal((await call(via(1), 'DELETE', `/_connector/_sync_job/${id}`)).status, 200);
    assert.equal((await call(via(0), 'GET', `/_connector/_sync_job/${id}`)).status, 404);
  });

  it(`${N} claimers on separate connections to one process: one winner per job, ${ROUNDS} rounds`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = await newJob(round);
      await assertOneWinner(id, round, await race(id, N, () => servers[0].url));
    }
  });

  it(`${N} claimers spread over both processes: one winner per job, ${ROUNDS} rounds`, async () => {
    const winsByProcess = [0, 0];
    for (let round = 0; round < ROUNDS; round++) {
      const id = await newJob(round);
      // Alternate which process gets the even claimers, so neither is always first.
      const winner = await assertOneWinner(id, round, await race(id, N, (i) => via(i + round)));
      winsByProcess[(winner + round) % 2]++;
    }
    assert.equal(winsByProcess[0] + winsByProcess[1], ROUNDS);
  });

  it('a suspended job is re-claimed by exactly one of the racers', async () => {
    for (let round = 0; round < 10; round++) {
      const id = await newJob(round);
      assert.equal((await call(via(round), 'PUT', `/_connector/_sync_job/${id}/_claim`, { worker_hostname: 'first' })).status, 200);
      const sus = await call(via(round + 1), 'POST', `/.elastic-connectors-sync-jobs/_update/${id}`, { doc: { status: 'suspended' } });
      assert.equal(sus.status, 200, JSON.stringify(sus.body));
      await assertOneWinner(id, round, await race(id, N, (i) => via(i + round)));
    }
  });

  it('claims racing a cancel: the job ends consistent whichever lands first', async () => {
    for (let round = 0; round < 20; round++) {
      const id = await newJob(round);
      const agents = Array.from({ length: N + 1 }, () => new http.Agent({ keepAlive: false }));
      const cancelAt = round % (N + 1);
      const results = await Promise.all(agents.map((agent, i) =>
        i === cancelAt
          ? call(via(i + round), 'PUT', `/_connector/_sync_job/${id}/_cancel`, undefined, agent)
          : call(via(i + round), 'PUT', `/_connector/_sync_job/${id}/_claim`, { worker_hostname: `worker-${i}` }, agent),
      ));
      for (const a of agents) a.destroy();
      const cancel = results[cancelAt];
      const claims = results.filter((_, i) => i !== cancelAt);
      assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
      const job = (await call(via(round), 'GET', `/_connector/_sync_job/${id}`)).body;
      const won = claims.filter((r) => r.status === 200);
      const summary = `round ${round}: cancel ${cancel.status}, claims ${JSON.stringify(claims.map((r) => r.status))}, job ${job.status}`;
      if (job.status === 'canceled') {
        // The cancel landed first: a pending job is canceled at once; no claim may win after it.
        assert.equal(won.length, 0, summary);
        for (const r of claims) {
          assert.equal(r.status, 400, summary);
          assert.equal(r.body.error.type, 'status_exception', summary);
        }
        assert.ok(!('worker_hostname' in job), summary);
      } else {
        // A claim landed first: one winner, the cancel asks it to stop, everyone else is told
        // the job is taken (409) — never a second winner and never a lost cancel.
        assert.equal(job.status, 'canceling', summary);
        assert.equal(won.length, 1, summary);
        assert.equal(job.worker_hostname, `worker-${results.indexOf(won[0])}`, summary);
        for (const r of claims.filter((x) => x.status !== 200)) assert.equal(r.status, 409, summary);
        assert.ok(job.cancelation_requested_at, summary);
      }
    }
  });
});
