/**
 * A sync the way users run it (issue 15): `tributary serve` with its in-process worker, a
 * connector of a served type created and configured over the API, a full sync requested with
 * `POST _connector/_sync_job`. While the sync runs, `GET _connector/<id>` is sent every 20 ms on
 * a keep-alive connection (each request's latency recorded: a steady probe, not a load that would
 * take the sync's CPU on a small machine) and the server's event-loop delay is sampled inside it
 * (bench/loop-probe.mjs). The server's RSS is sampled from /proc.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer } from './procs.js';

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export interface Latencies {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ServedSync {
  indexed: number;
  /** Documents per second, from the job's `started_at` to its `completed_at`. */
  rate: number;
  /** Peak sampled RSS of the serving process until `mark` documents were indexed, and overall (bytes). */
  peakAtMark: number;
  peak: number;
  /** Event-loop delay in the serving process during the sync. */
  loop: LoopDelay;
  /** `GET _connector/<id>` during the sync, and alone before it. */
  get: Latencies;
  idleGet: Latencies;
}

export interface ServedSyncSpec {
  serviceType: string;
  configuration: Record<string, unknown>;
  /** RSS is noted when the job's indexed count passes this. */
  mark: number;
  /** Extra `node` arguments for the server (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

const CONNECTOR = 'bench-sync';
const PROBE_EVERY_MS = 20;

function vmRss(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

function percentiles(xs: number[]): Latencies {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN);
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s.at(-1) ?? NaN };
}

/** One request on `agent`; resolves with the parsed JSON body (or null) and the status. */
function call(agent: Agent, url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const u = new URL(path, url);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(u, { method, agent, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Sends `GET _connector/<id>` every PROBE_EVERY_MS (or right after a slower answer) until `stop()`. */
function probe(url: string): { stop(): Promise<number[]> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await call(agent, url, 'GET', `/_connector/${CONNECTOR}`);
      const took = performance.now() - t0;
      times.push(took);
      if (res.status !== 200) throw new Error(`GET _connector/${CONNECTOR}: ${res.status}`);
      if (took < PROBE_EVERY_MS) await new Promise((r) => setTimeout(r, PROBE_EVERY_MS - took));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return times;
    },
  };
}

async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function servedSync(spec: ServedSyncSpec): Promise<ServedSync> {
  const { nodeArgsFor } = await import('../scripts/dist.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-serve-'));
  const loopFile = join(dir, 'loop.json');
  const config = join(dir, 'tributary.yml');
  writeFileSync(config, 'worker:\n  poll_interval: 500ms\n  job_poll_interval: 500ms\n  heartbeat: 2s\n');
  const port = await freePort();
  const loopProbe = new URL('./loop-probe.mjs', import.meta.url).pathname;
  const server = await startServer(
    'tributary serve',
    [...(spec.nodeArgs ?? []), '--import', loopProbe, ...nodeArgsFor('src/cli/main.ts'), 'serve', '--port', String(port), '--data', join(dir, 'data'), '--config', config, '--log-level', 'warn'],
    port,
    { env: { ...process.env, BENCH_LOOP_FILE: loopFile } },
  );
  const pid = server.child.pid!;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const api = (method: string, path: string, body?: unknown) => call(agent, server.url, method, path, body);
  const loopWindow = async (): Promise<LoopDelay> => {
    rmSync(loopFile, { force: true });
    process.kill(pid, 'SIGUSR2');
    return until('the loop probe', 5000, async () => {
      try {
        return JSON.parse(readFileSync(loopFile, 'utf8')) as LoopDelay;
      } catch {
        return undefined;
      }
    });
  };
  try {
    const put = await api('PUT', `/_connector/${CONNECTOR}`, { index_name: `bench-${spec.serviceType}`, service_type: spec.serviceType });
    if (put.status >= 300) throw new Error(`PUT _connector: ${put.status} ${JSON.stringify(put.body)}`);
    // The worker's connector loop writes the configuration schema first.
    await until('the configuration schema', 30_000, async () =>
      Object.keys((await api('GET', `/_connector/${CONNECTOR}`)).body.configuration ?? {}).length > 0 ? true : undefined,
    );
    const conf = await api('PUT', `/_connector/${CONNECTOR}/_configuration`, { values: spec.configuration });
    if (conf.status >= 300) throw new Error(`PUT _configuration: ${conf.status} ${JSON.stringify(conf.body)}`);

    // GET alone, for reference.
    const idle = probe(server.url);
    await new Promise((r) => setTimeout(r, 3000));
    const idleGet = percentiles(await idle.stop());

    let peak = 0;
    let peakAtMark = NaN;
    const sampler = setInterval(() => (peak = Math.max(peak, vmRss(pid))), 100);
    await loopWindow();
    const load = probe(server.url);
    const job = await api('POST', '/_connector/_sync_job', { id: CONNECTOR, job_type: 'full' });
    if (job.status >= 300) throw new Error(`POST _sync_job: ${job.status} ${JSON.stringify(job.body)}`);
    const done = await until('the sync job', 60 * 60_000, async () => {
      const j = (await api('GET', `/_connector/_sync_job/${job.body.id}`)).body;
      if (Number.isNaN(peakAtMark) && Number(j.indexed_document_count ?? 0) >= spec.mark) peakAtMark = Math.max(peak, vmRss(pid));
      return ['completed', 'error', 'canceled'].includes(j.status) ? j : undefined;
    });
    const loop = await loopWindow();
    const get = percentiles(await load.stop());
    clearInterval(sampler);
    if (done.status !== 'completed') throw new Error(`the sync ended ${done.status}: ${done.error}`);
    const ms = Date.parse(done.completed_at) - Date.parse(done.started_at);
    const indexed = Number(done.indexed_document_count);
    return { indexed, rate: (indexed / ms) * 1000, peakAtMark, peak, loop, get, idleGet };
  } finally {
    agent.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
