/**
 * The `redis` source against the machine's Redis (redis.fixture.ts): values of every type as
 * Elastic's source renders them, the value bound (truncation reported per document), large
 * collections read in chunks, several databases, key_pattern/type rules and their validation,
 * ACL users (the documented read-only permissions suffice; a bad password or a missing
 * permission is an error that says what to fix), and an unavailable database.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SourceError, type ConfigValues, type SourceDocument } from '../source.js';
import { testContext } from '../source.case.js';
import { documentId, redisSource } from './datasource.js';
import { claimDatabase, redisConfig, withRedis, type TestDatabase } from './redis.fixture.js';

async function sync(config: ConfigValues, advancedRules: unknown = {}) {
  const ctx = testContext({ advancedRules });
  const s = redisSource.create(config);
  const docs = new Map<string, SourceDocument>();
  try {
    for await (const d of s.getDocs(ctx)) docs.set(String(d.key), d);
  } finally {
    await s.close();
  }
  return { docs, failures: ctx.failures };
}

await withRedis('redis source', () => {
  describe('redis source', () => {
    let a: TestDatabase;
    let b: TestDatabase;
    const users: string[] = [];
    before(async () => {
      a = await claimDatabase();
      b = await claimDatabase();
    });
    after(async () => {
      for (const u of users) await a.r.call('ACL', 'DELUSER', u).catch(() => {});
      await a?.release();
      await b?.release();
    });

    test('every type is rendered as Elastic renders it, with its metadata', async () => {
      const r = a.r;
      await r.set('s:plain', 'hello world');
      await r.set('s:json', '{"a": 1, "b": [true, null, 1.5]}');
      await r.set('s:num', '42');
      await r.hset('h', 'f1', 'v1', 'f2', "it's");
      await r.rpush('l', 'x', 'y', 'z');
      await r.sadd('set', 'only');
      await r.zadd('z', 1, 'a', 2.5, 'b');
      await r.xadd('st', '1-1', 'f', 'v');
      await r.set(Buffer.from('bin'), Buffer.from([0xff, 0xfe, 0x00]));
      const { docs, failures } = await sync(redisConfig(a.db));
      const v = (k: string) => docs.get(k)?.value;
      assert.equal(v('s:plain'), 'hello world');
      assert.equal(v('s:json'), "{'a': 1, 'b': [True, None, 1.5]}");
      assert.equal(v('s:num'), '42');
      assert.equal(v('h'), `{'f1': 'v1', 'f2': "it's"}`);
      assert.equal(v('l'), "['x', 'y', 'z']");
      assert.equal(v('set'), "{'only'}");
      assert.equal(v('z'), "[('a', 1.0), ('b', 2.5)]");
      assert.equal(v('st'), "[['st', [('1-1', {'f': 'v'})]]]");
      assert.equal(v('bin'), '');
      assert.deepEqual(failures.map(([id]) => id), [documentId(a.db, Buffer.from('bin'))]);
      assert.match(failures[0][1], /not UTF-8/);
      const h = docs.get('h')!;
      assert.equal(h._id, documentId(a.db, Buffer.from('h')));
      assert.equal(h._id.length, 32);
      assert.equal(h.database, a.db);
      assert.equal(h.key_type, 'hash');
      assert.ok(typeof h.size_in_bytes === 'number' && h.size_in_bytes > 0);
      assert.deepEqual(new Set([...docs.values()].map((d) => d.key_type)), new Set(['string', 'hash', 'list', 'set', 'zset', 'stream']));
      await a.reset();
    });

    test('values over max_value_size are truncated and reported; large collections are read whole in chunks', async () => {
      const r = a.r;
      await r.set('big:s', 'é'.repeat(3000)); // 6000 bytes
      const p = r.pipeline();
      for (let i = 0; i < 3000; i++) p.rpush('big:l', `item-${i}`);
      for (let i = 0; i < 2000; i++) p.hset('big:h', `f${i}`, `v${i}`);
      for (let i = 0; i < 1500; i++) p.zadd('big:z', i, `m${i}`);
      for (let i = 0; i < 1200; i++) p.xadd('big:x', `${i + 1}-0`, 'n', String(i));
      for (let i = 0; i < 1000; i++) p.sadd('big:set', `s${i}`);
      await p.exec();

      const whole = await sync(redisConfig(a.db, { max_value_size: 1024 * 1024 }));
      assert.deepEqual(whole.failures, []);
      const list = whole.docs.get('big:l')!.value as string;
      assert.equal(list, `[${Array.from({ length: 3000 }, (_, i) => `'item-${i}'`).join(', ')}]`);
      assert.equal((whole.docs.get('big:h')!.value as string).match(/'f\d+': 'v\d+'/g)!.length, 2000);
      assert.equal(new Set((whole.docs.get('big:set')!.value as string).match(/'s\d+'/g)).size, 1000);
      assert.ok((whole.docs.get('big:z')!.value as string).startsWith("[('m0', 0.0), ('m1', 1.0)"));
      assert.equal((whole.docs.get('big:x')!.value as string).match(/\('\d+-0', \{'n': '\d+'\}\)/g)!.length, 1200);
      assert.equal(whole.docs.get('big:s')!.value, 'é'.repeat(3000));

      const cut = await sync(redisConfig(a.db, { max_value_size: 1024 }));
      const reasons = new Map(cut.failures);
      assert.equal(cut.docs.get('big:s')!.value, 'é'.repeat(512));
      assert.match(reasons.get(documentId(a.db, Buffer.from('big:s')))!, /truncated: read the first 1024 of 6000 bytes/);
      for (const k of ['big:l', 'big:h', 'big:z', 'big:x', 'big:set']) {
        assert.match(reasons.get(documentId(a.db, Buffer.from(k)))!, /value truncated: kept the first \d+ of \d+ elements/, k);
        assert.ok((cut.docs.get(k)!.value as string).length <= 1024 + 40, k);
      }
      assert.ok((cut.docs.get('big:l')!.value as string).startsWith("['item-0', 'item-1'"));
      await a.reset();
    });

    test('several databases, and key_pattern / type advanced rules', async () => {
      await a.r.set('user:1', 'x');
      await a.r.hset('user:2', 'n', '1');
      await a.r.set('other', 'y');
      await b.r.set('user:3', 'z');
      const both = await sync(redisConfig(`${a.db},${b.db}`));
      assert.deepEqual([...both.docs.keys()].sort(), ['__tributary_test_claim__', '__tributary_test_claim__', 'other', 'user:1', 'user:2', 'user:3'].filter((k, i, l) => l.indexOf(k) === i).sort());
      assert.equal(both.docs.get('user:3')!.database, b.db);

      const rules = [{ database: a.db, key_pattern: 'user:*' }, { database: b.db, type: 'STRING' }];
      const ruled = await sync(redisConfig(0), rules);
      const got = [...ruled.docs.values()].map((d) => `${d.database}/${d.key}`).sort();
      assert.deepEqual(got, [`${a.db}/user:1`, `${a.db}/user:2`, `${b.db}/__tributary_test_claim__`, `${b.db}/user:3`].sort());
      const typed = await sync(redisConfig(0), [{ database: a.db, key_pattern: 'user:*', type: 'hash' }]);
      assert.deepEqual([...typed.docs.keys()], ['user:2']);

      const s = redisSource.create(redisConfig(a.db));
      assert.deepEqual(await s.validateAdvancedRules!(rules), { valid: true, messages: [] });
      const missing = await s.validateAdvancedRules!([{ database: 99_999, key_pattern: '*' }]);
      assert.equal(missing.valid, false);
      assert.match(missing.messages[0], /Database 99999 not available/);
      const shape = await s.validateAdvancedRules!([{ database: -1, key_pattern: '' }, { database: 0, extra: 1, type: 'x' }]);
      assert.equal(shape.valid, false);
      assert.ok(shape.messages.some((m) => /Rule 1: "database"/.test(m)) && shape.messages.some((m) => /Rule 2: unknown key "extra"/.test(m)));
      await assert.rejects(sync(redisConfig(a.db), { database: 0 }), /Invalid advanced sync rules/);
      await s.close();
      await a.reset();
      await b.reset();
    });

    test('an unavailable database, a bad password and a missing permission say what to fix', async () => {
      const nodb = redisSource.create(redisConfig(`${a.db},99999`));
      await assert.rejects(nodb.ping(), (e: unknown) => e instanceof SourceError && /Database 99999 not available.*`database`/.test(e.message));
      await assert.rejects(redisSource.create(redisConfig('x1')).ping(), /\[database\] must list database numbers/);

      const sfx = randomBytes(4).toString('hex');
      const reader = `trib_reader_${sfx}`;
      const weak = `trib_weak_${sfx}`;
      users.push(reader, weak);
      // The permissions docs/sources/redis.md documents for a read-only sync user.
      await a.r.call('ACL', 'SETUSER', reader, 'on', '>reader-pw', 'resetkeys', '~*', 'resetchannels', '-@all', '+@read', '+@connection', '+info', '+memory|usage', '+select');
      await a.r.call('ACL', 'SETUSER', weak, 'on', '>weak-pw', '~*', '-@all', '+@connection', '+select');
      await a.r.set('r:1', 'readable');

      const ok = await sync(redisConfig(a.db, { username: reader, password: 'reader-pw' }));
      assert.equal(ok.docs.get('r:1')?.value, 'readable');
      assert.ok(typeof ok.docs.get('r:1')?.size_in_bytes === 'number');
      await redisSource.create(redisConfig('*', { username: reader, password: 'reader-pw' })).ping();

      const bad = redisSource.create(redisConfig(a.db, { username: reader, password: 'wrong' }));
      await assert.rejects(bad.ping(), (e: unknown) => e instanceof SourceError && new RegExp(`Authentication failed for user "${reader}".*\`username\` and \`password\``).test(e.message));

      await assert.rejects(sync(redisConfig(a.db, { username: weak, password: 'weak-pw' })), (e: unknown) =>
        e instanceof SourceError && new RegExp(`User "${weak}" lacks a permission.*scan.*ACL SETUSER`, 's').test(e.message));
      await a.reset();
    });

    test('the operator\'s egress allow-list is honoured', async () => {
      const policy = (allowedHosts: string[]) => ({ directoryRoots: null, allowedHosts });
      const refused = redisSource.create(redisConfig(a.db), policy(['10.0.0.0/8']));
      await assert.rejects(refused.ping(), (e: unknown) => e instanceof SourceError && /is not allowed.*sources\.allowed_hosts/.test(e.message));
      const host = String(redisConfig(a.db).host);
      await redisSource.create(redisConfig(a.db), policy([host === 'localhost' ? '127.0.0.1' : host, '::1'])).ping();
    });

    test('memory stays flat whatever the number of keys (one SCAN page at a time)', async () => {
      const n = 60_000;
      for (let from = 0; from < n; from += 10_000) {
        const p = a.r.pipeline();
        for (let i = from; i < from + 10_000; i++) p.set(`m:${i}`, `${'v'.repeat(200)}${i}`);
        await p.exec();
      }
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const s = redisSource.create(redisConfig(a.db, { page_size: 500 }));
      let seen = 0;
      let early = 0;
      let late = 0;
      for await (const _ of s.getDocs(testContext())) {
        seen++;
        if (seen === 10_000 || seen === n - 100) {
          gc();
          const used = process.memoryUsage().heapUsed;
          if (seen === 10_000) early = used;
          else late = used;
        }
      }
      assert.ok(seen > n);
      const growth = (late - early) / 1024 / 1024;
      console.log(`# redis source heap after GC: ${(early / 1048576).toFixed(1)} MiB at 10k keys, ${(late / 1048576).toFixed(1)} MiB at ${n}`);
      assert.ok(growth < 8, `heap grew ${growth.toFixed(1)} MiB from 10k to ${n} keys`);
      await a.reset();
    });

    test('a server that does not answer fails within read_timeout; one that is not Redis says so', async () => {
      const silent = createServer(() => {}); // accepts, never answers
      const http = createServer((sock) => sock.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
      await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
      await new Promise<void>((res) => http.listen(0, '127.0.0.1', res));
      try {
        const t0 = Date.now();
        const s = redisSource.create(redisConfig(0, { host: '127.0.0.1', port: (silent.address() as AddressInfo).port, read_timeout: 1 }));
        await assert.rejects(s.ping(), (e: unknown) => e instanceof SourceError && /did not answer within 1 s \(`read_timeout`\)/.test(e.message));
        assert.ok(Date.now() - t0 < 4000, `${Date.now() - t0} ms`);
        const h = redisSource.create(redisConfig(0, { host: '127.0.0.1', port: (http.address() as AddressInfo).port, read_timeout: 2 }));
        await assert.rejects(h.ping(), (e: unknown) => e instanceof SourceError && /does not answer as a Redis server/.test(e.message));
      } finally {
        silent.close();
        http.close();
      }
    });
  });
});
