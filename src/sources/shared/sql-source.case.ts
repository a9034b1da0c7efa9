/**
 * The shared functional suite of the database sources (architecture.md "Shared suites"):
 * each engine's `datasource.test.ts` runs it against the real server with its fixture. It
 * creates its own namespace (PostgreSQL schema / MySQL database) with a random suffix, loads
 * a few thousand rows in several tables, and checks counts, samples with types, updates and
 * deletes, custom-query rules, incremental syncs, flat memory over 200k rows, and the
 * actionable errors. An unreachable server skips the suite, except under CI=true.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SourceError, type ConfigValues, type Source, type SourceDocument, type SourceFactory, type SyncContext } from '../source.js';

export interface SqlFixture {
  engine: 'postgresql' | 'mysql';
  factory: SourceFactory;
  /** Where the tests connect, for the skip message. */
  url: string;
  /** Opens the admin connection; throws when the server is unreachable. */
  open(): Promise<void>;
  exec(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
  createNamespace(ns: string): Promise<void>;
  dropNamespace(ns: string): Promise<void>;
  /** Source configuration reading namespace `ns`. */
  config(ns: string, extra?: ConfigValues): ConfigValues;
  /** `ns.table`, quoted for the engine. */
  qualify(ns: string, table: string): string;
  /** Terminates the source's sessions on `ns` (simulates a dropped connection). */
  killSessions(ns: string): Promise<number>;
  /** A login that may read only `readable` in `ns`; returns config overrides to use it. */
  createReader(ns: string, name: string, readable: string): Promise<ConfigValues>;
  dropReader(name: string): Promise<void>;
  /** Config overrides that fail authentication. */
  badLogin(suffix: string): ConfigValues;
  sql: {
    /** FROM item producing integers `n` from..to. */
    series(from: number, to: number): string;
    date(n: string): string;
    timestamp(n: string): string;
    json(n: string): string;
    bytes(n: string): string;
    text(n: string): string;
    ddl: { items(t: string): string; orders(t: string): string; logs(t: string): string; big(t: string): string };
  };
}

const ITEMS = 3000;
const ORDERS = 2000;
const LOGS = 600; // 500 distinct rows: duplicates collapse into one document each

function makeCtx(opts: Partial<Pick<SyncContext, 'advancedRules' | 'syncCursor' | 'signal'>> = {}) {
  const checkpoints: Record<string, unknown>[] = [];
  const warnings: string[] = [];
  const ctx: SyncContext = {
    signal: opts.signal ?? new AbortController().signal,
    advancedRules: opts.advancedRules ?? {},
    basicRules: [],
    syncCursor: opts.syncCursor ?? null,
    checkpoint: async (c) => {
      checkpoints.push(structuredClone(c));
    },
    log: { info() {}, warn: (m) => void warnings.push(m), error() {} },
  };
  return { ctx, checkpoints, warnings };
}

async function collect(it: AsyncIterable<SourceDocument>): Promise<Map<string, SourceDocument>> {
  const docs = new Map<string, SourceDocument>();
  for await (const d of it) docs.set(d._id, d);
  return docs;
}

async function collectIncremental(src: Source, ctx: SyncContext) {
  const gen = src.getDocsIncrementally!(ctx);
  const docs: SourceDocument[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) return { docs, cursor: r.value as Record<string, unknown> };
    docs.push(r.value as SourceDocument);
  }
}

async function expectSourceError(p: Promise<unknown>, re: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SourceError, `SourceError expected, got ${(e as Error)?.stack ?? e}`);
    assert.match(e.message, re);
    return true;
  });
}

function gcFn(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Opens the fixture's admin connection. Unreachable: registers a skipped suite saying why (a
 * failing test under CI=true) and returns false.
 */
export async function openOrSkip(fx: SqlFixture, suite = `${fx.engine} source`): Promise<boolean> {
  let reachable: string | null = null;
  try {
    await fx.open();
  } catch (err) {
    reachable = `${fx.engine} unreachable at ${fx.url}: ${(err as Error).message}`;
  }
  if (!reachable) return true;
  if (process.env.CI === 'true') {
    test(`${fx.engine} server is reachable (CI=true)`, () => assert.fail(reachable!));
  } else {
    describe(suite, { skip: `${reachable} (set CI=true to fail instead)` }, () => {});
  }
  return false;
}

export async function runSqlSourceSuite(fx: SqlFixture): Promise<void> {
  if (!(await openOrSkip(fx))) return;

  const sfx = Math.random().toString(36).slice(2, 8);
  const ns = `trib_${sfx}`;
  const t = { items: `items_${sfx}`, orders: `orders_${sfx}`, logs: `logs_${sfx}`, big: `big_${sfx}` };
  const Q = (name: string) => fx.qualify(ns, name);
  const id = (table: string, ...key: unknown[]) => [ns, table, ...key].join('_');
  const S = fx.sql;
  const open: Source[] = [];
  const source = (extra: ConfigValues = {}) => {
    const s = fx.factory.create(fx.config(ns, { tables: `${t.items},${t.orders},${t.logs}`, retry_interval_ms: 20, ...extra }));
    open.push(s);
    return s;
  };

  const itemRows = (from: number, to: number) => `
    INSERT INTO ${Q(t.items)} (id, name, price, qty, big, small_big, active, created, updated_at, meta, data)
    SELECT n, CONCAT('item-', ${S.text('n')}), n * 1.25, n % 50, 9007199254740993 + n, n * 1000, (n % 2 = 0),
           ${S.date('n')}, ${S.timestamp('n')}, ${S.json('n')}, ${S.bytes('n')}
    FROM ${S.series(from, to)}`;

  describe(`${fx.engine} source`, () => {
    before(async () => {
      await fx.createNamespace(ns);
      await fx.exec(S.ddl.items(Q(t.items)));
      await fx.exec(S.ddl.orders(Q(t.orders)));
      await fx.exec(S.ddl.logs(Q(t.logs)));
      await fx.exec(itemRows(1, ITEMS));
      await fx.exec(`
        INSERT INTO ${Q(t.orders)} (region, num, amount, note, updated_at)
        SELECT CASE n % 4 WHEN 0 THEN 'eu' WHEN 1 THEN 'us' WHEN 2 THEN 'ap' ELSE 'af' END, n, n * 0.5,
               CONCAT('note-', ${S.text('n')}), ${S.timestamp('n')}
        FROM ${S.series(1, ORDERS)}`);
      await fx.exec(`
        INSERT INTO ${Q(t.logs)} (level, msg, updated_at)
        SELECT n % 500 % 5, CONCAT('m-', ${S.text('n % 500')}), ${S.timestamp('n % 500')}
        FROM ${S.series(1, LOGS)}`);
    });

    after(async () => {
      for (const s of open) await s.close().catch(() => {});
      await fx.dropNamespace(ns).catch(() => {});
      await fx.close();
    });

    test('ping succeeds and checks the configured tables; bad configuration names the field', async () => {
      await source().ping();
      const schema = fx.factory.configSchema();
      for (const k of ['host', 'port', 'password', 'database', 'tables', 'fetch_size', 'retry_count', 'ssl_enabled', 'ssl_ca', 'timestamp_column']) assert.ok(k in schema, k);
      assert.equal(schema.password.sensitive, true);
      const broken = fx.factory.create({ ...fx.config(ns), host: '' });
      await expectSourceError(broken.ping(), /\[host\] is required/);
      await expectSourceError(collect(broken.getDocs(makeCtx().ctx)), /\[host\] is required/);
      await expectSourceError(source({ tables: `nope_${sfx}` }).ping(), new RegExp(`nope_${sfx}.*\`tables\``));
    });

    test('full sync: one document per row, exact counts, typed fields, metadata', async () => {
      const src = source({ timestamp_column: 'updated_at' });
      const docs = await collect(src.getDocs(makeCtx().ctx));
      assert.equal(docs.size, ITEMS + ORDERS + 500);
      const item = docs.get(id(t.items, 42));
      assert.ok(item, 'item 42 present');
      const expected: Record<string, unknown> = {
        _id: id(t.items, 42), [`${t.items}_id`]: 42, name: 'item-42', price: 52.5, qty: 42, big: '9007199254741035', small_big: 42000,
        active: true, created: '2024-02-12', updated_at: '2024-01-01T00:00:42', meta: { n: 42, tags: ['t', 0] },
        data: Buffer.from([0, 42]).toString('base64'), Database: fx.config(ns).database, Table: t.items,
        _timestamp: '2024-01-01T00:00:42Z',
      };
      if (fx.engine === 'postgresql') expected.schema = ns;
      assert.deepEqual(item, expected);
      const order = docs.get(id(t.orders, 'us', 1));
      assert.ok(order, 'order us/1 present');
      assert.equal(order.amount, 0.5);
      assert.equal(order.note, 'note-1');
      const logs = [...docs.values()].filter((d) => d.Table === t.logs);
      assert.equal(logs.length, 500);
      assert.match(logs[0]._id, new RegExp(`^${id(t.logs)}_[0-9a-f]{40}$`));
      const cursor = src.cursorAfterFullSync!() as { timestamp_column: string; values: Record<string, string> };
      assert.equal(cursor.timestamp_column, 'updated_at');
      assert.deepEqual(Object.keys(cursor.values).sort(), [t.items, t.logs, t.orders].sort());
    });

    test('tables "*" reads every table of the namespace; binary columns can be skipped', async () => {
      const docs = await collect(source({ tables: '*', binary_handling: 'skip', fetch_size: 700 }).getDocs(makeCtx().ctx));
      assert.equal(docs.size, ITEMS + ORDERS + 500);
      const item = docs.get(id(t.items, 7))!;
      assert.equal('data' in item, false);
      assert.equal(item.name, 'item-7');
    });

    test('custom query rules: documents from the query columns, ids from the key or a hash', async () => {
      const rules = [
        { tables: [t.items], query: `SELECT id, name, price FROM ${Q(t.items)} WHERE qty = 7` },
        { tables: [t.orders], query: `SELECT region, COUNT(*) AS n FROM ${Q(t.orders)} GROUP BY region` },
      ];
      const src = source();
      assert.deepEqual(await src.validateAdvancedRules!(rules), { valid: true, messages: [] });
      const docs = await collect(src.getDocs(makeCtx({ advancedRules: rules }).ctx));
      const fromItems = [...docs.values()].filter((d) => d.Table !== undefined && JSON.stringify(d.Table) === JSON.stringify([t.items]));
      assert.equal(fromItems.length, ITEMS / 50);
      assert.deepEqual(docs.get(id(t.items, 57)), { _id: id(t.items, 57), [`${t.items}_id`]: 57, name: 'item-57', price: 71.25, Database: fx.config(ns).database, Table: [t.items], ...(fx.engine === 'postgresql' ? { schema: ns } : {}) });
      const regions = [...docs.values()].filter((d) => 'region' in d);
      assert.equal(regions.length, 4);
      assert.equal(regions.reduce((s, d) => s + Number(d.n), 0), ORDERS);
      assert.match(regions[0]._id, new RegExp(`^${id(t.orders)}_[0-9a-f]{40}$`));
    });

    test('advanced rule validation names the rule and the reason', async () => {
      const src = source();
      const r = await src.validateAdvancedRules!([
        { tables: [t.items, `ghost_${sfx}`], query: `SELECT id FROM ${Q(t.items)}` },
        { tables: [t.items], query: `SELECT id FROM ${Q(t.items)} WHERE` },
        { tables: [t.items], query: `DELETE FROM ${Q(t.items)}` },
      ]);
      assert.equal(r.valid, false);
      assert.equal(r.messages.length, 3, r.messages.join('\n'));
      assert.match(r.messages[0], new RegExp(`^Rule 1: .*ghost_${sfx}`));
      assert.match(r.messages[1], /^Rule 2: the query does not parse/);
      assert.match(r.messages[2], /^Rule 3: .*SELECT/);
      assert.deepEqual(await src.validateAdvancedRules!({}), { valid: true, messages: [] });
      assert.equal((await src.validateAdvancedRules!({ tables: [t.items] })).valid, false);
    });

    test('incremental sync picks up exactly the changed rows and checkpoints per table', async () => {
      const src = source({ timestamp_column: 'updated_at' });
      await collect(src.getDocs(makeCtx().ctx));
      const c0 = src.cursorAfterFullSync!()!;

      const none = await collectIncremental(src, makeCtx({ syncCursor: c0 }).ctx);
      assert.equal(none.docs.length, 0);

      await fx.exec(`UPDATE ${Q(t.items)} SET name = CONCAT('changed-', ${S.text('id')}), updated_at = '2031-01-01 00:00:00' WHERE id IN (5, 6, 7, 100, 200, 300, 2999)`);
      await fx.exec(itemRows(ITEMS + 1, ITEMS + 3));
      await fx.exec(`UPDATE ${Q(t.orders)} SET note = 'changed', updated_at = '2031-01-02 00:00:00' WHERE num IN (10, 11)`);
      const { ctx, checkpoints } = makeCtx({ syncCursor: c0 });
      const inc = await collectIncremental(src, ctx);
      const ids = inc.docs.map((d) => d._id).sort();
      const expected = [5, 6, 7, 100, 200, 300, 2999, ITEMS + 1, ITEMS + 2, ITEMS + 3].map((n) => id(t.items, n));
      expected.push(id(t.orders, 'ap', 10), id(t.orders, 'af', 11));
      assert.deepEqual(ids, expected.sort());
      assert.equal(inc.docs.find((d) => d._id === id(t.items, 100))!.name, 'changed-100');
      assert.equal(checkpoints.length, 3);
      const again = await collectIncremental(src, makeCtx({ syncCursor: inc.cursor }).ctx);
      assert.equal(again.docs.length, 0, 'nothing changed since the returned cursor');

      // Custom query rules are incremental when their result has the update column.
      const rules = [{ tables: [t.items], query: `SELECT id, name, updated_at FROM ${Q(t.items)} WHERE qty < 10` }];
      const rsrc = source({ timestamp_column: 'updated_at' });
      await collect(rsrc.getDocs(makeCtx({ advancedRules: rules }).ctx));
      await fx.exec(`UPDATE ${Q(t.items)} SET updated_at = '2032-01-01 00:00:00' WHERE id IN (1, 2, 49)`);
      const viaRule = await collectIncremental(rsrc, makeCtx({ advancedRules: rules, syncCursor: rsrc.cursorAfterFullSync!() }).ctx);
      assert.deepEqual(viaRule.docs.map((d) => d._id).sort(), [id(t.items, 1), id(t.items, 2)].sort());

      await expectSourceError(collectIncremental(source(), makeCtx().ctx), /`timestamp_column`/);
    });

    test('updates and deletes: the next full sync has exactly the current rows', async () => {
      await fx.exec(`UPDATE ${Q(t.items)} SET name = 'renamed' WHERE id <= 10`);
      await fx.exec(`DELETE FROM ${Q(t.items)} WHERE id > ${ITEMS - 10}`); // 10 original + 3 added
      await fx.exec(`DELETE FROM ${Q(t.orders)} WHERE num <= 5`);
      await fx.exec(`DELETE FROM ${Q(t.logs)} WHERE msg = 'm-1'`); // 2 rows, 1 document
      const docs = await collect(source().getDocs(makeCtx().ctx));
      assert.equal(docs.size, ITEMS - 10 + ORDERS - 5 + 499);
      for (let n = 1; n <= 10; n++) assert.equal(docs.get(id(t.items, n))?.name, 'renamed');
      assert.equal(docs.has(id(t.items, ITEMS)), false);
      assert.equal(docs.has(id(t.orders, 'us', 5)), false);
      assert.equal(docs.has(id(t.orders, 'ap', 6)), true);
    });

    test('errors name the host, setting or table', async () => {
      await expectSourceError(source({ host: '127.0.0.1', port: 1 }).ping(), /127\.0\.0\.1:1.*refused.*`host` and `port`/);
      await expectSourceError(source(fx.badLogin(sfx)).ping(), /Authentication failed|rejected user/);
      await expectSourceError(source(fx.badLogin(sfx)).ping(), /`(username|user)`/);
      await expectSourceError(source({ database: `no_db_${sfx}` }).ping(), new RegExp(`no_db_${sfx}.*\`database\``));
      await expectSourceError(collect(source({ tables: `${t.items},missing_${sfx}` }).getDocs(makeCtx().ctx)), new RegExp(`missing_${sfx}.*\`tables\``));
      const reader = `trib_ro_${sfx}`;
      try {
        const login = await fx.createReader(ns, reader, t.orders);
        await expectSourceError(collect(source({ ...login, tables: t.items }).getDocs(makeCtx().ctx)), new RegExp(`${t.items}.*GRANT SELECT`));
        const visible = await collect(source({ ...login, tables: '*' }).getDocs(makeCtx().ctx));
        assert.equal(visible.size, ORDERS - 5, '"*" lists only the readable tables');
      } finally {
        await fx.dropReader(reader);
      }
      await expectSourceError(collect(source().getDocs(makeCtx({ advancedRules: [{ tables: [], query: 'x' }] }).ctx)), /Invalid advanced sync rules: Rule 1/);
    });

    test('memory stays flat while streaming 200k rows (keyset and cursor reads)', async () => {
      const gc = gcFn();
      await fx.exec(S.ddl.big(Q(t.big)));
      await fx.exec(`INSERT INTO ${Q(t.big)} (id, payload) SELECT n, CONCAT(${S.text('n')}, REPEAT('x', 190)) FROM ${S.series(1, 200_000)}`);
      const measure = async (it: AsyncIterable<SourceDocument>) => {
        const heap: number[] = [];
        let n = 0;
        for await (const d of it) {
          n++;
          if (n === 20_000 || n === 100_000 || n === 200_000) {
            gc();
            heap.push(process.memoryUsage().heapUsed);
          }
          if (n === 1) assert.equal(typeof d.payload, 'string');
        }
        return { n, heap };
      };
      const keyset = await measure(source({ tables: t.big }).getDocs(makeCtx().ctx));
      const rules = [{ tables: [t.big], query: `SELECT * FROM ${Q(t.big)}` }];
      const cursor = await measure(source().getDocs(makeCtx({ advancedRules: rules }).ctx));
      for (const [name, r] of Object.entries({ keyset, cursor })) {
        assert.equal(r.n, 200_000, name);
        const growth = (r.heap[2] - r.heap[0]) / 2 ** 20;
        assert.ok(growth < 8, `${name}: heap grew ${growth.toFixed(1)} MiB from 20k to 200k rows`);
      }
    });

    test('dropped connection mid-read: resumed or restarted with retries, else an error naming what was read', async () => {
      // Keyset reads resume after the last key: every row exactly once.
      const src = source({ tables: t.items, fetch_size: 100, retry_count: 3 });
      const seen = new Map<string, number>();
      let killed = false;
      for await (const d of src.getDocs(makeCtx().ctx)) {
        seen.set(d._id, (seen.get(d._id) ?? 0) + 1);
        if (!killed && seen.size === 1000) {
          killed = true;
          assert.ok((await fx.killSessions(ns)) >= 1, 'a session was killed');
        }
      }
      assert.equal(seen.size, ITEMS - 10);
      assert.ok([...seen.values()].every((n) => n === 1), 'keyset resume: no row read twice');

      // Streamed reads (cursor / unbuffered result, here a custom query over 200k rows) fail
      // without retries, with what was being read and how far; with retries they restart.
      const rules = [{ tables: [t.big], query: `SELECT * FROM ${Q(t.big)}` }];
      const streamed = async (retries: number) => {
        const ids = new Set<string>();
        let killed = false;
        for await (const d of source({ fetch_size: 500, retry_count: retries }).getDocs(makeCtx({ advancedRules: rules }).ctx)) {
          ids.add(d._id);
          if (!killed && ids.size === 2000) {
            killed = true;
            assert.ok((await fx.killSessions(ns)) >= 1, 'a session was killed');
          }
        }
        return ids.size;
      };
      await expectSourceError(streamed(0), /lost while reading advanced rule 1 \(after \d+ rows\)/);
      assert.equal(await streamed(2), 200_000);
    });

    test('cancellation stops the read with the abort reason', async () => {
      const ac = new AbortController();
      let n = 0;
      await assert.rejects(
        (async () => {
          for await (const _ of source({ fetch_size: 100 }).getDocs(makeCtx({ signal: ac.signal }).ctx)) {
            if (++n === 250) ac.abort(new Error('canceled by test'));
          }
        })(),
        /canceled by test/,
      );
      assert.ok(n < 500);
    });

  });
}
