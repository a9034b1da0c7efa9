/**
 * File ACLs of the `network_drive` source, for document-level security. No npm SMB client reads
 * security descriptors (SMB2 QUERY_INFO with SecurityInformation), so this runs Samba's
 * `smbclient` once per folder with `showacls` on and lists the folder: the output gives each
 * entry's DACL (ACE type, flags, access mask, SID). (`smbcacls` reads one file per process and,
 * in the Samba releases Debian ships, cannot be told a port other than 445.)
 *
 * The child process gets no shell; the command string is constant (`showacls; ls`); the folder
 * goes in its own argument (`--directory=`), the account in `--user=`, the password in the
 * environment (PASSWD), never on the command line. Output, time and count are bounded. An entry
 * whose descriptor cannot be read, or whose name is ambiguous in the output (a name with a line
 * break, a name listed twice), gets no permissions: nobody sees it through DLS (fail closed).
 */
import { spawn } from 'node:child_process';
import { withRetry } from '../../domain/shared/retry.js';
import type { NetworkDriveSettings } from './config.js';
import { SourceError } from '../source.js';

export const SMBCLIENT = process.env.TRIBUTARY_SMBCLIENT ?? 'smbclient';
export const ACL_TIMEOUT_MS = 120_000;
export const MAX_ACL_OUTPUT = 64 * 1024 * 1024;

/** Access-mask bits that let a trustee read a file's content. */
const READ_BITS = 0x1 /* FILE_READ_DATA */ | 0x80000000 /* GENERIC_READ */ | 0x10000000 /* GENERIC_ALL */;
/** ACE flag: applies to children only, not to the object itself. */
const INHERIT_ONLY = 0x08;

export interface Ace {
  allowed: boolean;
  flags: number;
  mask: number;
  sid: string;
}

/** SIDs that may read: allowed read ACEs minus denied read ACEs (inherit-only ACEs ignored). */
export function readersOf(aces: readonly Ace[]): string[] {
  const allow = new Set<string>();
  const deny = new Set<string>();
  for (const a of aces) {
    if (a.flags & INHERIT_ONLY || (a.mask & READ_BITS) === 0) continue;
    (a.allowed ? allow : deny).add(a.sid);
  }
  return [...allow].filter((s) => !deny.has(s)).sort();
}

/**
 * Parses `smbclient -c 'showacls; ls'` output: name → ACEs. Names listed twice map to null
 * (ambiguous), and so do names whose block has no DACL (the descriptor was not readable).
 */
export function parseShowAcls(out: string): Map<string, Ace[] | null> {
  const byName = new Map<string, Ace[] | null>();
  let name: string | null = null;
  let aces: Ace[] = [];
  let sawDacl = false;
  let pending: Partial<Ace> = {};
  const flush = () => {
    if (name === null) return;
    byName.set(name, byName.has(name) || !sawDacl ? null : aces);
  };
  for (const raw of out.split('\n')) {
    const line = raw.trim();
    if (raw.startsWith('FILENAME:')) {
      flush();
      name = raw.slice('FILENAME:'.length);
      aces = [];
      sawDacl = false;
      pending = {};
      continue;
    }
    if (name === null) continue;
    if (line === 'DACL') sawDacl = true;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^type: ACCESS (ALLOWED|DENIED) \(\d+\) flags: 0x([0-9a-f]+)/i))) pending = { allowed: m[1].toUpperCase() === 'ALLOWED', flags: parseInt(m[2], 16) };
    else if ((m = line.match(/^Permissions: 0x([0-9a-f]+)/i))) pending.mask = parseInt(m[1], 16);
    else if ((m = line.match(/^SID: (S-1-[0-9-]+)$/))) {
      if (pending.allowed !== undefined && pending.mask !== undefined) aces.push({ allowed: pending.allowed, flags: pending.flags ?? 0, mask: pending.mask, sid: m[1] });
      pending = {};
    }
  }
  flush();
  return byName;
}

/** Runs smbclient for one folder (share-relative, `/`-separated) and returns its entries' ACEs. */
export async function folderAcls(s: NetworkDriveSettings, address: string, folder: string, signal: AbortSignal): Promise<Map<string, Ace[] | null>> {
  const user = s.domain ? `${s.domain}\\${s.username}` : s.username;
  const args = ['-s', '/dev/null', `//${address.includes(':') ? `[${address}]` : address}/${s.share}`, `--port=${s.port}`, `--user=${user}`, '-c', 'showacls; ls'];
  if (folder) args.push(`--directory=${folder.replace(/\//g, '\\')}`);
  const out = await withRetry(() => run(args, { PASSWD: s.password }, signal), {
    retries: 3,
    backoff: { initialDelayMs: 500, maxDelayMs: 8000 },
    signal,
    classify: (err) => (err instanceof SourceError && err.options.transient === true ? {} : null),
  });
  return parseShowAcls(out);
}

function run(args: string[], env: Record<string, string>, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const child = spawn(SMBCLIENT, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
      timeout: ACL_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let tooBig = false;
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_ACL_OUTPUT) {
        tooBig = true;
        child.kill('SIGKILL');
      } else chunks.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 4096) stderr += b.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (signal.aborted) return reject(signal.reason);
      if (err.code === 'ENOENT') {
        return reject(new SourceError(`Document level security needs Samba's smbclient to read file permissions, and [${SMBCLIENT}] is not installed on the connector server (Debian/Ubuntu: apt-get install smbclient).`));
      }
      reject(new SourceError(`smbclient failed: ${err.message}`, { transient: true, cause: err }));
    });
    child.on('close', (code, sig) => {
      if (signal.aborted) return reject(signal.reason);
      if (tooBig) return reject(new SourceError(`The permissions listing of a folder exceeded ${MAX_ACL_OUTPUT} bytes.`));
      const out = Buffer.concat(chunks).toString('utf8');
      if (code === 0) return resolve(out);
      const why = (stderr + out).split('\n').find((l) => /NT_STATUS_\w+/.test(l))?.match(/NT_STATUS_\w+/)?.[0] ?? (sig ? `killed (${sig}, time limit ${ACL_TIMEOUT_MS} ms)` : `exit ${code}`);
      reject(new SourceError(`Cannot read file permissions with smbclient: ${why}.`, { transient: /CONNECTION|TIMEOUT|IO_TIMEOUT|killed/.test(why) }));
    });
  });
}
