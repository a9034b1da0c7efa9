/**
 * The source contract suite (architecture.md "Shared suites"): what every source must do, whatever it
 * reads. Each registered source runs it from its `contract.test.ts` with its fixture
 * (test/architecture/test-layout.test.ts checks that none is missing). A fixture follows one
 * recipe (docs/adding-a-source.md):
 * `load(n)` a fresh data set and return the configuration that reads it, `ids()` the expected
 * document ids, optional `change()` for incremental syncs, `remove()` at the end; the size
 * comes from TRIBUTARY_FIXTURE_SIZE.
 *
 * Checked: the configuration schema is in Elasticsearch's configuration-entry format (parsed
 * as the Connector API parses it); features match the methods; ping succeeds, and fails with
 * an actionable SourceError; a full enumeration yields exactly the expected ids, unique,
 * JSON-serialisable, with ISO `_timestamp`s; an abort ends a stream promptly; an incremental
 * sync after changes, applied to the previous ids, gives exactly the new ids; advanced rules
 * are validated with messages; an invalid configuration fails on use, not on create.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configurationEntry } from '../domain/connector/configuration.js';
import { configValues, SourceError, type ConfigValues, type SourceDocument, type SourceFactory, type SyncContext } from './source.js';

export interface SourceFixture {
  factory: SourceFactory;
  /** Creates a fresh data set of `n` documents; returns the configuration reading it. */
  load(n: number): Promise<ConfigValues>;
  /** The document ids the source holds now. */
  ids(): Promise<string[]>;
  /** Updates, adds and removes documents (for incremental syncs; omit when unsupported). */
  change?(o: { update: number; add: number; remove: number }): Promise<void>;
  /** Awaited after `load` and `change` (e.g. lets file timestamps age past a margin). */
  settle?(): Promise<void>;
  /** A configuration that cannot work (a missing folder, a closed port). */
  unreachable(): ConfigValues;
  advancedRules?: { valid: unknown; invalid: unknown };
  /**
   * False for a source whose incremental syncs cannot see deletions (they go at the next full
   * sync's sweep, e.g. the database sources' timestamp-column syncs): removed documents are then
   * expected to remain after the incremental run.
   */
  incrementalDeletions?: boolean;
  remove(): Promise<void>;
}

export function testContext(o: Partial<SyncContext> = {}): SyncContext & { failures: [string, string][]; complete: boolean } {
  const ctx = {
    signal: new AbortController().signal,
    advancedRules: {},
    basicRules: [],
    syncCursor: null,
    checkpoint: async () => {},
    log: { info() {}, warn() {}, error() {} },
    pipeline: { extract_binary_content: true, reduce_whitespace: true },
    failures: [] as [string, string][],
    complete: false,
    reportFailure(id: string, reason: string) {
      ctx.failures.push([id, reason]);
    },
    completeEnumeration() {
      ctx.complete = true;
    },
    ...o,
  };
  return ctx;
}

/** Everything a source's stream yields (tests only: a real sync never holds a source whole). */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const d of it) out.push(d);
  return out;
}

/**
 * The documents a user's access-control document lets through, as the DLS query Elastic's
 * connectors write does (src/sources/shared/access-control.ts): those without
 * `_allow_access_control` (public) and those sharing an identity with the user's list.
 */
export function visibleTo(docs: SourceDocument[], acl: SourceDocument): SourceDocument[] {
  const ids = new Set((acl.query as { template: { params: { access_control: string[] } } }).template.params.access_control);
  return docs.filter((d) => d._allow_access_control === undefined || (d._allow_access_control as string[]).some((i) => ids.has(i)));
}

export function runSourceSuite(fx: SourceFixture): void {
  const size = Number(process.env.TRIBUTARY_FIXTURE_SIZE ?? 300);
  const f = fx.factory;
  let config: ConfigValues;

  describe(`source contract: ${f.serviceType}`, () => {
    before(async () => {
      config = await fx.load(size);
      await fx.settle?.();
    });
    after(() => fx.remove());

    test('configuration schema in the Connector API format', () => {
      const schema = f.configSchema();
      assert.ok(Object.keys(schema).length > 0);
      for (const [key, entry] of Object.entries(schema)) {
        const parsed = configurationEntry(entry, key, `configuration.${key}`) as Record<string, unknown>;
        assert.equal(parsed.label, entry.label, key);
        assert.ok(typeof entry.order === 'number', `${key}: order`);
        assert.ok(entry.display && entry.type, `${key}: display and type`);
      }
      const values = configValues(schema as never);
      assert.equal(typeof values, 'object');
    });

    test('features match the methods', () => {
      const s = f.create(config);
      assert.equal(Boolean(s.getDocsIncrementally), f.features.incremental_sync, 'incremental_sync');
      assert.equal(Boolean(s.getAccessControl), f.features.document_level_security, 'document_level_security');
      if (f.features.sync_rules.advanced) assert.ok(s.validateAdvancedRules, 'validateAdvancedRules');
      return s.close();
    });

    test('ping succeeds, and fails with an actionable SourceError', async () => {
      const ok = f.create(config);
      await ok.ping();
      await ok.close();
      const bad = f.create(fx.unreachable());
      await assert.rejects(bad.ping(), (e: unknown) => e instanceof SourceError && e.message.length > 20);
      await bad.close();
    });

    test('an invalid configuration fails on use, not on create', async () => {
      const s = f.create({});
      await assert.rejects(s.ping(), SourceError);
      await s.close();
    });

    test('a full enumeration yields exactly the expected documents', async () => {
      const s = f.create(config);
      const docs = await collect(s.getDocs(testContext()));
      await s.close();
      const ids = docs.map((d) => d._id);
      assert.equal(new Set(ids).size, ids.length, 'ids are unique');
      assert.deepEqual([...ids].sort(), (await fx.ids()).sort());
      for (const d of docs.slice(0, 50)) {
        assert.equal(typeof d._id, 'string');
        if (d._timestamp !== undefined) assert.ok(!Number.isNaN(Date.parse(d._timestamp)), `_timestamp of ${d._id}`);
        assert.doesNotThrow(() => JSON.stringify(d));
      }
      const again = f.create(config);
      const second = (await collect(again.getDocs(testContext()))).map((d) => d._id);
      await again.close();
      assert.deepEqual(second.sort(), [...ids].sort(), 'stable ids');
    });

    test('an abort ends the stream promptly', async () => {
      const s = f.create(config);
      const ac = new AbortController();
      let n = 0;
      const t0 = Date.now();
      try {
        for await (const _ of s.getDocs(testContext({ signal: ac.signal }))) {
          if (++n === 5) ac.abort(new Error('stop'));
        }
      } catch {
        // ending with the abort reason is fine too
      }
      await s.close();
      assert.ok(Date.now() - t0 < 5000);
      assert.ok(n < size, `read ${n} of ${size} after the abort`);
    });

    if (fx.advancedRules) {
      const rules = fx.advancedRules;
      test('advanced rules are validated with messages', async () => {
        const s = f.create(config);
        assert.deepEqual(await s.validateAdvancedRules!(rules.valid), { valid: true, messages: [] });
        const bad = await s.validateAdvancedRules!(rules.invalid);
        assert.equal(bad.valid, false);
        assert.ok(bad.messages.length > 0 && bad.messages.every((m) => typeof m === 'string' && m.length > 0));
        await s.close();
      });
    }

    if (f.features.incremental_sync && fx.change) {
      test('incremental sync after changes gives exactly the new documents', async () => {
        const full = f.create(config);
        const before = new Set((await collect(full.getDocs(testContext()))).map((d) => d._id));
        const cursor = full.cursorAfterFullSync?.() ?? null;
        await full.close();
        await fx.change!({ update: 3, add: 4, remove: 2 });
        await fx.settle?.();

        const inc = f.create(config);
        const ctx = testContext({ syncCursor: cursor });
        const it = inc.getDocsIncrementally!(ctx);
        const seen = new Set<string>();
        const deleted = new Set<string>();
        for (let r = await it.next(); !r.done; r = await it.next()) {
          const d = r.value as SourceDocument & { deleted?: boolean };
          if (d.deleted === true && Object.keys(d).length === 2) deleted.add(d._id);
          else seen.add(d._id);
        }
        await inc.close();
        const now = await fx.ids();
        const gone = [...before].filter((id) => !now.includes(id));
        assert.ok(gone.length > 0, 'the change removed documents');
        const expected = (fx.incrementalDeletions === false ? [...now, ...gone] : now).sort();
        // Apply the run as the runtime does: a complete enumeration replaces, otherwise upsert + delete.
        const after = ctx.complete ? seen : new Set([...before, ...seen].filter((id) => !deleted.has(id)));
        assert.deepEqual([...after].sort(), expected);
        if (!ctx.complete) assert.ok(seen.size <= 3 + 4, `incremental read ${seen.size} documents`);
      });
    }
  });
}
