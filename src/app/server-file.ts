/**
 * `<data>/server.json`: where the `tributary serve` of a data folder listens, so that the
 * commands that talk to a server (`tributary sync`, `tributary worker`) find it from `--data`
 * when no `--url` / `TRIBUTARY_URL` is given (issue 12 item 9: a server on another port made
 * `sync` wait and fail on 127.0.0.1:9200).
 *
 * The file holds the URL a client on this machine uses (scheme, host, the port actually bound:
 * `--port 0` included) and the server's pid. It is written private (0600) under a temporary
 * name and renamed into place, so nobody reads half a file; the server removes it when it stops,
 * and only when it is still its own. A file left by a server that died (kill -9, power loss) names
 * a pid that no longer runs: readers ignore it and say so. A pid reused by another process passes
 * that check; the reader then meets a refused connection and its message names the file.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVER_FILE = 'server.json';

export interface ServerRecord {
  /** Base URL for a client on this machine, e.g. `http://127.0.0.1:9201`. */
  url: string;
  pid: number;
  /** The address the server was asked to bind (`--host`). */
  host: string;
  port: number;
  started_at: string;
}

/** The URL a client on this machine uses to reach a server bound to `host`:`port`. */
export function localUrl(https: boolean, host: string, port: number): string {
  // A wildcard bind is reachable on loopback; an IPv6 literal needs brackets in a URL.
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${https ? 'https' : 'http'}://${h}:${port}`;
}

export function writeServerFile(dataDir: string, record: Omit<ServerRecord, 'pid' | 'started_at'>): void {
  const file = join(dataDir, SERVER_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const full: ServerRecord = { ...record, pid: process.pid, started_at: new Date().toISOString() };
  writeFileSync(tmp, JSON.stringify(full) + '\n', { mode: 0o600 });
  try {
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
}

/** Removes the file if this process wrote it (another server may have taken the folder over since). */
export function removeServerFile(dataDir: string): void {
  const file = join(dataDir, SERVER_FILE);
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerRecord>;
    if (r.pid === process.pid) unlinkSync(file);
  } catch {
    // missing or unreadable: nothing of ours to remove
  }
}

/** True when a process with this pid runs (EPERM: it runs, under another user). */
export function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type ServerFileRead =
  | { state: 'found'; file: string; record: ServerRecord }
  | { state: 'missing'; file: string }
  | { state: 'stale' | 'unreadable'; file: string; why: string };

/** Reads `<data>/server.json`; a file whose server no longer runs is `stale`. */
export function readServerFile(dataDir: string): ServerFileRead {
  const file = join(dataDir, SERVER_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'missing', file };
    return { state: 'unreadable', file, why: (e as Error).message };
  }
  let r: Partial<ServerRecord>;
  try {
    r = JSON.parse(text) as Partial<ServerRecord>;
  } catch (e) {
    return { state: 'unreadable', file, why: (e as Error).message };
  }
  if (typeof r.url !== 'string' || typeof r.pid !== 'number') return { state: 'unreadable', file, why: 'expected "url" and "pid"' };
  if (!pidRuns(r.pid)) return { state: 'stale', file, why: `the server that wrote it (pid ${r.pid}) no longer runs` };
  return { state: 'found', file, record: r as ServerRecord };
}
