/**
 * The egress allow-list (issue 11 item 20): entries, address checks (IPv4, IPv6, CIDR,
 * IPv4-mapped IPv6), name resolution, and — against real loopback TCP listeners and the real
 * PostgreSQL and MariaDB — that a refused host is never contacted and an allowed one is
 * reached at the address that was checked.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { mysqlSource } from '../mysql/datasource.js';
import { postgresqlSource } from '../postgresql/datasource.js';
import { SourceError, type SourcePolicy } from '../source.js';
import { addressAllowed, compileAllowList, normAddress, pinnedLookup, resolveAllowed } from './egress.js';

test('normAddress: brackets, canonical IPv6, IPv4-mapped IPv6 as IPv4', () => {
  assert.equal(normAddress('[::1]'), '::1');
  assert.equal(normAddress('FD00:0:0::0001'), 'fd00::1');
  assert.equal(normAddress('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(normAddress('0:0:0:0:0:ffff:a01:203'), '10.1.2.3');
  assert.equal(normAddress('db.internal'), 'db.internal');
});

test('addresses and CIDR blocks, IPv4 and IPv6; mapped addresses cannot slip past', () => {
  const l = compileAllowList(['127.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']);
  for (const a of ['127.0.0.1', '127.255.0.9', '192.168.1.7', 'fd12::5', '::1', '[::1]', '::ffff:127.0.0.2']) assert.equal(addressAllowed(l, a), true, a);
  for (const a of ['10.0.0.1', '192.168.1.8', 'fe80::1', '::2', '::ffff:10.0.0.1', '0:0:0:0:0:ffff:a00:1', 'localhost']) assert.equal(addressAllowed(l, a), false, a);
  const v4only = compileAllowList(['10.0.0.0/8']);
  assert.equal(addressAllowed(v4only, '::ffff:10.9.9.9'), true, 'a mapped address is its IPv4 address');
});

test('malformed entries are refused', () => {
  for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/x', 'not a host', 'http://db', '*.']) assert.throws(() => compileAllowList([bad]), /sources\.allowed_hosts/, bad);
});

test('resolveAllowed: no list → the host unchanged, nothing resolved', async () => {
  assert.deepEqual(await resolveAllowed('db.invalid', null, 'X'), { host: 'db.invalid', address: 'db.invalid' });
});

test('resolveAllowed: names resolve to a checked address; refusals look the same whatever the cause', async () => {
  assert.deepEqual(await resolveAllowed('localhost', ['127.0.0.0/8'], 'X'), { host: 'localhost', address: '127.0.0.1' });
  assert.deepEqual(await resolveAllowed('LOCALHOST', ['localhost.'], 'X'), { host: 'LOCALHOST', address: '127.0.0.1' });
  assert.deepEqual(await resolveAllowed('localhost', ['*.example', 'localhost'], 'X'), { host: 'localhost', address: '127.0.0.1' });
  assert.deepEqual(await resolveAllowed('127.0.0.5', ['127.0.0.0/24'], 'X'), { host: '127.0.0.5', address: '127.0.0.5' });
  const resolvesElsewhere = await resolveAllowed('localhost', ['10.0.0.0/8'], 'X').catch((e) => e);
  const doesNotResolve = await resolveAllowed('no-such-host.invalid', ['10.0.0.0/8'], 'X').catch((e) => e);
  const literal = await resolveAllowed('127.0.0.1', ['10.0.0.0/8'], 'X').catch((e) => e);
  for (const e of [resolvesElsewhere, doesNotResolve, literal]) {
    assert.ok(e instanceof SourceError);
    assert.match(e.message, /is not allowed\. .*sources\.allowed_hosts/);
    assert.doesNotMatch(e.message, /127\.0\.0\.1"? \(|10\.0\.0/, 'names no address of the list or of the lookup');
  }
  assert.equal(resolvesElsewhere.message.replace('localhost', 'H'), doesNotResolve.message.replace('no-such-host.invalid', 'H'));
});

// A loopback listener that counts connections: a refused host must never be contacted.
let trap: Server;
let trapPort = 0;
const accepted: Socket[] = [];
before(async () => {
  trap = createServer((sock) => {
    accepted.push(sock);
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
  trapPort = (trap.address() as { port: number }).port;
});
after(async () => {
  for (const s of accepted) s.destroy();
  await new Promise((r) => trap.close(r));
});

const only10: SourcePolicy = { directoryRoots: null, allowedHosts: ['10.0.0.0/8', 'db.internal'] };

for (const [name, factory, cfg] of [
  ['postgresql', postgresqlSource, { username: 'postgres', database: 'test', retry_count: 0 }],
  ['mysql', mysqlSource, { user: 'root', database: 'test', retry_count: 0 }],
] as const) {
  test(`${name}: a host outside sources.allowed_hosts is refused with a configuration error, never contacted`, async () => {
    const before = accepted.length;
    for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '::ffff:7f00:1']) {
      const src = factory.create({ ...cfg, host, port: trapPort }, only10);
      await assert.rejects(src.ping(), (e: Error) => e instanceof SourceError && /is not allowed.*sources\.allowed_hosts/.test(e.message), host);
      await src.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(accepted.length, before, 'no connection reached the listener');
  });

  test(`${name}: an allowed host is reached (the real server), by name or by address`, async () => {
    const port = name === 'postgresql' ? 5432 : 3306;
    for (const [host, allowedHosts] of [['localhost', ['127.0.0.0/8']], ['127.0.0.1', ['127.0.0.1']], ['localhost', ['localhost']]] as const) {
      const src = factory.create({ ...cfg, host, port }, { directoryRoots: null, allowedHosts: [...allowedHosts] });
      try {
        await src.ping();
      } finally {
        await src.close();
      }
    }
  });
}

test('pinnedLookup: an HTTP request goes to the checked address, keeps its host name, and aborts on the signal', async () => {
  const { createServer: createHttpServer, get } = await import('node:http');
  const hosts: string[] = [];
  const srv = createHttpServer((req, res) => {
    hosts.push(String(req.headers.host));
    if (req.url === '/slow') return; // never answers: the abort must end the request
    res.end('ok');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const p = (srv.address() as { port: number }).port;
  const request = (host: string, address: string, path = '/', signal?: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      get(`http://${host}:${p}${path}`, { lookup: pinnedLookup(address) as never, signal, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
  try {
    const t = await resolveAllowed('tributary-egress.invalid', ['tributary-egress.invalid'], 'X').catch(() => null);
    assert.equal(t, null, 'an unresolvable allowed name fails (the lookup error)');
    assert.equal(await request('db.example', '127.0.0.1'), 'ok', 'the name is never resolved: the pinned address is used');
    assert.equal(hosts.at(-1), `db.example:${p}`);
    await assert.rejects(request('db.example', '127.0.0.2'), /ECONNREFUSED/, 'and only that address');
    const ac = new AbortController();
    const pending = request('db.example', '127.0.0.1', '/slow', ac.signal);
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(pending, /abort/i);
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});
