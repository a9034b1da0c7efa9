/**
 * The connectors list in a DOM with the API stubbed: without a status filter it pages
 * `GET _connector`; with one (`?status=`) it asks the server for that page of the filtered
 * list through `POST /.elastic-connectors/_search` (with the text and type filters), shows the
 * rows as answered (none filtered away in the browser) and the server's total; a 403 there is
 * explained.
 */
import '../../test/dom';
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { MemoryRouter } from 'react-router';
import { render, settle, type Mounted } from '../../test/dom';
import { ConnectorsList } from './ConnectorsList';

interface Seen {
  method: string;
  path: string;
  body: unknown;
}

const realFetch = globalThis.fetch;
let mounted: Mounted | null = null;
afterEach(async () => {
  await mounted?.unmount();
  mounted = null;
  globalThis.fetch = realFetch;
});

const connector = (id: string, status: string) => ({ name: id, index_name: `search-${id}`, service_type: 'mysql', status, configuration: {} });

/** Mounts the list at `url` with the API answering `answer` (other calls: a 404 it shrugs off); returns the requests seen. */
async function mount(url: string, answer: (s: Seen) => { status: number; body: unknown }): Promise<{ c: HTMLElement; seen: Seen[] }> {
  const seen: Seen[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const u = new URL(String(input), 'http://127.0.0.1');
    const s = { method: init?.method ?? 'GET', path: u.pathname + u.search, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    seen.push(s);
    const a = answer(s);
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  mounted = await render(
    <MemoryRouter initialEntries={[url]}>
      <ConnectorsList />
    </MemoryRouter>,
  );
  for (let i = 0; i < 5; i++) await settle();
  return { c: mounted.container, seen };
}

const rowIds = (c: HTMLElement) => [...c.querySelectorAll('[data-connector]')].map((r) => r.getAttribute('data-connector'));

describe('connectors list', () => {
  test('no status: GET _connector, a page of 25', async () => {
    const { c, seen } = await mount('/connectors?q=notes&page=3', (s) =>
      s.path.startsWith('/_connector?')
        ? { status: 200, body: { count: 60, results: [{ id: 'a', ...connector('a', 'error') }, { id: 'b', ...connector('b', 'connected') }] } }
        : { status: 404, body: {} },
    );
    const list = seen.find((s) => s.path.startsWith('/_connector?'))!;
    assert.equal(list.path, '/_connector?from=50&size=25&query=notes');
    assert.deepEqual(rowIds(c), ['a', 'b']);
  });

  test('a status: the server filters and pages through .elastic-connectors/_search, with text and type', async () => {
    const hits = [{ _id: 'e1', _source: connector('e1', 'error') }, { _id: 'e2', _source: connector('e2', 'connected') }];
    const { c, seen } = await mount('/connectors?status=error&type=mysql&q=Team%201&page=2', (s) =>
      s.path === '/.elastic-connectors/_search' ? { status: 200, body: { hits: { total: { value: 27, relation: 'eq' }, hits } } } : { status: 500, body: {} },
    );
    assert.equal(seen.some((s) => s.path.startsWith('/_connector?')), false, 'GET _connector is not asked');
    const search = seen.find((s) => s.path === '/.elastic-connectors/_search')!;
    assert.equal(search.method, 'POST');
    const body = search.body as { query: { bool: { filter: unknown[]; must_not: unknown[] } }; sort: unknown; from: number; size: number };
    assert.deepEqual(body.query.bool.must_not, [{ term: { deleted: true } }]);
    assert.deepEqual(body.query.bool.filter[0], { terms: { status: ['error'] } });
    assert.deepEqual(body.query.bool.filter[1], { terms: { service_type: ['mysql'] } });
    assert.deepEqual(body.query.bool.filter[2], {
      bool: { should: [{ wildcard: { name: '*Team 1*' } }, { wildcard: { index_name: '*Team 1*' } }, { wildcard: { description: { value: '*Team 1*', case_insensitive: true } } }], minimum_should_match: 1 },
    });
    assert.deepEqual([body.sort, body.from, body.size], [[{ index_name: 'asc' }], 25, 25]);
    assert.deepEqual(rowIds(c), ['e1', 'e2']);
    assert.match(c.textContent!, /27 connectors/);
  });

  test('a 403 on the system index is explained', async () => {
    const { c } = await mount('/connectors?status=error', (s) =>
      s.path === '/.elastic-connectors/_search'
        ? { status: 403, body: { error: { type: 'security_exception', reason: 'action [indices:data/read/search] is unauthorized for user [ro]' } } }
        : { status: 404, body: {} },
    );
    assert.match(c.querySelector('[role="alert"]')!.textContent!, /needs the read privilege on it\. Clear the status filter/);
  });
});
