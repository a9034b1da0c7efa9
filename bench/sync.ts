/**
 * Benchmark of syncs as users run them (issues 7 and 15; results in docs/benchmarks.md,
 * "Database sources"). Loads N rows of about 1 KB into PostgreSQL and MySQL (kept between runs)
 * and writes a tree of N files of about 900 bytes for the directory source, then, for each
 * source, runs each phase in its own process:
 *
 *   raw read       bare pg-query-stream / mysql2 stream of `SELECT *` (directory: readdir + readFile)
 *   client read    `psql \copy … TO STDOUT` / `mysql --batch --quick` into /dev/null   — ceiling (a)
 *   getDocs        Tributary's source, documents counted and dropped
 *   SQLite insert  better-sqlite3: plain table + contentless FTS5, 1,000 rows per transaction — ceiling (b)
 *   engine insert  ContentIndex.bulk of equivalent documents (only with --engine)
 *   served sync    `tributary serve` (in-process worker) syncs a connector of that type into the
 *                  embedded index while `GET _connector/<id>` runs back to back; the server's RSS
 *                  and event-loop delay are sampled (bench/sync-serve.ts)
 *
 * The ceiling is the slower of (a) and (b); the served sync is compared with it.
 *
 *   npm run bench:sync                        # 1,000,000 rows
 *   node --import tsx bench/sync.ts 200000    # or BENCH_ROWS=200000
 *   BENCH_SOURCES=postgresql,directory node --import tsx bench/sync.ts --no-docs
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mysql from 'mysql2';
import mysqlP from 'mysql2/promise';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { DEFAULT_LIMITS } from '../src/runtime/sync/limits.js';
import { ContentIndex } from '../src/content-index/content-index.js';
import type { BulkItem } from '../src/content-index/bulk.js';
import { mysqlSource } from '../src/sources/mysql/datasource.js';
import { postgresqlSource } from '../src/sources/postgresql/datasource.js';
import { directorySource } from '../src/sources/directory/datasource.js';
import type { Source, SyncContext } from '../src/sources/source.js';
import { clientRead, directoryWalk, sqliteInsert, type Kind } from './sync-ceiling.js';
import { LOREM, jsRow, tableName, treeFor } from './sync-rows.js';
import { servedSync, type ServedSync } from './sync-serve.js';

type Phase = 'raw-read' | 'client-read' | 'get-docs' | 'sqlite-insert' | 'engine-insert';

const PG_URL = new URL(process.env.TRIBUTARY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const MY_URL = new URL(process.env.TRIBUTARY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');
const PROGRESS_EVERY = 10_000;
const MARK = 100_000;

// ---- loading -------------------------------------------------------------------------------

function pgConn() {
  return new pg.Client({ connectionString: PG_URL.href });
}

async function loadPostgres(rows: number): Promise<void> {
  const c = pgConn();
  await c.connect();
  try {
    const t = tableName(rows);
    const have = await c.query(`SELECT to_regclass('public.${t}') IS NOT NULL AS ok`);
    if (have.rows[0].ok && Number((await c.query(`SELECT count(*) AS n FROM public.${t}`)).rows[0].n) === rows) return;
    console.log(`loading ${rows.toLocaleString('en-US')} rows into PostgreSQL public.${t} …`);
    await c.query(`DROP TABLE IF EXISTS public.${t}`);
    await c.query(`CREATE TABLE public.${t} (id bigint PRIMARY KEY, title text, body text, category text,
      score double precision, amount numeric(12,2), active boolean, created date, updated_at timestamptz)`);
    for (let from = 1; from <= rows; from += 100_000) {
      const to = Math.min(rows, from + 99_999);
      await c.query(`INSERT INTO public.${t}
        SELECT n, 'Item ' || n || ' ' || repeat('x', 32), substr(repeat($1, 8), 1 + n % 113, 900),
               (ARRAY['news','docs','blog','faq','wiki'])[1 + n % 5], n / 7.0, round(n * 1.37) / 100,
               n % 3 = 0, date '2024-01-01', timestamptz '2024-01-01 00:00:00+00' + n * interval '1 second'
        FROM generate_series(${from}, ${to}) AS n`, [LOREM]);
    }
    await c.query(`VACUUM ANALYZE public.${t}`);
  } finally {
    await c.end();
  }
}

function digitSeries(from: number, to: number): string {
  const digits = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
  const width = String(to - from).length;
  const sum = Array.from({ length: width }, (_, i) => `d${i}.d * ${10 ** i}`).join(' + ');
  const joins = Array.from({ length: width }, (_, i) => `${digits} AS d${i}`).join(', ');
  return `(SELECT n FROM (SELECT ${from} + ${sum} AS n FROM ${joins}) AS g WHERE n <= ${to}) AS s`;
}

async function loadMysql(rows: number): Promise<void> {
  const c = await mysqlP.createConnection({ uri: MY_URL.href });
  try {
    const t = tableName(rows);
    const [have] = (await c.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [t])) as any;
    if (Number(have[0].n) > 0 && Number(((await c.query(`SELECT COUNT(*) AS n FROM \`${t}\``)) as any)[0][0].n) === rows) return;
    console.log(`loading ${rows.toLocaleString('en-US')} rows into MySQL ${MY_URL.pathname.slice(1)}.${t} …`);
    await c.query(`DROP TABLE IF EXISTS \`${t}\``);
    await c.query(`CREATE TABLE \`${t}\` (id bigint PRIMARY KEY, title varchar(100), body text, category varchar(20),
      score double, amount decimal(12,2), active boolean, created date, updated_at datetime)`);
    for (let from = 1; from <= rows; from += 100_000) {
      const to = Math.min(rows, from + 99_999);
      await c.query(`INSERT INTO \`${t}\`
        SELECT n, CONCAT('Item ', n, ' ', REPEAT('x', 32)), SUBSTRING(REPEAT(?, 8), 1 + n % 113, 900),
               ELT(1 + n % 5, 'news', 'docs', 'blog', 'faq', 'wiki'), n / 7.0, ROUND(n * 1.37) / 100,
               n % 3 = 0, '2024-01-01', DATE_ADD('2024-01-01 00:00:00', INTERVAL n SECOND)
        FROM ${digitSeries(from, to)}`, [LOREM]);
    }
    await c.query(`ANALYZE TABLE \`${t}\``);
  } finally {
    await c.end();
  }
}

// ---- child phases ----------------------------------------------------------------------------

function progress(n: number): void {
  if (n % PROGRESS_EVERY === 0) process.stdout.write(`P ${n}\n`);
}

function configurationFor(kind: Kind, rows: number): Record<string, unknown> {
  if (kind === 'directory') return { path: treeFor(rows) };
  return kind === 'postgresql'
    ? {
        host: PG_URL.hostname, port: Number(PG_URL.port || 5432), username: decodeURIComponent(PG_URL.username || 'postgres'),
        password: decodeURIComponent(PG_URL.password), database: PG_URL.pathname.slice(1), schema: 'public', tables: tableName(rows),
      }
    : {
        host: MY_URL.hostname, port: Number(MY_URL.port || 3306), user: decodeURIComponent(MY_URL.username || 'root'),
        password: decodeURIComponent(MY_URL.password), database: MY_URL.pathname.slice(1), tables: tableName(rows),
      };
}

function sourceFor(kind: Kind, rows: number): Source {
  const config = configurationFor(kind, rows);
  return kind === 'postgresql' ? postgresqlSource.create(config) : kind === 'mysql' ? mysqlSource.create(config) : directorySource.create(config);
}

const quiet = { info() {}, warn(m: string) { process.stderr.write(m + '\n'); }, error(m: string) { process.stderr.write(m + '\n'); } };

function ctx(): SyncContext {
  return {
    signal: new AbortController().signal, advancedRules: {}, basicRules: [], syncCursor: null, checkpoint: async () => {}, log: quiet,
    pipeline: { extract_binary_content: true, reduce_whitespace: true },
  };
}

async function rawRead(kind: Kind, rows: number): Promise<number> {
  let n = 0;
  if (kind === 'directory') return directoryWalk(treeFor(rows));
  if (kind === 'postgresql') {
    const c = pgConn();
    await c.connect();
    const qs = c.query(new QueryStream(`SELECT * FROM public.${tableName(rows)}`, [], { batchSize: 1000 }));
    for await (const _row of qs) progress(++n);
    await c.end();
  } else {
    const c = mysql.createConnection({ uri: MY_URL.href, supportBigNumbers: true, dateStrings: true });
    for await (const _row of c.query(`SELECT * FROM \`${tableName(rows)}\``).stream({ highWaterMark: 1000 })) progress(++n);
    c.end();
  }
  return n;
}

async function getDocs(kind: Kind, rows: number): Promise<number> {
  const src = sourceFor(kind, rows);
  let n = 0;
  for await (const _d of src.getDocs(ctx())) progress(++n);
  await src.close();
  return n;
}

/** The engine's own bulk rate (database rows only): what the engine adds over the SQLite ceiling. */
async function engineInsert(rows: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-sync-'));
  const ci = new ContentIndex(join(dir, 'content.db'));
  try {
    ci.createIndex('bench');
    const batch = DEFAULT_LIMITS.batchDocs;
    const now = new Date().toISOString();
    for (let from = 1; from <= rows; from += batch) {
      const items: BulkItem[] = [];
      for (let n = from; n < Math.min(rows + 1, from + batch); n++) {
        // The shape the sync writes: columns, `id` (the column wins over the shaped id), metadata,
        // `_timestamp` and the generation stamp.
        items.push({ action: 'index', index: 'bench', id: `public_${tableName(rows)}_${n}`, source: { ...jsRow(n), Database: 'test', Table: tableName(rows), schema: 'public', _timestamp: now, _tributary_generation: 1 } });
      }
      if (ci.bulk(items).errors) throw new Error('bulk reported errors');
      for (let n = from; n < from + items.length; n++) progress(n);
    }
    return rows;
  } finally {
    await ci.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function vm(field: 'VmRSS' | 'VmHWM', pid: number | 'self'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function child(phase: Phase, kind: Kind, rows: number): Promise<void> {
  const t0 = performance.now();
  const n =
    phase === 'raw-read' ? await rawRead(kind, rows)
      : phase === 'client-read' ? await clientRead(kind as 'postgresql' | 'mysql', kind === 'postgresql' ? PG_URL : MY_URL, rows)
        : phase === 'get-docs' ? await getDocs(kind, rows)
          : phase === 'sqlite-insert' ? sqliteInsert(kind, rows, progress)
            : await engineInsert(rows);
  const ms = performance.now() - t0;
  process.stdout.write(`R ${JSON.stringify({ n, ms, hwm: vm('VmHWM', 'self') })}\n`);
}

// ---- parent ----------------------------------------------------------------------------------

interface PhaseResult {
  n: number;
  ms: number;
  rate: number;
  /** Peak sampled RSS until 100k rows, and overall (bytes). */
  peakAtMark: number;
  peak: number;
  hwm: number;
}

async function runPhase(phase: Phase, db: Kind, rows: number): Promise<PhaseResult> {
  // Imported here, in the parent only: the children run this file from dist/, which has no scripts/.
  const { nodeArgsFor } = await import('../scripts/dist.mjs');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgsFor('bench/sync.ts'), '--child', phase, db, String(rows)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let peak = 0;
    let peakAtMark = NaN;
    let result: { n: number; ms: number; hwm: number } | null = null;
    const timer = setInterval(() => {
      const rss = vm('VmRSS', p.pid!);
      if (rss > peak) peak = rss;
    }, 100);
    createInterface({ input: p.stdout! }).on('line', (line) => {
      if (line.startsWith('P ')) {
        if (Number(line.slice(2)) === MARK) peakAtMark = Math.max(peak, vm('VmRSS', p.pid!));
      } else if (line.startsWith('R ')) {
        result = JSON.parse(line.slice(2));
      } else {
        console.log(line);
      }
    });
    p.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0 || !result) return reject(new Error(`${phase} ${db} exited with ${code}`));
      const r = result;
      resolve({ n: r.n, ms: r.ms, rate: (r.n / r.ms) * 1000, peakAtMark, peak: Math.max(peak, 0), hwm: r.hwm });
    });
  });
}

const fmtRate = (r: number) => Math.round(r).toLocaleString('en-US');
const mb = (b: number) => (Number.isFinite(b) ? Math.round(b / 2 ** 20).toString() : 'n/a');

const pct = (x: number, of: number) => `${Math.round((x / of) * 100)} %`;
const NAMES: Record<Kind, string> = { postgresql: 'PostgreSQL', mysql: 'MySQL (MariaDB)', directory: 'directory' };

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as Phase, args[2] as Kind, Number(args[3]));
  const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? process.env.BENCH_ROWS ?? 1_000_000);
  const kinds = (process.env.BENCH_SOURCES ?? process.env.BENCH_DBS ?? 'postgresql,mysql,directory').split(',').map((s) => s.trim()) as Kind[];
  const writeDocs = !args.includes('--no-docs');
  const engine = args.includes('--engine');
  const load = loadavg()[0];

  console.log(`rows: ${rows.toLocaleString('en-US')} of about 1 KB; phases run one at a time, each in its own process`);
  const lines: string[] = [];
  const live: string[] = [];
  const verdicts: string[] = [];
  for (const kind of kinds) {
    if (kind === 'postgresql') await loadPostgres(rows);
    else if (kind === 'mysql') await loadMysql(rows);
    else treeFor(rows);
    const read = await runPhase('raw-read', kind, rows);
    console.log(`${kind} raw read: ${fmtRate(read.rate)} rows/s, peak RSS ${mb(read.peak)} MB`);
    const client = kind === 'directory' ? read : await runPhase('client-read', kind, rows);
    if (kind !== 'directory') console.log(`${kind} client read: ${fmtRate(client.rate)} rows/s`);
    const docs = await runPhase('get-docs', kind, rows);
    console.log(`${kind} getDocs: ${fmtRate(docs.rate)} docs/s, peak RSS ${mb(docs.peakAtMark)} MB at 100k, ${mb(docs.peak)} MB at end`);
    if (engine && kind !== 'directory') {
      const e = await runPhase('engine-insert', kind, rows);
      console.log(`engine insert: ${fmtRate(e.rate)} docs/s, peak RSS ${mb(e.peak)} MB`);
    }
    // The index-side ceiling is measured right before each sync: on a shared machine the load
    // changes over a run, and comparing phases minutes apart would mostly measure that.
    const insert = await runPhase('sqlite-insert', kind, rows);
    console.log(`SQLite insert: ${fmtRate(insert.rate)} rows/s, peak RSS ${mb(insert.peak)} MB`);
    const sync: ServedSync = await servedSync({ serviceType: kind, configuration: configurationFor(kind, rows), mark: Math.min(MARK, rows / 2) });
    if (sync.indexed !== rows) throw new Error(`${kind}: the sync indexed ${sync.indexed} of ${rows}`);
    console.log(`${kind} served sync: ${fmtRate(sync.rate)} docs/s, peak RSS ${mb(sync.peakAtMark)} → ${mb(sync.peak)} MB, loop delay p99 ${sync.loop.p99} ms, GET p99 ${sync.get.p99.toFixed(1)} ms`);
    const ceiling = Math.min(client.rate, insert.rate);
    const yes = (ok: boolean) => (ok ? 'met' : 'missed');
    verdicts.push(
      `${NAMES[kind]}: rate ${yes(sync.rate >= 0.5 * ceiling)}, peak RSS ≤ 200 MB ${yes(sync.peak <= 200 * 2 ** 20)}, ` +
        `flat ${yes(!(sync.peak > 1.1 * sync.peakAtMark))}, loop p99 ≤ 10 ms ${yes(sync.loop.p99 <= 10)}, GET p99 ≤ 20 ms ${yes(sync.get.p99 <= 20)}`,
    );
    lines.push(
      `| ${NAMES[kind]} | ${fmtRate(read.rate)} | ${kind === 'directory' ? '–' : fmtRate(client.rate)} | ${fmtRate(docs.rate)} | ${fmtRate(insert.rate)} | ` +
        `**${fmtRate(sync.rate)}** | ${pct(sync.rate, ceiling)} | ${mb(sync.peakAtMark)} → ${mb(sync.peak)} |`,
    );
    live.push(
      `| ${NAMES[kind]} | ${sync.loop.p50} / ${sync.loop.p99} / ${sync.loop.max} | ${ms(sync.get.p50)} / ${ms(sync.get.p99)} / ${ms(sync.get.max)} (${sync.get.n.toLocaleString('en-US')}) | ${ms(sync.idleGet.p50)} / ${ms(sync.idleGet.p99)} |`,
    );
  }
  const table = [
    `Rows: ${rows.toLocaleString('en-US')}. Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, shared with other work ` +
      `(load average ${load.toFixed(1)} at the start); Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| source | raw stream read (rows/s) | client read, ceiling (a) (rows/s) | source getDocs (docs/s) | SQLite insert, ceiling (b) (rows/s) | served sync (docs/s) | sync / ceiling | serving process peak RSS MB at 100k → end |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...lines,
    '',
    '| source | event-loop delay during the sync, ms p50 / p99 / max | `GET _connector/<id>` during the sync, ms p50 / p99 / max (requests) | the same GET alone, ms p50 / p99 |',
    '|---|---:|---:|---:|',
    ...live,
    '',
    `Against the targets: ${verdicts.join('; ')}.`,
  ].join('\n');
  console.log('\n' + table);
  if (writeDocs) writeResults(table);
}

const ms = (x: number) => x.toFixed(1);

/** Replaces the results between the markers of "Database sources" in docs/benchmarks.md. */
function writeResults(table: string): void {
  const file = new URL('../docs/benchmarks.md', import.meta.url).pathname;
  const text = readFileSync(file, 'utf8');
  const begin = '<!-- bench:sync results -->';
  const end = '<!-- /bench:sync results -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  const out = a >= 0 && b > a ? text.slice(0, a + begin.length) + '\n' + table + '\n' + text.slice(b) : text.trimEnd() + `\n\n${begin}\n${table}\n${end}\n`;
  writeFileSync(file, out);
  console.log(`\nwrote ${file} (bench:sync results)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
