/**
 * Secure defaults of `tributary serve` and login rate limiting (issue 4): no binding beyond
 * loopback without security, TLS options, failed logins limited per user and address.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { isLoopback, isLoopbackAddress } from '../../src/app/loopback.js';
import { serve, type ServeOptions } from '../../src/app/serve.js';
import { startSecureServer } from '../helpers/secure-server.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const secureConfig = join(dir, 'secure.yml');
writeFileSync(secureConfig, 'security:\n  enabled: true\n  users:\n    root: {password: root-password, roles: [superuser]}\n');
const offConfig = join(dir, 'off.yml');
writeFileSync(offConfig, 'security:\n  enabled: false\n');

function opts(o: Partial<ServeOptions>): ServeOptions {
  return { port: '0', host: '127.0.0.1', data: join(dir, 'data'), maxBody: '1048576', logLevel: 'silent', worker: false, ...o };
}

describe('serve', () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
    test(`refuses ${host} without security`, async () => {
      await assert.rejects(serve(opts({ host })), /Refusing to listen on \[.*\] without authentication: enable security in a config file/);
      await assert.rejects(serve(opts({ host, config: offConfig })), /Refusing to listen/);
    });
  }

  test('a host name that merely begins with 127. is not loopback (issue 11 item 19)', async () => {
    // A stand-in resolver: no DNS query leaves the machine.
    const fake = (answer: string[]) => (async () => answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))) as never;
    await assert.rejects(serve(opts({ host: '127.example.com' }), { lookup: fake(['93.184.215.14']) }), /Refusing to listen on \[127\.example\.com\]/);
    const unresolvable = (async () => { throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }); }) as never;
    assert.equal(await isLoopback('127.example.com', unresolvable), false);
    assert.equal(await isLoopback('127.example.com', fake(['93.184.215.14'])), false);
    assert.equal(await isLoopback('127.example.com', fake(['127.0.0.1', '10.1.2.3'])), false, 'every address must be loopback');
    assert.equal(await isLoopback('127.example.com', fake([])), false);
    assert.equal(await isLoopback('myhost', fake(['127.0.1.1', '::1', '::ffff:127.0.0.2'])), true);
  });

  test('loopback addresses: 127.0.0.0/8, ::1 and IPv4-mapped 127.x', async () => {
    for (const a of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
      assert.equal(isLoopbackAddress(a), true, a);
      assert.equal(await isLoopback(a), true, a);
    }
    for (const a of ['128.0.0.1', '10.0.0.1', '::2', '::ffff:10.0.0.1', '0.0.0.0', '::', '127.0.0.1.nip.io', '127.1']) {
      assert.equal(isLoopbackAddress(a), false, a);
    }
  });

  test('binds any address with security on', async () => {
    const stop = await serve(opts({ host: '0.0.0.0', config: secureConfig }));
    await stop();
  });

  test('rejects a broken security config with the file name', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'security:\n  enabled: true\n  users:\n    a: {password: aaaaaaaa, roles: [ghost]}\n');
    await assert.rejects(serve(opts({ config: bad })), /bad\.yml: security: user \[a\]: unknown role \[ghost\]/);
  });

  test('TLS needs both the certificate and the key', async () => {
    await assert.rejects(serve(opts({ tlsCert: join(dir, 'nope.pem') })), /both --tls-cert and --tls-key/);
  });

  test('serves HTTPS with --tls-cert and --tls-key', async (t) => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    } catch {
      t.skip('openssl is not installed');
      return;
    }
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const stop = await serve(opts({ port, config: secureConfig, tlsCert: cert, tlsKey: key }));
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: Number(port), path: '/', rejectUnauthorized: false, auth: 'root:root-password' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 200);
    } finally {
      await stop();
    }
  });
});

describe('failed-login rate limit', () => {
  test('10 failures per user and address per minute by default, then 429', async () => {
    const srv = await startSecureServer();
    try {
      const from = (remoteAddress: string, password: string) =>
        srv.inject({ method: 'GET', url: '/_connector', remoteAddress, auth: ['reader', password] });
      for (let i = 0; i < 10; i++) assert.equal((await from('10.9.0.1', 'wrong-password')).statusCode, 401);
      const res = await from('10.9.0.1', 'reader-password');
      assert.equal(res.statusCode, 429);
      assert.equal(res.json().error.type, 'security_exception');
      assert.match(res.json().error.reason, /^too many failed authentication attempts for user \[reader\] from \[10\.9\.0\.1\]; try again in \[\d+\] seconds$/);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.ok(!res.body.includes('reader-password'));
      // Other addresses and other users are not affected.
      assert.equal((await from('10.9.0.2', 'reader-password')).statusCode, 200);
      const other = await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.0.1', auth: ['admin', 'admin-password'] });
      assert.equal(other.statusCode, 200);
    } finally {
      await srv.close();
    }
  });

  test('the window is configurable; a success clears the count', async () => {
    const srv = await startSecureServer({ login_rate_limit: { max_failures: 3, window: '300ms' } });
    try {
      const from = (password: string) => srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.1.1', auth: ['reader', password] });
      for (let i = 0; i < 2; i++) assert.equal((await from('bad-password')).statusCode, 401);
      assert.equal((await from('reader-password')).statusCode, 200);
      for (let i = 0; i < 3; i++) assert.equal((await from('bad-password')).statusCode, 401);
      assert.equal((await from('reader-password')).statusCode, 429);
      await sleep(350);
      assert.equal((await from('reader-password')).statusCode, 200);
    } finally {
      await srv.close();
    }
  });

  test('API key attempts are limited per key id and address', async () => {
    const srv = await startSecureServer({ login_rate_limit: { max_failures: 2, window: '1m' } });
    try {
      const bad = Buffer.from('some-key-id:wrong').toString('base64');
      for (let i = 0; i < 2; i++) assert.equal((await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.2.1', apiKey: bad })).statusCode, 401);
      const res = await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.2.1', apiKey: bad });
      assert.equal(res.statusCode, 429);
      assert.match(res.json().error.reason, /API key \[some-key-id\]/);
    } finally {
      await srv.close();
    }
  });
});

describe('failed-login rate limit under concurrency (issue 11 item 9)', () => {
  test('60 concurrent wrong passwords: at most max_failures are checked, the rest get 429', async () => {
    // A queue long enough for every reserved check: only the failed-login limit refuses here.
    const srv = await startSecureServer({ password_checks: { max_concurrent: 1, max_queued: 100 } });
    try {
      const all = await Promise.all(
        Array.from({ length: 60 }, () => srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.3.1', auth: ['reader', 'wrong-password'] })),
      );
      const checked = all.filter((r) => r.statusCode === 401).length;
      const limited = all.filter((r) => r.statusCode === 429);
      assert.ok(checked <= 10, `${checked} wrong passwords were checked; the limit is 10`);
      assert.equal(checked + limited.length, 60);
      for (const r of limited) assert.equal(r.json().error.type, 'security_exception');
      // The right password is refused as well until the window passes.
      assert.equal((await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.3.1', auth: ['reader', 'reader-password'] })).statusCode, 429);
    } finally {
      await srv.close();
    }
  });

  test('a flood of bad passwords from one address does not lock out the valid API keys used from it', async () => {
    const srv = await startSecureServer({ login_rate_limit: { max_failures: 2, window: '1m' } });
    try {
      const created = await srv.inject({ method: 'POST', url: '/_security/api_key', auth: ['keymaker', 'keymaker-password'], remoteAddress: '10.9.4.2', body: { name: 'svc' } });
      assert.equal(created.statusCode, 200, created.body);
      const encoded = created.json().encoded as string;
      // 2 failures x 10 = 20 allowed from the address over all names; send 40 names.
      for (let i = 0; i < 40; i++) {
        await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.4.1', auth: [`sprayed-${i}`, 'guess-password'] });
      }
      const sprayed = await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.4.1', auth: ['another-name', 'guess-password'] });
      assert.equal(sprayed.statusCode, 429, 'password spraying from the address is limited');
      const viaKey = await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.4.1', apiKey: encoded });
      assert.equal(viaKey.statusCode, 200, viaKey.body);
      // A wrong secret for a key id from that address is still limited per key id.
      const [id] = Buffer.from(encoded, 'base64').toString().split(':');
      const bad = Buffer.from(`${id}:not-the-secret`).toString('base64');
      for (let i = 0; i < 2; i++) assert.equal((await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.4.1', apiKey: bad })).statusCode, 401);
      assert.equal((await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.4.1', apiKey: bad })).statusCode, 429);
    } finally {
      await srv.close();
    }
  });

  test('password checks beyond security.password_checks get 429 es_rejected_execution_exception at once', async () => {
    const srv = await startSecureServer({ password_checks: { max_concurrent: 1, max_queued: 1 } });
    try {
      // Different addresses and names: the failed-login limits do not apply, only the queue.
      const all = await Promise.all(
        Array.from({ length: 30 }, (_, i) => srv.inject({ method: 'GET', url: '/_connector', remoteAddress: `10.9.5.${i + 1}`, auth: [`user-${i}`, 'some-password'] })),
      );
      const rejected = all.filter((r) => r.statusCode === 429);
      assert.ok(rejected.length > 0, 'some checks must be refused for load');
      for (const r of rejected) {
        assert.equal(r.json().error.type, 'es_rejected_execution_exception');
        assert.match(r.json().error.reason, /security-crypto/);
      }
      assert.equal(all.filter((r) => r.statusCode === 401).length + rejected.length, 30);
      // A refusal for load is not a failed login: the same user may try again at once.
      assert.equal((await srv.inject({ method: 'GET', url: '/_connector', remoteAddress: '10.9.5.1', auth: ['reader', 'reader-password'] })).statusCode, 200);
    } finally {
      await srv.close();
    }
  });
});
