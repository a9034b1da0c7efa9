/**
 * Redis source throughput (issue 17): N keys (default 100 000; BENCH_KEYS) of mixed types in a
 * claimed test database of the machine's Redis (REDIS_URL), read twice each way in the same
 * run: (1) the raw client — ioredis SCAN COUNT 1000, then per page one pipeline of TYPE and one
 * of the type's read command (GET, HGETALL, LRANGE, SMEMBERS, ZRANGE WITHSCORES); (2) the
 * source's full enumeration (getDocs: SCAN, TYPE + MEMORY USAGE, lengths, values, rendering,
 * document ids). Prints keys/s, MB/s of values, the ratio, and peak RSS.
 * `npm run bench:redis`
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisSource } from '../src/sources/redis/datasource.js';
import type { SyncContext } from '../src/sources/source.js';

const N = Number(process.env.BENCH_KEYS ?? 100_000);
const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const conn = { host: url.hostname, port: Number(url.port || 6379), username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
const redisConfig = (db: number) => ({ ...conn, database: String(db) });

/** Claims test database 15 as the tests claim theirs (src/sources/redis/redis.fixture.ts), or gives up. */
async function claim(db = 15) {
  const r = new Redis({ ...conn, username: conn.username || undefined, password: conn.password || undefined, db });
  const token = randomBytes(8).toString('hex');
  for (let i = 0; (await r.set('__tributary_test_claim__', token, 'EX', 900, 'NX')) !== 'OK'; i++) {
    if (i === 60) throw new Error(`database ${db} stays claimed by a test; try again later`);
    await new Promise((res) => setTimeout(res, 1000));
  }
  await r.multi().flushdb().set('__tributary_test_claim__', token, 'EX', 900).exec();
  return {
    db,
    r,
    async release() {
      await r.flushdb();
      r.disconnect();
    },
  };
}

function context(): SyncContext {
  return {
    signal: new AbortController().signal, advancedRules: {}, basicRules: [], syncCursor: null,
    checkpoint: async () => {}, log: { info() {}, warn() {}, error() {} },
  };
}

const t = await claim();
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

// Load: 70 % strings of ~100 bytes, 10 % hashes (5 fields), 10 % lists (5 items), 5 % sets, 5 % zsets.
const pad = 'x'.repeat(90);
for (let from = 0; from < N; from += 5000) {
  const p = t.r.pipeline();
  for (let i = from; i < Math.min(N, from + 5000); i++) {
    const k = `bench:${i}`;
    const m = i % 20;
    if (m < 14) p.set(k, `${pad}${i}`);
    else if (m < 16) p.hset(k, { a: `${i}`, b: pad, c: 'c', d: 'd', e: 'e' });
    else if (m < 18) p.rpush(k, `${i}`, pad, 'c', 'd', 'e');
    else if (m < 19) p.sadd(k, `${i}`, pad, 'c');
    else p.zadd(k, 1, `${i}`, 2, pad);
  }
  await p.exec();
}

const READ: Record<string, (k: Buffer) => [string, ...(string | number | Buffer)[]]> = {
  string: (k) => ['get', k],
  hash: (k) => ['hgetall', k],
  list: (k) => ['lrange', k, 0, -1],
  set: (k) => ['smembers', k],
  zset: (k) => ['zrange', k, 0, -1, 'WITHSCORES'],
};

async function raw(): Promise<{ keys: number; bytes: number }> {
  const r = new Redis({ ...conn, username: conn.username || undefined, password: conn.password || undefined, db: t.db });
  let keys = 0;
  let bytes = 0;
  let cursor = '0';
  const size = (v: unknown): number => (Buffer.isBuffer(v) ? v.length : Array.isArray(v) ? v.reduce((n: number, x) => n + size(x), 0) : 0);
  do {
    const [next, page] = (await r.callBuffer('SCAN', cursor, 'COUNT', 1000)) as [Buffer, Buffer[]];
    cursor = next.toString();
    const tp = r.pipeline();
    for (const k of page) tp.type(k);
    const types = (await tp.exec())!.map(([, v]) => String(v));
    const vp = r.pipeline();
    page.forEach((k, i) => {
      const [cmd, ...args] = READ[types[i]](k);
      (vp as unknown as { callBuffer(...a: unknown[]): void }).callBuffer(cmd, ...args);
    });
    for (const [, v] of (await vp.exec())!) bytes += size(v);
    keys += page.length;
  } while (cursor !== '0');
  r.disconnect();
  return { keys, bytes };
}

async function source(): Promise<{ keys: number; bytes: number }> {
  const s = redisSource.create(redisConfig(t.db));
  let keys = 0;
  let bytes = 0;
  for await (const d of s.getDocs(context())) {
    keys++;
    bytes += String(d.value).length;
  }
  await s.close();
  return { keys, bytes };
}

async function timed(name: string, f: () => Promise<{ keys: number; bytes: number }>): Promise<number> {
  const t0 = performance.now();
  const { keys, bytes } = await f();
  const s = (performance.now() - t0) / 1000;
  const rate = keys / s;
  console.log(`${name.padEnd(8)} ${keys} keys in ${s.toFixed(2)} s: ${Math.round(rate)} keys/s, ${(bytes / 1e6 / s).toFixed(1)} MB/s of values`);
  return rate;
}

try {
  let bestRaw = 0;
  let bestSource = 0;
  for (let round = 0; round < 2; round++) {
    bestRaw = Math.max(bestRaw, await timed('raw', raw));
    bestSource = Math.max(bestSource, await timed('source', source));
  }
  console.log(`source / raw = ${((bestSource / bestRaw) * 100).toFixed(0)} % (best of 2 each); peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB`);
} finally {
  clearInterval(sampler);
  await t.release();
}
