/**
 * Test support of the object-store sources: an HTTP proxy in front of a test server that
 * answers the first `throttled` requests with `throttle` (503 SlowDown for S3, 503 ServerBusy
 * for Azure, …), requests `deny` matches with `denial`, and leaves requests `stall` matches
 * unanswered (a stalled store, for cancel tests); everything else passes through. Also
 * `inParallel`, to load test data a few requests at a time.
 */
import { createServer, request, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A canned answer. */
export interface Answer {
  status: number;
  headers?: OutgoingHttpHeaders;
  body: string;
}

export interface FaultyProxyOptions {
  /** How many requests, from the first, get `throttle`. */
  throttled: number;
  throttle: Answer;
  deny?: (url: string) => boolean;
  denial?: Answer;
  stall?: (url: string) => boolean;
}

export interface FaultyProxy {
  endpoint: string;
  /** Requests answered with `throttle` so far. */
  throttled(): number;
  /** Requests passed through so far. */
  passed(): number;
  /** Most requests that were passed through at the same time. */
  maxInFlight(): number;
  close(): Promise<void>;
}

function answer(res: import('node:http').ServerResponse, a: Answer): void {
  res.writeHead(a.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(a.body), ...a.headers });
  res.end(a.body);
}

export async function faultyProxy(target: string, o: FaultyProxyOptions): Promise<FaultyProxy> {
  const t = new URL(target);
  let throttled = 0;
  let passed = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    if (throttled < o.throttled) {
      throttled++;
      req.resume();
      answer(res, o.throttle);
      return;
    }
    if (o.stall?.(url)) {
      req.resume();
      return;
    }
    if (o.deny?.(url) && o.denial) {
      req.resume();
      answer(res, o.denial);
      return;
    }
    passed++;
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    res.once('close', () => inFlight--);
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    throttled: () => throttled,
    passed: () => passed,
    maxInFlight: () => maxInFlight,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Runs `fn` over `items`, `n` at a time. */
export async function inParallel<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}
