/**
 * The source contract's fixture for a database source (src/sources/source.case.ts): one table
 * `docs` (integer key, text, `updated_at`) in a namespace of its own (PostgreSQL schema / MySQL
 * database, random suffix), read with `timestamp_column: updated_at` so incremental syncs run.
 * Timestamp-column syncs cannot see deleted rows (docs/sources/postgresql.md "Incremental
 * syncs"), hence `incrementalDeletions: false`.
 */
import { runSourceSuite, type SourceFixture } from '../source.case.js';
import { openOrSkip, type SqlFixture } from './sql-source.case.js';

export function sqlContractFixture(fx: SqlFixture): SourceFixture {
  const ns = `trib_contract_${Math.random().toString(36).slice(2, 8)}`;
  const table = fx.qualify(ns, 'docs');
  const live = new Set<number>();
  let next = 1;
  const insert = async (count: number, at: string) => {
    if (count === 0) return;
    const rows = Array.from({ length: count }, () => {
      const n = next++;
      live.add(n);
      return `(${n}, 'document ${n}', ${at})`;
    });
    await fx.exec(`INSERT INTO ${table} (id, title, updated_at) VALUES ${rows.join(', ')}`);
  };
  return {
    factory: fx.factory,
    async load(n) {
      await fx.createNamespace(ns);
      await fx.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, title varchar(100), updated_at ${fx.engine === 'mysql' ? 'datetime' : 'timestamp(0)'})`);
      await insert(n, `'2024-01-01 00:00:00'`);
      return fx.config(ns, { tables: 'docs', timestamp_column: 'updated_at' });
    },
    async ids() {
      return [...live].map((n) => `${ns}_docs_${n}`);
    },
    async change({ update, add, remove }) {
      const keys = [...live];
      const later = `'2030-01-01 00:00:00'`;
      if (update) await fx.exec(`UPDATE ${table} SET title = 'updated', updated_at = ${later} WHERE id IN (${keys.slice(0, update).join(', ')})`);
      const gone = keys.slice(update, update + remove);
      if (gone.length) await fx.exec(`DELETE FROM ${table} WHERE id IN (${gone.join(', ')})`);
      for (const n of gone) live.delete(n);
      await insert(add, later);
    },
    unreachable: () => fx.config(ns, { host: '127.0.0.1', port: 1, tables: 'docs' }),
    advancedRules: {
      valid: [{ tables: ['docs'], query: `SELECT id, title, updated_at FROM ${table} WHERE id > 10` }],
      invalid: [{ tables: [], query: 'x' }],
    },
    incrementalDeletions: false,
    async remove() {
      await fx.dropNamespace(ns).catch(() => {});
      await fx.close();
    },
  };
}

/** Runs the source contract on the engine's server; unreachable skips (fails under CI=true). */
export async function runSqlSourceContract(fx: SqlFixture): Promise<void> {
  if (await openOrSkip(fx, `source contract: ${fx.factory.serviceType}`)) runSourceSuite(sqlContractFixture(fx));
}
