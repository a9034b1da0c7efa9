/**
 * Hostile-input fuzz test (issue 11, "Done when"): a real `tributary serve` (bin/tributary.js)
 * with security on and seeded indices gets hostile bodies, paths, query strings, `filter_path`s,
 * wildcard patterns, searches and `_bulk` NDJSON from every kind of user for a bounded time,
 * while a prober asks `GET /` every ~100 ms. It asserts: no 5xx, the process never exits, and
 * every probe answers within 500 ms.
 *
 *   FUZZ_SEED=<n>|random   the PRNG seed (default 20261207; printed)
 *   FUZZ_SECONDS=<s>       how long to send (default 20)
 *   FUZZ_ONLY=<n>[,<n>…]   replay only these request numbers (from a failure message), in order
 *   FUZZ_CONCURRENCY=<n>   requests in flight (default 3)
 *   FUZZ_MAX_PROBE_MS=<ms> the probe budget (default 500)
 *
 * Request n of seed s depends on nothing else, so a failure replays on a fresh server with
 * `FUZZ_SEED=s FUZZ_ONLY=n node scripts/test.mjs test/fuzz/hostile`. Loopback only; every loop is
 * bounded in time and count; the server's heap is capped so a runaway request crashes it (and
 * fails the test) instead of the machine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { freePort, spawnBin, type BinProcess } from '../helpers/bin-process.js';
import { Rng } from './helpers/prng.js';
import { makeRequest, type FuzzRequest, type FuzzUser } from './helpers/requests.js';
import { CONNECTORS } from './helpers/values.js';

const SEED = process.env.FUZZ_SEED === 'random' ? (Date.now() ^ (process.pid << 16)) >>> 0 : Number(process.env.FUZZ_SEED ?? 20261207) >>> 0;
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 20);
const ONLY = process.env.FUZZ_ONLY ? process.env.FUZZ_ONLY.split(',').map((s) => Number(s.trim())) : null;
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 3);
const MAX_PROBE_MS = Number(process.env.FUZZ_MAX_PROBE_MS ?? 500);
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_REQUESTS = 50_000;
const PROBE_EVERY_MS = 100;

const PASSWORDS: Record<string, string> = { root: 'root-password', reader: 'reader-password', manager: 'manager-password', writer_a: 'writer-password', prober: 'prober-password' };
const CONFIG = `security:
  enabled: true
  users:
    root: { password: root-password, roles: [superuser] }
    prober: { password: prober-password, roles: [superuser] }
    reader: { password: reader-password, roles: [read_only] }
    manager: { password: manager-password, roles: [connector_manager] }
    writer_a: { password: writer-password, roles: [writer_a] }
  roles:
    read_only: { cluster: [monitor, monitor_connector], indices: [{ names: ['*'], privileges: [read, view_index_metadata] }] }
    connector_manager: { cluster: [manage_connector, manage_own_api_key], indices: [{ names: ['search-*'], privileges: [all] }] }
    writer_a: { indices: [{ names: [search-a], privileges: [read, write] }] }
`;

/** The GET / prober's thread (plain JS): one probe every `every` ms on one keep-alive connection. */
const PROBER = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const agent = new http.Agent({ keepAlive: true });
let stopped = false;
parentPort.on('message', () => { stopped = true; });
function probe() {
  const at = Date.now();
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: workerData.port, path: '/', agent, headers: { authorization: workerData.auth } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ at, ms: performance.now() - t0, status: res.statusCode }));
    });
    req.setTimeout(10000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', (e) => resolve({ at, ms: performance.now() - t0, status: e.message }));
    req.end();
  });
}
(async () => {
  while (!stopped) {
    const r = await probe();
    parentPort.postMessage(r);
    await new Promise((res) => setTimeout(res, Math.max(0, workerData.every - r.ms)));
  }
  agent.destroy();
  process.exit(0);
})();
`;

interface Reply { status: number; ms: number; text: string; error?: string; reused?: boolean }
interface Failure { kind: string; req?: FuzzRequest; detail: string; logFrom?: number }

const basic = (user: string) => 'Basic ' + Buffer.from(`${user}:${PASSWORDS[user]}`).toString('base64');
let port = 0;
let server: BinProcess;
let dir: string;
let managerKey = '';

function authFor(user: FuzzUser): string | undefined {
  if (user === 'anonymous') return undefined;
  if (user === 'intruder') return 'Basic ' + Buffer.from('intruder:wrong-password').toString('base64');
  if (user === 'manager_key') return `ApiKey ${managerKey}`;
  return basic(user);
}

/** One request on `agent`; never rejects; reads the whole answer but keeps only its start. */
function send(agent: http.Agent, method: string, path: string, headers: Record<string, string>, body?: string, timeoutMs = REQUEST_TIMEOUT_MS, keep = 2000): Promise<Reply> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<Reply, 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, ms: performance.now() - t0 });
    };
    let req: http.ClientRequest;
    try {
      const payload = body === undefined ? undefined : Buffer.from(body);
      req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (text.length < keep) text += d.slice(0, keep - text.length);
        });
        res.on('end', () => finish({ status: res.statusCode ?? 0, text }));
        res.on('error', (e) => finish({ status: res.statusCode ?? 0, text, error: e.message }));
      });
      req.on('error', (e) => finish({ status: 0, text: '', error: e.message, reused: req.reusedSocket }));
      req.end(payload);
    } catch (e) {
      // Node refuses to send some targets (unescaped characters): not the server's doing.
      resolve({ status: -1, ms: 0, text: '', error: `client refused: ${(e as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: 0, text: '', error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
}

const setupAgent = new http.Agent({ keepAlive: true });
async function setup(method: string, path: string, body?: unknown, user = 'root', contentType = 'application/json'): Promise<any> {
  const r = await send(setupAgent, method, path, { authorization: basic(user), 'content-type': contentType }, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), 60_000, 10_000_000);
  assert.ok(r.status >= 200 && r.status < 300, `set-up ${method} ${path}: ${r.status} ${r.error ?? ''} ${r.text}`);
  return r.text ? JSON.parse(r.text) : undefined;
}

function describeReq(req: FuzzRequest): string {
  const body = req.body === undefined ? 'no body' : `body ${req.body.length} bytes${req.contentType !== undefined ? ` (${req.contentType || 'empty content-type'})` : ''}: ${JSON.stringify(req.body.slice(0, 300))}${req.body.length > 300 ? '…' : ''}`;
  return `#${req.n} as ${req.user}: ${req.method} ${req.path.length > 400 ? req.path.slice(0, 400) + `… (${req.path.length} chars)` : req.path} [${req.endpoint}${req.tags.length ? '; ' + req.tags.join(', ') : ''}] ${body}`;
}
/** The error messages of the server's JSON log lines (pino level ≥ 50) in `text`. */
function serverErrors(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    try {
      const l = JSON.parse(line);
      if (l.level >= 50) out.push(`${l.err?.type ?? ''}: ${l.err?.message ?? l.msg ?? ''}`);
    } catch {
      /* not a log line */
    }
  }
  return out;
}
const replay = (n: number) => `FUZZ_SEED=${SEED} FUZZ_ONLY=${n} node scripts/test.mjs test/fuzz/hostile`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-fuzz-'));
  writeFileSync(join(dir, 'tributary.yml'), CONFIG);
  port = await freePort();
  server = spawnBin(['serve', '--port', String(port), '--data', join(dir, 'data'), '--config', join(dir, 'tributary.yml'), '--no-worker', '--log-level', 'warn'], { NODE_OPTIONS: '--max-old-space-size=1024' });
  await server.waitForHttp(`http://127.0.0.1:${port}/`, 90_000, { authorization: basic('prober') });
  // Seed: three indices with text that prefixes match widely, two connectors, a sync job, an API key.
  const rng = new Rng(SEED);
  const vocab = Array.from({ length: 300 }, () => rng.word(8));
  const doc = (i: number) => ({ title: `${rng.pick(vocab)} ${rng.pick(vocab)}`, body: Array.from({ length: 40 }, () => rng.pick(vocab)).join(' '), tags: [rng.pick(vocab), rng.pick(vocab)], n: i, date: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(), meta: { owner: rng.pick(['alice', 'bob']) } });
  const bulk = (index: string, from: number, count: number) => Array.from({ length: count }, (_, i) => `{"index":{"_index":"${index}","_id":"${from + i}"}}\n${JSON.stringify(doc(from + i))}`).join('\n') + '\n';
  await setup('POST', '/_bulk?refresh=true', bulk('search-a', 0, 300), 'root', 'application/x-ndjson');
  await setup('POST', '/_bulk?refresh=true', bulk('private-b', 0, 100), 'root', 'application/x-ndjson');
  for (let i = 0; i < 4; i++) await setup('POST', '/_bulk?refresh=true', bulk('search-big', i * 1000, 1000), 'root', 'application/x-ndjson');
  await setup('PUT', `/_connector/${CONNECTORS[0]}`, { index_name: 'search-a', service_type: 'directory', name: 'fuzz one' });
  await setup('PUT', `/_connector/${CONNECTORS[1]}`, { index_name: 'search-fz-two', service_type: 'postgresql', name: 'fuzz two' });
  await setup('POST', '/_connector/_sync_job', { id: CONNECTORS[0] });
  managerKey = (await setup('POST', '/_security/api_key', { name: 'kmgr' }, 'manager')).encoded;
  // Warm-up, so the run measures the server and not its first (compiling) requests.
  for (let i = 0; i < 3; i++) {
    for (const index of ['search-a', 'private-b', 'search-big']) {
      await setup('POST', `/${index}/_search?filter_path=hits.total`, { query: { query_string: { query: 'a* b*' } }, size: 20, highlight: { fields: { body: {} } } });
      await setup('POST', `/${index}/_count`, { query: { bool: { must: [{ match: { body: 'a' } }], filter: [{ range: { n: { gte: 1 } } }] } } });
    }
    await setup('GET', '/_connector?size=5');
    await setup('GET', '/_connector/_sync_job?size=5');
    await setup('GET', '/_security/api_key?owner=true&name=kmgr', undefined, 'manager');
    await setup('POST', '/search-a/_bulk', `{"index":{"_id":"warm"}}\n{"title":"warm"}\n`, 'writer_a', 'application/x-ndjson');
  }
});

after(async () => {
  await server?.stop();
  setupAgent.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(`hostile requests (seed ${SEED}): no 5xx, no crash, GET / within ${MAX_PROBE_MS} ms`, { timeout: (SECONDS + 240) * 1000 }, async (t) => {
  t.diagnostic(`seed ${SEED}${ONLY ? `, replaying ${ONLY.join(',')}` : `, ${SECONDS} s, ${CONCURRENCY} in flight`} (FUZZ_SEED, FUZZ_SECONDS, FUZZ_ONLY)`);
  const failures: Failure[] = [];
  const runStart = Date.now();
  const statuses = new Map<string, number>();
  const probes: number[] = [];
  let stopped = false;
  let crashed: string | null = null;
  let crashedAt = Infinity;
  void server.exited.then((code) => {
    crashedAt = Date.now();
    crashed = `the server exited (${code}) during the run; its last output:\n${server.output().slice(-4000)}`;
    stopped = true;
  });

  // The prober runs in its own thread, so that building a big request here never delays a
  // probe or its clock. It reports [sent at (epoch ms), latency, status] for every probe.
  const probeLog: { at: number; ms: number; status: number | string }[] = [];
  const prober = new Worker(PROBER, { eval: true, workerData: { port, auth: basic('prober'), every: PROBE_EVERY_MS } });
  prober.on('message', (m: { at: number; ms: number; status: number | string }) => {
    probeLog.push(m);
    probes.push(m.ms);
  });
  const proberDone = new Promise<void>((res) => prober.once('exit', () => res()));
  const history: { req: FuzzRequest; start: number; end: number }[] = [];

  const deadline = Date.now() + SECONDS * 1000;
  const queue = ONLY ? [...ONLY] : null;
  let next = 0;
  const lane = async () => {
    const agent = new http.Agent({ keepAlive: true });
    for (;;) {
      if (stopped) break;
      let n: number;
      if (queue) {
        if (!queue.length) break;
        n = queue.shift()!;
      } else {
        if (Date.now() >= deadline || next >= MAX_REQUESTS) break;
        n = next++;
      }
      const req = makeRequest(SEED, n);
      const auth = authFor(req.user);
      const headers: Record<string, string> = { ...(auth ? { authorization: auth } : {}), ...(req.contentType ? { 'content-type': req.contentType } : {}) };
      const start = Date.now();
      const logFrom = server.output().length;
      let r = await send(agent, req.method, req.path, headers, req.body);
      if (r.status === 0 && r.reused && !r.error?.startsWith('no answer')) {
        // A kept-alive connection the server had just closed (after an answer with
        // `connection: close`): the request never reached it. Once more on a new connection.
        const fresh = new http.Agent({ keepAlive: false });
        r = await send(fresh, req.method, req.path, headers, req.body);
        fresh.destroy();
      }
      history.push({ req, start, end: Date.now() });
      const key = r.status > 0 ? `${Math.floor(r.status / 100)}xx` : r.status === 0 ? 'no answer' : 'not sent';
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (process.env.FUZZ_VERBOSE) {
        let type = r.error ?? '';
        try {
          type ||= JSON.parse(r.text).error?.type ?? '';
        } catch {
          /* not JSON */
        }
        t.diagnostic(`#${n} ${req.user} ${req.endpoint} ${r.status} ${type} ${r.ms.toFixed(0)}ms ${r.status >= 400 ? r.text.slice(0, 160) : ''}`);
      }
      if (r.status >= 500) {
        let type = '';
        try {
          const e = JSON.parse(r.text).error;
          type = `${e?.type ?? ''}: ${String(e?.reason ?? '').slice(0, 80)}`;
        } catch {
          type = r.text.slice(0, 80);
        }
        failures.push({ kind: `${r.status} on ${req.endpoint} (${type})`, req, logFrom, detail: `${describeReq(req)}\n  -> ${r.status} after ${r.ms.toFixed(0)} ms: ${r.text.slice(0, 500)}\n  reproduce: ${replay(n)}` });
      } else if (r.error?.startsWith('no answer')) {
        failures.push({ kind: `no answer within ${REQUEST_TIMEOUT_MS} ms on ${req.endpoint}`, req, detail: `${describeReq(req)}\n  -> ${r.error}\n  reproduce: ${replay(n)}` });
        agent.destroy();
      }
    }
    agent.destroy();
  };
  await Promise.all(Array.from({ length: queue ? 1 : CONCURRENCY }, lane));
  stopped = true;
  prober.postMessage('stop');
  await proberDone;
  for (const p of probeLog) {
    if ((p.status === 200 && p.ms <= MAX_PROBE_MS) || p.at >= crashedAt) continue;
    // What was in flight while the probe waited. The server runs one thing at a time, so the
    // request that started first is the likeliest blocker; the others may just have queued.
    const overlapping = history.filter((h) => h.start < p.at + p.ms && h.end > p.at).sort((a, b) => a.start - b.start);
    const busy = overlapping.map((h) => `  ${describeReq(h.req).slice(0, 600)} (took ${h.end - h.start} ms)\n    reproduce: ${replay(h.req.n)}`);
    const culprit = overlapping[0];
    failures.push({
      kind: `GET / over ${MAX_PROBE_MS} ms or failing, while ${culprit ? `${culprit.req.endpoint} [${culprit.req.tags.join(', ')}] ran` : 'nothing else ran'}`,
      req: culprit?.req,
      detail: `GET / sent at +${p.at - runStart} ms answered ${p.status} after ${p.ms.toFixed(0)} ms; in flight meanwhile, earliest first:\n${busy.join('\n') || '  nothing'}`,
    });
  }

  const sorted = [...probes].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(0) : '-');
  t.diagnostic(`sent ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests: ${[...statuses].map(([k, v]) => `${k} ${v}`).join(', ')}; ${probes.length} probes of GET /: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`);
  if (crashed) failures.push({ kind: 'crash', detail: crashed });
  else assert.ok(server.alive(), 'the server is still running');

  if (failures.length) {
    // A 500 hides its cause from the client; the server logs it (asynchronously, so this waits a
    // moment): the first error logged after the request started names it, in the class too.
    await new Promise((r) => setTimeout(r, 500));
    for (const f of failures) {
      if (f.logFrom === undefined) continue;
      const logged = serverErrors(server.output().slice(f.logFrom));
      if (!logged.length) continue;
      f.kind = f.kind.replace(/\(exception: Internal error; see the server log\)/, `(logged: ${logged[0].slice(0, 100)})`);
      f.detail += `\n  first error the server logged after it started: ${logged[0].slice(0, 400)}`;
    }
    // One example per class, classes in order of first appearance.
    const classes = new Map<string, Failure[]>();
    for (const f of failures) classes.set(f.kind, [...(classes.get(f.kind) ?? []), f]);
    const report = [...classes].map(([kind, fs]) => `● ${kind} ×${fs.length}${fs[0].req ? ` (requests ${fs.slice(0, 10).map((f) => f.req!.n).join(',')}${fs.length > 10 ? ',…' : ''})` : ''}\n${fs[0].detail}`);
    assert.fail(`seed ${SEED}: ${failures.length} failures in ${classes.size} classes\n\n${report.join('\n\n').slice(0, 60_000)}\n\nserver log (tail):\n${server.output().slice(-3000)}`);
  }
});
