/**
 * `bin/tributary.js` as a real child process, for tests that need a process boundary (locks,
 * kill -9, crashes).
 *
 *   const p = spawnBin(['serve', '--port', String(port), '--data', dir]);
 *   await p.waitForHttp(`http://127.0.0.1:${port}/`);   // throws with the output if it exits
 *   p.output(); await p.exited; p.kill('SIGKILL'); await p.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'tributary.js');

export interface BinProcess {
  proc: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** True while the process runs. */
  alive(): boolean;
  kill(signal: NodeJS.Signals): void;
  /** Polls `url` until it answers 200; throws if the process exits or `timeoutMs` passes. */
  waitForHttp(url: string, timeoutMs?: number, headers?: Record<string, string>): Promise<void>;
  /** SIGTERM, SIGKILL after 5 s. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function spawnBin(args: string[], env: Record<string, string> = {}): BinProcess {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return {
    proc,
    output: () => out,
    exited,
    alive,
    kill: (signal) => {
      if (alive()) proc.kill(signal);
    },
    async waitForHttp(url, timeoutMs = 60_000, headers = {}) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (!alive()) throw new Error(`process exited (${proc.exitCode ?? proc.signalCode}) before ${url} answered:\n${out}`);
        try {
          const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
          await res.arrayBuffer();
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${out}`);
    },
    async stop() {
      if (!alive()) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
