/**
 * The one place that loads the SQLite driver (better-sqlite3); the state store, the embedded
 * content index and the benchmarks all take `Database` from here, never from the package.
 *
 * Which build runs depends on the Node.js major:
 * - Node >= 22: better-sqlite3 13, a Node-API addon. Node 24.19 changed `node::ObjectWrap`
 *   (header-only, compiled into addons): its destructor now removes an environment cleanup hook
 *   and aborts the process (`RemoveEnvironmentCleanupHook … Assertion failed: (env) !=
 *   nullptr`) when no V8 context is entered, which is the case when V8 finalizes a collected
 *   Statement or Database at teardown (and in collections outside JavaScript). better-sqlite3
 *   12 and older derive Statement/Database from `node::ObjectWrap`, so on Node 24.19-24.21
 *   (fixed in the runtime in 24.22) any Statement left to the garbage collector could abort the
 *   process; 13 does not use `node::ObjectWrap` at all.
 * - Node 20: better-sqlite3 12 (the optional dependency `better-sqlite3-node20`): 13's
 *   prebuilt addon crashes on Node 20 (it requires Node >= 22), and Node 20's `ObjectWrap` has
 *   no cleanup hooks, so 12 is safe there.
 *
 * Rule for every thread (main or worker_threads / piscina) that opens a database: load the
 * driver from this module only, open its own connection (a Database never crosses threads),
 * and close it before the thread ends: drop statement caches first, then `db.close()`, which
 * finalizes every statement prepared on it.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);

/** The better-sqlite3 package this Node.js loads (see above). */
export const driverPackage = Number(process.versions.node.split('.')[0]) >= 22 ? 'better-sqlite3' : 'better-sqlite3-node20';

function load(): typeof BetterSqlite3 {
  try {
    return require(driverPackage) as typeof BetterSqlite3;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`the SQLite driver ${driverPackage} for Node.js ${process.version} could not be loaded (run npm ci with this Node.js): ${why}`);
  }
}

const Database = load();
export default Database;
export type Db = BetterSqlite3.Database;
export type Statement<P extends unknown[] | {} = unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;
