/**
 * Search throughput of the embedded index on the calling thread and through the search
 * threads (docs/embedded-index.md "Search limits"): a simple `match` query, repeated for a few
 * seconds, one at a time and several in flight. On the code before the threads existed only the
 * first row runs (same script, `ContentIndex.search`).
 *
 *   node --import tsx bench/search-threads.ts          # 20k docs, 3 s per row
 *   BENCH_DOCS=50000 BENCH_SECONDS=5 node --import tsx bench/search-threads.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentIndex } from '../src/content-index/content-index.js';

const N = Number(process.env.BENCH_DOCS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

// Deterministic text: word k of document i; "w7" is in ~1 % of the documents, "w3" in ~10 %.
const vocab = (i: number, k: number) => {
  const x = (Math.imul(i * 131 + k, 2654435761) >>> 0) % 10_000;
  return x < 100 ? 'rare' + (x % 3) : 'w' + (x % 997);
};

const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-threads-'));
const ci = new ContentIndex(join(dir, 'content.db'), { search: { threads: 2 } });
try {
  for (let b = 0; b < N; b += 1000) {
    const items = [];
    for (let i = b; i < Math.min(N, b + 1000); i++) {
      items.push({ action: 'index' as const, index: 'bench', id: String(i), source: { title: `doc ${i}`, body: Array.from({ length: 60 }, (_, k) => vocab(i, k)).join(' ') } });
    }
    ci.bulk(items as never);
  }
  const query = { query: { match: { body: 'w7' } } };
  const total = (ci.search('bench', { ...query, track_total_hits: true }) as unknown as { hits: { total: { value: number } } }).hits.total.value;
  console.log(`${N} documents; match body "w7" matches ${total}\n`);
  console.log('| mode | queries/s | ms/query |\n|---|---:|---:|');
  const row = (mode: string, n: number, ms: number) => console.log(`| ${mode} | ${((n * 1000) / ms).toFixed(0)} | ${(ms / n).toFixed(2)} |`);

  let n = 0;
  let t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    ci.search('bench', query);
    n++;
  }
  row('calling thread (`ContentIndex.search`)', n, performance.now() - t0);

  // The per-row budget check's worst case: a filter that reads every document's JSON.
  const scan = { query: { bool: { filter: [{ wildcard: { 'title.keyword': '*9' } }] } } };
  n = 0;
  t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    ci.search('bench', scan);
    n++;
  }
  row('calling thread, `wildcard` filter scanning every `_source`', n, performance.now() - t0);

  const async = (ci as unknown as { searchAsync?: ContentIndex['searchAsync'] }).searchAsync?.bind(ci);
  if (async) {
    await Promise.all([async('bench', query), async('bench', query)]); // start both threads
    for (const inFlight of [1, 2, 4]) {
      n = 0;
      t0 = performance.now();
      const end = t0 + SECONDS * 1000;
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (performance.now() < end) {
          await async('bench', query);
          n++;
        }
      }));
      row(`search threads (2), ${inFlight} in flight`, n, performance.now() - t0);
    }
  }
} finally {
  await ci.close();
  rmSync(dir, { recursive: true, force: true });
}
