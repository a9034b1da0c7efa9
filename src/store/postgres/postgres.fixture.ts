/**
 * Test support for everything that needs PostgreSQL: the server from `TRIBUTARY_TEST_PG_URL`
 * (default `postgres://postgres@127.0.0.1:5432/test`), a throwaway schema per run so parallel
 * runs never clash, and the skip rule: unreachable skips with a clear message, except under
 * `CI=true` where it fails.
 */
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';

export const TEST_PG_URL = process.env.TRIBUTARY_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Null when PostgreSQL answers, else why not. */
export async function pgUnreachable(url = TEST_PG_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return `PostgreSQL not reachable at ${redact(url)} (${(e as Error).message}); set TRIBUTARY_TEST_PG_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Registers a placeholder test when PostgreSQL is unreachable and returns false: a skip
 * normally, a failure under CI=true (CI has PostgreSQL, so not reaching it is a bug).
 */
export async function requirePg(what: string): Promise<boolean> {
  const why = await pgUnreachable();
  if (!why) return true;
  if (process.env.CI === 'true') {
    test(`${what}: PostgreSQL reachable`, () => {
      throw new Error(`${why} (CI=true: PostgreSQL tests may not be skipped)`);
    });
  } else {
    test(`${what}`, { skip: why }, () => {});
  }
  return false;
}

export function randomSchema(): string {
  return `tributary_test_${randomBytes(6).toString('hex')}`;
}

/** The test URL with extra query parameters (schema, application_name, …). */
export function pgUrl(params: Record<string, string>, base = TEST_PG_URL): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** Runs SQL on the test server outside any store (admin work: drop schema, terminate backends). */
export async function adminQuery(sql: string, args: unknown[] = [], base = TEST_PG_URL): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await client.query(sql, args);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Terminates every backend of one application_name (the store's pool), as a crash would. */
export async function terminateBackends(applicationName: string): Promise<number> {
  const r = await adminQuery(
    'SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1',
    [applicationName],
  );
  return r.rowCount ?? 0;
}
