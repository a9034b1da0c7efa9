/**
 * `npm run bench:api`: create / get / list throughput and latency of the Connector API on
 * loopback, each against a ceiling measured in the same run (a bare `node:http` server sending
 * the same bytes and headers, see `ceiling.ts`), plus the raw SQLite insert rate for context.
 *
 * Every server runs in its own child process; the load generator (autocannon, programmatic)
 * runs in this one. Options (or env): --duration N (BENCH_DURATION, seconds, default 10),
 * --connections N (BENCH_CONNECTIONS, 50), --store URL (BENCH_STORE: also run Tributary on
 * that store, e.g. postgres://postgres@127.0.0.1:5432/test; "not available" when it cannot
 * start), --warmup N (seconds, 2), --seed N (connectors created before get/list, 1000),
 * --rounds N (1), --only get,list,create, --cpu-prof DIR (profile the Tributary processes),
 * --json FILE (raw results), --rate N (BENCH_RATE: a fixed total request rate instead of a closed
 * loop, for latency below saturation), --worker on,off (BENCH_WORKER: each Tributary is started
 * as users run it, in-process worker on, and/or with --no-worker; default both),
 * --service-type T (BENCH_SERVICE_TYPE, default directory: the type of the connectors created,
 * one the worker serves, so it reacts to them as it would to a user's).
 */
import autocannon, { type RawRequest, type Result } from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuTimeMs, freePort, machineCpu, pinCpus, startServer, type ServerProcess } from './procs.js';
import { sqliteInsertRates } from './sqlite-insert.js';
import { createBody } from './workload.js';
import { nodeArgsFor } from '../scripts/dist.mjs';

const env = process.env;
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: env.BENCH_DURATION ?? '10' },
    connections: { type: 'string', default: env.BENCH_CONNECTIONS ?? '50' },
    store: { type: 'string', default: env.BENCH_STORE },
    warmup: { type: 'string', default: env.BENCH_WARMUP ?? '2' },
    seed: { type: 'string', default: env.BENCH_SEED ?? '1000' },
    rounds: { type: 'string', default: env.BENCH_ROUNDS ?? '1' },
    only: { type: 'string', default: env.BENCH_ONLY ?? 'get,list,create' },
    'cpu-prof': { type: 'string' },
    json: { type: 'string' },
    'sqlite-seconds': { type: 'string', default: '2' },
    rate: { type: 'string', default: env.BENCH_RATE },
    pin: { type: 'boolean', default: env.BENCH_PIN === '1' },
    worker: { type: 'string', default: env.BENCH_WORKER ?? 'on,off' },
    'service-type': { type: 'string', default: env.BENCH_SERVICE_TYPE ?? 'directory' },
    'setup-wait': { type: 'string', default: env.BENCH_SETUP_WAIT ?? '60' },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const WARMUP = Number(args.warmup);
const SEED = Number(args.seed);
const ROUNDS = Number(args.rounds);
/** Open loop: this many requests/s over all connections (latency corrected for coordinated omission). */
const RATE = args.rate ? Number(args.rate) : 0;
const SCENARIOS = args.only!.split(',').map((s) => s.trim()) as Scenario[];
const WORKER_MODES = args.worker!.split(',').map((s) => s.trim()).filter(Boolean);
if (!WORKER_MODES.length || WORKER_MODES.some((m) => m !== 'on' && m !== 'off')) throw new Error(`--worker: expected on, off or on,off; got ${args.worker}`);
const SERVICE_TYPE = args['service-type']!;
/** Seconds to wait for the worker to set up the seeded connectors before measuring. */
const SETUP_WAIT = Number(args['setup-wait']);
/** `--pin`: servers on the last CPU, the load generator on the others (see pinCpus). */
const PIN = args.pin ? pinCpus(cpus().length) : null;
const serverCpus = PIN ? { cpus: PIN.server } : {};

type Scenario = 'get' | 'list' | 'create';
const EXPECTED_STATUS: Record<Scenario, number> = { get: 200, list: 200, create: 201 };

interface Target {
  label: string;
  server: ServerProcess | null;
  /** Why it could not run. */
  unavailable?: string;
  /** Prefix of the ids this target creates (unique per run: a shared PostgreSQL keeps rows). */
  prefix: string;
  seedIds: string[];
  ceiling?: boolean;
  /** In-process worker on (as `tributary serve` starts by default). */
  worker?: boolean;
}

interface Row {
  round: number;
  scenario: Scenario;
  target: string;
  rps: number;
  p50: number;
  p99: number;
  ratio: number | null;
  /** Server CPU time (user + system) per request, µs: stable where req/s is noisy. */
  cpuUs: number;
  /** This process's (autocannon's) CPU time per request, µs. */
  clientCpuUs: number;
  /** Share of all cores idle during the run (0–100 %): near 0 means the run was CPU-bound. */
  idlePct: number;
  bad: number;
  /** Unexpected status codes and socket errors, e.g. `404×12`. */
  badDetail?: string;
  note?: string;
  reason?: string;
}

const runId = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);

function load(url: string, scenario: Scenario, target: Target, seconds: number, tag: string): Promise<Result> {
  let n = 0;
  let setup: (req: RawRequest) => RawRequest;
  if (scenario === 'get') {
    const ids = target.seedIds;
    setup = (req) => ({ ...req, method: 'GET', path: `/_connector/${ids[n++ % ids.length]}` });
  } else if (scenario === 'list') {
    setup = (req) => ({ ...req, method: 'GET', path: '/_connector?size=20' });
  } else {
    setup = (req) => {
      const u = `${target.prefix}-${tag}-${n++}`;
      // A fresh headers object per request: autocannon adds content-length to the one it is given.
      // A fresh headers object each time: autocannon writes content-length into the one it gets.
      return { ...req, method: 'PUT', path: `/_connector/${u}`, headers: { 'content-type': 'application/json' }, body: createBody(u, SERVICE_TYPE) };
    };
  }
  return new Promise((resolvePromise, reject) => {
    autocannon(
      { url, connections: CONNECTIONS, duration: seconds, timeout: 30, requests: [{ setupRequest: setup }], ...(RATE ? { overallRate: RATE } : {}) },
      (err, result) => (err ? reject(err) : resolvePromise(result)),
    );
  });
}

async function seed(target: Target): Promise<void> {
  const url = target.server!.url;
  const ids = Array.from({ length: SEED }, (_, i) => `${target.prefix}-seed-${i}`);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const res = await fetch(`${url}/_connector/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: createBody(id, SERVICE_TYPE) });
      const text = await res.text();
      if (res.status !== 201 && res.status !== 200) throw new Error(`${target.label}: seeding ${id} answered ${res.status} ${text}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: 16 }, worker));
  } catch (e) {
    throw new Error(`${target.label}: seeding failed: ${(e as Error).message} ${String((e as Error).cause ?? '')}; server stderr: ${target.server!.stderr() || '(none)'}; exit code ${target.server!.child.exitCode}`);
  }
  target.seedIds = ids;
}

function tributaryArgs(port: number, data: string, worker: boolean, store?: string): string[] {
  const a: string[] = [];
  if (args['cpu-prof']) a.push('--cpu-prof', `--cpu-prof-dir=${resolve(args['cpu-prof'])}`);
  a.push(...nodeArgsFor('src/cli/main.ts'), 'serve', '--port', String(port), '--data', data, '--log-level', 'warn');
  if (!worker) a.push('--no-worker');
  if (store) a.push('--store', store);
  return a;
}

/**
 * Worker on: waits (up to --setup-wait seconds) until the worker has set up every seeded
 * connector (its configuration schema registered), so get and list measure the documents users
 * see once the worker has run, and create starts with the worker idle. Returns the seconds taken.
 */
async function waitSetUp(target: Target): Promise<number | null> {
  const t0 = Date.now();
  const deadline = t0 + SETUP_WAIT * 1000;
  for (;;) {
    const pending = await countNotSetUp(target);
    if (pending === 0) return (Date.now() - t0) / 1000;
    if (Date.now() > deadline) {
      process.stderr.write(`${target.label}: ${pending} of ${target.seedIds.length} seeded connectors not set up by the worker after ${SETUP_WAIT} s\n`);
      return null;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function countNotSetUp(target: Target): Promise<number> {
  let pending = 0;
  for (let from = 0; from < target.seedIds.length; from += 100) {
    const r = (await (await fetch(`${target.server!.url}/_connector?from=${from}&size=100`)).json()) as { results: { configuration?: object }[] };
    pending += r.results.filter((c) => Object.keys(c.configuration ?? {}).length === 0).length;
    if (r.results.length < 100) break;
  }
  return pending;
}

/** The worker's default poll interval (docs/runtime.md): its next tick comes at most this long after a run. */
const WORKER_POLL_MS = 10_000;

/**
 * Worker on: after a measurement, waits (up to --setup-wait seconds) until the worker has had
 * its next tick and the server is quiet again (under 10 % of a core for a second), i.e. the
 * worker has reacted to what the measurement wrote, so it does not load the machine during the
 * next target's run. Returns the seconds.
 */
async function waitQuiet(target: Target): Promise<number | null> {
  const t0 = Date.now();
  for (;;) {
    const c0 = cpuTimeMs(target.server!.child.pid);
    await new Promise((r) => setTimeout(r, 1000));
    if (Date.now() - t0 > WORKER_POLL_MS && cpuTimeMs(target.server!.child.pid) - c0 < 100) return (Date.now() - t0) / 1000;
    if (Date.now() - t0 > SETUP_WAIT * 1000) return null;
  }
}

const label = (store: string, worker: boolean) => `tributary ${store}${worker ? '' : ' --no-worker'}`;

async function runRound(round: number, tmp: string): Promise<Row[]> {
  const targets: Target[] = [];
  const stopAll = async () => {
    for (const t of targets) await t.server?.stop();
  };
  try {
    for (const mode of WORKER_MODES) {
      const worker = mode === 'on';
      const tag = `${round}${worker ? 'w' : 'n'}`;
      const port = await freePort();
      targets.push({
        label: label('sqlite', worker), worker, prefix: `bench-${runId}-r${tag}-sqlite`, seedIds: [],
        server: await startServer(`tributary (sqlite${worker ? '' : ', --no-worker'})`, tributaryArgs(port, join(tmp, `data-${tag}`), worker), port, serverCpus),
      });
      if (!args.store) continue;
      const pg: Target = { label: label('postgres', worker), worker, prefix: `bench-${runId}-r${tag}-pg`, seedIds: [], server: null };
      targets.push(pg);
      try {
        const port = await freePort();
        const url = storeUrlForRound(args.store, `${round}_${worker ? 'w' : 'n'}`);
        pg.server = await startServer(`tributary (--store${worker ? '' : ', --no-worker'})`, tributaryArgs(port, join(tmp, `data-pg-${tag}`), worker, url), port, serverCpus);
      } catch (e) {
        pg.unavailable = (e as Error).message;
      }
    }
    const sqlite = targets[0];
    process.stderr.write(`round ${round}: seeding ${targets.map((t) => t.server?.url).join(" ")}\n`);
    for (const t of targets) if (t.server) await seed(t);
    for (const t of targets) {
      if (!t.server || !t.worker) continue;
      const s = await waitSetUp(t);
      if (s !== null) process.stderr.write(`round ${round}: ${t.label}: the worker set up the ${t.seedIds.length} seeded connectors in ${s.toFixed(1)} s\n`);
    }

    // The ceiling sends exactly the bytes Tributary sent for one GET and one list.
    const get = await (await fetch(`${sqlite.server!.url}/_connector/${sqlite.seedIds[0]}`)).text();
    const list = await (await fetch(`${sqlite.server!.url}/_connector?size=20`)).text();
    const bodiesFile = join(tmp, `bodies-${round}.json`);
    writeFileSync(bodiesFile, JSON.stringify({ get, list }));
    const ceilingPort = await freePort();
    const ceiling: Target = {
      label: 'ceiling (node:http)',
      prefix: `bench-${runId}-r${round}-ceiling`,
      seedIds: sqlite.seedIds,
      ceiling: true,
      server: await startServer('ceiling', [...nodeArgsFor('bench/ceiling.ts'), String(ceilingPort), bodiesFile], ceilingPort, serverCpus),
    };
    targets.unshift(ceiling);
    process.stderr.write(`round ${round}: ${targets.map((t) => `${t.label} ${t.server?.url ?? "-"}`).join(", ")}; ceiling: the bytes of ${sqlite.label}, GET body ${Buffer.byteLength(get)} B, list body ${Buffer.byteLength(list)} B\n`);
    for (const t of targets.slice(2)) {
      if (!t.server) continue;
      const own = await (await fetch(`${t.server.url}/_connector/${t.seedIds[0]}`)).text();
      process.stderr.write(`round ${round}: ${t.label}: GET body ${Buffer.byteLength(own)} B\n`);
    }

    const rows: Row[] = [];
    for (const scenario of SCENARIOS) {
      let ceilingRps = 0;
      for (const t of targets) {
        if (!t.server) {
          rows.push({ round, scenario, target: t.label, rps: NaN, p50: NaN, p99: NaN, ratio: null, cpuUs: NaN, clientCpuUs: NaN, idlePct: NaN, bad: 0, note: 'not available', reason: t.unavailable });
          continue;
        }
        process.stderr.write(`round ${round}: ${scenario} × ${t.label} …\n`);
        if (WARMUP > 0) await load(t.server.url, scenario, t, WARMUP, 'w');
        const cpu0 = cpuTimeMs(t.server.child.pid);
        const client0 = process.cpuUsage();
        const machine0 = machineCpu();
        const r = await load(t.server.url, scenario, t, DURATION, 'm');
        const client = process.cpuUsage(client0);
        const machine1 = machineCpu();
        const idlePct = 100 * (1 - (machine1.busy - machine0.busy) / (machine1.total - machine0.total));
        const cpuUs = ((cpuTimeMs(t.server.child.pid) - cpu0) * 1000) / r.requests.total;
        const clientCpuUs = (client.user + client.system) / r.requests.total;
        const ok = r.statusCodeStats[String(EXPECTED_STATUS[scenario])]?.count ?? 0;
        const total = Object.values(r.statusCodeStats).reduce((a, s) => a + Number(s.count), 0);
        const rps = r.requests.total / r.duration;
        if (t.ceiling) ceilingRps = rps;
        rows.push({
          round, scenario, target: t.label, rps, p50: r.latency.p50, p99: r.latency.p99,
          ratio: t.ceiling ? null : rps / ceilingRps, cpuUs, clientCpuUs, idlePct,
          bad: total - Number(ok) + r.errors,
          badDetail: [
            ...Object.entries(r.statusCodeStats).filter(([code]) => code !== String(EXPECTED_STATUS[scenario])).map(([code, st]) => `${code}×${st.count}`),
            ...(r.errors ? [`socket errors×${r.errors}`] : []),
          ].join(', '),
        });
        if (t.worker) {
          const q = await waitQuiet(t);
          process.stderr.write(`round ${round}: ${t.label}: ${q === null ? `still busy ${SETUP_WAIT} s after the ${scenario} run` : `quiet ${q.toFixed(0)} s after the ${scenario} run (the worker's reaction to it)`}\n`);
        }
      }
    }
    return rows;
  } finally {
    await stopAll();
    if (args.store) for (const mode of WORKER_MODES) await dropRoundSchema(args.store, `${round}_${mode === 'on' ? 'w' : 'n'}`);
  }
}

/**
 * A PostgreSQL store URL without `?schema=` gets a schema of its own per round (like SQLite's
 * fresh data directory): rounds start equal, and a shared database is neither filled up by the
 * benchmark nor emptied under it by other users.
 */
function roundSchema(round: string): string {
  return `bench_api_${runId}_r${round}`;
}

function storeUrlForRound(store: string, round: string): string {
  if (!/^postgres(ql)?:/.test(store)) return store;
  const u = new URL(store);
  if (u.searchParams.has('schema')) return store;
  u.searchParams.set('schema', roundSchema(round));
  return u.toString();
}

async function dropRoundSchema(store: string, round: string): Promise<void> {
  if (storeUrlForRound(store, round) === store) return;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: store });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${roundSchema(round)} CASCADE`);
  } catch (e) {
    process.stderr.write(`could not drop schema ${roundSchema(round)}: ${(e as Error).message}\n`);
  } finally {
    await client.end().catch(() => {});
  }
}

function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function medianRows(rows: Row[]): Row[] {
  const keys = [...new Set(rows.map((r) => `${r.scenario}\u0000${r.target}`))];
  return keys.map((k) => {
    const group = rows.filter((r) => `${r.scenario}\u0000${r.target}` === k);
    const first = group[0];
    const m = (f: (r: Row) => number) => median(group.map(f));
    return {
      ...first,
      round: 0,
      rps: m((r) => r.rps), p50: m((r) => r.p50), p99: m((r) => r.p99),
      ratio: first.ratio === null ? null : m((r) => r.ratio ?? NaN),
      cpuUs: m((r) => r.cpuUs), clientCpuUs: m((r) => r.clientCpuUs), idlePct: m((r) => r.idlePct),
      bad: group.reduce((a, r) => a + r.bad, 0),
    };
  });
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

function table(rows: Row[], showRound: boolean): string {
  const head = [...(showRound ? ['round'] : []), 'scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'of ceiling', 'server CPU µs/req', 'load-gen CPU µs/req', 'machine idle', 'errors'];
  const numeric = (i: number) => i >= head.length - 8;
  const body = rows.map((r) => [
    ...(showRound ? [String(r.round)] : []),
    r.scenario, r.target, r.note ?? fmt(r.rps), fmt(r.p50, 1), fmt(r.p99, 1),
    r.ratio === null ? (r.note ? '—' : '100 %') : `${fmt(r.ratio * 100)} %`, fmt(r.cpuUs), fmt(r.clientCpuUs), `${fmt(r.idlePct)} %`, String(r.bad),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric(i) ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  const pinning = args.pin ? (PIN ? `; servers pinned to CPU ${PIN.server}, load generator to CPU ${PIN.loadGenerator}` : '; --pin unavailable (needs taskset and 2 CPUs)') : '';
  process.stderr.write(`bench:api — ${CONNECTIONS} connections, ${DURATION} s per run (+${WARMUP} s warm-up), ${SEED} seeded connectors; ${machine}${pinning}\n`);
  const rows: Row[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) rows.push(...(await runRound(round, tmp)));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const sqliteRates = sqliteInsertRates(Number(args['sqlite-seconds']));

  const unavailable = rows.find((r) => r.note);
  console.log(`\nConnector API on loopback: ${CONNECTIONS} connections${RATE ? `, fixed rate ${RATE} req/s` : ''}, ${DURATION} s per run; ${machine}${pinning}\n`);
  console.log(table(rows, ROUNDS > 1));
  // Several rounds: the median of each column per scenario × target (the ratio is the median of
  // the per-round ratios, each measured against its own round's ceiling).
  const summary = ROUNDS > 1 ? medianRows(rows) : rows;
  if (ROUNDS > 1) console.log(`\nMedian of ${ROUNDS} rounds:\n\n${table(summary, false)}`);
  const failed = rows.filter((r) => r.bad > 0);
  if (failed.length) {
    console.log('\nUnexpected answers:');
    for (const r of failed) console.log(`  ${ROUNDS > 1 ? `round ${r.round} ` : ''}${r.scenario} ${r.target}: ${r.badDetail}`);
  }
  if (unavailable) console.log(`\n${unavailable.target}: not available with --store ${args.store}: ${unavailable.reason}`);
  console.log(`\nRaw SQLite insert rate (better-sqlite3, same pragmas/schema/statement, only the transaction timed):`);
  for (const r of sqliteRates) console.log(`  ${r.perTx === 1 ? '1 document per transaction ' : `${r.perTx} documents per transaction`}: ${fmt(r.rowsPerSecond)} rows/s`);

  console.log(`\nTargets (issues 2 and 15): SQLite create ≥ 40 % with p99 ≤ 10 ms and get ≥ 60 % of the ceiling, worker on; PostgreSQL get ≥ 35 %, create ≥ 20 %; 50 connections${ROUNDS > 1 ? ' (medians)' : ''}`);
  for (const r of summary.filter((x) => x.ratio !== null && x.scenario !== 'list')) {
    const pg = r.target.includes('postgres');
    const min = r.scenario === 'create' ? (pg ? 0.2 : 0.4) : pg ? 0.35 : 0.6;
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    const p99 = pg ? '' : `, p99 ${verdict(r.p99 <= 10)} ${fmt(r.p99, 1)} ms (ceiling's own p99: ${fmt(summary.find((c) => c.scenario === r.scenario && c.ratio === null && !c.note)?.p99 ?? NaN, 1)} ms)`;
    console.log(
      `  ${r.scenario} ${r.target}: throughput ${RATE ? 'n/a (fixed rate)' : `${verdict(r.ratio! >= min && r.bad === 0)} ${fmt(r.ratio! * 100)} % (≥ ${min * 100} %)`}${p99}${r.bad ? `, ${r.bad} errors` : ''}`,
    );
  }
  if (args.json) writeFileSync(args.json, JSON.stringify({ machine, connections: CONNECTIONS, duration: DURATION, serviceType: SERVICE_TYPE, workerModes: WORKER_MODES, rows, sqliteRates }, null, 2) + '\n');
}

await main();
