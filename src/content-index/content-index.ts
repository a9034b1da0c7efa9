/**
 * The embedded content index (runtime.md "The embedded content index"): Elasticsearch's index
 * and document APIs over one SQLite file (FTS5 for full text). Every method takes and returns
 * Elasticsearch's JSON shapes; failures are `ApiError`s with Elasticsearch's error types.
 * Writes are transactional (one transaction per request, per bulk, per delete-by-query batch)
 * and visible immediately, so `_refresh` has nothing to do.
 */
import { ApiError, errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { errorItem, itemSource, okItem, parseBulk, writeBody, writeStatus, type BulkGuard, type BulkItem } from './bulk.js';
import {
  autoId, deleteDocument, putDocument, PRIMARY_TERM, updateDocument, type WriteOptions,
} from './documents.js';
import { deleteByQuery, type DeleteByQueryHost } from './delete-by-query.js';
import { backfillDocValues } from './doc-values-backfill.js';
import { Highlighter } from './highlight.js';
import {
  defaultPipelineOf, indexNames, insertIndex, loadIndexRow, mappingOf, parseCreateBody, putMapping, removeIndex, settingsOf,
} from './index-admin.js';
import { IndexHandle } from './index-handle.js';
import { validateIndexName } from './index-names.js';
import { openDatabase, type Db } from './schema.js';
import { DEFAULT_SEARCH_LIMITS, ReadPool, type SearchLimits } from './read-pool.js';
import { count, matchingRowids, scrollPage, search, SHARDS } from './search.js';
import { continueScroll, DEFAULT_SCROLL_LIMITS, openScroll, ScrollContexts, type PageReader, type ScrollLimits } from './scroll.js';
import { Budget } from './search-budget.js';
import { DEFAULT_PIT_LIMITS, parsePitBody, PitContexts, type PitLimits } from './pit.js';
import { parseCountQuery, parseSearchRequest, type SearchParams } from './search-request.js';
import { applySourceFilter, parseSourceFilter } from './source-filter.js';
import { StatementCache } from './statement-cache.js';

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export interface DocWriteOptions extends WriteOptions {
  opType?: 'index' | 'create';
}

export interface ContentIndexOptions {
  /** Search threads, queue and budgets (config file `content.search`). */
  search?: Partial<SearchLimits>;
  /** Open scrolls and their keep-alive (scroll.ts). */
  scroll?: Partial<ScrollLimits>;
  /** Open points in time and their keep-alive (pit.ts). */
  pit?: Partial<PitLimits>;
  /** Documents per transaction when filling older indexes' doc values; false: do not. */
  docValuesBackfill?: number | false;
}

export class ContentIndex {
  readonly db: Db;
  readonly searchLimits: SearchLimits;
  private readonly handles = new Map<string, IndexHandle>();
  private readonly cache: StatementCache;
  private readonly highlighter: Highlighter;
  /** Runs a function in a savepoint when called inside a transaction. */
  private readonly nested: (fn: () => unknown) => unknown;
  /** Started on the first read that goes through it. */
  private pool?: ReadPool;
  private readonly scrolls: ScrollContexts;
  private readonly pits: PitContexts;
  /** Settles when the indexes created before doc values have them (doc-values-backfill.ts). */
  readonly docValuesReady: Promise<void>;
  /** `PRAGMA data_version`: moves when another connection (a sync's write thread) commits. */
  private readonly dataVersion: () => number;
  private seenVersion = -1;
  /** Handles dropped by catchUp inside a write: a caller may still hold one, so it is flushed too. */
  private readonly retired = new Set<IndexHandle>();

  constructor(
    readonly path: string,
    opts: ContentIndexOptions = {},
  ) {
    this.db = openDatabase(path);
    this.cache = new StatementCache(this.db);
    this.highlighter = new Highlighter(this.db);
    this.nested = this.db.transaction((fn: () => unknown) => fn());
    const version = this.db.prepare('PRAGMA data_version').pluck();
    this.dataVersion = () => version.get() as number;
    this.searchLimits = { ...DEFAULT_SEARCH_LIMITS, ...opts.search };
    this.scrolls = new ScrollContexts({ ...DEFAULT_SCROLL_LIMITS, ...opts.scroll });
    this.pits = new PitContexts({ ...DEFAULT_PIT_LIMITS, ...opts.pit });
    this.docValuesReady = opts.docValuesBackfill === false ? Promise.resolve() : backfillDocValues({
      db: this.db,
      open: () => this.db.open,
      handle: (name) => this.handle(name),
      reload: (name) => {
        this.handles.delete(name);
        this.cache.clear();
      },
      write: (fn) => this.write(fn),
    }, indexNames(this.db), opts.docValuesBackfill).catch((e: unknown) => {
      // The index keeps answering from `_source`; the next open tries again.
      this.docValuesError = e;
    });
  }

  /** Why the last backfill of doc values stopped, if it failed. */
  docValuesError?: unknown;

  /** Closes the database now; the search threads close their connections before they end. */
  close(): Promise<void> {
    this.scrolls.close();
    this.pits.stop();
    this.handles.clear();
    this.cache.clear();
    this.highlighter.clear();
    if (this.db.open) this.db.close();
    const pool = this.pool;
    this.pool = undefined;
    return pool ? pool.destroy() : Promise.resolve();
  }

  // ---- indices ---------------------------------------------------------------------------

  createIndex(name: string, body?: unknown, opts: { language?: string | null } = {}) {
    const parsed = parseCreateBody(body);
    this.write(() => {
      const row = insertIndex(this.db, name, parsed, opts.language);
      const h = new IndexHandle(this.db, row);
      if (parsed.mappings) h.fields.applyMapping(parsed.mappings);
      this.handles.set(name, h);
    });
    return { acknowledged: true, shards_acknowledged: true, index: name };
  }

  exists(name: string): boolean {
    return this.handle(name) !== undefined;
  }

  /** The index's `index.default_pipeline` (run by the API's writes when none is named), if any. */
  defaultPipeline(name: string): string | undefined {
    const h = this.handle(name);
    return h ? defaultPipelineOf(h) : undefined;
  }

  // Handles are looked up inside write(): after BEGIN IMMEDIATE and catchUp, so another
  // connection cannot delete, re-create or extend the index between the lookup and the write.
  deleteIndex(name: string) {
    this.write(() => removeIndex(this.db, this.mustHandle(name)));
    this.handles.delete(name);
    this.cache.clear();
    return { acknowledged: true };
  }

  getIndex(name: string) {
    const h = this.mustHandle(name);
    return { [name]: { aliases: {}, mappings: mappingOf(h), settings: settingsOf(h) } };
  }

  getMapping(name: string) {
    return { [name]: { mappings: mappingOf(this.mustHandle(name)) } };
  }

  putMapping(name: string, body: unknown) {
    this.write(() => putMapping(this.mustHandle(name), body));
    return { acknowledged: true };
  }

  refresh(name: string) {
    this.mustHandle(name);
    return { _shards: { total: 1, successful: 1, failed: 0 } };
  }

  /** Rows for `GET /_cat/indices?format=json`. */
  catIndices(): Record<string, string>[] {
    return indexNames(this.db).map((name) => {
      const h = this.mustHandle(name);
      const docs = h.countDocs.get()!.n;
      return {
        health: 'green', status: 'open', index: name, uuid: h.uuid, pri: '1', rep: '0',
        'docs.count': String(docs), 'docs.deleted': '0', 'store.size': '', 'pri.store.size': '', 'dataset.size': '',
      };
    });
  }

  listIndices(): string[] {
    return indexNames(this.db);
  }

  // ---- documents -------------------------------------------------------------------------

  getDocument(name: string, id: string, params: SearchParams = {}): Reply {
    const h = this.mustHandle(name);
    const doc = h.fullById.get(id);
    if (!doc) return { status: 404, body: { _index: name, _id: id, found: false } };
    const body: Record<string, unknown> = {
      _index: name, _id: id, _version: doc.ver, _seq_no: doc.seq, _primary_term: PRIMARY_TERM, found: true,
    };
    const filter = parseSourceFilter(params._source, params._source_includes, params._source_excludes);
    if (filter.enabled) body._source = applySourceFilter(JSON.parse(doc.src) as Record<string, unknown>, filter);
    return { status: 200, body };
  }

  /** `PUT|POST /<index>/_doc/<id>`, `POST /<index>/_doc` (id undefined), `_create`. */
  indexDocument(name: string, id: string | undefined, source: unknown, opts: DocWriteOptions = {}): Reply {
    if (!isPlainObject(source)) throw errors.badBody('request body is required');
    return this.write(() => {
      const h = this.autoCreate(name);
      const r = putDocument(h, id ?? autoId(), source, opts.opType ?? 'index', opts);
      return { status: writeStatus(r), body: writeBody(name, r) };
    });
  }

  updateDocument(name: string, id: string, body: unknown, opts: WriteOptions = {}): Reply {
    return this.write(() => {
      const upsert = isPlainObject(body) && (body.doc_as_upsert === true || body.upsert !== undefined);
      const h = upsert ? this.autoCreate(name) : this.handle(name);
      if (!h) throw errors.documentMissing(name, id);
      const r = updateDocument(h, id, body, opts);
      return { status: writeStatus(r), body: writeBody(name, r) };
    });
  }

  deleteDocument(name: string, id: string, opts: WriteOptions = {}): Reply {
    return this.write(() => {
      const r = deleteDocument(this.mustHandle(name), id, opts);
      return { status: writeStatus(r), body: writeBody(name, r) };
    });
  }

  /**
   * `_bulk`: an ndjson body (or parsed items), one transaction for the whole request. Each item
   * runs in its own savepoint: a failed item is rolled back completely (documents, mapped
   * fields, an index it created, its `_seq_no`) while the others go on. `guard` (security)
   * may refuse an item before it runs.
   */
  bulk(body: string | BulkItem[], defaultIndex?: string, guard?: BulkGuard) {
    const started = performance.now();
    const items = typeof body === 'string' ? parseBulk(body, defaultIndex) : body;
    let failed = false;
    const results = this.write(() =>
      items.map((item) => {
        try {
          const refused = guard?.(item, this.handle(item.index) !== undefined);
          if (refused) throw refused;
          if (item.failure) throw item.failure;
          return okItem(item, item.index, this.isolated(item.index, () => this.bulkItem(item)));
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          failed = true;
          return errorItem(item, e);
        }
      }),
    );
    return { took: Math.round(performance.now() - started), errors: failed, items: results };
  }

  /**
   * Runs one bulk item inside the request's transaction so that, if it throws, it leaves no
   * trace: its SQL is rolled back to a savepoint (better-sqlite3 nests transactions that way)
   * and the in-memory state of the one index it touches is put back.
   */
  private isolated<T>(name: string, fn: () => T): T {
    const before = this.handle(name);
    const mark = before?.mark();
    try {
      const out = this.nested(fn) as T;
      before?.release();
      return out;
    } catch (e) {
      if (before && mark) before.undo(mark);
      else this.handles.delete(name); // an index the item created is gone with the savepoint
      throw e;
    }
  }

  private bulkItem(item: BulkItem) {
    const opts = { ifSeqNo: item.ifSeqNo, ifPrimaryTerm: item.ifPrimaryTerm };
    switch (item.action) {
      case 'index':
      case 'create':
        return putDocument(this.autoCreate(item.index), item.id ?? autoId(), itemSource(item), item.action, opts);
      case 'update': {
        if (item.id === undefined) throw errors.validation(['id is missing']);
        const source = itemSource(item);
        const upsert = source.doc_as_upsert === true || source.upsert !== undefined;
        const h = upsert ? this.autoCreate(item.index) : this.handle(item.index);
        if (!h) throw errors.documentMissing(item.index, item.id);
        return updateDocument(h, item.id, source, opts);
      }
      case 'delete':
        return deleteDocument(this.mustHandle(item.index), item.id!, opts);
    }
  }

  // ---- search ----------------------------------------------------------------------------

  /** `_search` on this thread (tests, benchmarks; the API uses `searchAsync`). */
  search(name: string, body?: unknown, params: SearchParams = {}) {
    const h = this.mustHandle(name);
    const req = parseSearchRequest(body, params);
    return search(this.cache, this.highlighter, h, req, { budget: this.budget(req.timeoutMs), limits: this.searchLimits });
  }

  count(name: string, body?: unknown, params: SearchParams = {}) {
    const h = this.mustHandle(name);
    return count(this.cache, h, parseCountQuery(body, params), { budget: this.budget(), limits: this.searchLimits });
  }

  /**
   * `_search` on a search thread: the event loop stays free however long it takes. With
   * `scroll`, the first page of a scroll (scroll.ts) opened for `owner`.
   */
  async searchAsync(name: string, body?: unknown, params: SearchParams = {}, owner?: string): Promise<Record<string, unknown>> {
    if (isPlainObject(body) && body.pit !== undefined) return this.searchPit(name, body, params, owner);
    if (params.scroll !== undefined) return openScroll(this.scrolls, this.pageReader, name, body, params, owner);
    if (this.searchLimits.threads === 0) return this.search(name, body, params);
    return this.reads().run({ op: 'search', name, body, params });
  }

  /** `POST /<index>/_pit?keep_alive=…`: a point in time on `name` for `owner` (pit.ts). */
  openPit(name: string, keepAlive: unknown, owner?: string): string {
    const h = this.mustHandle(name);
    const ms = this.pits.keepAlive(keepAlive, this.scrolls);
    const row = this.db.prepare(`SELECT coalesce(max(r), 0) AS r, coalesce(max(seq), -1) AS s FROM ${h.docs}`).get() as { r: number; s: number };
    return this.pits.add({ index: name, uuid: h.uuid, maxRowid: row.r, maxSeq: Math.max(row.s, h.seq), owner }, ms);
  }

  /** The index of `owner`'s point in time `id` (404 when unknown, expired or another's). */
  pitIndex(id: string, owner?: string): string {
    return this.pits.get(id, owner).index;
  }

  /** `DELETE /_pit`: how many of `owner`'s points in time among `ids` were open. */
  closePit(ids: string[], owner?: string): number {
    return this.pits.close(ids, owner);
  }

  private async searchPit(name: string, body: Record<string, unknown>, params: SearchParams, owner?: string): Promise<Record<string, unknown>> {
    const { pit, ...rest } = body;
    const p = parsePitBody(pit);
    if (params.scroll !== undefined) throw errors.illegalArgument('using [point in time] is not allowed in a scroll context');
    const keepAlive = p.keepAlive === undefined ? undefined : this.pits.keepAlive(p.keepAlive, this.scrolls);
    const ctx = this.pits.get(p.id, owner, keepAlive);
    const h = this.handle(ctx.index);
    if (ctx.index !== name || !h || h.uuid !== ctx.uuid) throw errors.scrollMissing(p.id);
    const withPit = { ...params, pit_max_rowid: ctx.maxRowid, pit_max_seq: ctx.maxSeq };
    const response = this.searchLimits.threads === 0
      ? this.search(name, rest, withPit)
      : await this.reads().run({ op: 'search', name, body: rest, params: withPit });
    return { pit_id: p.id, ...(response as Record<string, unknown>) };
  }

  /** `POST /_search/scroll`: the next page of `owner`'s scroll `id`. */
  scrollAsync(id: string, scroll: unknown, asInt: boolean, owner?: string): Promise<Record<string, unknown>> {
    return continueScroll(this.scrolls, this.pageReader, id, scroll, asInt, owner);
  }

  /** `DELETE /_search/scroll`: how many of `owner`'s scrolls were open and are now cleared. */
  clearScroll(ids: string[] | '_all', owner?: string): number {
    return this.scrolls.clear(ids, owner);
  }

  private readonly pageReader: PageReader = async (name, body, params, cursor) => {
    if (this.searchLimits.threads > 0) return this.reads().run({ op: 'scroll', name, body, params, cursor });
    const req = parseSearchRequest(body, params);
    return scrollPage(this.cache, this.highlighter, this.mustHandle(name), req, cursor, { budget: this.budget(req.timeoutMs), limits: this.searchLimits });
  };

  /** `_count` on a search thread. */
  async countAsync(name: string, body?: unknown, params: SearchParams = {}): Promise<Record<string, unknown>> {
    if (this.searchLimits.threads === 0) return this.count(name, body, params);
    return this.reads().run({ op: 'count', name, body, params });
  }

  /** Deletes matching documents in batches (one transaction each), yielding between them (delete-by-query.ts). */
  async deleteByQuery(name: string, rawBody: unknown, params: SearchParams = {}) {
    const host: DeleteByQueryHost = {
      handle: (n) => this.handle(n),
      write: (fn) => this.write(fn),
      select: (cur, query, after, limit) => this.searchLimits.threads === 0
        ? matchingRowids(this.cache, cur, query, after, limit, { budget: new Budget(Infinity, this.searchLimits.hardTimeoutMs), limits: this.searchLimits })
        : this.reads().run({ op: 'rowids', name, indexId: cur.id, query, after, limit }),
    };
    return deleteByQuery(host, this.mustHandle(name), rawBody, params);
  }

  static readonly shards = SHARDS;

  // ---- internals -------------------------------------------------------------------------

  /** Starts the search threads now rather than at the first search (`tributary serve`). */
  startSearchThreads(): void {
    if (this.searchLimits.threads > 0) this.reads();
  }

  /** Ids of the running search threads (diagnostics and tests). */
  searchThreadIds(): number[] {
    return this.pool?.threadIds() ?? [];
  }

  /** Searches waiting for a search thread now (monitoring; 0 before the first search). */
  searchQueueDepth(): number {
    return this.pool?.queued ?? 0;
  }

  private reads(): ReadPool {
    if (!this.db.open) throw errors.unavailable('the content index is closed');
    return (this.pool ??= new ReadPool(this.path, this.searchLimits));
  }

  /** A read's budget: the request's `timeout` or the default, within the hard limit. */
  private budget(requestMs?: number): Budget {
    const { timeoutMs, hardTimeoutMs } = this.searchLimits;
    return new Budget(Math.min(requestMs ?? timeoutMs, hardTimeoutMs), hardTimeoutMs);
  }

  /** The open index, or undefined (names with wildcards or commas are refused). */
  handle(name: string): IndexHandle | undefined {
    if (!this.db.inTransaction) this.catchUp();
    const cached = this.handles.get(name);
    if (cached) return cached;
    if (/[*,]/.test(name) || name === '_all') {
      throw errors.illegalArgument(`the embedded index serves one concrete index per request, got [${name}]`);
    }
    const row = loadIndexRow(this.db, name);
    if (!row) return undefined;
    const h = new IndexHandle(this.db, row);
    this.handles.set(name, h);
    return h;
  }

  private mustHandle(name: string): IndexHandle {
    const h = this.handle(name);
    if (!h) throw errors.indexNotFound(name);
    return h;
  }

  /** Index APIs create a missing index on first write (`action.auto_create_index`). */
  private autoCreate(name: string): IndexHandle {
    const h = this.handle(name);
    if (h) return h;
    validateIndexName(name);
    const row = insertIndex(this.db, name, {});
    const created = new IndexHandle(this.db, row);
    this.handles.set(name, created);
    return created;
  }

  /**
   * Runs `fn` in one transaction and persists `_seq_no` counters. On failure the cached handles
   * are dropped: their registries and counters may be ahead of the rolled-back database.
   */
  private write<T>(fn: () => T): T {
    try {
      // IMMEDIATE: the write lock is taken first, so no other connection commits while `fn` runs
      // on handles that catchUp has just checked.
      return this.db.transaction(() => {
        this.catchUp();
        const out = fn();
        for (const h of this.handles.values()) h.flush();
        for (const h of this.retired) h.flush();
        this.retired.clear();
        return out;
      }).immediate();
    } catch (e) {
      this.retired.clear();
      this.handles.clear();
      this.cache.clear();
      throw e;
    }
  }

  /**
   * Another connection to this file (the write thread of a sync, embedded-sink.ts) committed
   * since this one last looked: the cached handles' field registries and `_seq_no` counters may
   * be behind the database, so they are dropped and reloaded on next use.
   */
  private catchUp(): void {
    const v = this.dataVersion();
    if (v === this.seenVersion) return;
    if (this.seenVersion !== -1) {
      if (this.db.inTransaction) for (const h of this.handles.values()) this.retired.add(h);
      this.handles.clear();
      this.cache.clear();
    }
    this.seenVersion = v;
  }
}
