/**
 * The configuration file through the real command line: a typo in a section or key, or a bad
 * content section, stops `tributary serve` (and `tributary worker`) with a message naming the
 * file and the key, before it listens or opens anything in the data folder; a valid file with
 * every section serves. `--help` lists the environment variables.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, spawnBin } from '../helpers/bin-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-cli-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

async function serveWith(name: string, yaml: string) {
  const config = join(dir, `${name}.yml`);
  writeFileSync(config, yaml);
  const data = join(dir, `${name}-data`);
  const port = await freePort();
  const p = spawnBin(['serve', '--port', String(port), '--data', data, '--config', config, '--log-level', 'info']);
  return { p, config, data, port };
}

const BAD: [string, string, (file: string) => string][] = [
  ['section', 'securty:\n  enabled: true\n', (f) => `${f}: unknown section [securty]; allowed: security, worker, sources, content, compatibility`],
  ['content-key', 'content:\n  targt: elasticsearch\n', (f) => `${f}: unknown key [content.targt]; allowed: target, search, url,`],
  ['sources-key', 'sources:\n  directory:\n    rots: [/srv]\n', (f) => `${f}: unknown key [sources.directory.rots]; allowed: roots, max_file_size, extract_timeout`],
  ['worker-key', 'worker:\n  concurency: 2\n', (f) => `${f}: unknown key [worker.concurency]; allowed: api_key, service_types,`],
  ['content-url', 'content:\n  target: elasticsearch\n', (f) => `${f}: content.url is required for content.target: elasticsearch`],
  ['search', 'content:\n  search:\n    threads: 500\n', (f) => `${f}: content.search.threads: expected a whole number from 0 to 64`],
];

for (const [name, yaml, message] of BAD) {
  test(`serve --config: ${name} mistake → exit 1 before listening, naming the file and key`, async () => {
    const { p, config, data, port } = await serveWith(name, yaml);
    assert.equal(await p.exited, 1, p.output());
    assert.ok(p.output().includes(`tributary: ${message(config)}`), p.output());
    assert.doesNotMatch(p.output(), /listening/i);
    // Neither the port nor the data folder (lock, state store, content index) was opened.
    assert.equal(existsSync(data), false, 'the data folder was created');
    assert.ok(await refused(port));
  });
}

test('worker --config: the same check, before it contacts the server', async () => {
  const config = join(dir, 'worker-bad.yml');
  writeFileSync(config, 'worker:\n  concurency: 2\n');
  const p = spawnBin(['worker', '--url', 'http://127.0.0.1:9', '--config', config]);
  assert.equal(await p.exited, 1, p.output());
  assert.ok(p.output().includes(`tributary worker: ${config}: unknown key [worker.concurency]`), p.output());
});

test('a valid file with every section serves', async () => {
  const { p, port } = await serveWith('valid', [
    'security:',
    '  enabled: false',
    '  login_rate_limit: {max_failures: 5, window: 1m}',
    '  password_checks: {max_concurrent: 1, max_queued: 2}',
    'worker:',
    '  poll_interval: 1s',
    '  concurrency: 1',
    'sources:',
    `  directory: {roots: [${dir}], max_file_size: 1048576, extract_timeout: 10s}`,
    'content:',
    '  target: embedded',
    '  search: {threads: 1, timeout: 5s, hard_timeout: 10s}',
    '',
  ].join('\n'));
  try {
    await p.waitForHttp(`http://127.0.0.1:${port}/`);
  } finally {
    await p.stop();
  }
});

test('serve --help and worker --help list the environment variables', async () => {
  const serve = spawnBin(['serve', '--help']);
  assert.equal(await serve.exited, 0);
  assert.match(serve.output(), /Environment variables[^\n]*\n(.*\n)*\s+TRIBUTARY_PORT\s+--port: HTTP port \(default: 9200\)/);
  assert.match(serve.output(), /TRIBUTARY_SECRET_KEY\s/);
  assert.doesNotMatch(serve.output(), /TRIBUTARY_URL|TRIBUTARY_TEST_/);
  const worker = spawnBin(['worker', '--help']);
  assert.equal(await worker.exited, 0);
  assert.match(worker.output(), /TRIBUTARY_URL\s+--url: Connector API base URL \(default: the URL in <data>\/server.json, else http:\/\/127\.0\.0\.1:9200\)/);
  assert.match(worker.output(), /TRIBUTARY_WORKER_API_KEY\s/);
  assert.doesNotMatch(worker.output(), /TRIBUTARY_PORT/);
});
