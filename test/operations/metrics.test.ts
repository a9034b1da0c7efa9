/**
 * Prometheus metrics (issue 12 "Operations", docs/operations.md): a real `serve` (HTTP on
 * loopback, in-process worker, embedded content index) answers a few API calls and runs one
 * directory sync; the scrape shows the counters moved with the right labels, parses as the
 * text exposition format, and needs the `monitor` privilege when security is on. The
 * standalone worker serves its own metrics on 127.0.0.1 with `--metrics-port`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppContext } from '../../src/api/app-context.js';
import { buildServer } from '../../src/api/server.js';
import { OTHER_LABEL, ProcessMetrics, SNAPSHOT_WAIT_MS } from '../../src/app/metrics.js';
import { openApp } from '../../src/app/open-app.js';
import { dropSchema, pgUrl, randomSchema, requirePg } from '../../src/store/postgres/postgres.fixture.js';
import { runWorker } from '../../src/app/run-worker.js';
import { serve } from '../../src/app/serve.js';
import { freePort } from '../helpers/bin-process.js';
import { startServer } from '../helpers/server.js';
import { TEST_ROLES, TEST_USERS, startSecureServer, type SecureServer } from '../helpers/secure-server.js';
import { directoryConnector, makeTree, removeDir, syncNow, tempDir, waitForJob, type Stack } from '../runtime/helpers/harness.js';

const FILES = 25;

/** One sample: metric name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
// Prometheus parses values with Go's ParseFloat, which takes NaN in any case (prom-client writes `Nan`).
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|\\+Inf|-Inf)$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/g;

/** Parses the text exposition format strictly enough to fail on a malformed line. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      const consumed = [...m[2].matchAll(LABEL)];
      assert.equal(consumed.map((x) => x[0]).join(''), m[2], `bad labels in: ${line}`);
      for (const l of consumed) labels[l[1]] = l[2];
    }
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]) || types.has(family), `sample without a TYPE line: ${line}`);
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types };
}

function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const hits = find(samples, name, labels);
  assert.equal(hits.length, 1, `one sample ${name}${JSON.stringify(labels)}, got ${hits.length}`);
  return hits[0].value;
}

describe('GET /_tributary/metrics on a serving process', () => {
  let dataDir: string;
  let root: string;
  let stop: () => Promise<void>;
  let url: string;
  let stack: Stack;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tributary-metrics-'));
    root = tempDir();
    makeTree(root, FILES, 5);
    const config = join(dataDir, 'tributary.yml');
    writeFileSync(config, 'worker:\n  poll_interval: 100ms\n  job_poll_interval: 100ms\n  heartbeat: 400ms\n  cancel_poll: 100ms\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    stop = await serve({ port: String(port), host: '127.0.0.1', data: join(dataDir, 'data'), config, maxBody: String(1 << 20), logLevel: 'silent', worker: true });
    // The harness's helpers need only `call`.
    stack = {
      async call(method: string, path: string, body?: unknown) {
        const res = await fetch(url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      },
    } as Stack;
  });

  after(async () => {
    await stop?.();
    removeDir(root);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts requests by endpoint name and status, syncs by connector, job type and outcome', async () => {
    await directoryConnector(stack, 'docs', root);
    assert.equal((await stack.call('GET', '/_connector/no-such-connector')).status, 404);
    assert.equal((await stack.call('GET', '/_no/such/path')).status, 400);
    const job = await waitForJob(stack, await syncNow(stack, 'docs'), ['completed', 'error', 'canceled'], 60_000);
    assert.equal(job.status, 'completed', job.error);

    const res = await fetch(`${url}/_tributary/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(res.headers.get('x-elastic-product'), 'Elasticsearch');
    const { samples, types } = parseExposition(await res.text());

    // HTTP: endpoint names, never raw paths; unknown paths under one label.
    assert.ok(value(samples, 'tributary_http_requests_total', { route: 'connector.put', status: '201' }) >= 1);
    assert.equal(value(samples, 'tributary_http_requests_total', { route: 'connector.get', status: '404' }), 1);
    assert.equal(value(samples, 'tributary_http_requests_total', { route: 'unknown', status: '400' }), 1);
    const routes = new Set(find(samples, 'tributary_http_requests_total').map((s) => s.labels.route));
    assert.ok(![...routes].some((r) => r.includes('/')), `raw paths as labels: ${[...routes].join(', ')}`);
    assert.equal(types.get('tributary_http_request_duration_seconds'), 'histogram');
    const putCount = value(samples, 'tributary_http_request_duration_seconds_count', { route: 'connector.put' });
    assert.equal(value(samples, 'tributary_http_request_duration_seconds_bucket', { route: 'connector.put', le: '+Inf' }), putCount);
    for (const route of routes) {
      const buckets = find(samples, 'tributary_http_request_duration_seconds_bucket', { route });
      const les = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
      assert.deepEqual(les, [...les].sort((x, y) => x - y), `buckets of ${route} in order`);
      assert.ok(buckets.every((b, i) => i === 0 || b.value >= buckets[i - 1].value), `buckets of ${route} cumulative`);
      const total = find(samples, 'tributary_http_requests_total', { route }).reduce((n, x) => n + x.value, 0);
      assert.equal(value(samples, 'tributary_http_request_duration_seconds_count', { route }), total, `count of ${route}`);
    }
    // The worker's own API calls over loopback are requests too.
    assert.ok(value(samples, 'tributary_http_requests_total', { route: 'connector.sync_job_claim', status: '200' }) >= 1);

    // Syncs, recorded by the in-process worker into the same registry.
    assert.equal(value(samples, 'tributary_sync_jobs_finished_total', { connector: 'docs', job_type: 'full', outcome: 'completed' }), 1);
    assert.equal(value(samples, 'tributary_sync_documents_indexed_total', { connector: 'docs' }), FILES);
    assert.ok(value(samples, 'tributary_sync_indexed_bytes_total', { connector: 'docs' }) > FILES * 20);
    assert.equal(value(samples, 'tributary_sync_job_duration_seconds_count', { job_type: 'full' }), 1);
    assert.equal(value(samples, 'tributary_worker_jobs_running'), 0);
    assert.equal(value(samples, 'tributary_worker_job_slots'), 2);
    assert.equal(value(samples, 'tributary_sync_queue_bytes'), 0);
    assert.equal(value(samples, 'tributary_sync_jobs', { status: 'pending' }), 0);
    assert.equal(value(samples, 'tributary_sync_jobs', { status: 'in_progress' }), 0);

    // Sizes at scrape time.
    assert.ok(value(samples, 'tributary_store_size_bytes', { store: 'sqlite' }) > 0);
    assert.equal(value(samples, 'tributary_content_index_documents', { index: 'docs' }), FILES);
    assert.ok(value(samples, 'tributary_content_index_size_bytes') > 0);
    assert.equal(value(samples, 'tributary_search_queue_depth'), 0);

    // prom-client's default process metrics, event-loop lag included.
    assert.ok(value(samples, 'nodejs_eventloop_lag_seconds') >= 0);
    assert.ok(find(samples, 'process_resident_memory_bytes').length === 1);

    // The scrape itself was counted under its own name.
    const again = parseExposition(await (await fetch(`${url}/_tributary/metrics`)).text()).samples;
    assert.ok(value(again, 'tributary_http_requests_total', { route: 'tributary.metrics', status: '200' }) >= 1);
  });

  it('leaves the text as it is with pretty or filter_path (JSON-only options)', async () => {
    for (const q of ['pretty', 'filter_path=a.b']) {
      const res = await fetch(`${url}/_tributary/metrics?${q}`);
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.match(text, /^# HELP /, q);
      parseExposition(text);
    }
  });

  it('refuses unknown query parameters like every endpoint', async () => {
    const res = await fetch(`${url}/_tributary/metrics?format=json`);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-elastic-product'), 'Elasticsearch');
    assert.match(((await res.json()) as { error: { reason: string } }).error.reason, /format/);
  });
});

describe('GET /_tributary/metrics with security on', () => {
  let srv: SecureServer;
  before(async () => {
    srv = await startSecureServer({
      users: { ...TEST_USERS, prom: { password: 'prom-password', roles: ['monitoring'] } },
      roles: { ...TEST_ROLES, monitoring: { cluster: ['monitor'] } },
    });
  });
  after(() => srv?.close());

  it('needs the monitor cluster privilege', async () => {
    const ok = await srv.inject({ method: 'GET', url: '/_tributary/metrics', auth: ['prom', 'prom-password'] });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.match(ok.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    assert.match(ok.body, /^# HELP tributary_/m);

    const reader = await srv.inject({ method: 'GET', url: '/_tributary/metrics', auth: ['reader', 'reader-password'] });
    assert.equal(reader.statusCode, 403);
    assert.match(reader.json().error.reason, /cluster:monitor\/tributary\/metrics/);
    assert.equal((await srv.inject({ method: 'GET', url: '/_tributary/metrics' })).statusCode, 401);
    // The refused attempts were counted with their status.
    const after = await srv.inject({ method: 'GET', url: '/_tributary/metrics', auth: ['root', 'root-password'] });
    const { samples } = parseExposition(after.body);
    assert.equal(value(samples, 'tributary_http_requests_total', { route: 'tributary.metrics', status: '403' }), 1);
    assert.equal(value(samples, 'tributary_http_requests_total', { route: 'tributary.metrics', status: '401' }), 1);
  });
});

describe('connector label values', () => {
  it('are bounded: past the limit, connectors count under _other', async () => {
    const m = new ProcessMetrics({ maxConnectorLabels: 2 });
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c1']) m.sync.progress({ connectorId: id, indexed: 10, deleted: 0, failed: 0, bytes: 100 });
    m.sync.jobFinished({ connectorId: 'c9', jobType: 'incremental', outcome: 'error', seconds: 3 });
    const { samples } = parseExposition((await m.scrape()).body);
    assert.equal(value(samples, 'tributary_sync_documents_indexed_total', { connector: 'c1' }), 20);
    assert.equal(value(samples, 'tributary_sync_documents_indexed_total', { connector: 'c2' }), 10);
    assert.equal(value(samples, 'tributary_sync_documents_indexed_total', { connector: OTHER_LABEL }), 20);
    assert.equal(find(samples, 'tributary_sync_documents_indexed_total').length, 3);
    assert.equal(value(samples, 'tributary_sync_jobs_finished_total', { connector: OTHER_LABEL, job_type: 'incremental', outcome: 'error' }), 1);
  });
});

describe('tributary worker --metrics-port', { timeout: 60_000 }, () => {
  it('serves the worker process metrics on 127.0.0.1', async () => {
    const port = await freePort();
    const srv = await startServer({ listen: true });
    const worker = await runWorker({ url: srv.url, logLevel: 'silent', metricsPort: String(port), concurrency: '3' });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      const { samples } = parseExposition(await res.text());
      assert.equal(value(samples, 'tributary_worker_job_slots'), 3);
      assert.equal(value(samples, 'tributary_worker_jobs_running'), 0);
      assert.ok(find(samples, 'nodejs_eventloop_lag_seconds').length === 1);
      assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
      await assert.rejects(runWorker({ url: srv.url, logLevel: 'silent', metricsPort: String(port) }), /cannot listen for metrics on 127\.0\.0\.1:\d+: the port is in use/);
    } finally {
      await worker.stop();
      await srv.close();
    }
    await assert.rejects(runWorker({ url: 'http://127.0.0.1:1', logLevel: 'silent', metricsPort: 'abc' }), /--metrics-port must be a port number/);
  });
});

describe('scrape-time values', () => {
  it('a store that does not answer delays the scrape by the wait bound only, then the previous values', async () => {
    const m = new ProcessMetrics();
    let size = 1234;
    let hang = false;
    const never = new Promise<number>(() => {});
    const jobs = { list: async () => ({ count: 3, results: [] }) };
    m.watchApp({ store: { kind: 'sqlite', sizeBytes: () => (hang ? never : Promise.resolve(size)), syncJobs: jobs } } as unknown as AppContext);
    const first = parseExposition((await m.scrape()).body).samples;
    assert.equal(value(first, 'tributary_store_size_bytes', { store: 'sqlite' }), 1234);
    assert.equal(value(first, 'tributary_sync_jobs', { status: 'pending' }), 3);

    // Within the reuse window the store is not asked again.
    size = 99;
    assert.equal(value(parseExposition((await m.scrape()).body).samples, 'tributary_store_size_bytes', { store: 'sqlite' }), 1234);

    // Past it, a hanging store: the scrape answers after the wait bound with the previous values.
    (m as unknown as { snapshotAt: number }).snapshotAt = 0;
    hang = true;
    const started = Date.now();
    const stale = parseExposition((await m.scrape()).body).samples;
    const took = Date.now() - started;
    assert.ok(took >= SNAPSHOT_WAIT_MS - 50 && took < SNAPSHOT_WAIT_MS + 1_000, `scrape took ${took} ms`);
    assert.equal(value(stale, 'tributary_store_size_bytes', { store: 'sqlite' }), 1234);
  });
});

describe('metrics on the PostgreSQL store', async () => {
  if (!(await requirePg('metrics on the PostgreSQL store'))) return;
  it('report pg_database_size and the sync jobs waiting in the shared store', async () => {
    const schema = randomSchema();
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-metrics-pg-'));
    const app = await openApp({ dataDir, storeUrl: pgUrl({ schema }) });
    const server = buildServer(app);
    try {
      await server.ready();
      const put = await server.inject({ method: 'PUT', url: '/_connector/pg1', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ index_name: 'pg1', service_type: 'directory' }) });
      assert.equal(put.statusCode, 201, put.body);
      for (let i = 0; i < 2; i++) {
        const job = await server.inject({ method: 'POST', url: '/_connector/_sync_job', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'pg1' }) });
        assert.equal(job.statusCode, 201, job.body);
      }
      const res = await server.inject({ method: 'GET', url: '/_tributary/metrics' });
      assert.equal(res.statusCode, 200);
      const { samples } = parseExposition(res.body);
      assert.ok(value(samples, 'tributary_store_size_bytes', { store: 'postgres' }) > 1_000_000, 'a PostgreSQL database takes megabytes');
      assert.equal(value(samples, 'tributary_sync_jobs', { status: 'pending' }), 2);
      assert.equal(value(samples, 'tributary_sync_jobs', { status: 'in_progress' }), 0);
    } finally {
      await server.close();
      await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
