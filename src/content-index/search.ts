/**
 * Runs compiled queries against one index: `_search` (hits, totals, sort, paging, `_source`
 * filtering, highlight), `_count`, and the matching-rowid pages `_delete_by_query` walks.
 * Memory stays bounded by `from + size` (SQLite keeps only the top rows of an ORDER BY … LIMIT);
 * `_source` is read only for the page of hits returned.
 */
import { isPlainObject } from '../domain/shared/json.js';
import type { Highlighter } from './highlight.js';
import { withBudget, type Budget } from './search-budget.js';
import type { IndexHandle } from './index-handle.js';
import { compileQuery } from './query-compile.js';
import { QueryContext, type QueryLimits, type SqlNode } from './query-context.js';
import { PRIMARY_TERM } from './documents.js';
import { MAX_RESULT_WINDOW, type SearchRequest } from './search-request.js';
import { errors } from '../domain/errors.js';
import { compileSort } from './sort.js';
import { prepareAggs } from './aggs/search-aggs.js';
import { sortBound } from './sort-plan.js';
import { afterBound, afterCondition } from './search-after.js';
import { applySourceFilter, fieldPattern } from './source-filter.js';
import type { StatementCache } from './statement-cache.js';
import { collapseField, collapseKey, collapseValue } from './collapse.js';
import { addInnerHits } from './inner-hits.js';
import { runSuggest } from './suggest.js';

export const SHARDS = { total: 1, successful: 1, skipped: 0, failed: 0 };

interface Compiled {
  ctx: QueryContext;
  node: SqlNode;
  /** The WITH clause defining the full-text leaves; '' once they sit in temp tables. */
  with: string;
}

function compile(h: IndexHandle, query: unknown, limits?: QueryLimits, budget?: Budget): Compiled {
  const ctx = new QueryContext(h, limits);
  // The budget covers compiling too: fuzzy expansion may read the vocabulary (vocabulary.ts).
  const node = withBudget(h.db, budget, () => compileQuery(ctx, query));
  ctx.finish();
  return { ctx, node, with: ctx.ctes.length ? `WITH ${ctx.ctes.join(', ')} ` : '' };
}

/**
 * The FROM clause: the documents table, or — when the query only needs rowids and scores and
 * all its matches are in one full-text leaf — that leaf's rows alone (no row of the documents
 * table is read until the page of hits is fetched).
 */
function from(h: IndexHandle, c: Compiled, extra: string[] = []): string {
  const driver = c.node.driver;
  const needsDocs = [c.node.where, c.node.score, ...extra].some((sql) => /\bd\.(src|id|ver|seq)\b/.test(sql));
  return driver && !needsDocs ? `(SELECT doc AS r, s FROM ${driver}) AS d` : `${h.docs} AS d`;
}

/**
 * The query's condition where the FROM clause is its one full-text leaf's rows: a query that
 * is that leaf alone (`d.r IN (SELECT doc FROM ci_m0)`) holds for every row, so its per-row
 * lookup is dropped.
 */
function whereOver(h: IndexHandle, c: Compiled, extra: string[] = []): string {
  const driver = c.node.driver;
  return driver && c.node.where === `d.r IN (SELECT doc FROM ${driver})` && from(h, c, extra) !== `${h.docs} AS d` ? '1' : c.node.where;
}

/** The score where the FROM clause is the leaf's rows: its score lookup is the row's own `s`. */
function scoreOver(h: IndexHandle, c: Compiled, score: string, extra: string[] = []): string {
  const m = c.node.driver;
  if (!m || from(h, c, extra) === `${h.docs} AS d`) return score;
  return score.split(`COALESCE((SELECT ${m}.s FROM ${m} WHERE ${m}.doc = d.r), 0)`).join('d.s');
}

const tempTables = new WeakMap<object, number>();

/**
 * The keyed temp tables scored leaves fill (`temp.ci_m<i>`), created outside any transaction:
 * a table created in a transaction that rolls back is gone, and must not be counted as made.
 */
function ensureTempTables(db: StatementCache['db'], n: number): void {
  const made = tempTables.get(db) ?? 0;
  if (n <= made) return;
  if (db.inTransaction) throw new Error('score tables must be created outside a transaction');
  for (let i = made; i < n; i++) db.exec(`CREATE TEMP TABLE IF NOT EXISTS ci_m${i} (doc INTEGER PRIMARY KEY, s REAL)`);
  tempTables.set(db, n);
}

/**
 * Writes each full-text leaf's (doc, score) rows into a keyed temp table of the same name as its
 * CTE, so the scored query looks scores up by primary key; returns the cleanup.
 */
function fillScores(cache: StatementCache, c: Compiled): () => void {
  for (const leaf of c.ctx.scored) cache.get(leaf.fill).run(leaf.params);
  c.with = '';
  return () => {
    for (const leaf of c.ctx.scored) cache.get(`DELETE FROM temp.${leaf.name}`).run();
  };
}

/**
 * The doc-value rows (`SELECT r …`) of a query that is one doc-value condition and nothing else
 * (no full-text leaf, no point-in-time view, which changes the condition): `single` when the
 * field holds at most one value per document (one row each, no DISTINCT needed), `listed` when
 * the condition gathers its rows as an IN list (not the per-document EXISTS of a broad one).
 */
function docValueRows(c: Compiled): { rows: string; single: boolean; listed: boolean } | undefined {
  if (c.with !== '') return undefined;
  const rows = c.ctx.dvRows.get(c.node.where);
  return rows === undefined ? undefined : { rows, single: c.ctx.dvSingle.has(c.node.where), listed: c.node.where.startsWith('d.r IN (') };
}

/** Number of matching documents, counting at most `cap` (+1 to tell "more than cap"). */
function countMatches(cache: StatementCache, h: IndexHandle, c: Compiled, cap: number, minScore?: number): number {
  // A query that is one doc-value condition (a term, terms, range, exists or ids filter, not in
  // a point in time, whose view changes the condition) counts the documents of its doc-value
  // rows alone: every row belongs to a live document (they are written and removed with it),
  // so the per-document lookups and budget checks of the general count are not needed. The
  // count is one index range, capped like the general one (or the field's range when uncapped).
  // A field that holds at most one value per document has one row per document: no DISTINCT
  // (which sorts the rows), and a broad condition (`exists` on a field every document has)
  // counts its rows as an index range too; a broad one over several values per document only
  // when capped (DISTINCT over every row of the field costs more than checking each document).
  const limit = Number.isFinite(cap) ? ` LIMIT ${Math.max(0, Math.floor(cap))}` : '';
  const dv = minScore === undefined ? docValueRows(c) : undefined;
  if (dv !== undefined && (dv.single || limit !== '' || dv.listed)) {
    const docs = dv.single ? dv.rows : `SELECT DISTINCT r FROM (${dv.rows})`;
    return (cache.get(`SELECT count(*) AS n FROM (${docs}${limit})`).get(c.ctx.params) as { n: number }).n;
  }
  // match_all: the index's documents table holds only live documents (a delete removes the
  // row); a point in time's view adds a condition, so it never gets here. SQLite counts a
  // table by its smallest index page by page (cells per page), far cheaper than stepping
  // through `cap` rows, so the whole count is read and then capped.
  if (minScore === undefined && c.node.where === '1' && !c.node.driver) {
    return Math.min(cap, (cache.get(`SELECT count(*) AS n FROM ${h.docs}`).get() as { n: number }).n);
  }
  const scoreFilter = minScore === undefined ? '' : ` AND (${c.node.score}) >= ${Number(minScore)}`;
  const inner = `SELECT 1 FROM ${from(h, c)} WHERE ci_live() AND (${whereOver(h, c)})${scoreFilter}`;
  const sql = Number.isFinite(cap)
    ? `${c.with}SELECT count(*) AS n FROM (${inner} LIMIT ${Math.max(0, Math.floor(cap))})`
    : `${c.with}SELECT count(*) AS n FROM (${inner})`;
  return (cache.get(sql).get(c.ctx.params) as { n: number }).n;
}

/** Options of one read: its time budget and the query's size limits. */
export interface ReadOptions {
  budget?: Budget;
  limits?: QueryLimits;
}

/**
 * Where a scroll stands (scroll.ts). `after`: the last rowid returned, for a scroll in `_doc`
 * order (an explicit `sort: _doc`, or the default score sort when every match scores the same):
 * each page is `rowid > after` in rowid order, so memory stays constant however deep the
 * scroll. `offset`: hits already returned, for any other order (each page re-runs the query
 * from there, within `MAX_RESULT_WINDOW`).
 */
export interface ScrollCursor {
  after?: number;
  offset?: number;
}

export type SearchResponse = {
  took: number;
  timed_out: boolean;
  _shards: typeof SHARDS;
  hits: Record<string, unknown>;
  aggregations?: Record<string, unknown>;
  suggest?: Record<string, unknown>;
};

/** A scroll page: the search response and the cursor of the next page. */
export interface ScrollPage {
  response: SearchResponse;
  next: ScrollCursor;
  /** With `collapse`: each hit's collapse key (doc-value form), for its inner hits. */
  groups?: unknown[];
}

export function count(cache: StatementCache, h: IndexHandle, query: unknown, o: ReadOptions = {}) {
  const c = compile(h, query, o.limits, o.budget);
  const n = withBudget(cache.db, o.budget, () => countMatches(cache, h, c, Infinity));
  return { count: n, _shards: SHARDS, ...(o.budget?.timedOut ? { timed_out: true } : {}) };
}

interface HitRow {
  r: number;
  sc: number;
  [k: string]: unknown;
}

export function search(cache: StatementCache, hl: Highlighter, h: IndexHandle, req: SearchRequest, o: ReadOptions = {}): SearchResponse {
  return searchPage(cache, hl, h, req, o).response;
}

/** One page of a scroll: `search` from `cursor`, and where the next page starts. */
export function scrollPage(cache: StatementCache, hl: Highlighter, h: IndexHandle, req: SearchRequest, cursor: ScrollCursor, o: ReadOptions = {}): ScrollPage {
  return searchPage(cache, hl, h, req, o, cursor);
}

function searchPage(cache: StatementCache, hl: Highlighter, h: IndexHandle, req: SearchRequest, o: ReadOptions, cursor?: ScrollCursor): ScrollPage {
  const started = performance.now();
  const c = compile(h, req.query, o.limits, o.budget);
  // A point in time sees the documents that existed when it opened (pit.ts).
  const view = req.maxRowid === undefined ? undefined
    : `d.r <= ${Math.floor(req.maxRowid)} AND NOT (d.ver = 1 AND d.seq > ${Math.floor(req.maxSeq ?? -1)})`;
  if (view !== undefined) c.node = { ...c.node, where: `(${c.node.where}) AND ${view}` };
  const scoring = req.sort.length === 0 || req.trackScores || req.minScore !== undefined || req.sort.some((k) => k.kind === 'score');
  const fill = scoring && c.ctx.scored.length > 0;
  if (fill) ensureTempTables(cache.db, c.ctx.scored.length);
  // Aggregations: on a search and a scroll's first page (aggs/search-aggs.ts).
  const first = cursor === undefined || ((cursor.after ?? 0) === 0 && (cursor.offset ?? 0) === 0);
  const aggs = req.aggs && first ? prepareAggs(cache, h, req.aggs, req.typedKeys) : undefined;
  return withBudget(cache.db, o.budget, () =>
    cache.db.transaction(() => {
      const cleanup = fill ? fillScores(cache, c) : () => {};
      let page: ScrollPage;
      try {
        page = run(cache, hl, h, req, c, scoring, started, o.budget, cursor);
      } finally {
        cleanup();
      }
      if (aggs) page.response.aggregations = aggs(req.aggQuery, (query, table) => materialize(cache, h, query, table, o.limits, view), o.budget, view !== undefined);
      // Inner hits are searches of their own: after this one's score tables are emptied.
      if (req.collapse?.innerHits && page.groups) addInnerHits(page, req, (sub) => searchPage(cache, hl, h, sub, o).response);
      if (req.suggest && first) page.response.suggest = runSuggest(h, req.suggest, o.budget);
      if (aggs || req.collapse?.innerHits || (req.suggest && first)) {
        page.response.took = Math.round(performance.now() - started);
        page.response.timed_out = o.budget?.expired() ?? false;
      }
      return page;
    })(),
  );
}

function run(
  cache: StatementCache, hl: Highlighter, h: IndexHandle, req: SearchRequest, c: Compiled, scoring: boolean, started: number,
  budget?: Budget, cursor?: ScrollCursor,
): ScrollPage {
  const sortKeys = req.sort.length ? req.sort : [{ kind: 'score' as const, desc: true, missingFirst: false, mode: 'max' as const }];
  const sorted = compileSort(c.ctx, sortKeys);
  const { columns } = sorted;
  const scoreExpr = scoring ? c.node.score : 'NULL';
  // A score that is the same for every row (filters, match_all) orders nothing: dropping it lets
  // SQLite walk the table in rowid order and stop after the page instead of sorting every match.
  const constant = !/\bd\.|ci_m\d/.test(scoreExpr);
  const orderBy = constant ? sorted.orderBy.replace(/^sc (ASC|DESC), /, '').replace(/, sc (ASC|DESC)/g, '') : sorted.orderBy;
  const minScore = req.minScore === undefined ? '' : ` AND sc >= ${Number(req.minScore)}`;
  // A scroll in rowid order continues after the last rowid; any other order from an offset.
  const docOrder = (req.sort.length === 0 && constant) || (req.sort.length === 1 && req.sort[0].kind === 'doc' && !req.sort[0].desc);
  const keyset = cursor !== undefined && docOrder;
  const offset = cursor === undefined ? req.from : keyset ? 0 : (cursor.offset ?? 0);
  // Sorted by a doc-value field: only the documents that can be on the page (sort-plan.ts).
  // After `search_after`: the rows past the given sort values, the index range from there (search-after.ts).
  const bound = scoring || req.size === 0 || req.collapse ? ''
    : req.searchAfter ? afterBound(cache, h, c.ctx, c.node, req.sort, req.searchAfter, req.size)
    : sortBound(cache, h, c.ctx, c.node, req.sort, offset + req.size);
  const seek = req.searchAfter ? afterCondition(c.ctx, sortKeys, req.searchAfter) : '';
  const collapseF = req.collapse ? collapseField(c.ctx, req.collapse.field) : undefined;
  if (collapseF) columns.push(collapseKey(c.ctx, collapseF));
  const select = `SELECT d.r AS r, (${scoring ? scoreOver(h, c, scoreExpr, columns) : 'NULL'}) AS sc${columns.map((c) => ', ' + c).join('')} FROM ${from(h, c, columns)} WHERE ci_live() AND (${whereOver(h, c, columns)})${bound}`;
  if (cursor && !keyset && offset + req.size > MAX_RESULT_WINDOW) {
    throw errors.illegalArgument(
      `a scroll sorted by score or by fields can return at most [${MAX_RESULT_WINDOW}] hits on the embedded index; ` +
        'scroll with "sort": ["_doc"] (constant memory, any number of hits), or use from/size',
    );
  }
  const after = (keyset ? ` AND r > ${Math.floor(Number(cursor.after ?? 0))}` : '') + seek;
  // Collapsed: the first match of each key's group in the sort order, then the page of those.
  const matches = `SELECT * FROM (${select}) AS d WHERE 1${minScore}${after}`;
  const ranked = collapseF
    ? `SELECT * FROM (SELECT d.*, row_number() OVER (PARTITION BY d.ck ORDER BY ${orderBy}) AS ci_rn FROM (${matches}) AS d) AS d WHERE ci_rn = 1`
    : matches;
  // One doc-value condition in document order (a filter's first page): the page's rowids come
  // straight from the doc values' index, without gathering every match and looking each up.
  const dv = cursor === undefined && !collapseF && bound === '' && seek === '' && minScore === '' && constant && columns.length === 0 && orderBy === 'd.r ASC'
    ? docValueRows(c) : undefined;
  const pageSql = dv?.listed
    ? `SELECT r, (${scoreExpr}) AS sc FROM (SELECT ${dv.single ? '' : 'DISTINCT '}r FROM (${dv.rows}) ORDER BY r LIMIT ${req.size} OFFSET ${offset})`
    : `${c.with}${ranked} ORDER BY ${keyset ? 'r' : orderBy} LIMIT ${req.size} OFFSET ${offset}`;
  const rows = req.size === 0 ? [] : (cache.get(pageSql).all(c.ctx.params) as HitRow[]);
  const next: ScrollCursor = keyset ? { after: rows.length ? rows[rows.length - 1].r : Number(cursor.after ?? 0) } : { offset: offset + rows.length };

  // Past the soft deadline the remaining hits come back without highlighting.
  const hits = rows.map((row) => buildHit(hl, h, req, c, row, scoring, budget));
  if (collapseF) {
    hits.forEach((hit, i) => {
      hit.fields = { ...(hit.fields as object | undefined), [collapseF.path]: [collapseValue(collapseF, rows[i].ck)] };
    });
  }
  let total: number | undefined;
  if (req.trackTotal) total = countMatches(cache, h, c, req.totalCap === Infinity ? Infinity : req.totalCap + 1, req.minScore);
  let maxScore: number | null = null;
  if (scoring) {
    const scoreFirst = sortKeys[0].kind === 'score' && sortKeys[0].desc;
    if (scoreFirst && offset === 0) maxScore = rows.length ? Number(rows[0].sc) : null;
    else {
      const m = cache.get(`${c.with}SELECT max(sc) AS m FROM (${select}) WHERE 1${minScore}`).get(c.ctx.params) as { m: number | null };
      maxScore = m.m;
    }
  }
  const out: Record<string, unknown> = {};
  // A count cut short by the time budget still counts the hits being returned.
  if (total !== undefined && budget?.timedOut) total = Math.max(total, offset + rows.length);
  if (total !== undefined) {
    const capped = Number.isFinite(req.totalCap) && total > req.totalCap;
    const value = capped ? req.totalCap : total;
    // Cut short by the time budget, the count is a lower bound.
    out.total = req.totalAsInt ? value : { value, relation: capped || budget?.timedOut ? 'gte' : 'eq' };
  }
  out.max_score = maxScore;
  out.hits = hits;
  return {
    response: { took: Math.round(performance.now() - started), timed_out: budget?.expired() ?? false, _shards: SHARDS, hits: out },
    next,
    groups: collapseF ? rows.map((row) => collapseValue(collapseF, row.ck)) : undefined,
  };
}

function buildHit(hl: Highlighter, h: IndexHandle, req: SearchRequest, c: Compiled, row: HitRow, scoring: boolean, budget?: Budget) {
  const doc = h.fullByRowid.get(row.r)!;
  const hit: Record<string, unknown> = { _index: h.name, _id: doc.id };
  if (req.version) hit._version = doc.ver;
  if (req.seqNoPrimaryTerm) {
    hit._seq_no = doc.seq;
    hit._primary_term = PRIMARY_TERM;
  }
  hit._score = scoring ? Number(row.sc) : null;
  const source = JSON.parse(doc.src) as Record<string, unknown>;
  if (req.source.enabled) hit._source = applySourceFilter(source, req.source);
  if (req.fields) hit.fields = fieldValues(h, source, req.fields);
  if (req.highlight && !budget?.expired()) {
    const highlight = hl.highlight(h, req.highlight, c.ctx.leaves, source);
    if (highlight) hit.highlight = highlight;
  }
  if (req.sort.length) hit.sort = req.sort.map((k, i) => (k.kind === 'score' ? Number(row.sc) : (row[`k${i}`] ?? null)));
  return hit;
}

/** The `fields` option: values per requested field (wildcards allowed), always arrays. */
function fieldValues(h: IndexHandle, source: Record<string, unknown>, patterns: string[]) {
  const out: Record<string, unknown[]> = {};
  for (const p of patterns) {
    const matches = fieldPattern(p);
    for (const f of h.fields.all()) {
      if (f.kind === 'object' || !matches(f.path)) continue;
      const values = collect(source, f.src.split('.'));
      if (values.length) out[f.path] = values;
    }
  }
  return out;
}

function collect(v: unknown, path: string[]): unknown[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap((x) => collect(x, path));
  if (path.length === 0) return isPlainObject(v) ? [] : [v];
  if (!isPlainObject(v)) return [];
  const out: unknown[] = [];
  for (let i = 1; i <= path.length; i++) {
    const key = path.slice(0, i).join('.');
    if (key in v) out.push(...collect(v[key], path.slice(i)));
  }
  return out;
}

/**
 * Writes the rowids matching `query` into the temp table `table` (aggregations); within a point
 * in time, only those its `view` sees.
 */
function materialize(cache: StatementCache, h: IndexHandle, query: unknown, table: string, limits?: QueryLimits, view?: string): void {
  const c = compile(h, query, limits);
  // One listed doc-value condition: its rows straight from the index (every doc-value row
  // belongs to a live document), without a lookup of each document; a document with several
  // matching values is written once (OR IGNORE on the table's primary key).
  const dv = view === undefined ? docValueRows(c) : undefined;
  const where = view === undefined ? c.node.where : `(${c.node.where}) AND ${view}`;
  const sql = dv?.listed
    ? `INSERT OR IGNORE INTO temp.${table} (r) SELECT r FROM (${dv.rows}) WHERE ci_live()`
    : `${c.with}INSERT INTO temp.${table} (r) SELECT d.r FROM ${from(h, c, [where])} WHERE ci_live() AND (${where})`;
  cache.get(sql).run(c.ctx.params);
}

/** One page of matching rowids above `after`, in rowid order (delete by query walks these). */
export function matchingRowids(cache: StatementCache, h: IndexHandle, query: unknown, after: number, limit: number, o: ReadOptions = {}): number[] {
  const c = compile(h, query, o.limits, o.budget);
  const sql = `${c.with}SELECT d.r AS r FROM ${from(h, c)} WHERE ci_live() AND (${c.node.where}) AND d.r > @__after ORDER BY d.r LIMIT ${Math.floor(limit)}`;
  return withBudget(cache.db, o.budget, () => (cache.get(sql).all({ ...c.ctx.params, __after: after }) as { r: number }[]).map((x) => x.r));
}
