/**
 * Filters and sorts of the embedded content index against the raw-SQLite ceiling, in the same
 * run (docs/benchmarks.md "Embedded index: filters"): N documents of ~1 KB with an explicit
 * mapping (`category`, `tags` keyword; `price` long; `published` date; `title`, `body` text)
 * go through `ContentIndex.bulk`, and the same rows into a plain better-sqlite3 database
 * (contentless FTS5 + a table of indexed columns + an indexed table of tags). Each query runs
 * with rotating values; the table gives p50 and p90 per query. The relevance shapes (multi_match,
 * fuzziness, match_bool_prefix, function_score, collapse, highlight, suggest) follow.
 *
 *   npm run bench:search                 # 50k docs
 *   BENCH_DOCS=200000 npm run bench:search
 */
import Database from '../src/store/sqlite/driver.js';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentIndex } from '../src/content-index/content-index.js';
import type { BulkItem } from '../src/content-index/bulk.js';
import { editDistance } from '../src/content-index/edit-distance.js';

const N = Number(process.env.BENCH_DOCS ?? 50_000);
const REPS = Number(process.env.BENCH_REPS ?? 41);
const BATCH = 1000;
const CATEGORIES = 100; // a term on one category: 1 % of the documents
const TAGS = 100; // two tags per document: one tag is on ~2 % of them
const PRICE_MAX = 100_000; // a range of 1 000: 1 %

let seed = 7;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const WORDS = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
const word = () => WORDS[Math.floor(WORDS.length * rand() ** 3)];
const words = (n: number) => Array.from({ length: n }, word).join(' ');
const pick = (n: number) => Math.floor(rand() * n);

type Doc = {
  title: string;
  body: string;
  category: string;
  tags: string[];
  price: number;
  published: string;
};

function makeDoc(i: number): Doc {
  const t1 = pick(TAGS);
  return {
    title: words(6),
    body: words(190),
    category: `cat-${pick(CATEGORIES)}`,
    tags: [`tag-${t1}`, `tag-${(t1 + 1 + pick(TAGS - 1)) % TAGS}`],
    price: pick(PRICE_MAX),
    published: new Date(Date.UTC(2020, 0, 1) + i * 600_000).toISOString(),
  };
}

const MAPPING = {
  properties: {
    title: { type: 'text' }, body: { type: 'text' }, category: { type: 'keyword' }, tags: { type: 'keyword' },
    price: { type: 'long' }, published: { type: 'date' },
  },
};

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))];
}

function measure(run: (i: number) => unknown): { p50: number; p90: number } {
  for (let i = 0; i < 3; i++) run(i);
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    run(i);
    times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p90: percentile(times, 90) };
}

type Case = [string, (i: number) => unknown, (i: number) => unknown];

/** Measures each case on the engine and on the raw ceiling; prints a markdown table. */
function table(title: string, ceiling: string, cases: Case[]): void {
  console.log(`\n| ${title} | embedded p50 ms | p90 | ${ceiling} p50 ms | p90 | ratio p50 |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, run, rawRun] of cases) {
    const e = measure(run);
    const r = measure(rawRun);
    console.log(`| ${name} | ${e.p50.toFixed(2)} | ${e.p90.toFixed(2)} | ${r.p50.toFixed(2)} | ${r.p90.toFixed(2)} | ${(e.p50 / r.p50).toFixed(1)}× |`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-search-'));
try {
  const docs = Array.from({ length: N }, (_, i) => makeDoc(i));
  const avg = Math.round(docs.slice(0, 1000).reduce((a, d) => a + JSON.stringify(d).length, 0) / 1000);
  console.log(`documents: ${N.toLocaleString('en-US')} (average ${avg} bytes of JSON), ${REPS} runs per query`);

  // The ceiling: what a hand-written schema for exactly these fields does.
  const raw = new Database(join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec(`
    CREATE TABLE docs (r INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, src TEXT NOT NULL, category TEXT, price INTEGER, published INTEGER);
    CREATE INDEX docs_category ON docs (category);
    CREATE INDEX docs_price ON docs (price);
    CREATE INDEX docs_published ON docs (published);
    CREATE TABLE tags (tag TEXT NOT NULL, r INTEGER NOT NULL, PRIMARY KEY (tag, r)) WITHOUT ROWID;
    CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 2');
  `);
  const ins = raw.prepare('INSERT INTO docs (r, id, src, category, price, published) VALUES (?, ?, ?, ?, ?, ?)');
  const insTag = raw.prepare('INSERT OR IGNORE INTO tags (tag, r) VALUES (?, ?)');
  const insFts = raw.prepare('INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)');
  let t = performance.now();
  for (let b = 0; b < N; b += BATCH) {
    raw.transaction(() => {
      for (let i = b; i < Math.min(N, b + BATCH); i++) {
        const d = docs[i];
        ins.run(i + 1, String(i), JSON.stringify(d), d.category, d.price, Date.parse(d.published));
        for (const tag of d.tags) insTag.run(tag, i + 1);
        insFts.run(i + 1, d.title, d.body);
      }
    })();
  }
  const rawMs = performance.now() - t;

  const ci = new ContentIndex(join(dir, 'content.db'), { search: { threads: 0 } });
  ci.createIndex('bench', { mappings: MAPPING });
  t = performance.now();
  for (let b = 0; b < N; b += BATCH) {
    const items: BulkItem[] = [];
    for (let i = b; i < Math.min(N, b + BATCH); i++) items.push({ action: 'index', index: 'bench', id: String(i), source: docs[i] });
    if (ci.bulk(items).errors) throw new Error('bulk reported errors');
  }
  const engineMs = performance.now() - t;
  const size = (p: string) => ['', '-wal'].reduce((a, s) => a + (statSync(p + s, { throwIfNoEntry: false })?.size ?? 0), 0);
  // Issue 14: `_bulk` at ≥ 60 % of the raw insert rate (docs + FTS5 + side columns); size per million documents.
  console.log(`indexing: raw ${Math.round((N / rawMs) * 1000)} docs/s, ContentIndex.bulk ${Math.round((N / engineMs) * 1000)} docs/s: ${Math.round((100 * rawMs) / engineMs)} % of the raw rate`);
  const rawBytes = size(join(dir, 'raw.db'));
  const engineBytes = size(join(dir, 'content.db'));
  const perMillion = (bytes: number) => ((bytes / 2 ** 30) * (1_000_000 / N)).toFixed(2);
  console.log(`file sizes: raw ${(rawBytes / 2 ** 20).toFixed(0)} MiB, content.db ${(engineBytes / 2 ** 20).toFixed(0)} MiB`);
  console.log(`index size per million documents: content.db ${perMillion(engineBytes)} GiB, raw ${perMillion(rawBytes)} GiB (${(engineBytes / rawBytes).toFixed(2)}× raw)`);

  // A body word on ~10 % of the documents, for the full-text + filter case.
  const df = new Map<string, number>();
  for (const d of docs.slice(0, 5000)) for (const w of new Set(d.body.split(' '))) df.set(w, (df.get(w) ?? 0) + 1);
  const byShare = [...df].sort((a, b) => Math.abs(a[1] / 5000 - 0.1) - Math.abs(b[1] / 5000 - 0.1)).map((x) => x[0]);
  const mid = (i: number) => byShare[i % 10];
  const common = [...df].sort((a, b) => Math.abs(a[1] / 5000 - 0.5) - Math.abs(b[1] / 5000 - 0.5))[0][0];

  const getSrc = raw.prepare('SELECT id, src FROM docs WHERE r = ?');
  const page = (rows: { r: number }[]) => rows.map((x) => JSON.parse((getSrc.get(x.r) as { src: string }).src) as unknown);
  const rawTerm = raw.prepare('SELECT r FROM docs WHERE category = ? ORDER BY r LIMIT 10');
  const rawTermCount = raw.prepare('SELECT count(*) AS n FROM docs WHERE category = ?');
  const rawTags = raw.prepare('SELECT DISTINCT r FROM tags WHERE tag IN (SELECT value FROM json_each(?)) ORDER BY r LIMIT 10');
  const rawTagsCount = raw.prepare('SELECT count(DISTINCT r) AS n FROM tags WHERE tag IN (SELECT value FROM json_each(?))');
  const rawRange = raw.prepare('SELECT r FROM docs WHERE price >= ? AND price < ? ORDER BY r LIMIT 10');
  const rawRangeCount = raw.prepare('SELECT count(*) AS n FROM docs WHERE price >= ? AND price < ?');
  const rawMatch = raw.prepare(`SELECT d.r AS r FROM fts JOIN docs AS d ON d.r = fts.rowid
    WHERE fts MATCH ? AND d.category = ? ORDER BY d.published DESC LIMIT 10`);
  const rawMatchCount = raw.prepare('SELECT count(*) AS n FROM fts JOIN docs AS d ON d.r = fts.rowid WHERE fts MATCH ? AND d.category = ?');
  const cat = (i: number) => `cat-${(i * 7) % CATEGORIES}`;
  const tag = (i: number) => `tag-${(i * 13) % TAGS}`;
  const lo = (i: number) => ((i * 7919) % (PRICE_MAX - 1000));

  const cases: Case[] = [
    ['`term` on a keyword (1 %)', (i) => ci.search('bench', { query: { term: { category: cat(i) } } }),
      (i) => [page(rawTerm.all(cat(i)) as { r: number }[]), rawTermCount.get(cat(i))]],
    ['`terms` on an array keyword (2 %)', (i) => ci.search('bench', { query: { terms: { tags: [tag(i)] } } }),
      (i) => [page(rawTags.all(JSON.stringify([tag(i)])) as { r: number }[]), rawTagsCount.get(JSON.stringify([tag(i)]))]],
    ['`range` on a long (1 %)', (i) => ci.search('bench', { query: { range: { price: { gte: lo(i), lt: lo(i) + 1000 } } } }),
      (i) => [page(rawRange.all(lo(i), lo(i) + 1000) as { r: number }[]), rawRangeCount.get(lo(i), lo(i) + 1000)]],
    ['`match` (~10 %) + keyword filter + sort by date', (i) => ci.search('bench', {
      query: { bool: { must: { match: { body: mid(i) } }, filter: { term: { category: cat(i) } } } },
      sort: [{ published: 'desc' }],
    }), (i) => [page(rawMatch.all(`body : "${mid(i)}"`, cat(i)) as { r: number }[]), rawMatchCount.get(`body : "${mid(i)}"`, cat(i))]],
    ['`match` (~10 %) + keyword filter, by score', (i) => ci.search('bench', {
      query: { bool: { must: { match: { body: mid(i) } }, filter: { term: { category: cat(i) } } } },
    }), (i) => [page(raw.prepare(`SELECT d.r AS r FROM fts JOIN docs AS d ON d.r = fts.rowid
      WHERE fts MATCH ? AND d.category = ? ORDER BY bm25(fts) LIMIT 10`).all(`body : "${mid(i)}"`, cat(i)) as { r: number }[]),
    rawMatchCount.get(`body : "${mid(i)}"`, cat(i))]],
    ['`match` (~50 %) + narrow range (0.02 %), by score: the filter drives', (i) => ci.search('bench', {
      query: { bool: { must: { match: { body: common } }, filter: { range: { price: { gte: lo(i), lt: lo(i) + 20 } } } } },
    }), (i) => [page(raw.prepare(`SELECT d.r AS r FROM fts JOIN docs AS d ON d.r = fts.rowid
      WHERE fts MATCH ? AND d.price >= ? AND d.price < ? ORDER BY bm25(fts) LIMIT 10`).all(`body : "${common}"`, lo(i), lo(i) + 20) as { r: number }[])]],
    ['`exists` on a field of every document (total capped at 10 000)', () => ci.search('bench', { query: { exists: { field: 'category' } } }),
      () => [page(raw.prepare('SELECT r FROM docs WHERE category IS NOT NULL ORDER BY r LIMIT 10').all() as { r: number }[]),
        raw.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM docs WHERE category IS NOT NULL LIMIT 10001)').get()]],
    ['sort by date, match_all', () => ci.search('bench', { sort: [{ published: 'desc' }] }),
      () => [page(raw.prepare('SELECT r FROM docs ORDER BY published DESC LIMIT 10').all() as { r: number }[]), raw.prepare('SELECT count(*) FROM docs').get()]],
  ];
  // The engine's hits must be the raw query's hits (same ids), or the comparison means nothing.
  for (const [name, run, rawRun] of [...cases.slice(0, 3), cases[6]]) {
    const got = (run(1) as { hits: { hits: { _id: string }[]; total: { value: number } } }).hits;
    const [rows, n] = rawRun(1) as [unknown[], { n: number }];
    if (got.hits.length !== rows.length || got.total.value !== Math.min(10_000, n.n)) throw new Error(`${name}: engine and raw disagree`);
  }
  table('query (size 10, with totals)', 'raw SQLite', cases);

  // Aggregations (size 0, no total): the engine's doc-value GROUP BYs against a GROUP BY on the raw columns.
  const rawTermsAgg = raw.prepare('SELECT category AS k, count(*) AS n FROM docs GROUP BY category ORDER BY n DESC, k LIMIT 10');
  const aggCases: Case[] = [
    ['`terms` on a keyword (100 values), all documents', () => ci.search('bench', { size: 0, track_total_hits: false, aggs: { c: { terms: { field: 'category' } } } }),
      () => rawTermsAgg.all()],
    ['`terms` on an array keyword (100 values), all documents', () => ci.search('bench', { size: 0, track_total_hits: false, aggs: { t: { terms: { field: 'tags' } } } }),
      () => raw.prepare('SELECT tag AS k, count(*) AS n FROM tags GROUP BY tag ORDER BY n DESC, k LIMIT 10').all()],
    ['`terms` under a `range` filter (1 %)', (i) => ci.search('bench', { size: 0, track_total_hits: false, query: { range: { price: { gte: lo(i), lt: lo(i) + 1000 } } }, aggs: { c: { terms: { field: 'category' } } } }),
      (i) => raw.prepare('SELECT category AS k, count(*) AS n FROM docs WHERE price >= ? AND price < ? GROUP BY category ORDER BY n DESC, k LIMIT 10').all(lo(i), lo(i) + 1000)],
    ['`date_histogram` by month (12 buckets), all documents', () => ci.search('bench', { size: 0, track_total_hits: false, aggs: { m: { date_histogram: { field: 'published', calendar_interval: 'month' } } } }),
      () => raw.prepare("SELECT strftime('%Y-%m', published / 1000, 'unixepoch') AS k, count(*) AS n FROM docs GROUP BY k ORDER BY k").all()],
    ['`date_histogram` by day (348 buckets) under a `term` (1 %)', (i) => ci.search('bench', { size: 0, track_total_hits: false, query: { term: { category: cat(i) } }, aggs: { m: { date_histogram: { field: 'published', calendar_interval: 'day', min_doc_count: 1 } } } }),
      (i) => raw.prepare('SELECT published / 86400000 AS k, count(*) AS n FROM docs WHERE category = ? GROUP BY k ORDER BY k').all(cat(i))],
  ];
  const engineTerms = (aggCases[0][1](0) as { aggregations: { c: { buckets: { key: string; doc_count: number }[] } } }).aggregations.c.buckets;
  const rawTerms = rawTermsAgg.all() as { k: string; n: number }[];
  if (JSON.stringify(engineTerms.map((b) => [b.key, b.doc_count])) !== JSON.stringify(rawTerms.map((x) => [x.k, x.n]))) throw new Error('terms: engine and raw disagree');
  table('aggregation (size 0)', 'raw SQLite GROUP BY', aggCases);
  // Relevance shapes (issue 14 item 5). The raw ceiling gets what the engine derives itself:
  // the fuzzy expansions, the prefix expression, the scoring formula written in SQL.
  const typo = (w: string) => (w.length > 2 ? w.slice(0, 1) + w.slice(2, 3) + w.slice(1, 2) + w.slice(3) : w + 'x');
  const expansions = new Map<string, string[]>();
  const vocabT0 = performance.now();
  ci.search('bench', { size: 0, track_total_hits: false, query: { match: { body: { query: typo(mid(0)), fuzziness: 'AUTO' } } } });
  const vocabMs = performance.now() - vocabT0;
  const fuzzyTerms = (w: string) => {
    let x = expansions.get(w);
    if (!x) {
      // The same expansion the engine makes: every vocabulary word within one edit.
      raw.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, fts, 'row')");
      // Closest first, then most frequent, then in term order: the engine's choice of 50.
      x = (raw.prepare('SELECT term, doc FROM temp.v WHERE length(term) BETWEEN ? AND ?').all(w.length - 1, w.length + 1) as { term: string; doc: number }[])
        .map((r) => ({ ...r, d: editDistance(w, r.term, 1) })).filter((r) => r.d <= 1)
        .sort((a, b) => a.d - b.d || b.doc - a.doc || (a.term < b.term ? -1 : 1)).slice(0, 50).map((r) => r.term);
      expansions.set(w, x);
    }
    return x;
  };
  for (let i = 0; i < 10; i++) fuzzyTerms(typo(mid(i)));
  const rawScored = (match: string, order = 'bm25(fts)') => raw.prepare(`SELECT rowid AS r FROM fts WHERE fts MATCH ? ORDER BY ${order} LIMIT 10`).all(match) as { r: number }[];
  const rawCount = raw.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 10001)');
  const two = (i: number) => [mid(i), mid(i + 3)];
  const prefixOf = (w: string) => w.slice(0, Math.max(2, w.length - 1));
  const origin = Date.UTC(2020, 0, 1) + Math.floor(N / 2) * 600_000;
  const relCases: Case[] = [
    ['`multi_match` best_fields `title^3`, body, tie_breaker 0.3 (two words)', (i) => ci.search('bench', {
      query: { multi_match: { query: two(i).join(' '), fields: ['title^3', 'body'], tie_breaker: 0.3 } },
    }), (i) => [page(rawScored(`{title body} : (${two(i).join(' OR ')})`, 'bm25(fts, 3.0, 1.0)')), rawCount.get(`{title body} : (${two(i).join(' OR ')})`)]],
    ['`match` with `fuzziness: AUTO` (a typo of a ~10 % word; expansions given to raw)', (i) => ci.search('bench', {
      query: { match: { body: { query: typo(mid(i)), fuzziness: 'AUTO' } } },
    }), (i) => { const m = `body : (${fuzzyTerms(typo(mid(i))).map((x) => `"${x}"`).join(' OR ')})`; return [page(rawScored(m)), rawCount.get(m)]; }],
    ['`match_bool_prefix` (search as you type: a word and a prefix)', (i) => ci.search('bench', {
      query: { match_bool_prefix: { body: `${mid(i)} ${prefixOf(mid(i + 1))}` } },
    }), (i) => { const m = `body : ("${mid(i)}" OR "${prefixOf(mid(i + 1))}"*)`; return [page(rawScored(m)), rawCount.get(m)]; }],
    ['`function_score`: `match` × log1p(price) × gauss decay on the date', (i) => ci.search('bench', {
      query: { function_score: { query: { match: { body: mid(i) } }, functions: [
        { field_value_factor: { field: 'price', modifier: 'log1p' } },
        { gauss: { published: { origin: new Date(origin).toISOString(), scale: '30d' } } },
      ] } },
    }), (i) => [page(raw.prepare(`SELECT d.r AS r FROM fts JOIN docs AS d ON d.r = fts.rowid WHERE fts MATCH ?
      ORDER BY -bm25(fts) * log10(1 + d.price) * exp(-((d.published - ${origin}) * (d.published - ${origin})) / (2 * ${(30 * 86_400_000) ** 2} / (2 * ln(2)))) DESC LIMIT 10`)
      .all(`body : "${mid(i)}"`) as { r: number }[]), rawCount.get(`body : "${mid(i)}"`)]],
    ['`collapse` on a keyword (100 values), `match` (~10 %) by score', (i) => ci.search('bench', {
      query: { match: { body: mid(i) } }, collapse: { field: 'category' },
    }), (i) => [page(raw.prepare(`WITH m AS MATERIALIZED (SELECT rowid AS r, bm25(fts) AS s FROM fts WHERE fts MATCH ?)
      SELECT r FROM (SELECT m.r AS r, m.s AS s, row_number() OVER (PARTITION BY d.category ORDER BY m.s) AS rn FROM m JOIN docs AS d ON d.r = m.r)
      WHERE rn = 1 ORDER BY s LIMIT 10`).all(`body : "${mid(i)}"`) as { r: number }[]), rawCount.get(`body : "${mid(i)}"`)]],
    ['`highlight` on body, 3 fragments of 100 chars (`match` ~10 %); raw: the same match without highlight', (i) => ci.search('bench', {
      query: { match: { body: mid(i) } }, highlight: { fields: { body: { number_of_fragments: 3 } } },
    }), (i) => [page(rawScored(`body : "${mid(i)}"`)), rawCount.get(`body : "${mid(i)}"`)]],
  ];
  console.log(`\nvocabulary read for fuzzy matching (first fuzzy query, then cached): ${vocabMs.toFixed(0)} ms`);
  table('relevance query (size 10, with totals)', 'raw SQLite', relCases);
  const suggest = measure((i) => ci.search('bench', { size: 0, track_total_hits: false, suggest: { s: { text: `${typo(mid(i))} ${typo(mid(i + 1))}`, term: { field: 'body', min_word_length: 3, max_term_freq: 1 } } } }));
  console.log(`| \`term\` suggester, two misspelt words (no raw equivalent) | ${suggest.p50.toFixed(2)} | ${suggest.p90.toFixed(2)} | – | – | – |`);
  await ci.close();
  raw.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
