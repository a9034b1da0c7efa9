/**
 * Test fixture of the `network_drive` source: a real Samba server (Debian's `samba` package),
 * started per test file as a child process — `smbd` in the foreground on a free high port of
 * 127.0.0.1, with a generated smb.conf whose private, lock, state, cache and pid folders and
 * tdbsam password database are in a temporary folder. Users are Unix accounts (created once,
 * `trib*`) added to that database with `smbpasswd -c <conf> -a -s`. The connector signs in as
 * `tribsvc`, an `admin users` account that can read every file and its ACL; `tribalice` and
 * `tribbob` are the people of the permission tests; group `tribteam` holds `tribbob`.
 *
 * Needs root (users, file owners, ACLs) and samba + smbclient + acl installed: without them the
 * tests are skipped with the reason, except under CI=true, where they fail.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import type { SourceFixture } from '../source.case.js';
import type { ConfigValues } from '../source.js';
import { documentId, networkDriveSource } from './datasource.js';

const run = promisify(execFile);
export const SHARE = 'docs';
export const SERVICE_USER = { name: 'tribsvc', password: 'svc-Pass1' };
export const PEOPLE = { alice: { name: 'tribalice', password: 'alice-Pass1' }, bob: { name: 'tribbob', password: 'bob-Pass1' } };
export const GROUP = 'tribteam';

async function which(cmd: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

/** Null when a Samba test server can be started here, else why not. */
export async function sambaMissing(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'the network_drive tests start Samba with its own users and file owners, which needs root';
  const missing: string[] = [];
  for (const cmd of ['smbd', 'smbpasswd', 'smbclient', 'setfacl', 'pdbedit']) if (!(await which(cmd))) missing.push(cmd);
  return missing.length ? `Samba is not installed (missing ${missing.join(', ')}; apt-get install samba smbclient acl)` : null;
}

/** Runs `define` when Samba can run; else skips with the reason (fails under CI=true). */
export async function withSamba(suite: string, define: () => void): Promise<void> {
  const why = await sambaMissing();
  if (!why) return define();
  if (process.env.CI === 'true') test(`Samba is available (CI=true): ${suite}`, () => assert.fail(why));
  else describe(suite, { skip: `${why} (set CI=true to fail instead)` }, () => {});
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function ensureUnixUser(name: string, groups: string[] = []): Promise<void> {
  try {
    await run('id', [name]);
  } catch {
    await run('useradd', ['-M', '-s', '/usr/sbin/nologin', name]).catch(() => {}); // a parallel test file may win
    await run('id', [name]);
  }
  for (const g of groups) await run('usermod', ['-aG', g, name]);
}

async function ensureGroup(name: string): Promise<number> {
  try {
    await run('getent', ['group', name]);
  } catch {
    await run('groupadd', [name]).catch(() => {});
  }
  const { stdout } = await run('getent', ['group', name]);
  return Number(stdout.split(':')[2]);
}

function waitForPort(port: number, ms: number, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`smbd exited (${child.exitCode}): ${log().slice(-2000)}`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`smbd did not listen on ${port} within ${ms} ms: ${log().slice(-2000)}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

export interface SambaServer {
  port: number;
  /** The folder the share `docs` serves. */
  root: string;
  conf: string;
  /** SIDs of the users (from the password database) and of the group (Unix group SID). */
  sids: Record<'alice' | 'bob' | 'svc' | 'team', string>;
  /** Configuration of the connector for this server (service account, share `docs`). */
  config(extra?: ConfigValues): ConfigValues;
  stop(): Promise<void>;
}

/** Starts smbd with a fresh share. */
export async function startSamba(): Promise<SambaServer> {
  const gid = await ensureGroup(GROUP);
  await ensureUnixUser(SERVICE_USER.name);
  await ensureUnixUser(PEOPLE.alice.name);
  await ensureUnixUser(PEOPLE.bob.name, [GROUP]);
  const dir = await mkdtemp(join(tmpdir(), 'tributary-smb-'));
  await chmod(dir, 0o755);
  const root = join(dir, 'share');
  for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'log', 'share']) await mkdir(join(dir, d), { recursive: true });
  await chmod(root, 0o755);
  const port = await freePort();
  const conf = join(dir, 'smb.conf');
  await writeFile(
    conf,
    `[global]
  server role = standalone server
  workgroup = TRIBTEST
  netbios name = TRIBTEST
  passdb backend = tdbsam:${dir}/private/passdb.tdb
  private dir = ${dir}/private
  lock directory = ${dir}/lock
  state directory = ${dir}/state
  cache directory = ${dir}/cache
  pid directory = ${dir}/pid
  ncalrpc dir = ${dir}/state/ncalrpc
  log file = ${dir}/log/%m.log
  smb ports = ${port}
  bind interfaces only = yes
  interfaces = 127.0.0.1
  disable netbios = yes
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  server min protocol = SMB2_02
  map to guest = never
  admin users = ${SERVICE_USER.name}
[${SHARE}]
  path = ${root}
  read only = no
  nt acl support = yes
`,
  );
  for (const u of [SERVICE_USER, PEOPLE.alice, PEOPLE.bob]) {
    await new Promise<void>((resolve, reject) => {
      const p = spawn('smbpasswd', ['-c', conf, '-a', '-s', u.name], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (b) => (err += b));
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`smbpasswd ${u.name}: ${err}`))));
      p.stdin.end(`${u.password}\n${u.password}\n`);
    });
  }
  const { stdout } = await run('pdbedit', ['-s', conf, '-L', '-v']);
  const sidOf = (user: string) => {
    const block = stdout.split('---------------').find((b) => b.includes(`Unix username:        ${user}`)) ?? '';
    return block.match(/User SID:\s+(S-1-[0-9-]+)/)?.[1] ?? '';
  };
  let log = '';
  // In a process group of its own: smbd signals its whole group when it shuts a child down, which
  // must not reach the test process.
  const child = spawn('smbd', ['-F', '--no-process-group', '-s', conf, '--debug-stdout', '-d', '1'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  await waitForPort(port, 30_000, child, () => log);
  return {
    port,
    root,
    conf,
    sids: { alice: sidOf(PEOPLE.alice.name), bob: sidOf(PEOPLE.bob.name), svc: sidOf(SERVICE_USER.name), team: `S-1-22-2-${gid}` },
    config: (extra = {}) => ({
      username: SERVICE_USER.name,
      password: SERVICE_USER.password,
      server_ip: '127.0.0.1',
      server_port: port,
      drive_path: SHARE,
      ...extra,
    }),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        const group = (sig: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, sig);
          } catch {
            // already gone
          }
        };
        group('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) group('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every file and folder below `root`, as document ids of the share. */
export async function shareIds(root: string, below = root): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(below, { withFileTypes: true })) {
    const abs = join(below, e.name);
    out.push(documentId(SHARE, relative(root, abs).split('\\').join('/')));
    if (e.isDirectory()) out.push(...(await shareIds(root, abs)));
  }
  return out;
}

/** Writes `n` small text files across 10 folders (two levels). */
export async function writeTree(root: string, n: number, prefix = 'f'): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const rel = join(`d${i % 10}`, `s${i % 3}`, `${prefix}${i}.txt`);
    await mkdir(join(root, `d${i % 10}`, `s${i % 3}`), { recursive: true });
    await writeFile(join(root, rel), `file ${prefix}${i} of the network drive\n`);
    paths.push(rel);
  }
  return paths;
}

/** Past the incremental margin (SKEW_MS = 3 s) so files written before a sync count as old. */
export const settle = () => new Promise<void>((r) => setTimeout(r, 3500));

export function networkDriveContractFixture(): SourceFixture {
  let smb: SambaServer;
  let paths: string[] = [];
  let next = 0;
  return {
    factory: networkDriveSource,
    async load(n) {
      smb = await startSamba();
      paths = await writeTree(smb.root, n);
      next = n;
      return smb.config({ concurrent_downloads: 4 });
    },
    ids: () => shareIds(smb.root),
    async change({ update, add, remove }) {
      for (const p of paths.slice(0, update)) await writeFile(join(smb.root, p), `updated ${p}\n`);
      for (const p of paths.slice(update, update + remove)) await rm(join(smb.root, p));
      paths = paths.slice(update + remove);
      for (let i = 0; i < add; i++) {
        const rel = join('new', `n${next++}.txt`);
        await mkdir(join(smb.root, 'new'), { recursive: true });
        await writeFile(join(smb.root, rel), 'new file\n');
      }
    },
    settle,
    unreachable: () => ({ ...smb.config(), server_port: 1 }),
    advancedRules: { valid: [{ pattern: 'docs/d1' }, { pattern: 'docs/**/s2' }], invalid: [{ pattern: '' }, { path: 'x' }, 'docs/*'] },
    async remove() {
      await smb?.stop();
    },
  };
}

/** Size in bytes of a file of the share (for assertions). */
export async function sizeOf(root: string, rel: string): Promise<number> {
  return (await stat(join(root, rel))).size;
}
