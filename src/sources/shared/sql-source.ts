/**
 * The generic database source behind `postgresql` and `mysql` (issue 7). One algorithm, thin
 * engine drivers (`SqlDriver`):
 *
 *   tables (configured list or `*`) ─┬─ primary key of exact types → keyset pages (ORDER BY pk
 *   or custom queries (advanced)     │   LIMIT fetch_size, next page prefetched, resumable)
 *                                    └─ otherwise → streamed result (server-side cursor)
 *        → row arrays → documents (`_id`, columns, metadata, `_timestamp`) → runtime
 *
 * Memory is bounded by two pages (or one stream batch) whatever the table size. Transient
 * errors are retried `retry_count` times with backoff: a keyset read resumes after the last
 * key; a streamed read restarts (documents are upserts by stable id, so repeats are harmless).
 *
 * Incremental syncs read, per table, rows whose `timestamp_column` is in (cursor, max], where
 * max is read before the table; the cursor maps tables (and custom queries) to that max.
 */
import { createHash } from 'node:crypto';
import { silentLogger, type Logger } from '../../domain/shared/logger.js';
import {
  SourceError,
  type RulesValidation,
  type Source,
  type SourceDocument,
  type SyncContext,
} from '../source.js';
import { hasAdvancedRules, parseAdvancedRules, type QueryRule } from './advanced-rules.js';
import { Retrier, withRetry, type Backoff } from '../../domain/shared/retry.js';
import { approxRowBytes, documentKeys, idPart, keyId, rowHash, toTimestamp } from './row-document.js';

export { approxRowBytes, documentKeys };
import type { SqlSettings } from './sql-config.js';
import type { FieldSpec, OpContext, ReadTarget, RowBatch, SqlDriver, TableInfo, Window } from './sql-driver.js';

export interface SqlSourceOptions {
  driver: SqlDriver;
  settings: SqlSettings;
  /** Id prefix of a table's rows, or of a custom query's over `tables`. */
  idPrefix(tables: string[]): string;
  /** Metadata fields added to every document (Elastic's `Database`, `Table`, `schema`). */
  metadata(tables: string[] | string): Record<string, unknown>;
  /** The engine's advanced-rule validation (its `rules.ts`). */
  validateRules(value: unknown): Promise<RulesValidation>;
}

type Build = (row: unknown[]) => SourceDocument;
const EMPTY: unknown[] = [];
/** About the bytes one keyset page may hold; `fetch_size` caps the rows. */
const PAGE_BYTES = 8 * 2 ** 20;
const FIRST_PAGE_ROWS = 10;

/**
 * Cursor persisted between syncs. A type, not an interface, so that it is a plain JSON record
 * (`Record<string, unknown>`) for `checkpoint` without a cast.
 */
export type SqlCursor = {
  timestamp_column: string;
  /** Table name or `query:<hash>` → largest update-column value read (server text). */
  values: Record<string, string>;
};

function ruleKey(rule: QueryRule): string {
  return 'query:' + createHash('sha1').update(rule.query).digest('hex').slice(0, 16);
}

export class SqlSource implements Source {
  private fullCursor: SqlCursor | null = null;
  private log: Logger = silentLogger;

  constructor(private readonly o: SqlSourceOptions) {}

  get driver(): SqlDriver {
    return this.o.driver;
  }

  private get s(): SqlSettings {
    return this.o.settings;
  }

  private wrap(err: unknown, ctx: OpContext, signal?: AbortSignal): unknown {
    if (signal?.aborted) return signal.reason;
    if (err instanceof SourceError) return err;
    return this.o.driver.toSourceError(err, ctx);
  }

  /** Retries start at `retry_interval_ms` and double, each wait at most 30 s. */
  private backoff(): Backoff {
    return { initialDelayMs: this.s.retryIntervalMs, maxDelayMs: 30_000 };
  }

  /** One driver call with retries on transient errors, errors made actionable. */
  private async call<T>(fn: () => Promise<T>, ctx: OpContext, signal?: AbortSignal): Promise<T> {
    try {
      return await withRetry(fn, {
        retries: this.s.retryCount,
        backoff: this.backoff(),
        signal,
        classify: (e) => (this.o.driver.isTransient(e) ? {} : null),
        onRetry: async (e, attempt, delay) => {
          this.log.warn(`${this.o.driver.where}: ${(e as Error)?.message ?? e}; retry ${attempt}/${this.s.retryCount} in ${delay} ms`, { ...ctx });
          await this.o.driver.reset();
        },
      });
    } catch (err) {
      throw this.wrap(err, ctx, signal);
    }
  }

  async ping(): Promise<void> {
    await this.call(() => this.o.driver.ping(), { phase: 'connect' });
    if (this.s.tables[0] !== '*') {
      for (const t of this.s.tables) await this.call(() => this.o.driver.describeTable(t), { phase: 'describe', table: t });
    }
  }

  private async tableNames(): Promise<string[]> {
    if (this.s.tables[0] !== '*') return this.s.tables;
    const names = await this.call(() => this.o.driver.listTables(), { phase: 'list tables' });
    if (names.length === 0) this.log.warn(`${this.o.driver.where}: no readable tables in ${this.s.schema}`);
    return names;
  }

  private describe(table: string): Promise<TableInfo> {
    return this.call(() => this.o.driver.describeTable(table), { phase: 'describe', table });
  }

  private rules(value: unknown): QueryRule[] {
    const { rules, messages } = parseAdvancedRules(value);
    if (messages.length) throw new SourceError(`Invalid advanced sync rules: ${messages.join(' ')}`);
    return rules;
  }

  /**
   * While a read runs, an abort of the sync's signal (cancel, suspend, a failure elsewhere)
   * stops the statement on the server, not only here (issue 11 item 12).
   */
  private async *cancellable<T, R>(signal: AbortSignal, gen: AsyncGenerator<T, R>): AsyncGenerator<T, R> {
    const onAbort = () => {
      this.o.driver.cancel().catch((e) => this.log.warn(`${this.o.driver.where}: could not cancel the running statement: ${(e as Error)?.message ?? e}`));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return yield* gen;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  getDocs(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    return this.cancellable(ctx.signal, this.readAll(ctx));
  }

  getDocsIncrementally(ctx: SyncContext): AsyncGenerator<SourceDocument, Record<string, unknown>> {
    return this.cancellable(ctx.signal, this.readChanges(ctx));
  }

  private async *readAll(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    this.log = ctx.log;
    this.fullCursor = null;
    const ts = this.s.timestampColumn;
    const values: Record<string, string> = {};
    const rules = this.rules(ctx.advancedRules);
    if (rules.length) {
      for (const [i, rule] of rules.entries()) {
        if (ts && (await this.ruleColumns(rule, i)).includes(ts)) {
          const max = await this.call(() => this.o.driver.maxOf({ query: rule.query }, ts), { phase: 'read', rule: i + 1 }, ctx.signal);
          if (max !== null) values[ruleKey(rule)] = max;
        }
        yield* this.readRule(rule, i, null, ctx);
      }
    } else {
      for (const name of await this.tableNames()) {
        const info = await this.describe(name);
        if (ts && info.columns.includes(ts)) {
          const max = await this.call(() => this.o.driver.maxOf({ table: info }, ts), { phase: 'read', table: name }, ctx.signal);
          if (max !== null) values[name] = max;
        }
        yield* this.readTable(info, null, ctx);
      }
    }
    this.fullCursor = ts ? { timestamp_column: ts, values } : null;
  }

  cursorAfterFullSync(): Record<string, unknown> | null {
    return this.fullCursor;
  }

  private async *readChanges(ctx: SyncContext): AsyncGenerator<SourceDocument, Record<string, unknown>> {
    this.log = ctx.log;
    const ts = this.s.timestampColumn;
    if (!ts) {
      throw new SourceError('Incremental sync needs the `timestamp_column` setting (the column holding each row\'s last update time); set it, or run full syncs only.');
    }
    const c = ctx.syncCursor as Partial<SqlCursor> | null;
    const prev: Record<string, string> = c?.timestamp_column === ts && c.values && typeof c.values === 'object' ? { ...c.values } : {};
    const done: Record<string, string> = {};
    const cursor = (vals: Record<string, string>): SqlCursor => ({ timestamp_column: ts, values: vals });

    const step = async function* (this: SqlSource, key: string, target: ReadTarget, hasColumn: boolean, read: (w: Window | null) => AsyncGenerator<SourceDocument>) {
      if (!hasColumn) {
        this.log.warn(`${key} has no column "${ts}" (timestamp_column): reading all of it`);
        yield* read(null);
        return;
      }
      const upTo = await this.call(() => this.o.driver.maxOf(target, ts), { phase: 'read', table: key }, ctx.signal);
      if (upTo === null) return;
      const after = prev[key] ?? null;
      if (after !== upTo) yield* read({ column: ts, after, upTo });
      done[key] = upTo;
      await ctx.checkpoint(cursor({ ...prev, ...done }));
    }.bind(this);

    const rules = this.rules(ctx.advancedRules);
    if (rules.length) {
      for (const [i, rule] of rules.entries()) {
        const has = (await this.ruleColumns(rule, i)).includes(ts);
        yield* step(ruleKey(rule), { query: rule.query }, has, (w) => this.readRule(rule, i, w, ctx));
      }
    } else {
      for (const name of await this.tableNames()) {
        const info = await this.describe(name);
        yield* step(name, { table: info }, info.columns.includes(ts), (w) => this.readTable(info, w, ctx));
      }
    }
    return cursor(done);
  }

  async validateAdvancedRules(rules: unknown): Promise<RulesValidation> {
    if (!hasAdvancedRules(rules)) return { valid: true, messages: [] };
    try {
      return await this.o.validateRules(rules);
    } catch (err) {
      throw this.wrap(err, { phase: 'validate' });
    }
  }

  async close(): Promise<void> {
    await this.o.driver.close();
  }

  private ruleColumns(rule: QueryRule, i: number): Promise<string[]> {
    return this.call(() => this.o.driver.queryColumns(rule.query), { phase: 'read', rule: i + 1 });
  }

  /**
   * Row → document for one result shape. `table` is a table's name, or a custom query's
   * table list (Elastic's `Table` is then the list).
   */
  private builder(fields: FieldSpec[], idColumns: string[] | null, table: string | string[], what: string): Build {
    const tables = Array.isArray(table) ? table : [table];
    const prefix = this.o.idPrefix(tables);
    const meta = Object.entries(this.o.metadata(table));
    const names = fields.map((f) => f.name);
    const keys = documentKeys(names, tables, meta.map(([k]) => k));
    let idIdx: number[] | null = null;
    if (idColumns?.length) {
      const idx = idColumns.map((c) => names.indexOf(c));
      const ambiguous = idColumns.some((c) => names.indexOf(c) !== names.lastIndexOf(c));
      if (idx.every((i) => i >= 0) && !ambiguous) idIdx = idx;
      else this.log.warn(`${what}: id columns ${idColumns.join(', ')} are not (uniquely) in the result; ids are hashes of the row values, so identical rows collapse into one document`);
    } else {
      this.log.warn(`${what} has no primary key; ids are hashes of the row values, so identical rows collapse into one document`);
    }
    const tsName = this.s.timestampColumn;
    const tsIdx = tsName ? names.indexOf(tsName) : -1;
    const n = fields.length;
    const keyOf: (row: unknown[]) => string = !idIdx
      ? (row) => `${prefix}_${rowHash(row)}`
      : idIdx.length === 1
        ? ((k) => (row) => `${prefix}_${idPart(row[k])}`)(idIdx[0])
        : (row) => keyId(prefix, idIdx!.map((i) => row[i]));
    return (row) => {
      const doc = {} as SourceDocument;
      for (let i = 0; i < n; i++) {
        const f = fields[i];
        if (f.skip) continue;
        const v = row[i];
        doc[keys[i]] = v === null || v === undefined ? null : f.convert ? f.convert(v) : v;
      }
      doc._id = keyOf(row);
      for (const [k, v] of meta) doc[k] = v;
      if (tsIdx >= 0) {
        const t = toTimestamp(doc[keys[tsIdx]]);
        if (t) doc._timestamp = t;
      }
      return doc;
    };
  }

  private async *readTable(info: TableInfo, w: Window | null, ctx: SyncContext): AsyncGenerator<SourceDocument> {
    const what = `table ${info.name}`;
    const make = (fields: FieldSpec[]) => this.builder(fields, info.primaryKey.length ? info.primaryKey : null, info.name, what);
    if (info.primaryKey.length && info.keyset) yield* this.keysetRead(info, w, ctx, make);
    else yield* this.streamRead({ table: info }, w, ctx, make, { phase: 'read', table: info.name });
  }

  private async *readRule(rule: QueryRule, i: number, w: Window | null, ctx: SyncContext): AsyncGenerator<SourceDocument> {
    let idColumns = rule.id_columns ?? null;
    if (!idColumns) {
      const keys: string[] = [];
      for (const t of rule.tables) keys.push(...(await this.describe(t)).primaryKey);
      idColumns = keys.length ? keys : null;
    }
    const tables = [...rule.tables].sort();
    const make = (fields: FieldSpec[]) => this.builder(fields, idColumns, tables, `advanced rule ${i + 1}`);
    yield* this.streamRead({ query: rule.query }, w, ctx, make, { phase: 'read', rule: i + 1 });
  }

  private async *keysetRead(info: TableInfo, w: Window | null, ctx: SyncContext, make: (f: FieldSpec[]) => Build): AsyncGenerator<SourceDocument> {
    // Wide rows (documents stored in the database) get pages smaller than fetch_size: the first
    // page is small, later ones are sized from the rows seen so a page stays near PAGE_BYTES.
    let limit = Math.min(this.s.fetchSize, FIRST_PAGE_ROWS);
    let rows = 0;
    const fetch = (after: unknown[] | null): Promise<RowBatch> => {
      const p = this.call(() => this.o.driver.readPage(info, after, limit, w), { phase: 'read', table: info.name, rows }, ctx.signal);
      p.catch(() => {}); // observed when awaited; avoids an unhandled rejection meanwhile
      return p;
    };
    let build: Build | null = null;
    let keyIdx: number[] = [];
    let after: unknown[] | null = null;
    let pending: Promise<RowBatch> | null = fetch(null);
    while (pending) {
      const batch: RowBatch = await pending;
      ctx.signal.throwIfAborted();
      const n = batch.rows.length;
      if (n === 0) break;
      if (!build) {
        build = make(batch.fields);
        const names = batch.fields.map((f) => f.name);
        keyIdx = info.primaryKey.map((k) => names.indexOf(k));
      }
      const last = batch.rows[n - 1];
      const next = keyIdx.map((i) => last[i]);
      if (after && next.every((v, j) => String(v) === String(after![j]))) {
        throw new SourceError(`Keyset pagination did not advance on table ${info.name} (primary key ${info.primaryKey.join(', ')}); this is a bug, please report it.`);
      }
      after = next;
      const full = n >= limit;
      limit = Math.max(1, Math.min(this.s.fetchSize, Math.floor(PAGE_BYTES / approxRowBytes(batch.rows))));
      // Prefetch: the server reads the next page while this one is converted and consumed.
      pending = full ? fetch(after) : null;
      yield* this.drain(batch.rows, build);
      rows += n;
    }
  }

  /**
   * Yields a batch's documents, dropping each row once converted: the rest of the batch is all
   * that stays reachable, so garbage collections copy less.
   */
  private *drain(rows: unknown[][], build: Build): Generator<SourceDocument> {
    for (let i = 0; i < rows.length; i++) {
      const doc = build(rows[i]);
      rows[i] = EMPTY;
      yield doc;
    }
  }

  private async *streamRead(
    target: ReadTarget,
    w: Window | null,
    ctx: SyncContext,
    make: (f: FieldSpec[]) => Build,
    op: OpContext,
  ): AsyncGenerator<SourceDocument> {
    let rows = 0;
    const retrier = new Retrier({
      retries: this.s.retryCount,
      backoff: this.backoff(),
      signal: ctx.signal,
      onRetry: async (err, retry, delay) => {
        this.log.warn(`${this.o.driver.where}: ${(err as Error)?.message}; restarting the read (retry ${retry}/${this.s.retryCount}) in ${delay} ms`, { ...op, rows });
        await this.o.driver.reset();
      },
    });
    for (;;) {
      rows = 0;
      try {
        let build: Build | null = null;
        for await (const batch of this.o.driver.stream(target, w, this.s.fetchSize, ctx.signal)) {
          build ??= make(batch.fields);
          const n = batch.rows.length;
          yield* this.drain(batch.rows, build);
          rows += n;
        }
        return;
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (!(err instanceof SourceError) && this.o.driver.isTransient(err) && (await retrier.wait(err))) continue;
        throw this.wrap(err, { ...op, rows }, ctx.signal);
      }
    }
  }
}

/** A source whose configuration could not be read: every call throws that error. */
export function brokenSource(err: unknown): Source {
  const fail = () => {
    throw err;
  };
  return {
    ping: async () => fail(),
    // eslint-disable-next-line require-yield
    getDocs: async function* () {
      fail();
    },
    // eslint-disable-next-line require-yield
    getDocsIncrementally: async function* () {
      fail();
    },
    cursorAfterFullSync: () => null,
    validateAdvancedRules: async () => fail(),
    close: async () => {},
  };
}
