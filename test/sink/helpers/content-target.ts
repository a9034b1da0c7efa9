/**
 * Test target until Tributary's document API (`src/api/index/`) is served by `buildServer`:
 * the embedded ContentIndex behind the handful of Elasticsearch endpoints the cluster sinks
 * call (HEAD/PUT/DELETE /<index>, GET /<index>/_mapping, POST /_bulk, POST /<index>/_refresh,
 * POST /<index>/_delete_by_query, POST /<index>/_count, GET /<index>/_doc/<id>), with
 * Elasticsearch's product header and error envelope. Query parameters the engine has no use
 * for are accepted and ignored here; the real API decides for itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorBody } from '../../../src/api/render.js';
import { ApiError } from '../../../src/domain/errors.js';
import { ContentIndex } from '../../../src/sink/embedded/content-index.js';

export interface ContentTarget {
  url: string;
  index: ContentIndex;
  close(): Promise<void>;
}

export async function startContentTarget(): Promise<ContentTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-target-'));
  const ci = new ContentIndex(join(dir, 'content.db'));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const text = Buffer.concat(chunks).toString('utf8');
      const json = () => (text.trim() === '' ? undefined : JSON.parse(text));
      const params = Object.fromEntries(u.searchParams);
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'x-elastic-product': 'Elasticsearch' });
        res.end(req.method === 'HEAD' || body === undefined ? undefined : JSON.stringify(body));
      };
      try {
        const [a, b, c] = parts;
        const m = req.method;
        if (m === 'GET' && parts.length === 0) return send(200, { name: 'target', version: { number: '9.1.0' }, tagline: 'You Know, for Search' });
        if (m === 'POST' && a === '_bulk') return send(200, ci.bulk(text));
        if (parts.length === 1 && m === 'HEAD') return send(ci.exists(a) ? 200 : 404);
        if (parts.length === 1 && m === 'PUT') return send(200, ci.createIndex(a, json()));
        if (parts.length === 1 && m === 'DELETE') return send(200, ci.deleteIndex(a));
        if (b === '_mapping' && m === 'GET') return send(200, ci.getMapping(a));
        if (b === '_refresh') return send(200, ci.refresh(a));
        if (b === '_count') return send(200, ci.count(a, json(), params));
        if (b === '_search') return send(200, ci.search(a, json(), params));
        if (b === '_delete_by_query' && m === 'POST') return send(200, await ci.deleteByQuery(a, json(), params));
        if (b === '_doc' && m === 'GET') {
          const r = ci.getDocument(a, c);
          return send(r.status, r.body);
        }
        send(400, { error: { type: 'no_handler_found_exception', reason: `no handler for ${m} ${u.pathname}` }, status: 400 });
      } catch (e) {
        if (e instanceof ApiError) return send(e.status, errorBody(e));
        send(500, { error: { type: 'exception', reason: String(e) }, status: 500 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    index: ci,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          ci.close();
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
