/**
 * `npm run bench:list`: latency of `GET _connector` list filters over 10k and 100k connectors,
 * each against ceilings measured in the same run:
 * - **raw SQLite**: better-sqlite3 in this process, a plain table (id, the filter columns, the
 *   document) with an index per filter and an FTS5 trigram table, selecting the same page of
 *   rows (query: trigram candidates, then the same substring test);
 * - **node:http**: a bare `node:http` server (`ceiling.ts`) sending the bytes Tributary sent
 *   for the service_type list, timed by the same client loop.
 *
 * Per size, the connectors are written directly through the store (far faster than the API),
 * then a few hundred more through the API of the server under test (`tributary serve
 * --no-worker` in a child process, compiled build), so that both write paths fill the same
 * tables. Each scenario sends requests one at a time on one keep-alive connection (latency, not
 * throughput) for at most `--seconds` or `--requests`, after a few warm-up requests.
 * Options (or env): --sizes 10000,100000 (BENCH_SIZES), --seconds 8 (per scenario),
 * --requests 300, --store postgres://… (also PostgreSQL, seeded the same way), --json FILE.
 */
import Database from '../src/store/sqlite/driver.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, get } from 'node:http';
import { newConnectorDoc } from '../src/domain/connector/defaults.js';
import { openStore } from '../src/app/open-app.js';
import type { Store } from '../src/store/store.js';
import { freePort, startServer, type ServerProcess } from './procs.js';
import { nodeArgsFor } from '../scripts/dist.mjs';

const env = process.env;
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: env.BENCH_SIZES ?? '10000,100000' },
    seconds: { type: 'string', default: env.BENCH_SECONDS ?? '8' },
    requests: { type: 'string', default: env.BENCH_REQUESTS ?? '300' },
    store: { type: 'string', default: env.BENCH_STORE },
    json: { type: 'string' },
  },
});
const SIZES = args.sizes!.split(',').map(Number);
const SECONDS = Number(args.seconds);
const REQUESTS = Number(args.requests);
const VIA_API = 200;
const SERVICE_TYPES = ['google_drive', 'mysql', 'postgresql', 'directory', 'sharepoint_online', 'confluence', 'jira', 'github', 'slack', 'salesforce'];
/** One connector in 100 has one of these words in its description: `query` finds about 1 %. */
const RARE = ['quarterly', 'archival', 'onboarding', 'compliance'];
const runId = Date.now().toString(36);

function fields(i: number) {
  const word = i % 100 === 7 ? ` ${RARE[(i / 100) % RARE.length | 0]}` : '';
  return {
    index_name: `search-bench-${i}`,
    name: `Bench connector ${i}`,
    description: `Folders of team ${i % 97} synced nightly${word}`,
    service_type: SERVICE_TYPES[i % SERVICE_TYPES.length],
    language: 'en',
    is_native: false,
  };
}

async function seedStore(store: Store, n: number): Promise<void> {
  const now = new Date().toISOString();
  for (let i = 0; i < n; i += 1000) {
    const batch: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) batch.push(store.connectors.put(`c-${j}`, newConnectorDoc(fields(j), now)));
    await Promise.all(batch);
  }
}

async function seedApi(url: string, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) {
    const res = await fetch(`${url}/_connector/c-${i}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields(i)) });
    if (res.status !== 201) throw new Error(`PUT c-${i}: ${res.status} ${await res.text()}`);
  }
}

interface Scenario {
  name: string;
  /** Path of the i-th request. */
  path(i: number): string;
  /** The same page of rows, straight from better-sqlite3 (the raw ceiling). */
  raw(db: InstanceType<typeof Database>, i: number): unknown[];
}

function scenarios(total: number): Scenario[] {
  const page = (sql: string) => (db: InstanceType<typeof Database>, ...p: unknown[]) => db.prepare(sql).all(...p);
  const order = 'ORDER BY index_name, id LIMIT 100';
  return [
    {
      name: 'service_type',
      path: (i) => `/_connector?service_type=${SERVICE_TYPES[i % SERVICE_TYPES.length]}&size=100`,
      raw: (db, i) => page(`SELECT id, doc FROM raw WHERE service_type = ? ${order}`)(db, SERVICE_TYPES[i % SERVICE_TYPES.length]),
    },
    {
      name: 'query',
      path: (i) => `/_connector?query=${RARE[i % RARE.length]}&size=100`,
      raw: (db, i) =>
        page(
          `SELECT id, doc FROM raw WHERE rowid IN (SELECT rowid FROM raw_text WHERE raw_text MATCH ?) ` +
            `AND (instr(name, ?) > 0 OR instr(index_name, ?) > 0 OR instr(lower(description), ?) > 0) ${order}`,
        )(db, `"${RARE[i % RARE.length]}"`, ...Array(3).fill(RARE[i % RARE.length])),
    },
    {
      name: 'index_name',
      path: (i) => `/_connector?index_name=search-bench-${(i * 7919) % total}&size=100`,
      raw: (db, i) => page(`SELECT id, doc FROM raw WHERE index_name = ? ${order}`)(db, `search-bench-${(i * 7919) % total}`),
    },
    {
      name: 'from=5000',
      path: () => '/_connector?from=5000&size=100',
      raw: (db) => page(`SELECT id, doc FROM raw ORDER BY index_name, id LIMIT 100 OFFSET 5000`)(db),
    },
  ];
}

interface Row {
  size: number;
  store: string;
  scenario: string;
  target: string;
  n: number;
  p50: number;
  p99: number;
  count?: number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function httpGet(agent: Agent, url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Requests one at a time for at most SECONDS or REQUESTS; latencies in ms. */
async function timeHttp(agent: Agent, base: string, path: (i: number) => string): Promise<{ ms: number[]; count?: number }> {
  const ms: number[] = [];
  let count: number | undefined;
  for (let i = 0; i < 5; i++) await httpGet(agent, base + path(i));
  const end = performance.now() + SECONDS * 1000;
  for (let i = 0; i < REQUESTS && performance.now() < end; i++) {
    const t = performance.now();
    const { status, text } = await httpGet(agent, base + path(i));
    ms.push(performance.now() - t);
    if (status !== 200) throw new Error(`${path(i)}: ${status} ${text.slice(0, 300)}`);
    if (i === 0) count = (JSON.parse(text) as { count?: number }).count;
  }
  return { ms, count };
}

function timeRaw(fn: (i: number) => unknown[]): number[] {
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) fn(i);
  const end = performance.now() + SECONDS * 1000;
  for (let i = 0; i < REQUESTS && performance.now() < end; i++) {
    const t = performance.now();
    const rows = fn(i);
    JSON.stringify(rows);
    ms.push(performance.now() - t);
  }
  return ms;
}

function rawCeiling(total: number, dir: string): InstanceType<typeof Database> {
  const db = new Database(join(dir, `raw-${total}.db`));
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE raw (id TEXT PRIMARY KEY, service_type TEXT, index_name TEXT, name TEXT, description TEXT, doc TEXT NOT NULL);
    CREATE INDEX raw_service ON raw (service_type, index_name, id);
    CREATE INDEX raw_index ON raw (index_name, id);
    CREATE VIRTUAL TABLE raw_text USING fts5(name, index_name, description, content = 'raw', tokenize = 'trigram');`);
  const ins = db.prepare('INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)');
  const now = new Date().toISOString();
  db.transaction(() => {
    for (let i = 0; i < total; i++) {
      const f = fields(i);
      ins.run(`c-${i}`, f.service_type, f.index_name, f.name, f.description, JSON.stringify(newConnectorDoc(f, now)));
    }
  })();
  db.exec("INSERT INTO raw_text (raw_text) VALUES ('rebuild')");
  return db;
}

function serveArgs(port: number, data: string, store?: string): string[] {
  return [...nodeArgsFor('src/cli/main.ts'), 'serve', '--port', String(port), '--data', data, '--log-level', 'warn', '--no-worker', ...(store ? ['--store', store] : [])];
}

function pgUrlFor(store: string, total: number): string {
  const u = new URL(store);
  u.searchParams.set('schema', `bench_list_${runId}_${total}`);
  return u.toString();
}

/**
 * What autovacuum does within a minute or so of a bulk load: planner statistics (without them
 * PostgreSQL does not know the trigram indexes are selective) and the visibility map (index-only
 * scans for counts). Measured right after the load, PostgreSQL would be timed mid-catch-up.
 */
async function vacuumAnalyze(storeUrl: string): Promise<void> {
  const { default: pg } = await import('pg');
  const u = new URL(storeUrl);
  const schema = u.searchParams.get('schema')!;
  u.searchParams.delete('schema');
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`VACUUM ANALYZE ${schema}.connectors`);
  } finally {
    await c.end();
  }
}

async function dropPgSchema(store: string, total: number): Promise<void> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: store });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS bench_list_${runId}_${total} CASCADE`).finally(() => c.end());
}

async function runSize(total: number, tmp: string): Promise<Row[]> {
  const rows: Row[] = [];
  const raw = rawCeiling(total + VIA_API, tmp);
  const targets: { label: string; storeUrl?: string }[] = [{ label: 'tributary sqlite' }, ...(args.store ? [{ label: 'tributary postgres', storeUrl: pgUrlFor(args.store, total) }] : [])];
  let listBody = '';
  for (const t of targets) {
    const data = join(tmp, `data-${t.label.split(' ')[1]}-${total}`);
    const t0 = performance.now();
    const store = await openStore({ dataDir: data, storeUrl: t.storeUrl });
    try {
      await seedStore(store, total);
    } finally {
      await store.close();
    }
    process.stderr.write(`${t.label} ${total}: ${total} connectors through the store in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    if (t.storeUrl) await vacuumAnalyze(t.storeUrl);
    const port = await freePort();
    let server: ServerProcess | null = null;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      server = await startServer(t.label, serveArgs(port, data, t.storeUrl), port, { timeoutMs: 120_000 });
      await seedApi(server.url, total, VIA_API);
      for (const s of scenarios(total)) {
        process.stderr.write(`${t.label} ${total}: ${s.name} …\n`);
        const r = await timeHttp(agent, server.url, s.path);
        rows.push({ size: total, store: t.label, scenario: s.name, target: t.label, n: r.ms.length, p50: pct(r.ms, 50), p99: pct(r.ms, 99), count: r.count });
      }
      if (!listBody) listBody = await (await fetch(`${server.url}${scenarios(total)[0].path(0)}`)).text();
    } finally {
      agent.destroy();
      await server?.stop();
      if (t.storeUrl) await dropPgSchema(args.store!, total).catch((e) => process.stderr.write(`drop schema: ${(e as Error).message}\n`));
    }
  }
  for (const s of scenarios(total)) {
    const ms = timeRaw((i) => s.raw(raw, i));
    rows.push({ size: total, store: '', scenario: s.name, target: 'raw SQLite (in process)', n: ms.length, p50: pct(ms, 50), p99: pct(ms, 99) });
  }
  raw.close();
  const bodies = join(tmp, `bodies-${total}.json`);
  writeFileSync(bodies, JSON.stringify({ get: '{}', list: listBody }));
  const port = await freePort();
  const ceiling = await startServer('ceiling', [...nodeArgsFor('bench/ceiling.ts'), String(port), bodies], port);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const r = await timeHttp(agent, ceiling.url, scenarios(total)[0].path);
    rows.push({ size: total, store: '', scenario: 'any (same bytes)', target: 'ceiling (node:http)', n: r.ms.length, p50: pct(r.ms, 50), p99: pct(r.ms, 99) });
  } finally {
    agent.destroy();
    await ceiling.stop();
  }
  return rows;
}

function table(rows: Row[]): string {
  const head = ['connectors', 'scenario', 'target', 'requests', 'count', 'p50 ms', 'p99 ms'];
  const body = rows.map((r) => [String(r.size), r.scenario, r.target, String(r.n), r.count === undefined ? '' : String(r.count), r.p50.toFixed(2), r.p99.toFixed(2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const numeric = (i: number) => i >= 3 || i === 0;
  const line = (cells: string[]) => `| ${cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric(i) ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'tributary-bench-list-'));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  process.stderr.write(`bench:list — sizes ${SIZES.join(', ')}; ${machine}\n`);
  const rows: Row[] = [];
  try {
    for (const n of SIZES) rows.push(...(await runSize(n, tmp)));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`\nGET _connector list filters, one request at a time (size=100, ≤ ${REQUESTS} requests or ${SECONDS} s each); ${machine}\n`);
  console.log(table(rows));
  console.log('\nTargets (issue 15): service_type and query p50 ≤ 10 ms at 10k connectors, ≤ 20 ms at 100k');
  for (const r of rows.filter((x) => x.store && (x.scenario === 'service_type' || x.scenario === 'query'))) {
    const limit = r.size <= 10000 ? 10 : 20;
    console.log(`  ${r.target} ${r.size} ${r.scenario}: ${r.p50 <= limit ? 'PASS' : 'FAIL'} p50 ${r.p50.toFixed(2)} ms (≤ ${limit})`);
  }
  if (args.json) writeFileSync(args.json, JSON.stringify({ machine, rows }, null, 2) + '\n');
}

await main();
