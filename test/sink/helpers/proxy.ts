/**
 * Test fixture: an HTTP proxy in front of a target (Tributary's Elasticsearch-compatible
 * document API, or a real cluster) that records every request the sinks send and can answer
 * in the target's place — to assert exact request shapes and to play an overloaded or absent
 * cluster.
 *
 *   const proxy = await startProxy(server.url);
 *   proxy.fault = (req) => req.path === '/_bulk' ? { status: 429, headers: { 'retry-after': '1' } } : undefined;
 *   proxy.fault = () => 'reset';                        // drop the connection
 *   proxy.fault = () => released;                       // hold until a promise settles, then act on it
 *   proxy.rewrite = (req, res) => ({ ...res, body });   // alter a forwarded answer
 *   proxy.requests                                      // [{ method, path, query, headers, body }]
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the client got: the status, or 'reset'. */
  answered?: number | 'reset';
}

export interface ProxyReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | object;
}

export interface Proxy {
  url: string;
  requests: RecordedRequest[];
  /** Answers in the target's place, drops the connection, or (undefined) forwards; may take its time. */
  fault: ((req: RecordedRequest) => FaultAction | Promise<FaultAction>) | null;
  rewrite: ((req: RecordedRequest, res: { status: number; headers: Record<string, string>; body: string }) => ProxyReply | undefined) | null;
  /** Requests other than the given paths (e.g. drop `HEAD /`). */
  calls(filter?: (r: RecordedRequest) => boolean): RecordedRequest[];
  close(): Promise<void>;
}

type FaultAction = ProxyReply | 'reset' | undefined;

const ES_HEADERS = { 'content-type': 'application/json; charset=UTF-8', 'x-elastic-product': 'Elasticsearch' };

export async function startProxy(target: string): Promise<Proxy> {
  const t = new URL(target);
  const proxy: Proxy = {
    url: '',
    requests: [],
    fault: null,
    rewrite: null,
    calls(filter) {
      return filter ? this.requests.filter(filter) : this.requests;
    },
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      proxy.requests.push(rec);
      const f = await proxy.fault?.(rec);
      if (f === 'reset') {
        rec.answered = 'reset';
        req.socket.destroy();
        return;
      }
      if (f) {
        rec.answered = f.status;
        res.writeHead(f.status, { ...ES_HEADERS, ...(f.headers ?? {}) });
        res.end(typeof f.body === 'string' ? f.body : JSON.stringify(f.body ?? { error: { type: 'fixture', reason: `fixture answered ${f.status}` }, status: f.status }));
        return;
      }
      const headers = { ...req.headers, host: t.host };
      const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (ur) => {
        const body: Buffer[] = [];
        ur.on('data', (c: Buffer) => body.push(c));
        ur.on('end', () => {
          const resHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(ur.headers)) if (v !== undefined && k !== 'content-length' && k !== 'transfer-encoding') resHeaders[k] = String(v);
          let out = { status: ur.statusCode ?? 502, headers: resHeaders, body: Buffer.concat(body).toString('utf8') };
          const r = proxy.rewrite?.(rec, out);
          if (r) out = { status: r.status, headers: { ...out.headers, ...(r.headers ?? {}) }, body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) };
          rec.answered = out.status;
          res.writeHead(out.status, out.headers);
          res.end(req.method === 'HEAD' ? undefined : out.body);
        });
      });
      up.on('error', () => {
        rec.answered = 'reset';
        req.socket.destroy();
      });
      up.end(rec.body === '' ? undefined : rec.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
