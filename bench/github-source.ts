/**
 * `github` source throughput (issue 18): documents/s of a full sync against the GitHub REST
 * fixture server (src/sources/github/github.fixture.ts, in this process) with no latency and
 * with 50 ms added to every request (a realistic round trip to api.github.com). The data set:
 * two repositories, issues (a quarter with two comments), pull requests (one review, one review
 * comment each) and Markdown files, in equal thirds. `npm run bench:github`;
 * BENCH_GITHUB_DOCS (default 600), BENCH_GITHUB_CONCURRENCY (default 8, `concurrent_downloads`).
 *
 * The fixture server shares the process and its CPU with the source: at 0 ms this measures the
 * source's own cost per document; at 50 ms, how well its concurrency hides round trips.
 */
import { githubSource } from '../src/sources/github/datasource.js';
import { githubConfig, ORG } from '../src/sources/github/github-contract.fixture.js';
import { startFakeGitHub } from '../src/sources/github/github.fixture.js';
import { testContext } from '../src/sources/source.case.js';

const N = Number(process.env.BENCH_GITHUB_DOCS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_GITHUB_CONCURRENCY ?? 8);

const g = await startFakeGitHub();
try {
  g.org(ORG, ['alice']);
  const repos = [g.repo(ORG, 'one'), g.repo(ORG, 'two')];
  for (let i = 0; i < N - repos.length; i++) {
    const r = repos[i % 2];
    if (i % 3 === 0) g.putFile(r, `docs/d${i % 7}/page-${i}.md`, `# Page ${i}\n\n${'Some words of text. '.repeat(100)}\n`);
    else g.issue(r, { pr: i % 3 === 2, comments: i % 4 === 0 ? 2 : 0, body: 'A body. '.repeat(50) });
  }
  const config = githubConfig(g, { concurrent_downloads: CONCURRENCY });
  console.log(`github source: ${N} documents, concurrent_downloads ${CONCURRENCY}, Node ${process.version}`);
  console.log('| latency per request | round | documents | requests | seconds | documents/s |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const latency of [0, 50]) {
    g.latencyMs = latency;
    for (let round = 1; round <= 2; round++) {
      const before = g.counts.requests;
      const s = githubSource.create(config);
      const t0 = performance.now();
      let n = 0;
      for await (const _ of s.getDocs(testContext())) n++;
      const secs = (performance.now() - t0) / 1000;
      await s.close();
      console.log(`| ${latency} ms | ${round} | ${n} | ${g.counts.requests - before} | ${secs.toFixed(2)} | ${Math.round(n / secs)} |`);
    }
  }
} finally {
  await g.close();
}
