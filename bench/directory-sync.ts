/**
 * Directory sync throughput (issue 6): a generated tree of N small text files (default
 * 10 000; BENCH_FILES), synced through the real pipeline into the embedded index in this
 * process — full, then incremental with no change, then incremental after 100 edits.
 * Prints documents per second and peak RSS. `node --import tsx bench/directory-sync.ts`
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/runtime/sync/limits.js';
import { runSync, type SyncSpec } from '../src/runtime/sync/pipeline.js';
import { SyncStats } from '../src/runtime/sync/stats.js';
import { ContentIndex } from '../src/content-index/content-index.js';
import { EmbeddedSink } from '../src/sink/embedded/embedded-sink.js';
import { directorySource } from '../src/sources/directory/datasource.js';
import { makeTree } from '../test/runtime/helpers/harness.js';

const N = Number(process.env.BENCH_FILES ?? 10_000);
const root = mkdtempSync(join(tmpdir(), 'tributary-bench-tree-'));
const data = mkdtempSync(join(tmpdir(), 'tributary-bench-data-'));
const paths = makeTree(root, N, 200);
const index = new ContentIndex(join(data, 'content.db'));
const sink = new EmbeddedSink(index);
const source = directorySource.create({ path: root });
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

async function sync(jobType: SyncSpec['jobType'], cursor: Record<string, unknown> | null) {
  const stats = new SyncStats();
  const t0 = performance.now();
  const res = await runSync({
    source, sink, limits: DEFAULT_LIMITS, generation: Date.now(), stats, stop: new AbortController().signal,
    checkpoint: async () => {}, log: { info() {}, warn() {}, error() {} },
    spec: { jobType, serviceType: 'directory', index: 'bench', language: null, pipeline: { extract_binary_content: true, reduce_whitespace: true }, rules: [], advancedRules: {}, syncCursor: cursor },
  });
  const ms = performance.now() - t0;
  console.log(`${jobType.padEnd(12)} ${String(stats.indexed).padStart(6)} indexed ${String(stats.deleted).padStart(4)} deleted ${ms.toFixed(0).padStart(6)} ms  ${stats.indexed ? Math.round((stats.indexed / ms) * 1000) : '-'} docs/s`);
  return res.cursor;
}

await new Promise((r) => setTimeout(r, 2100)); // past the source's timestamp margin
let cursor = await sync('full', null);
console.log(`walk only   ${N} files scanned by the incremental below`);
cursor = await sync('incremental', cursor);
for (const p of paths.slice(0, 100)) writeFileSync(join(root, p), `edited ${p}`);
cursor = await sync('incremental', cursor);
clearInterval(sampler);
console.log(`peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB; index has ${index.count('bench').count} documents`);
index.close();
rmSync(root, { recursive: true, force: true });
rmSync(data, { recursive: true, force: true });
