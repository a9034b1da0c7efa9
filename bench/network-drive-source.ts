/**
 * `network_drive` source throughput (issue 17): N files (BENCH_FILES, default 2000) of K KiB of
 * text (BENCH_FILE_KB, default 16) across 60 folders on a local Samba server (smbd in a child
 * process, as the tests start it), read twice per round: by a raw node-smb2 loop (one session,
 * folders listed depth first with QUERY_DIRECTORY until no more files, 8 files read at once in
 * 64 KiB chunks) and by the source's full enumeration (8 concurrent reads, plus text
 * extraction and document building). Prints files/s and MB/s of both and the ratio.
 * Needs root and samba installed. `node --import tsx bench/network-drive-source.ts`
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { testContext } from '../src/sources/source.case.js';
import { ignoreInterimResponses, type SmbClient } from '../src/sources/network_drive/client.js';
import { networkDriveSource } from '../src/sources/network_drive/datasource.js';
import { SERVICE_USER, SHARE, sambaMissing, startSamba } from '../src/sources/network_drive/network_drive.fixture.js';

const N = Number(process.env.BENCH_FILES ?? 2000);
const KB = Number(process.env.BENCH_FILE_KB ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = 8;
const require = createRequire(import.meta.url);

/* The library's classes, as src/sources/network_drive/client.ts loads them. */
type Tree = unknown;
interface Handle {
  fileSize?: bigint;
  open(p: string): Promise<void>;
  close(): Promise<void>;
}
const smb2 = require('node-smb2') as { Client: new (h: string, o: object) => SmbClient };
const Dir = (require('node-smb2/dist/client/Directory.js') as { default: new (t: Tree) => Handle & { read(): Promise<{ filename: string; type: string }[]> } }).default;
const File = (require('node-smb2/dist/client/File.js') as { default: new (t: Tree) => Handle & { readChunk(i: number, o: number): Promise<Buffer> } }).default;

async function raw(port: number): Promise<{ n: number; bytes: number }> {
  const client = new smb2.Client('127.0.0.1', { port, connectTimeout: 15000, requestTimeout: 60000 });
  ignoreInterimResponses(client);
  const session = await client.authenticate({ domain: '', username: SERVICE_USER.name, password: SERVICE_USER.password, forceNtlmVersion: 'v2' });
  const tree = await session.connectTree(SHARE);
  let n = 0;
  let bytes = 0;
  const files: string[] = [];
  const list = async (path: string): Promise<void> => {
    const d = new Dir(tree);
    await d.open(path);
    const subs: string[] = [];
    for (;;) {
      let batch;
      try {
        batch = await d.read();
      } catch {
        break; // STATUS_NO_MORE_FILES
      }
      if (batch.length === 0) break;
      for (const e of batch) {
        const name = e.filename.replace(/^\.\//, '');
        if (name === '.' || name === '..') continue;
        (e.type === 'Directory' ? subs : files).push(`${path === '/' ? '' : path}/${name}`);
      }
    }
    await d.close();
    for (const s of subs) await list(s);
  };
  await list('/');
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < files.length) {
        const f = new File(tree);
        await f.open(files[next++]);
        const size = Number(f.fileSize ?? 0n);
        for (let i = 0, off = 0; off < size; i++, off += 0x10000) {
          const chunk = await f.readChunk(i, off);
          bytes += chunk.length; // after the await: `bytes += (await …)` would lose concurrent updates
        }
        await f.close();
        n++;
      }
    }),
  );
  await client.close();
  return { n, bytes };
}

async function viaSource(config: Record<string, unknown>): Promise<{ n: number; bytes: number }> {
  const src = networkDriveSource.create(config);
  let n = 0;
  let bytes = 0;
  for await (const d of src.getDocs(testContext())) {
    if (d.type !== 'file') continue;
    n++;
    if (typeof d.body !== 'string' || d.body.length === 0) throw new Error(`no body for ${d.path}`);
    bytes += Buffer.byteLength(d.body);
  }
  await src.close();
  return { n, bytes };
}

function line(label: string, r: { n: number; bytes: number }, ms: number): number {
  const rate = (r.n / ms) * 1000;
  console.log(`${label.padEnd(8)} ${r.n} files ${(r.bytes / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms: ${rate.toFixed(0)} files/s, ${((r.bytes / 1e6 / ms) * 1000).toFixed(1)} MB/s`);
  return rate;
}

const missing = await sambaMissing();
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(0);
}
console.log(`${new Date().toISOString()} | ${execFileSync('uptime').toString().trim()}`);
console.log(`node ${process.version}; ${N} files of ${KB} KiB; ${ROUNDS} rounds; ${CONCURRENCY} reads at once`);
const smb = await startSamba();
try {
  const body = 'lorem ipsum dolor sit amet '.repeat(Math.ceil((KB * 1024) / 27)).slice(0, KB * 1024 - 1) + '.';
  for (let i = 0; i < N; i++) {
    const dir = join(smb.root, `p${i % 20}`, `q${i % 3}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `file-${i}.txt`), body);
  }
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    let t0 = performance.now();
    const rawRate = line('raw smb2', await raw(smb.port), performance.now() - t0);
    t0 = performance.now();
    const srcRate = line('source', await viaSource(smb.config({ concurrent_downloads: CONCURRENCY })), performance.now() - t0);
    ratios.push(srcRate / rawRate);
  }
  console.log(`source / raw: ${ratios.map((r) => `${(r * 100).toFixed(0)} %`).join(', ')}`);
} finally {
  await smb.stop();
}
