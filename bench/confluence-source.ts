/**
 * `confluence` source throughput (issue 18): BENCH_DOCS (default 2000) items — pages with a
 * paragraph-sized storage body (some below others), blog posts, comments and text attachments,
 * as the contract fixture makes them — in two spaces of the Confluence fixture server
 * (src/sources/confluence/confluence.fixture.ts, Cloud dialect, in process), read by the
 * source's full enumeration with the fixture answering at once and after BENCH_LATENCY_MS
 * (default 50) per request. Prints documents/s and requests per round (BENCH_ROUNDS, default 2).
 * `npm run bench:confluence`
 *
 * The fixture server and the extraction threads share the machine with the loop: the numbers
 * say what the source's own work and its request pattern cost, not Confluence's rate.
 */
import { execFileSync } from 'node:child_process';
import { testContext } from '../src/sources/source.case.js';
import { confluenceSource } from '../src/sources/confluence/datasource.js';
import { confluenceConfig, populate } from '../src/sources/confluence/confluence-source.fixture.js';
import { startFakeConfluence } from '../src/sources/confluence/confluence.fixture.js';

const N = Number(process.env.BENCH_DOCS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 50);

console.log(`${new Date().toISOString()} | ${execFileSync('uptime').toString().trim()}`);
console.log(`node ${process.version}; ${N} items; ${ROUNDS} rounds; latency 0 and ${LATENCY} ms per request`);
const f = await startFakeConfluence();
try {
  f.space('ENG');
  f.space('DOCS');
  populate(f, ['ENG', 'DOCS'], N - 2);
  const config = confluenceConfig(f, 'ENG,DOCS', { concurrent_downloads: 8 });
  for (const latency of [0, LATENCY]) {
    f.latencyMs = latency;
    for (let round = 1; round <= ROUNDS; round++) {
      const before = f.counts.requests;
      const t0 = performance.now();
      let n = 0;
      const src = confluenceSource.create(config);
      for await (const d of src.getDocs(testContext())) {
        if (d.type !== 'Space' && typeof d.body !== 'string') throw new Error(`no body for ${d._id}`);
        n++;
      }
      await src.close();
      const ms = performance.now() - t0;
      console.log(`latency ${String(latency).padStart(3)} ms round ${round}: ${n} documents in ${ms.toFixed(0)} ms: ${((n / ms) * 1000).toFixed(0)} documents/s, ${f.counts.requests - before} requests`);
    }
  }
} finally {
  await f.close();
}
