/**
 * Issue 12 items 9 and 10, the command line as a new user meets it (the real binary):
 * `serve` records its URL in `<data>/server.json` and `sync` finds the server from `--data`;
 * a server that is not there is reported with the URL tried and what to do; bad flags, a port
 * in use, an unusable data folder and `npm start --port N` (without `--`) get clear messages;
 * `tributary --version`.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, ROOT, spawnBin } from '../helpers/bin-process.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-cli-messages-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

// The binary inherits this process's environment: none of the variables under test.
for (const k of Object.keys(process.env)) if (/^(TRIBUTARY_|npm_)/.test(k)) delete process.env[k];

/** Runs the binary to its end. */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | string; out: string }> {
  const p = spawnBin(args, env);
  const code = await p.exited;
  return { code, out: p.output() };
}

test('tributary --version prints the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const r = await run(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.out.trim(), version);
});

test('bad flag values are refused with what is expected', async () => {
  const port = await run(['serve', '--port', 'abc', '--data', join(dir, 'unused')]);
  assert.equal(port.code, 1);
  assert.match(port.out, /option '--port <port>' argument 'abc' is invalid\. \[abc\] is not a port number: expected an integer from 0 to 65535/);
  assert.doesNotMatch(port.out, /NaN/);
  const body = await run(['serve', '--max-body', '10mb', '--data', join(dir, 'unused')]);
  assert.match(body.out, /option '--max-body <bytes>' argument '10mb' is invalid\. \[10mb\] is not a positive integer \(bytes\)/);
  const type = await run(['sync', 'x', '--type', 'bogus']);
  assert.equal(type.code, 1);
  assert.match(type.out, /argument 'bogus' is invalid\. Allowed choices are full, incremental, access_control/);
  // From the environment, where the command line does not parse it.
  const env = await run(['serve', '--data', join(dir, 'unused')], { TRIBUTARY_PORT: 'http' });
  assert.equal(env.code, 1);
  assert.match(env.out, /--port \(or TRIBUTARY_PORT\): \[http\] is not a port number/);
  assert.ok(!existsSync(join(dir, 'unused')), 'nothing was created');
});

test('no server there: the URL tried, how it was chosen, and what to do', async () => {
  const port = await freePort();
  const flag = await run(['sync', 'my-docs', '--wait', '--url', `http://127.0.0.1:${port}`]);
  assert.equal(flag.code, 1);
  assert.match(flag.out, new RegExp(`Cannot reach a Tributary server at http://127\\.0\\.0\\.1:${port} \\(URL given with --url\\): connection refused`));
  assert.match(flag.out, /Is `tributary serve` running\? Pass --url or set TRIBUTARY_URL/);

  // A server.json naming a live pid (this test's) whose server is gone: the file is named.
  const data = join(dir, 'gone');
  mkdirSync(data);
  writeFileSync(join(data, 'server.json'), JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid, host: '127.0.0.1', port }));
  const viaFile = await run(['worker', '--data', data]);
  assert.equal(viaFile.code, 1);
  assert.match(viaFile.out, new RegExp(`tributary worker: Cannot reach a Tributary server at http://127\\.0\\.0\\.1:${port} \\(URL from ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/server\\.json`));
});

test('serve records its URL in the data folder; sync finds it with --data; the file goes with the server', async () => {
  const data = join(dir, 'served');
  // Started as `npm start --port N` would start it: npm keeps --port and exports npm_config_port.
  const port = await freePort();
  const server = spawnBin(['serve', '--data', data, '--log-level', 'warn'], { npm_lifecycle_event: 'start', npm_config_port: String(port) });
  try {
    await server.waitForHttp(`http://127.0.0.1:${port}/`);
    assert.match(server.output(), new RegExp(`npm took --port ${port} as its own option \\(npm_config_port\\); using it\\. Write npm start -- --port ${port}`));
    const file = join(data, 'server.json');
    const record = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(record.url, `http://127.0.0.1:${port}`);
    assert.equal(record.port, port);
    assert.equal(record.pid, server.proc.pid);
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);

    const sync = await run(['sync', 'nope', '--data', data]);
    assert.equal(sync.code, 1);
    assert.match(sync.out, /tributary sync: Connector \[nope\] does not exist/);

    // The port is now in use: a second server on it says so and how to pick another.
    const second = await run(['serve', '--port', String(port), '--data', join(dir, 'second')]);
    assert.equal(second.code, 1);
    assert.match(second.out, new RegExp(`Port ${port} is in use on 127\\.0\\.0\\.1 \\(EADDRINUSE.*pick another port with --port \\(or TRIBUTARY_PORT\\), e\\.g\\. --port ${port + 1}; --port 0 picks a free one`));
    assert.doesNotMatch(second.out, /^Error: listen EADDRINUSE/m);
  } finally {
    await server.stop();
  }
  assert.equal(await server.exited, 0);
  assert.ok(!existsSync(join(data, 'server.json')), 'removed when the server stopped');
});

test('a data folder that cannot be created or written is named, with what to do', async () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const r = await run(['serve', '--port', '0', '--data', join(file, 'data')]);
  assert.equal(r.code, 1);
  assert.match(r.out, /Cannot create the data folder \[.*a-file\/data\]: part of the path is a file, not a folder \(ENOTDIR\); choose another folder with --data \(or TRIBUTARY_DATA\)/);
});

test('a read-only data folder is named, with what to do', async (t) => {
  if (process.platform === 'win32' || process.getuid?.() === 0) {
    t.skip('running as root (or on Windows): chmod 0500 does not stop this user from writing; the ENOTDIR case above covers the message path');
    return;
  }
  const data = join(dir, 'read-only');
  mkdirSync(data, { mode: 0o500 });
  chmodSync(data, 0o500);
  const r = await run(['serve', '--port', '0', '--data', data]);
  chmodSync(data, 0o700);
  assert.equal(r.code, 1);
  assert.match(r.out, /The data folder \[.*read-only\] is not writable by this user \(EACCES\).*give the user running tributary write access to it, or choose another folder with --data/);
  assert.doesNotMatch(r.out, /\.tmp/);
});

test('a port taken by another program', async () => {
  const other = createServer();
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const port = (other.address() as { port: number }).port;
  try {
    const r = await run(['serve', '--port', String(port), '--data', join(dir, 'taken')]);
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`tributary: Port ${port} is in use on 127\\.0\\.0\\.1`));
    assert.match(r.out, /npm start -- --port N/);
  } finally {
    await new Promise((r) => other.close(r));
  }
});
