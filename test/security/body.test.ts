/**
 * Request bodies (issue 11 item 10): credentials are checked from the headers before any body
 * byte is read, and request bodies in flight share one process-wide byte budget (429
 * `circuit_breaking_exception` above it, as Elasticsearch's in_flight_requests breaker). Real
 * HTTP on loopback: the point is what the server reads from the socket.
 */
import assert from 'node:assert/strict';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { buildServer } from '../../src/api/server.js';
import { basic, startSecureServer } from '../helpers/secure-server.js';
import { startServer } from '../helpers/server.js';

interface Answer {
  status: number;
  body: string;
}

/**
 * Starts a request announcing `length` bytes (or chunked when null) and sends `first` of them;
 * `answer` settles as soon as the server responds, whether or not the body was finished.
 */
function partial(base: string, method: string, path: string, headers: Record<string, string>, length: number | null, first: number) {
  const u = new URL(base);
  const req: ClientRequest = request({
    host: u.hostname,
    port: u.port,
    method,
    path,
    headers: { 'content-type': 'application/json', ...headers, ...(length === null ? {} : { 'content-length': String(length) }) },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    // The server may close the connection on a body it refused to read.
    req.on('error', (e) => reject(e));
  });
  answer.catch(() => {});
  req.write(Buffer.alloc(first, 0x20));
  return {
    answer,
    finish(rest: number) {
      req.end(Buffer.alloc(rest, 0x20));
    },
    destroy() {
      req.destroy();
    },
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms).unref())]);
}

describe('bodies of unauthenticated requests are never read (issue 11 item 10)', () => {
  test('401 from the headers while the 50 MB body has not been sent', async () => {
    const srv = await startSecureServer();
    const base = await srv.server.listen({ port: 0, host: '127.0.0.1' });
    const pending: { destroy(): void }[] = [];
    try {
      for (const [path, headers] of [
        ['/_connector/c1', {}],
        ['/_connector/c1', { authorization: basic('reader', 'wrong-password') }],
        ['/no/such/path', {}],
      ] as const) {
        const r = partial(base, 'PUT', path, headers, 50 * 1024 * 1024, 64 * 1024);
        pending.push(r);
        const a = await within(r.answer, 5000, `${path} ${JSON.stringify(headers)}`);
        assert.equal(a.status, 401, a.body);
        assert.equal(JSON.parse(a.body).error.type, 'security_exception');
      }
    } finally {
      for (const r of pending) r.destroy();
      await srv.close();
    }
  });
});

describe('in-flight request body budget (issue 11 item 10)', () => {
  const MiB = 1024 * 1024;

  test('a body that would take the process over the budget gets 429 circuit_breaking_exception at once', async () => {
    const srv = await startServer({ listen: true, bodyLimit: MiB, inFlightBodyLimit: 1.5 * MiB });
    const held = partial(srv.url, 'PUT', '/_connector/c1', {}, MiB, MiB / 2);
    const others: { destroy(): void }[] = [];
    try {
      // Let the first request reach the server and reserve its declared length.
      await new Promise((r) => setTimeout(r, 200));
      const second = partial(srv.url, 'PUT', '/_connector/c2', {}, MiB, 1024);
      others.push(second);
      const a = await within(second.answer, 5000, 'second body');
      assert.equal(a.status, 429, a.body);
      const err = JSON.parse(a.body).error;
      assert.equal(err.type, 'circuit_breaking_exception');
      assert.equal(err.reason, '[in_flight_requests] Data too large, data for [<http_request>] would be [2097152/2mb], which is larger than the limit of [1572864/1.5mb]');
      assert.equal(err.bytes_wanted, 2 * MiB);
      assert.equal(err.bytes_limit, 1.5 * MiB);
      assert.equal(err.durability, 'TRANSIENT');
      assert.equal(err.root_cause[0].type, 'circuit_breaking_exception');

      // A chunked body (no Content-Length) is counted as it arrives.
      const chunked = partial(srv.url, 'PUT', '/_connector/c3', {}, null, 768 * 1024);
      others.push(chunked);
      const c = await within(chunked.answer, 5000, 'chunked body');
      assert.equal(c.status, 429, c.body);
      assert.equal(JSON.parse(c.body).error.type, 'circuit_breaking_exception');

      // The held request completes normally (blank JSON body: 400), which frees its bytes.
      held.finish(MiB / 2);
      const h = await within(held.answer, 5000, 'held body');
      assert.notEqual(h.status, 429);
      const next = partial(srv.url, 'PUT', '/_connector/c4', {}, 64, 0);
      next.finish(64);
      assert.notEqual((await within(next.answer, 5000, 'after release')).status, 429);
      const body = JSON.stringify({ index_name: 'search-a', name: 'x'.repeat(MiB - 100) });
      const big = await srv.inject({ method: 'PUT', url: '/_connector/c5', payload: body, headers: { 'content-type': 'application/json' } });
      assert.ok(big.statusCode < 300, big.body);
    } finally {
      held.destroy();
      for (const r of others) r.destroy();
      await srv.close();
    }
  });

  test('the per-request limit still answers 413, and the budget cannot be below it', async () => {
    const srv = await startServer({ bodyLimit: 1000 });
    try {
      const res = await srv.inject({ method: 'PUT', url: '/_connector/c1', payload: 'x'.repeat(2000), headers: { 'content-type': 'application/json' } });
      assert.equal(res.statusCode, 413);
      assert.throws(() => buildServer(srv.app, { bodyLimit: 1000, inFlightBodyLimit: 999 }), /in-flight request body limit \[999\] must be at least the request body limit \[1000\]/);
    } finally {
      await srv.close();
    }
  });
});
