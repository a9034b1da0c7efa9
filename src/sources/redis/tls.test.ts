/**
 * TLS and mutual TLS of the redis source against a real TLS Redis: a `redis-server` started
 * here on a high port with a CA, server and client certificates made with `openssl` (skipped
 * with the reason when either program is missing, failed under CI=true). The configuration
 * carries PEM text, as Elastic's does.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { SourceError, type ConfigValues } from '../source.js';
import { testContext } from '../source.case.js';
import { redisSource } from './datasource.js';

function missing(): string | null {
  for (const [cmd, arg] of [['openssl', 'version'], ['redis-server', '--version']]) {
    try {
      execFileSync(cmd, [arg], { stdio: 'ignore' });
    } catch {
      return `${cmd} not found`;
    }
  }
  return null;
}

const why = missing();
if (why && process.env.CI === 'true') test('TLS test needs openssl and redis-server (CI=true)', () => assert.fail(why));

describe('redis source over TLS', { skip: why && process.env.CI !== 'true' ? `${why} (set CI=true to fail instead)` : false }, () => {
  let dir: string;
  let server: ChildProcess;
  let port: number;
  const pem = (f: string) => readFileSync(join(dir, f), 'utf8');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-redis-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Tributary test CA');
    writeFileSync(join(dir, 'ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    for (const name of ['server', 'client']) {
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? 'localhost' : 'tributary'}`);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', 'ext');
    }
    for (let attempt = 0; attempt < 5 && !server; attempt++) {
      port = 20_000 + Math.floor(Math.random() * 30_000);
      const p = spawn('redis-server', [
        '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', 'server.crt', '--tls-key-file', 'server.key',
        '--tls-ca-cert-file', 'ca.crt', '--tls-auth-clients', 'yes', '--save', '', '--appendonly', 'no', '--dir', dir,
      ], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const up = await new Promise<boolean>((res) => {
        let out = '';
        p.stdout!.on('data', (d) => {
          out += d;
          if (/Ready to accept connections/.test(out)) res(true);
        });
        p.on('exit', () => res(false));
        setTimeout(() => res(false), 5000).unref();
      });
      if (up) server = p;
      else p.kill();
    }
    assert.ok(server, 'redis-server with TLS did not start');
    const r = new Redis({ host: '127.0.0.1', port, tls: { ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key'), servername: 'localhost' } });
    await r.set('secure:1', 'over tls');
    r.disconnect();
  });

  after(() => {
    server?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const config = (extra: ConfigValues = {}): ConfigValues => ({
    host: 'localhost', port, database: '0', ssl_enabled: true, ssl_ca: pem('ca.crt'),
    mutual_tls_enabled: true, tls_certfile: pem('client.crt'), tls_keyfile: pem('client.key'), connect_timeout: 5, read_timeout: 5, ...extra,
  });

  test('mutual TLS with the CA and a client certificate syncs', async () => {
    const s = redisSource.create(config());
    await s.ping();
    const docs = [];
    for await (const d of s.getDocs(testContext())) docs.push(d);
    assert.deepEqual(docs.map((d) => [d.key, d.value]), [['secure:1', 'over tls']]);
  });

  test('PEM pasted on one line (newlines lost) still works', async () => {
    const flat = (p: string) => p.replace(/\n/g, ' ');
    await redisSource.create(config({ ssl_ca: flat(pem('ca.crt')), tls_certfile: flat(pem('client.crt')), tls_keyfile: flat(pem('client.key')) })).ping();
  });

  test('an unknown CA, a missing client certificate, TLS off: errors that name the settings', async () => {
    const tlsHint = /ssl_enabled/;
    await assert.rejects(redisSource.create(config({ ssl_ca: '' })).ping(), (e: unknown) => e instanceof SourceError && /TLS connection .* failed: .*`ssl_ca`/.test(e.message));
    await assert.rejects(redisSource.create(config({ mutual_tls_enabled: false })).ping(), (e: unknown) => e instanceof SourceError && e.message.length > 20);
    await assert.rejects(redisSource.create(config({ ssl_enabled: false, read_timeout: 2 })).ping(), (e: unknown) => e instanceof SourceError && tlsHint.test(e.message));
  });
});
