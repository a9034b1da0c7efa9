/**
 * Searches run off the event loop (issue 11 item 7): while a hostile search works through a
 * generated index on a search thread, `GET /` over real HTTP on loopback keeps answering within
 * 500 ms, and the search itself comes back within its budget with `timed_out: true`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startIndexServer } from './index-server.fixture.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'nu', 'pe', 'ra', 'si', 'to', 'vu', 'ze', 'ba', 'de', 'fi', 'go'];
const word = (x: number) => SYLLABLES[x % 14] + SYLLABLES[(x >> 3) % 14] + SYLLABLES[(x >> 6) % 14];
const DOCS = 20_000;

describe('index API: searches on search threads (real HTTP)', () => {
  let srv: Awaited<ReturnType<typeof startIndexServer>>;
  before(async () => {
    srv = await startIndexServer({ listen: true, index: { search: { threads: 2, timeoutMs: 2_000, hardTimeoutMs: 8_000 } } });
    for (let b = 0; b < DOCS; b += 1000) {
      const items = [];
      for (let i = b; i < b + 1000; i++) {
        const body = Array.from({ length: 40 }, (_, j) => word((i * 31 + j * 17) % 2744)).join(' ');
        items.push({ action: 'index' as const, index: 'big', id: String(i), source: { title: `${word(i)} ${word(i + 1)}`, body } });
      }
      srv.ci.bulk(items);
    }
  });
  after(() => srv.close());

  it('GET / answers within 500 ms while a 52-term prefix query_string with size 10000 and highlight runs', async () => {
    const terms = SYLLABLES.flatMap((a) => SYLLABLES.slice(0, 4).map((b) => `${a}${b}*`)).slice(0, 52).join(' ');
    const hostile = { query: { query_string: { query: terms } }, size: 10_000, highlight: { fields: { body: {}, title: {} } } };
    // Warm the threads and the connection first: thread start-up is not what is measured.
    assert.equal((await fetch(`${srv.url}/big/_count`)).status, 200);
    const started = performance.now();
    const search = fetch(`${srv.url}/big/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hostile) });
    let done = false;
    void search.finally(() => (done = true));
    const latencies: number[] = [];
    while (!done || latencies.length < 5) {
      const t0 = performance.now();
      const res = await fetch(`${srv.url}/`);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      assert.equal(res.status, 200);
      await new Promise((r) => setTimeout(r, 25));
    }
    const res = await search;
    const elapsed = performance.now() - started;
    const body = (await res.json()) as { timed_out: boolean; hits: { hits: unknown[] } };
    assert.equal(res.status, 200);
    assert.ok(Math.max(...latencies) < 500, `GET / took up to ${Math.round(Math.max(...latencies))} ms (${latencies.length} samples) during a ${Math.round(elapsed)} ms search`);
    assert.equal(body.timed_out, true, `the hostile search finished in ${Math.round(elapsed)} ms without timing out`);
  });

  it('the request timeout parameter cuts a search short: timed_out true, partial total', async () => {
    const res = await fetch(`${srv.url}/big/_search?timeout=0ms&track_total_hits=true`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { match: { body: word(5) } } }),
    });
    const body = (await res.json()) as { timed_out: boolean; hits: { total: { value: number; relation: string } } };
    assert.equal(res.status, 200);
    assert.equal(body.timed_out, true);
    assert.equal(body.hits.total.relation, 'gte');
  });

  it('track_total_hits out of range is a 400, not a 500', async () => {
    const res = await fetch(`${srv.url}/big/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"track_total_hits": 1e20}' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'x_content_parse_exception');
  });
});
