/**
 * Test fixture of the `redis` source: the machine's Redis (REDIS_URL, default
 * redis://127.0.0.1:6379). A test claims one of the high databases 10–15 for itself (a claim
 * key set with NX and an expiry, so parallel test files and runs never share one), empties it,
 * and releases it at the end. Unreachable Redis skips the tests with the reason, except under
 * CI=true, where it fails.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { SourceFixture } from '../source.case.js';
import type { ConfigValues } from '../source.js';
import { documentId, redisSource } from './datasource.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLAIM_KEY = '__tributary_test_claim__';
const TEST_DATABASES = [10, 11, 12, 13, 14, 15];

function admin(db = 0): Redis {
  const u = new URL(REDIS_URL);
  const r = new Redis({
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || 6379),
    username: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    db,
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  });
  r.on('error', () => {});
  return r;
}

/** Source configuration for database `db` of the test server. */
export function redisConfig(db: number | string, extra: ConfigValues = {}): ConfigValues {
  const u = new URL(REDIS_URL);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: String(db),
    ssl_enabled: u.protocol === 'rediss:',
    ...extra,
  };
}

/** A claimed, empty database of the test server. */
export interface TestDatabase {
  db: number;
  r: Redis;
  /** The claim key's document id (it is a key of the database, so syncs see it). */
  claimId: string;
  /** Empties the database, keeping the claim. */
  reset(): Promise<void>;
  release(): Promise<void>;
}

export async function claimDatabase(): Promise<TestDatabase> {
  const token = randomBytes(8).toString('hex');
  const order = [...TEST_DATABASES].sort(() => Math.random() - 0.5);
  for (let round = 0; round < 60; round++) {
    for (const db of order) {
      const r = admin(db);
      await r.connect();
      if ((await r.set(CLAIM_KEY, token, 'EX', 900, 'NX')) === 'OK') {
        await r.flushdb();
        await r.set(CLAIM_KEY, token, 'EX', 900);
        return {
          db,
          r,
          claimId: documentId(db, Buffer.from(CLAIM_KEY)),
          async reset() {
            await r.multi().flushdb().set(CLAIM_KEY, token, 'EX', 900).exec();
          },
          async release() {
            if ((await r.get(CLAIM_KEY)) === token) await r.flushdb();
            r.disconnect();
          },
        };
      }
      r.disconnect();
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new Error(`no free test database among ${TEST_DATABASES.join(', ')} of ${REDIS_URL} within 60 s`);
}

/** Null when the test server answers, else why not. */
export async function redisUnreachable(): Promise<string | null> {
  const r = admin();
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (err) {
    return `Redis unreachable at ${REDIS_URL}: ${(err as Error).message}`;
  } finally {
    r.disconnect();
  }
}

/** Runs `define` when Redis answers; else skips with the reason (fails under CI=true). */
export async function withRedis(suite: string, define: () => void): Promise<void> {
  const why = await redisUnreachable();
  if (!why) return define();
  if (process.env.CI === 'true') test(`Redis is reachable (CI=true): ${suite}`, () => assert.fail(why));
  else describe(suite, { skip: `${why} (set CI=true to fail instead)` }, () => {});
}

/** The source contract's fixture: `n` keys of every basic type in a claimed database. */
export function redisContractFixture(): SourceFixture {
  let t: TestDatabase;
  const keys: string[] = [];
  return {
    factory: redisSource,
    async load(n) {
      t = await claimDatabase();
      const p = t.r.pipeline();
      for (let i = 0; i < n; i++) {
        const k = `k:${i}`;
        keys.push(k);
        switch (i % 6) {
          case 0: p.set(k, `value ${i}`); break;
          case 1: p.hset(k, { a: String(i), b: 'x' }); break;
          case 2: p.rpush(k, 'a', String(i)); break;
          case 3: p.sadd(k, 'm', String(i)); break;
          case 4: p.zadd(k, i, 'm'); break;
          default: p.xadd(k, '1-1', 'f', String(i));
        }
      }
      await p.exec();
      return redisConfig(t.db, { page_size: 50 });
    },
    async ids() {
      return [t.claimId, ...keys.map((k) => documentId(t.db, Buffer.from(k)))];
    },
    unreachable: () => redisConfig(0, { host: '127.0.0.1', port: 1, connect_timeout: 2 }),
    advancedRules: {
      valid: [{ database: 0, key_pattern: 'k:*' }, { database: 1, type: 'hash' }],
      invalid: [{ key_pattern: 'k:*' }, { database: 0 }, { database: 0, type: 'nope' }],
    },
    async remove() {
      await t?.release();
    },
  };
}
