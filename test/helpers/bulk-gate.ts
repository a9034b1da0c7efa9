/**
 * A loopback HTTP proxy in front of a Tributary server that lets a set number of `_bulk`
 * requests through and holds the rest until `release()`. Everything else passes at once, so a
 * worker behind it keeps its heartbeats and status checks while its sync is held mid-stream:
 * tests that stop a worker "mid-sync" then do not race the sync's own end.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BulkGate {
  url: string;
  /** `_bulk` requests forwarded so far. */
  readonly passed: number;
  /** `_bulk` requests waiting for `release()`. */
  readonly held: number;
  release(): void;
  close(): Promise<void>;
}

export async function startBulkGate(target: string, allowBulks: number): Promise<BulkGate> {
  const to = new URL(target);
  let passed = 0;
  let released = false;
  const waiting: (() => void)[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const up = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  };

  const server: Server = createServer((req, res) => {
    const bulk = /\/_bulk(\?|$)/.test(req.url ?? '');
    if (!bulk || released || passed < allowBulks) {
      if (bulk) passed++;
      return forward(req, res);
    }
    req.pause();
    waiting.push(() => {
      passed++;
      req.resume();
      forward(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get passed() {
      return passed;
    },
    get held() {
      return waiting.length;
    },
    release() {
      released = true;
      for (const go of waiting.splice(0)) go();
    },
    close() {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
