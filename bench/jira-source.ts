/**
 * `jira` source throughput (issue 18): BENCH_ISSUES issues (default 2000, each with 3 comments
 * and a text attachment on every tenth) on the Jira fixture server
 * (src/sources/jira/jira.fixture.ts, in process), read per round (BENCH_ROUNDS, default 2) at
 * 0 ms and 50 ms of latency per request, by a raw `fetch` loop over the same search pages
 * (100 issues, key-set paging, no per-issue work) and by the source's full sync (documents with
 * comments rendered, attachments downloaded and extracted). Prints documents/s of both.
 * `npm run bench:jira`
 *
 * The fixture runs in this process: the ratio is what this measures, not the rate of a real
 * Jira (Jira Cloud answers a 100-issue search in 0.3–1 s and rate-limits per tenant).
 */
import { execFileSync } from 'node:child_process';
import { testContext } from '../src/sources/source.case.js';
import { jiraConfig } from '../src/sources/jira/contract.fixture.js';
import { jiraSource } from '../src/sources/jira/datasource.js';
import { FakeJira } from '../src/sources/jira/jira.fixture.js';

const N = Number(process.env.BENCH_ISSUES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

async function raw(j: FakeJira): Promise<number> {
  const auth = `Basic ${Buffer.from(`${j.login}:${j.secret}`).toString('base64')}`;
  let n = 0;
  let last = 0;
  for (;;) {
    const u = new URL(`${j.url}/rest/api/3/search`);
    u.searchParams.set('jql', `${last ? `id > ${last} ` : ''}ORDER BY id ASC`);
    u.searchParams.set('maxResults', '100');
    const page = (await (await fetch(u, { headers: { authorization: auth } })).json()) as { issues: { id: string }[]; total: number };
    n += page.issues.length;
    if (page.issues.length === 0 || page.issues.length >= page.total) return n;
    last = Number(page.issues[page.issues.length - 1].id);
  }
}

async function viaSource(j: FakeJira): Promise<number> {
  const s = jiraSource.create(jiraConfig(j));
  let n = 0;
  for await (const _ of s.getDocs(testContext())) n++;
  await s.close();
  return n;
}

async function timed(f: () => Promise<number>): Promise<[number, number]> {
  const t0 = performance.now();
  const n = await f();
  return [n, performance.now() - t0];
}

console.log(`${new Date().toISOString()} | ${execFileSync('uptime').toString().trim()}`);
console.log(`node ${process.version}; ${N} issues (3 comments each, an attachment on every 10th); ${ROUNDS} rounds`);
const j = await new FakeJira('cloud').start();
try {
  j.project('DEMO', 'Demo');
  j.project('OPS', 'Operations');
  for (let k = 0; k < N; k++) {
    const i = j.issue(k % 2 ? 'OPS' : 'DEMO');
    for (let c = 0; c < 3; c++) j.comment(i, `comment ${c} on issue ${k}: lorem ipsum dolor sit amet`);
    if (k % 10 === 0) j.attach(i, `notes-${k}.txt`, 'lorem ipsum '.repeat(400));
  }
  for (const latency of [0, 50]) {
    j.latencyMs = latency;
    for (let r = 0; r < ROUNDS; r++) {
      const [rn, rms] = await timed(() => raw(j));
      const [sn, sms] = await timed(() => viaSource(j));
      const rawRate = (rn / rms) * 1000;
      const srcRate = (sn / sms) * 1000;
      console.log(`latency ${String(latency).padStart(2)} ms  raw search ${rn} issues in ${rms.toFixed(0)} ms: ${rawRate.toFixed(0)} issues/s | source ${sn} documents in ${sms.toFixed(0)} ms: ${srcRate.toFixed(0)} documents/s (${((N / sms) * 1000).toFixed(0)} issues/s)`);
    }
  }
} finally {
  await j.close();
}
