/**
 * The standalone worker's metrics endpoint (`tributary worker --metrics-port <port>`): a bare
 * HTTP listener on 127.0.0.1 that answers `GET /metrics` (and `/_tributary/metrics`, the
 * server's path) with the process's Prometheus text. Loopback only and without
 * authentication, like node_exporter behind a local agent: expose it through the host's own
 * Prometheus agent or a proxy, never directly.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerMetrics } from '../api/server-metrics.js';

export const METRICS_HOST = '127.0.0.1';

export function parseMetricsPort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--metrics-port must be a port number from 0 to 65535, got [${raw}]`);
  }
  return port;
}

/** Listens on 127.0.0.1:`port` (0 = any free port); resolves once listening. */
export async function listenMetrics(metrics: ServerMetrics, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/_tributary/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' }).end('only GET\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${(e as Error)?.message ?? e}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`cannot listen for metrics on ${METRICS_HOST}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`)),
    );
    server.listen(port, METRICS_HOST, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
