/**
 * `npm run bench:ui`: the web UI's connectors list over 10,000 connectors (issue 16: "connectors
 * list of 10k connectors interactive within 1 s on this machine"), in Debian's Chromium driven
 * by playwright-core, against a ceiling measured in the same run: the same browser loading a
 * bare `node:http` page that holds a 25-row table and nothing else (what a page load costs on
 * this machine before any application code).
 *
 * Measured, each `--runs` times (median, min, max):
 * - **cold load**: a fresh browser context (empty cache) opens `/_ui/connectors` until the first
 *   page of 25 rows is rendered and the search box accepts input;
 * - **warm load**: the same, reloading in a context that has the assets cached;
 * - **deep page**: `/_ui/connectors?page=400` (from = 9,975) until its rows are rendered;
 * - **search**: typing a word that about 1 % of the connectors have in their description until
 *   the table shows only those (includes the list's 300 ms typing pause);
 * - **status filter**: `/_ui/connectors?status=error` (1 % of the connectors are in `error`)
 *   until the table shows only those: a `.elastic-connectors/_search` the server answers from
 *   its list indexes. Also that search alone over HTTP, against the same search made to walk
 *   every connector (`version: true`), the cost without the list indexes.
 * Also the compressed JavaScript the first load transfers.
 *
 * The server (`tributary serve --no-worker`, in this process) has its 10,000 connectors written
 * straight through the store first. Options (or env): --connectors 10000 (BENCH_CONNECTORS),
 * --runs 5 (BENCH_RUNS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { openStore } from '../src/app/open-app.js';
import { serve } from '../src/app/serve.js';
import { newConnectorDoc } from '../src/domain/connector/defaults.js';
import { freePort } from './procs.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const { values: args } = parseArgs({
  options: {
    connectors: { type: 'string', default: process.env.BENCH_CONNECTORS ?? '10000' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '5' },
  },
});
const N = Number(args.connectors);
const RUNS = Number(args.runs);
const WORD = 'quarterly';
const TYPES = ['directory', 'postgresql', 'mysql', 's3', 'redis'];

/** Connector i; one in a hundred has WORD in its description. */
function fields(i: number) {
  return {
    index_name: `search-ui-bench-${String(i).padStart(5, '0')}`,
    name: `Bench connector ${i}`,
    description: `Folders of team ${i % 97} synced nightly${i % 100 === 7 ? ` ${WORD}` : ''}`,
    service_type: TYPES[i % TYPES.length],
    language: 'en',
    is_native: false,
  };
}

/** Connector i is in `error` when this holds (1 %), else as created. */
const inError = (i: number) => i % 100 === 13;

async function seed(dataDir: string): Promise<void> {
  const store = await openStore({ dataDir });
  const now = new Date().toISOString();
  const doc = (i: number) => {
    const d = newConnectorDoc(fields(i), now);
    if (inError(i)) d.status = 'error';
    return d;
  };
  for (let i = 0; i < N; i += 1000) {
    await Promise.all(Array.from({ length: Math.min(1000, N - i) }, (_, k) => store.connectors.put(`c-${i + k}`, doc(i + k))));
  }
  await store.close();
}

/** The ceiling: a bare node:http page with a 25-row table. */
function bareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const rows = Array.from({ length: 25 }, (_, i) => `<tr data-connector="c-${i}"><td>Bench connector ${i}</td><td>c-${i}</td><td>directory</td></tr>`).join('');
  const html = `<!doctype html><html><head><title>Connectors</title></head><body><h2>Connectors</h2><input aria-label="Search"><table><tbody>${rows}</tbody></table></body></html>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) });
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

/** Time from navigation to `ready` in a page of `context`. */
async function timeLoad(context: BrowserContext, url: string, ready: string): Promise<{ ms: number; jsBytes: number }> {
  const page = await context.newPage();
  let jsBytes = 0;
  page.on('response', (r) => {
    if (r.url().endsWith('.js')) jsBytes += Number(r.headers()['content-length'] ?? 0);
  });
  const t0 = performance.now();
  await page.goto(url);
  await page.locator(ready).first().waitFor();
  await page.getByRole('textbox', { name: 'Search' }).waitFor({ state: 'visible' });
  const ms = performance.now() - t0;
  await page.close();
  return { ms, jsBytes };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-ui-'));
  let stop: (() => Promise<void>) | null = null;
  let browser: Browser | null = null;
  const bare = await bareServer();
  try {
    const t0 = performance.now();
    await seed(join(dir, 'data'));
    const seeded = performance.now() - t0;
    const port = await freePort();
    stop = await serve({ port: String(port), host: '127.0.0.1', data: join(dir, 'data'), maxBody: String(1 << 20), logLevel: 'silent', worker: false });
    const base = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
    const rowsOf = '[data-connector]';

    const ceiling: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    const deep: number[] = [];
    const search: number[] = [];
    const status: number[] = [];
    const apiList: number[] = [];
    const apiWalk: number[] = [];
    let jsBytes = 0;
    const warmContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await timeLoad(warmContext, `${base}/_ui/connectors`, rowsOf); // fills the cache
    for (let r = 0; r < RUNS; r++) {
      const c1 = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      ceiling.push((await timeLoad(c1, bare.url, rowsOf)).ms);
      await c1.close();
      const c2 = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const first = await timeLoad(c2, `${base}/_ui/connectors`, rowsOf);
      cold.push(first.ms);
      jsBytes = first.jsBytes;
      await c2.close();
      warm.push((await timeLoad(warmContext, `${base}/_ui/connectors`, rowsOf)).ms);
      deep.push((await timeLoad(warmContext, `${base}/_ui/connectors?page=${Math.ceil(N / 25)}`, rowsOf)).ms);

      const page = await warmContext.newPage();
      await page.goto(`${base}/_ui/connectors`);
      await page.locator(rowsOf).first().waitFor();
      const t = performance.now();
      await page.getByRole('textbox', { name: 'Search' }).fill(WORD);
      // Only connectors whose description has the word: ids with i % 100 === 7.
      await page.waitForFunction(() => {
        const ids = [...document.querySelectorAll('[data-connector]')].map((e) => Number(e.getAttribute('data-connector')!.slice(2)));
        return ids.length > 0 && ids.every((i) => i % 100 === 7);
      });
      search.push(performance.now() - t);

      const t2 = performance.now();
      await page.goto(`${base}/_ui/connectors?status=error`);
      await page.waitForFunction(() => {
        const ids = [...document.querySelectorAll('[data-connector]')].map((e) => Number(e.getAttribute('data-connector')!.slice(2)));
        return ids.length === 25 && ids.every((i) => i % 100 === 13);
      });
      status.push(performance.now() - t2);
      await page.close();

      const body = {
        query: { bool: { filter: [{ terms: { status: ['error'] } }], must_not: [{ term: { deleted: true } }] } },
        sort: [{ index_name: 'asc' }], from: 0, size: 25,
      };
      for (const [xs, b] of [[apiList, body], [apiWalk, { ...body, version: true }]] as const) {
        const t3 = performance.now();
        const res = await fetch(`${base}/.elastic-connectors/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
        const hits = ((await res.json()) as { hits: { hits: unknown[] } }).hits.hits;
        if (hits.length !== 25) throw new Error(`status search: ${hits.length} hits`);
        xs.push(performance.now() - t3);
      }
    }
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');
    console.log(`\nweb UI connectors list, ${N} connectors (seeded in ${(seeded / 1000).toFixed(1)} s), ${RUNS} runs, load ${load}, ${new Date().toISOString()}\n`);
    console.log('| measure | time (median, min–max) | vs the bare page |');
    console.log('|---|---:|---:|');
    const c = median(ceiling);
    console.log(`| bare node:http page with a 25-row table (ceiling) | ${fmt(ceiling)} | 1.0× |`);
    for (const [name, xs] of [['cold load of /_ui/connectors (empty cache)', cold], ['warm load (assets cached)', warm], [`deep page (?page=${Math.ceil(N / 25)})`, deep], [`search "${WORD}" → matching rows (incl. 300 ms typing pause)`, search], ['status filter (?status=error, 1 %)', status]] as const) {
      console.log(`| ${name} | ${fmt(xs)} | ${(median(xs) / c).toFixed(1)}× |`);
    }
    console.log(`\nThe status filter's search alone (HTTP, 25 of ${N / 100}): ${fmt(apiList)} from the list indexes; ${fmt(apiWalk)} walking every connector`);
    console.log(`\nJavaScript transferred on the first load: ${(jsBytes / 1024).toFixed(0)} KiB (compressed as served)`);
  } finally {
    await browser?.close();
    await stop?.();
    await bare.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
