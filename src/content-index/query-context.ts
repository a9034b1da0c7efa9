/**
 * What a compiled query is made of: SQL fragments over the documents table (aliased `d`),
 * named parameters, the FTS5 sub-queries (materialised CTEs joined for their scores), and the
 * full-text leaves the highlighter reuses. Also the SQL that reads a field's values from the
 * JSONB `_source` (json_extract, json_each for arrays, json_tree below arrays of objects).
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { hasDocValues } from './doc-values.js';
import { F_ARRAY, F_DOTTED, F_UNDER_ARRAY, oneValuePerDoc, type FieldInfo } from './fields.js';
import type { IndexHandle } from './index-handle.js';
import { DOC_BITS, DOC_MASK, type Db } from './schema.js';
import { StatementCache } from './statement-cache.js';

/** A compiled query node: a boolean SQL condition and a numeric SQL score. */
export interface SqlNode {
  where: string;
  score: string;
  /** The score is already 0 for documents that do not match (true for full-text leaves). */
  zeroOutside: boolean;
  /**
   * A full-text leaf (its CTE / temp table name) every match of this node is in: a query that
   * needs nothing else of the documents table can then run on that leaf's rows alone.
   */
  driver?: string;
}

export interface HighlightLeaf {
  expr: string;
  /** Field paths the leaf searched; null for every text field. */
  fields: string[] | null;
}

export const MATCH_NONE: SqlNode = { where: '0', score: '0', zeroOutside: true };

/**
 * A full-text leaf's scores, to be written into `temp.<name>` (doc INTEGER PRIMARY KEY, s) before
 * a scored search: joining a keyed temp table is a lookup, where joining a CTE is a scan per row.
 */
export interface ScoredLeaf {
  name: string;
  fill: string;
  params: Record<string, unknown>;
  /** Field ids the leaf searches (every text field's when it searches all). */
  fids: number[];
  /** SQL of its FTS rows, for a bounded count (query-plan.ts). */
  probe: string;
  /** Doc-value row sets (`SELECT r …`) the leaf may keep to: the planner's choice. */
  within: string[];
}

/** Bounds on a query's size (docs/embedded-index.md "Search limits"). */
export interface QueryLimits {
  /** Clauses in the whole query tree, and in one `bool` (`indices.query.bool.max_clause_count`). */
  maxClauseCount: number;
  /** Query objects nested in one another (`indices.query.bool.max_nested_depth`). */
  maxNestedDepth: number;
}

/** Counts one query may run to plan itself (query-plan.ts, `docValues`). */
const MAX_ESTIMATES = 32;
/** Documents above which a doc-value filter is checked per document rather than listed. */
export const BROAD_FILTER = 10_000;

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxClauseCount: 1024, maxNestedDepth: 30 };

/**
 * The planner's estimates repeat one shape per field and condition: prepared once per
 * connection (SQLite re-prepares a statement itself when the schema changes under it).
 */
const estimates = new WeakMap<Db, StatementCache>();
function estimateStatements(db: Db): StatementCache {
  let c = estimates.get(db);
  if (!c) estimates.set(db, (c = new StatementCache(db, 64)));
  return c;
}

export class QueryContext {
  readonly params: Record<string, unknown> = {};
  /** CTE definitions for unscored statements (count, delete by query, sort by field). */
  readonly ctes: string[] = [];
  readonly scored: ScoredLeaf[] = [];
  readonly leaves: HighlightLeaf[] = [];
  private n = 0;
  private clauses = 0;
  private depth = 0;

  constructor(
    readonly h: IndexHandle,
    readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  ) {}

  /** Enters one query object: counts it as a clause and bounds the nesting. */
  enter(): void {
    if (++this.depth > this.limits.maxNestedDepth) {
      throw errors.illegalArgument('The nested depth of the query exceeds the maximum nested depth for queries set in [indices.query.bool.max_nested_depth]');
    }
    this.count(1);
  }

  leave(): void {
    this.depth--;
  }

  /** Adds clauses to the whole tree's count (Lucene's nested clause check). */
  count(n: number): void {
    this.clauses += n;
    if (this.clauses > this.limits.maxClauseCount) {
      throw errors.tooManyNestedClauses(this.limits.maxClauseCount);
    }
  }

  /** One `bool`'s clause list (Lucene's BooleanQuery check). */
  checkBoolClauses(n: number): void {
    if (n > this.limits.maxClauseCount) throw errors.tooManyClauses(this.limits.maxClauseCount);
  }

  /** Binds a value; returns its placeholder. */
  p(value: unknown): string {
    const name = `p${this.n++}`;
    this.params[name] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    return `@${name}`;
  }

  field(path: string): FieldInfo | undefined {
    return this.h.fields.get(path);
  }

  /**
   * A full-text leaf: `expr` (FTS5 syntax) over the given text fields (null: all of them).
   * `agg` combines a document's per-field scores: best field (max), all fields (sum), or the
   * best field plus a tie breaker times the others (a number: `multi_match`'s `tie_breaker`).
   */
  fts(expr: string, fields: { f: FieldInfo; boost: number }[] | null, agg: 'max' | 'sum' | number, boost = 1): SqlNode {
    if (expr === '' || (fields !== null && fields.length === 0)) return MATCH_NONE;
    if (this.scored.length >= this.limits.maxClauseCount) this.count(this.limits.maxClauseCount + 1);
    const t = this.h.fts;
    const m = `ci_m${this.scored.length}`;
    const boosts = fields?.filter((x) => x.boost !== 1) ?? [];
    const weight = boosts.length
      ? ` * (CASE rowid >> ${DOC_BITS} ${boosts.map((x) => `WHEN ${x.f.fid} THEN ${Number(x.boost)}`).join(' ')} ELSE 1 END)`
      : '';
    const pExpr = this.p(expr);
    // ci_live(): the time budget (search-budget.ts) — past it, the remaining rows are skipped.
    // `/*ci_w<i>*/` is where the planner may add a doc-value restriction (`finish`).
    const bm25 = `-bm25(${t})${weight}`;
    let sql = `SELECT rowid & ${DOC_MASK} AS doc, ${bm25} AS s FROM ${t} WHERE ${t} MATCH ${pExpr} AND ci_live()`;
    // The CTEs serve only unscored statements (scored searches fill temp tables): no bm25 there,
    // which saves FTS5 reading every match's positions.
    const unscored = (x: string) => x.replace(`${bm25} AS s`, '0 AS s');
    let scope: string;
    let fill: string;
    if (fields && fields.length === 1) {
      const lo = fields[0].f.fid * 2 ** DOC_BITS;
      scope = ` AND rowid BETWEEN ${lo} AND ${lo + DOC_MASK}`;
      sql += `${scope}/*ci_w${this.scored.length}*/`;
      fill = `INSERT INTO temp.${m} (doc, s) ${sql}`;
    } else {
      scope = fields ? ` AND (rowid >> ${DOC_BITS}) IN (${fields.map((x) => x.f.fid).join(',')})` : '';
      sql += `${scope}/*ci_w${this.scored.length}*/`;
      // bm25() may not run inside an aggregate: score the rows first, then group them.
      const inner = `${m}r(doc, s) AS MATERIALIZED (${sql})`;
      this.ctes.push(unscored(inner));
      const combined = typeof agg === 'number' ? (agg === 0 ? 'max(s)' : `max(s) + ${agg} * (sum(s) - max(s))`) : `${agg}(s)`;
      sql = `SELECT doc, ${combined} AS s FROM ${m}r GROUP BY doc`;
      fill = `WITH ${inner} INSERT INTO temp.${m} (doc, s) ${sql}`;
    }
    this.ctes.push(unscored(`${m}(doc, s) AS MATERIALIZED (${sql})`));
    const fids = fields ? fields.map((x) => x.f.fid) : [...this.h.fields.all()].filter((f) => f.kind === 'text').map((f) => f.fid);
    const probe = `SELECT 1 FROM ${t} WHERE ${t} MATCH ${pExpr}${scope}`;
    this.scored.push({ name: m, fill, params: { [pExpr.slice(1)]: expr }, fids, probe, within: [] });
    this.leaves.push({ expr, fields: fields && fields.map((x) => x.f.path) });
    // A keyed lookup per document, not a join: SQLite joins at most 64 tables, a query may have
    // up to maxClauseCount leaves.
    const s = `COALESCE((SELECT ${m}.s FROM ${m} WHERE ${m}.doc = d.r), 0)`;
    const score = boost === 1 ? s : `(${s} * ${Number(boost)})`;
    return { where: `d.r IN (SELECT doc FROM ${m})`, score, zeroOutside: true, driver: m };
  }

  /** How the values were seen: a multi-field (`title.keyword`) has its parent's shape. */
  private flagsOf(f: FieldInfo): number {
    return f.multi ? (this.h.fields.get(f.src)?.flags ?? f.flags) : f.flags;
  }

  /** Whether queries on `f` read the doc values rather than `_source` (doc-values.ts). */
  usesDocValues(f: FieldInfo): boolean {
    return this.h.dv !== null && hasDocValues(f);
  }

  /** The `SELECT r …` of each doc-value condition, by its SQL (query-plan.ts). */
  readonly dvRows = new Map<string, string>();
  /**
   * The doc-value conditions (by SQL) whose rows hold each document at most once: the field has
   * never been seen as an array, under an array of objects or under a dotted key, so a document
   * has at most one value of it (and one row). Counting and paging those rows need no DISTINCT.
   */
  readonly dvSingle = new Set<string>();

  /** Whether every document has at most one doc value of `f` (see `dvSingle`). */
  singleValued(f: FieldInfo): boolean {
    return oneValuePerDoc(this.h.fields, f);
  }

  /**
   * `pred(v)` over the field's doc values, v being one converted value at a time (`convert`'s
   * form: numbers, epoch millis, 0/1), as the documents that have one; undefined when the
   * field has no doc values (the caller reads `_source`). `ranges` may split the rows into
   * index ranges that hold every match (UNION ALL of `rows(range)`).
   */
  docValues(f: FieldInfo, pred: (v: string) => string, ranges?: (rows: (range: string) => string) => string): string | undefined {
    if (!this.usesDocValues(f)) return undefined;
    const part = (range?: string) => `SELECT r FROM ${this.h.dv} WHERE f = ${f.fid}${range ? ` AND ${range}` : ''} AND ${pred('v')}`;
    const rows = ranges ? ranges(part) : part();
    // A filter most documents pass is cheaper checked per document (a primary-key lookup, and
    // the walk stops at the page and the capped total) than gathered whole into an IN list.
    const n = this.countUpTo(rows, BROAD_FILTER + 1);
    const where = n !== undefined && n > BROAD_FILTER
      ? `EXISTS (SELECT 1 FROM ${this.h.dv} WHERE r = d.r AND f = ${f.fid} AND ${pred('v')})`
      : `d.r IN (${rows})`;
    this.dvRows.set(where, rows);
    if (this.singleValued(f)) this.dvSingle.add(where);
    return where;
  }

  private estimates = 0;

  /**
   * Rows of `sql` (bound with this query's parameters), counting at most `limit`: an index walk
   * that stops there. Undefined once the query has spent its estimates (`MAX_ESTIMATES`).
   */
  countUpTo(sql: string, limit: number): number | undefined {
    if (this.estimates >= MAX_ESTIMATES) return undefined;
    this.estimates++;
    const params: Record<string, unknown> = {};
    for (const [, name] of sql.matchAll(/@(p\d+)/g)) params[name] = this.params[name];
    return (estimateStatements(this.h.db).get(`SELECT count(*) AS n FROM (${sql} LIMIT ${limit})`).get(params) as { n: number }).n;
  }

  /**
   * Puts the planner's restrictions into the full-text leaves' SQL: a leaf kept to a doc-value
   * row set evaluates its FTS5 query only at those documents' rowids.
   */
  finish(): void {
    const restrict = (sql: string) => sql.replace(/\/\*ci_w(\d+)\*\//g, (_, i: string) => {
      const leaf = this.scored[Number(i)];
      return leaf.within.map((rows) => {
        const los = leaf.fids.map((fid) => fid * 2 ** DOC_BITS);
        const from = los.length === 1 ? `(${rows})` : `(${rows}) AS rr, (${los.map((lo) => `SELECT ${lo} AS lo`).join(' UNION ALL ')}) AS x`;
        return ` AND rowid IN (SELECT ${los.length === 1 ? los[0] : 'x.lo'} + r FROM ${from})`;
      }).join('');
    });
    for (let i = 0; i < this.ctes.length; i++) this.ctes[i] = restrict(this.ctes[i]);
    for (const leaf of this.scored) {
      leaf.fill = restrict(leaf.fill);
      for (const rows of leaf.within) for (const [, name] of rows.matchAll(/@(p\d+)/g)) leaf.params[name] = this.params[name];
    }
  }

  /** `pred(x)` over the field's values, x being one value at a time (arrays: any element). */
  values(f: FieldInfo, pred: (x: string) => string): string {
    const flags = this.flagsOf(f);
    if (flags & (F_UNDER_ARRAY | F_DOTTED)) {
      return `EXISTS (SELECT 1 FROM json_tree(d.src) AS j WHERE j.atom IS NOT NULL AND es_path(j.fullkey) = ${this.p(f.src)} AND ${pred('j.atom')})`;
    }
    const path = this.p(jsonPath(f.src));
    if (flags & F_ARRAY) return `EXISTS (SELECT 1 FROM json_each(d.src, ${path}) AS j WHERE ${pred('j.atom')})`;
    return pred(`json_extract(d.src, ${path})`);
  }

  /** A sort key for the field: its value, or the min / max element of an array. */
  sortValue(f: FieldInfo, mode: 'min' | 'max'): string {
    if (this.usesDocValues(f)) return `(SELECT ${mode}(v) FROM ${this.h.dv} WHERE r = d.r AND f = ${f.fid})`;
    const conv = (x: string) => convert(f, x);
    const flags = this.flagsOf(f);
    if (flags & (F_UNDER_ARRAY | F_DOTTED)) {
      return `(SELECT ${mode}(${conv('j.atom')}) FROM json_tree(d.src) AS j WHERE j.atom IS NOT NULL AND es_path(j.fullkey) = ${this.p(f.src)})`;
    }
    const path = this.p(jsonPath(f.src));
    if (flags & F_ARRAY) return `(SELECT ${mode}(${conv('j.atom')}) FROM json_each(d.src, ${path}) AS j)`;
    return conv(`json_extract(d.src, ${path})`);
  }
}

export function jsonPath(path: string): string {
  return '$' + path.split('.').map((s) => `."${s}"`).join('');
}

/** SQL that turns a stored value into the field type's comparable form. */
export function convert(f: FieldInfo, x: string): string {
  switch (f.kind) {
    case 'number':
      return `(${x} + 0)`;
    case 'date':
      return `es_ms(${x})`;
    case 'boolean':
      return `(${x} IN (1, 'true'))`;
    default:
      return x;
  }
}

/** Coerces a query value to the field's type (number, epoch millis, 0/1, string). */
export function coerce(f: FieldInfo, value: unknown, parseDate: (v: unknown) => number): number | string {
  if (value === null || typeof value === 'object') throw errors.parsing(`[${f.path}] query value must be a scalar`);
  switch (f.kind) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(String(value).trim() || NaN);
      if (!Number.isFinite(n)) throw errors.queryShard(`failed to create query: For input string: "${String(value)}"`);
      return n;
    }
    case 'date': {
      const ms = parseDate(value);
      if (Number.isNaN(ms)) {
        throw errors.queryShard(`failed to parse date field [${String(value)}] with format [strict_date_optional_time||epoch_millis]`);
      }
      return ms;
    }
    case 'boolean':
      if (value === true || value === 'true') return 1;
      if (value === false || value === 'false' || value === '') return 0;
      throw errors.queryShard(`Can't parse boolean value [${String(value)}], expected [true] or [false]`);
    default:
      return String(value);
  }
}

/** A query's `boost` (default 1); negative or non-numeric is a parsing error. */
export function boostOf(b: unknown): number {
  const v = isPlainObject(b) ? b.boost : undefined;
  if (v === undefined) return 1;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw errors.parsing(`[boost] must be a non-negative number, got [${String(v)}]`);
  return n;
}
