/** Child-process helpers for the benchmark: free ports, spawn a server, wait until it answers. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU time of a process in ms (Linux `/proc`), or NaN elsewhere. */
export function cpuTimeMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Machine-wide CPU counters (Linux `/proc/stat`, all cores): busy and total jiffies. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** The tail of the child's stderr (deprecation warnings dropped). */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Spawns `node <args>` and waits until `GET <readyPath>` answers. Rejects with the child's
 * stderr when it exits first (e.g. an unsupported `--store` URL) or does not answer in time.
 */
export async function startServer(name: string, args: string[], port: number, opts: { readyPath?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cpus?: string } = {}): Promise<ServerProcess> {
  // taskset execs node in place, so the child's pid (and its /proc CPU times) stay node's.
  const [cmd, argv] = opts.cpus ? ['taskset', ['-c', opts.cpus, process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: opts.env ?? process.env });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20000) stderr = stderr.slice(-20000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 30000);
  for (;;) {
    if (dead) throw new Error(`${name} exited before answering: ${cleanStderr(stderr) || '(no output)'}`);
    try {
      const res = await fetch(url + (opts.readyPath ?? '/'), { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer within ${opts.timeoutMs ?? 30000} ms: ${cleanStderr(stderr)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    url,
    child,
    stderr: () => cleanStderr(stderr),
    async stop() {
      if (dead) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Drops Node's deprecation warnings from a child's stderr so the real reason shows. */
function cleanStderr(s: string): string {
  return s
    .split('\n')
    .filter((l) => l.trim() && !/Deprecation|FastifyWarning|--trace-warnings|--trace-deprecation/.test(l))
    .join(' ')
    .slice(-2000);
}

/**
 * Splits the machine's CPUs for `--pin`: the servers get the last one, this process (the load
 * generator) the others, so that neither preempts the other on a shared core. Null when
 * `taskset` or a second CPU is missing.
 */
export function pinCpus(cpuCount: number): { server: string; loadGenerator: string } | null {
  if (cpuCount < 2) return null;
  const server = String(cpuCount - 1);
  const loadGenerator = cpuCount === 2 ? '0' : `0-${cpuCount - 2}`;
  try {
    execFileSync('taskset', ['-cp', loadGenerator, String(process.pid)], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { server, loadGenerator };
}
