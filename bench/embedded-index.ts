/**
 * Benchmark of the embedded content index (docs/embedded-index.md): bulk-indexes N ~1 KB
 * documents through `ContentIndex.bulk` and compares the rate with raw better-sqlite3 inserts of
 * the same rows (the ceiling: a plain table, and a plain table plus a plain FTS5 table), then
 * times searches against both.
 *
 *   node --import tsx bench/embedded-index.ts            # 100k docs
 *   BENCH_DOCS=20000 node --import tsx bench/embedded-index.ts
 */
import Database from '../src/store/sqlite/driver.js';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentIndex } from '../src/content-index/content-index.js';
import type { BulkItem } from '../src/content-index/bulk.js';

const N = Number(process.env.BENCH_DOCS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);

// A Zipf-ish vocabulary so that some words are common and some rare, like real text.
const WORDS = Array.from({ length: 50_000 }, (_, i) => {
  let s = '';
  let x = (Math.imul(i + 1, 2654435761) + 12345) >>> 0;
  const len = 3 + (i % 7);
  for (let j = 0; j < len; j++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += String.fromCharCode(97 + ((x >>> 16) % 26));
  }
  return s + (i % 10); // unique even where two draws spell the same letters
});

let seed = 42;
// mulberry32: a small seeded PRNG with good statistics (an LCG's correlated draws skewed the words)
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const word = () => WORDS[Math.floor(WORDS.length * rand() ** 4)];
const words = (n: number) => Array.from({ length: n }, word).join(' ');

function makeDoc(i: number) {
  return {
    title: words(6),
    body: words(120),
    url: `https://example.com/docs/${i}`,
    size: Math.floor(rand() * 100_000),
    tags: [word(), word()],
    published: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
    _timestamp: new Date(Date.UTC(2024, 0, 1)).toISOString(),
    sync_generation: i % 2,
  };
}

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const out = fn();
  return [out, performance.now() - t];
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');

const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
try {
  const docs = Array.from({ length: N }, (_, i) => makeDoc(i));
  const avg = Math.round(docs.slice(0, 1000).reduce((a, d) => a + JSON.stringify(d).length, 0) / 1000);
  console.log(`documents: ${N.toLocaleString('en-US')} (average ${avg} bytes of JSON), batches of ${BATCH}`);

  // Raw ceiling 1: one plain table, one transaction per batch.
  const raw = new Database(join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, src TEXT NOT NULL)');
  raw.exec("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')");
  const ins = raw.prepare('INSERT INTO docs (id, src) VALUES (?, ?)');
  const insFts = raw.prepare('INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)');
  const [, rawMs] = time(() => {
    for (let b = 0; b < N; b += BATCH) {
      raw.transaction(() => {
        for (let i = b; i < Math.min(N, b + BATCH); i++) ins.run(String(i), JSON.stringify(docs[i]));
      })();
    }
  });
  // Raw ceiling 2: the same plus a plain FTS5 table over title and body.
  const [, rawFtsMs] = time(() => {
    for (let b = 0; b < N; b += BATCH) {
      raw.transaction(() => {
        for (let i = b; i < Math.min(N, b + BATCH); i++) insFts.run(i + 1, docs[i].title, docs[i].body);
      })();
    }
  });

  // The engine.
  const ci = new ContentIndex(join(dir, 'content.db'));
  ci.createIndex('bench');
  const [, engineMs] = time(() => {
    for (let b = 0; b < N; b += BATCH) {
      const items: BulkItem[] = [];
      for (let i = b; i < Math.min(N, b + BATCH); i++) items.push({ action: 'index', index: 'bench', id: String(i), source: docs[i] });
      const res = ci.bulk(items);
      if (res.errors) throw new Error('bulk reported errors');
    }
  });
  // The engine through the ndjson path (what `_bulk` over HTTP runs), into a second index.
  ci.createIndex('bench-ndjson');
  const ndjsonN = Math.min(N, 20_000);
  const [, ndjsonMs] = time(() => {
    for (let b = 0; b < ndjsonN; b += BATCH) {
      let body = '';
      for (let i = b; i < Math.min(ndjsonN, b + BATCH); i++) body += `{"index":{"_id":"${i}"}}\n${JSON.stringify(docs[i])}\n`;
      if (ci.bulk(body, 'bench-ndjson').errors) throw new Error('bulk reported errors');
    }
  });

  console.log('\n| write path | docs/s |');
  console.log('|---|---:|');
  console.log(`| raw better-sqlite3: plain table (ceiling) | ${rate(N, rawMs)} |`);
  console.log(`| raw better-sqlite3: plain FTS5 table (title, body) | ${rate(N, rawFtsMs)} |`);
  console.log(`| raw: both together | ${rate(N, rawMs + rawFtsMs)} |`);
  console.log(`| ContentIndex.bulk (parsed items) | ${rate(N, engineMs)} |`);
  console.log(`| ContentIndex.bulk (ndjson text, ${ndjsonN.toLocaleString('en-US')} docs) | ${rate(ndjsonN, ndjsonMs)} |`);
  const size = (p: string) => ['', '-wal'].reduce((a, s) => a + (statSync(p + s, { throwIfNoEntry: false })?.size ?? 0), 0);
  console.log(`\nfile sizes: raw ${(size(join(dir, 'raw.db')) / 2 ** 20).toFixed(0)} MiB, content.db ${(size(join(dir, 'content.db')) / 2 ** 20).toFixed(0)} MiB`);

  // Searches: words picked by how many documents contain them (about 0.05 %, 1 % and 50 %).
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d.body.split(' '))) df.set(w, (df.get(w) ?? 0) + 1);
  const closest = (share: number) =>
    [...df].reduce((best, cur) => (Math.abs(cur[1] / N - share) < Math.abs(best[1] / N - share) ? cur : best))[0];
  const common = closest(0.5);
  const mid = closest(0.01);
  const rare = closest(0.0005);
  const pct = (w: string) => `${((100 * df.get(w)!) / N).toFixed(2)} % of docs`;
  const rawSearch = raw.prepare('SELECT rowid, bm25(fts) AS s FROM fts WHERE fts MATCH ? ORDER BY s LIMIT 10');
  const rawGet = raw.prepare('SELECT src FROM docs WHERE rowid = ?');
  const cases: [string, () => unknown, (() => unknown) | undefined][] = [
    [`match body "${rare}" (${pct(rare)})`, () => ci.search('bench', { query: { match: { body: rare } } }),
      () => rawSearch.all(`body : "${rare}"`).forEach((r) => rawGet.get((r as { rowid: number }).rowid))],
    [`match body "${mid}" (${pct(mid)})`, () => ci.search('bench', { query: { match: { body: mid } } }),
      () => rawSearch.all(`body : "${mid}"`).forEach((r) => rawGet.get((r as { rowid: number }).rowid))],
    [`match body "${common}" (${pct(common)})`, () => ci.search('bench', { query: { match: { body: common } } }),
      () => rawSearch.all(`body : "${common}"`).forEach((r) => rawGet.get((r as { rowid: number }).rowid))],
    [`multi_match "${mid} ${rare}"`, () => ci.search('bench', { query: { multi_match: { query: `${mid} ${rare}`, fields: ['title', 'body'] } } }),
      () => rawSearch.all(`"${mid}" OR "${rare}"`).forEach((r) => rawGet.get((r as { rowid: number }).rowid))],
    [`match "${mid}" + range filter + highlight`, () => ci.search('bench', {
      query: { bool: { must: { match: { body: mid } }, filter: { range: { size: { lt: 50_000 } } } } },
      highlight: { fields: { body: {} } },
    }), undefined],
    ['range size < 1000 (no full text, scans _source)', () => ci.search('bench', { query: { range: { size: { lt: 1000 } } } }), undefined],
    ['term tags.keyword (scans _source)', () => ci.search('bench', { query: { term: { 'tags.keyword': mid } } }), undefined],
    ['count, match_all', () => ci.count('bench'), () => raw.prepare('SELECT count(*) FROM docs').get()],
  ];
  console.log('\n| query (size 10, with totals) | engine ms/query | raw FTS5 ms/query |');
  console.log('|---|---:|---:|');
  for (const [name, run, rawRun] of cases) {
    run();
    const reps = 20;
    const [, ms] = time(() => { for (let i = 0; i < reps; i++) run(); });
    let rawCell = '–';
    if (rawRun) {
      rawRun();
      const [, rms] = time(() => { for (let i = 0; i < reps; i++) rawRun(); });
      rawCell = (rms / reps).toFixed(2);
    }
    console.log(`| ${name} | ${(ms / reps).toFixed(2)} | ${rawCell} |`);
  }
  const dfOf = (w: string) => ci.count('bench', { query: { match: { body: w } } }).count;
  console.log(`\ndocuments matching: "${rare}" ${dfOf(rare)}, "${mid}" ${dfOf(mid)}, "${common}" ${dfOf(common)}`);

  // Re-index half the documents unchanged but for the generation stamp (a full sync over unchanged content).
  let reindexed = 0;
  const [, reMs] = time(() => {
    for (let b = 0; b < N; b += 2 * BATCH) {
      const items: BulkItem[] = [];
      for (let i = b; i < Math.min(N, b + BATCH); i++) items.push({ action: 'index', index: 'bench', id: String(i), source: { ...docs[i], sync_generation: 2 } });
      reindexed += items.length;
      ci.bulk(items);
    }
  });
  console.log(`\nre-index of ${reindexed.toLocaleString('en-US')} docs with unchanged text (new generation stamp): ${rate(reindexed, reMs)} docs/s`);
  const t0 = performance.now();
  const res = await ci.deleteByQuery('bench', { query: { range: { sync_generation: { lt: 2 } } } });
  console.log(`delete_by_query range sync_generation < 2 (the sweep): ${res.deleted.toLocaleString('en-US')} docs, ${rate(res.deleted, performance.now() - t0)} docs/s`);
  ci.close();
  raw.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
