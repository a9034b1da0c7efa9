/**
 * A read-only view of the content database for one search thread (read-worker.ts): its own
 * connection, index handles, statement cache and highlighter. The main thread writes through
 * another connection; each read runs in one transaction, so it sees the last commit before it
 * started (a search sent after a write, or after `_refresh`, sees that write).
 *
 * Index handles carry the field registry. When any connection commits (`PRAGMA data_version`
 * moves), a handle is checked against the catalogue — the index row and a stamp of its fields —
 * and rebuilt if the index was re-created or its mapping grew.
 */
import { errors } from '../domain/errors.js';
import { docValuesTable, hasTable } from './doc-values.js';
import { Highlighter } from './highlight.js';
import { loadIndexRow } from './index-admin.js';
import { IndexHandle, type IndexRow } from './index-handle.js';
import type { QueryLimits } from './query-context.js';
import { openReadDatabase, type Db } from './schema.js';
import { Budget } from './search-budget.js';
import { count, matchingRowids, search, scrollPage, type ScrollCursor, type ScrollPage } from './search.js';
import { parseCountQuery, parseSearchRequest, type SearchParams } from './search-request.js';
import { StatementCache } from './statement-cache.js';

interface Cached {
  h: IndexHandle;
  row: IndexRow;
  stamp: string;
}

/** What one read may spend: milliseconds before partial results, and before it is cancelled. */
export interface ReadBudget {
  softMs: number;
  hardMs: number;
  /** Already spent (waiting in the queue). */
  spentMs?: number;
}

export class ContentReader {
  private readonly db: Db;
  private readonly cache: StatementCache;
  private readonly highlighter: Highlighter;
  private readonly handles = new Map<string, Cached>();
  private dataVersion = -1;

  constructor(
    readonly path: string,
    private readonly limits?: QueryLimits,
  ) {
    this.db = openReadDatabase(path);
    this.cache = new StatementCache(this.db);
    this.highlighter = new Highlighter(this.db);
  }

  search(name: string, body: unknown, params: SearchParams, budget: ReadBudget) {
    const req = parseSearchRequest(body, params);
    const b = this.budget(budget, req.timeoutMs);
    return this.read(name, (h) => search(this.cache, this.highlighter, h, req, { budget: b, limits: this.limits }));
  }

  /** One page of a scroll (scroll.ts) from `cursor`. */
  scroll(name: string, body: unknown, params: SearchParams, cursor: ScrollCursor, budget: ReadBudget): ScrollPage {
    const req = parseSearchRequest(body, params);
    const b = this.budget(budget, req.timeoutMs);
    return this.read(name, (h) => scrollPage(this.cache, this.highlighter, h, req, cursor, { budget: b, limits: this.limits }));
  }

  count(name: string, body: unknown, params: SearchParams, budget: ReadBudget) {
    const query = parseCountQuery(body, params);
    const b = this.budget(budget);
    return this.read(name, (h) => count(this.cache, h, query, { budget: b, limits: this.limits }));
  }

  /** One page of the rowids `_delete_by_query` deletes; the index id tells a re-created index apart. */
  rowids(name: string, indexId: number, query: unknown, after: number, limit: number, budget: ReadBudget): number[] {
    const b = new Budget(Infinity, Math.max(1, budget.hardMs - (budget.spentMs ?? 0)));
    return this.read(name, (h) => (h.id === indexId ? matchingRowids(this.cache, h, query, after, limit, { budget: b, limits: this.limits }) : []));
  }

  /** Finalises every statement and closes the connection; the thread may then exit safely. */
  close(): void {
    this.handles.clear();
    this.cache.clear();
    this.highlighter.clear();
    if (this.db.open) this.db.close();
  }

  private budget(b: ReadBudget, requestMs?: number): Budget {
    // A request's own `timeout` may shorten the default budget, never lengthen the hard limit.
    const spent = b.spentMs ?? 0;
    const soft = Math.min(requestMs ?? b.softMs, b.hardMs);
    return new Budget(soft - spent, Math.max(1, b.hardMs - spent));
  }

  /** Runs `fn` on a current handle of the index, inside one read transaction. */
  private read<T>(name: string, fn: (h: IndexHandle) => T): T {
    if (/[*,]/.test(name) || name === '_all') {
      throw errors.illegalArgument(`the embedded index serves one concrete index per request, got [${name}]`);
    }
    const h = this.db.transaction(() => this.handle(name))();
    if (!h) throw errors.indexNotFound(name);
    try {
      return fn(h);
    } catch (e) {
      // A statement may refer to a table dropped since: start afresh next time.
      this.handles.delete(name);
      this.cache.clear();
      throw e;
    }
  }

  private handle(name: string): IndexHandle | undefined {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    const cached = this.handles.get(name);
    if (cached && version === this.dataVersion) return cached.h;
    if (version !== this.dataVersion) this.dataVersion = version;
    const row = loadIndexRow(this.db, name);
    if (!row) {
      this.handles.delete(name);
      return undefined;
    }
    const stamp = this.stampOf(row);
    if (cached && cached.row.id === row.id && cached.stamp === stamp) return cached.h;
    const h = new IndexHandle(this.db, row);
    this.handles.set(name, { h, row, stamp });
    return h;
  }

  /** Changes when the index's settings or mapping change (fields are only ever added or flagged), or it gains doc values. */
  private stampOf(row: IndexRow): string {
    const f = this.db.prepare('SELECT count(*) AS n, total(flags) AS fl FROM ci_fields WHERE idx = ?').get(row.id) as { n: number; fl: number };
    // Doc values appear when an older index's backfill completes.
    const dv = hasTable(this.db, docValuesTable(row.id)) ? 'dv' : 'scan';
    return `${row.id}/${row.settings}/${row.mappings}/${row.language}/${f.n}/${f.fl}/${dv}`;
  }
}
