/**
 * Test support of the object-store sources: a test server (s3rver, Azurite) run from a script
 * under test/helpers/ in a child process with a temporary folder. The script prints
 * `{"port": N}` as its first stdout line once it listens, and stops on SIGTERM or when its
 * stdin closes (so a test process that dies takes its server along).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ChildServer {
  port: number;
  dir: string;
  close(): Promise<void>;
}

/** Starts `test/helpers/<script>` with `args(dir)`; Node runs it with `nodeArgs`. */
export async function startChildServer(script: string, args: (dir: string) => string[], nodeArgs: string[] = []): Promise<ChildServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-store-'));
  const path = fileURLToPath(new URL(`../../../test/helpers/${script}`, import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, path, ...args(dir)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  try {
    const info = await new Promise<{ port: number }>((resolve, reject) => {
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
      });
      child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening`)));
    });
    child.stdout.resume();
    return {
      port: info.port,
      dir,
      async close() {
        if (child.exitCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
