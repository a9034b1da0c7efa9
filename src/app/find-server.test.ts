import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connectToServer, DEFAULT_URL, locateServer, ServerUnreachableError } from './find-server.js';
import { localUrl, readServerFile, removeServerFile, SERVER_FILE, writeServerFile } from './server-file.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-find-server-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that ran and no longer does. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('--url and TRIBUTARY_URL win over the data folder', () => {
  writeServerFile(dir, { url: 'http://127.0.0.1:1234', host: '127.0.0.1', port: 1234 });
  assert.deepEqual(locateServer({ url: 'http://h:1', data: dir }, {}), { url: 'http://h:1', how: 'URL given with --url' });
  assert.deepEqual(locateServer({ url: 'http://h:2', data: dir }, { TRIBUTARY_URL: 'http://h:2' }), { url: 'http://h:2', how: 'URL from TRIBUTARY_URL' });
  removeServerFile(dir);
});

test("serve's server.json: private, read back, removed only by its writer", () => {
  writeServerFile(dir, { url: 'http://127.0.0.1:9301', host: '127.0.0.1', port: 9301 });
  const file = join(dir, SERVER_FILE);
  if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
  const loc = locateServer({ data: dir }, {});
  assert.equal(loc.url, 'http://127.0.0.1:9301');
  assert.match(loc.how, new RegExp(`URL from .*server\\.json, written by tributary serve \\(pid ${process.pid}\\)`));

  // Another server took the folder over: this process must not remove its file.
  const other = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...other, pid: process.pid + 1 }));
  removeServerFile(dir);
  assert.ok(existsSync(file));
  writeServerFile(dir, { url: 'http://127.0.0.1:9301', host: '127.0.0.1', port: 9301 });
  removeServerFile(dir);
  assert.ok(!existsSync(file));
});

test('a server.json whose server died, or that is not JSON, is ignored and the message says why', () => {
  const file = join(dir, SERVER_FILE);
  const pid = deadPid();
  writeFileSync(file, JSON.stringify({ url: 'http://127.0.0.1:9302', pid, host: '127.0.0.1', port: 9302 }));
  assert.equal(readServerFile(dir).state, 'stale');
  const loc = locateServer({ data: dir }, {});
  assert.equal(loc.url, DEFAULT_URL);
  assert.match(loc.how, new RegExp(`the default URL, as .*server\\.json was ignored: the server that wrote it \\(pid ${pid}\\) no longer runs`));
  writeFileSync(file, '{"url": ');
  assert.match(locateServer({ data: dir }, {}).how, /server\.json was ignored: /);
  rmSync(file);
  assert.match(locateServer({ data: dir }, {}).how, /the default URL, as .*server\.json does not exist/);
  assert.match(locateServer({ data: join(dir, 'nope', 'deeper') }, {}).how, /does not exist/);
});

test('the local URL of a bind address', () => {
  assert.equal(localUrl(false, '0.0.0.0', 9200), 'http://127.0.0.1:9200');
  assert.equal(localUrl(true, '::', 1), 'https://[::1]:1');
  assert.equal(localUrl(false, '::1', 2), 'http://[::1]:2');
  assert.equal(localUrl(false, 'localhost', 3), 'http://localhost:3');
});

test('a refused connection fails at once, naming the URL, how it was found and what to do', async () => {
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const port = (free.address() as { port: number }).port;
  await new Promise((r) => free.close(r));
  const t0 = Date.now();
  await assert.rejects(connectToServer({ url: `http://127.0.0.1:${port}`, how: 'URL given with --url' }), (e: Error) => {
    assert.ok(e instanceof ServerUnreachableError);
    assert.match(e.message, new RegExp(`Cannot reach a Tributary server at http://127\\.0\\.0\\.1:${port} \\(URL given with --url\\): connection refused`));
    assert.match(e.message, /Is `tributary serve` running\? Pass --url or set TRIBUTARY_URL/);
    return true;
  });
  const took = Date.now() - t0;
  assert.ok(took < 2_000, `refused after ${took} ms`);
});

test('a server that accepts and never answers fails within the first-contact time', async () => {
  const sockets: Socket[] = [];
  const deaf: Server = createServer((s) => {
    sockets.push(s);
    s.resume();
  });
  await new Promise<void>((r) => deaf.listen(0, '127.0.0.1', r));
  const port = (deaf.address() as { port: number }).port;
  const t0 = Date.now();
  await assert.rejects(connectToServer({ url: `http://127.0.0.1:${port}`, how: 'x' }, {}, 500), /no answer within 0\.5 s/);
  const took = Date.now() - t0;
  assert.ok(took < 1_500, `gave up after ${took} ms`);
  for (const s of sockets) s.destroy();
  await new Promise((r) => deaf.close(r));
});
