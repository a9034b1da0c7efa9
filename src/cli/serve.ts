/**
 * `tributary serve`: the HTTP API and, unless `--no-worker`, the connector service in the same
 * process (docs/runtime.md), talking to this server over loopback HTTP like any other worker.
 * Options also come from environment variables (TRIBUTARY_PORT, TRIBUTARY_HOST, TRIBUTARY_DATA,
 * TRIBUTARY_STORE_URL, TRIBUTARY_WORKER_API_KEY).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildServer } from '../api/server.js';
import { openApp } from '../runtime/app.js';
import { securityAdmin } from '../runtime/security/admin-port.js';
import { loadSecurityConfig, parseSecurityConfig } from '../runtime/security/config.js';
import { ContentIndex } from '../sink/embedded/content-index.js';
import { EmbeddedSink } from '../sink/embedded-sink.js';
import { openSink } from '../sink/registry.js';
import { ConnectorApi } from '../runtime/worker/api-client.js';
import { loadFileSettings, sourcePolicy, WORKER_API_KEY_ENV } from '../runtime/worker/config.js';
import { pinoLog } from '../runtime/worker/logger.js';
import { Worker } from '../runtime/worker/worker.js';
import { startDebugGc } from './debug-gc.js';

export interface ServeOptions {
  port: string;
  host: string;
  data: string;
  store?: string;
  config?: string;
  tlsCert?: string;
  tlsKey?: string;
  maxBody: string;
  logLevel: string;
  worker: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export async function serve(o: ServeOptions): Promise<() => Promise<void>> {
  const securityConfig = o.config ? await loadSecurityConfig(resolve(o.config)) : await parseSecurityConfig(undefined);
  if (!isLoopback(o.host) && !securityConfig.enabled) {
    throw new Error(
      `Refusing to listen on [${o.host}] without authentication: enable security in a config file (--config, see docs/security.md) or bind to 127.0.0.1.`,
    );
  }
  if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new Error('TLS needs both --tls-cert and --tls-key');
  const https = o.tlsCert && o.tlsKey ? { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } : null;
  const settings = loadFileSettings(o.config ? resolve(o.config) : undefined);
  const app = await openApp({ dataDir: resolve(o.data), storeUrl: o.store, securityConfig });
  if (settings.content.target === 'embedded' && !app.contentIndex) {
    const index = new ContentIndex(join(resolve(o.data), 'content.db'));
    app.contentIndex = index;
    app.closers.push(() => index.close());
  }
  const server = buildServer(app, {
    bodyLimit: Number(o.maxBody),
    logger: { level: o.logLevel, redact: ['req.headers.authorization'] },
    https,
  });
  await server.listen({ port: Number(o.port), host: o.host });
  server.log.info(`Tributary listening on ${https ? 'https' : 'http'}://${o.host}:${Number(o.port)} (data: ${resolve(o.data)}, store: ${app.store.kind}, security: ${securityConfig.enabled ? 'on' : 'off'})`);
  if (securityConfig.enabled && !https && !isLoopback(o.host)) {
    server.log.warn('Security is on without TLS: passwords and API keys cross the network in clear text; use --tls-cert/--tls-key or a TLS proxy (docs/security.md)');
  }
  let worker: Worker | null = null;
  if (o.worker) {
    // With security on, the in-process worker uses a configured key, else an in-memory
    // credential of this process (never stored; see docs/security.md).
    const apiKey = process.env[WORKER_API_KEY_ENV] ?? settings.worker.apiKey ?? securityAdmin(app)?.internalCredential?.();
    if (securityConfig.enabled && !apiKey) {
      server.log.error(
        `Security is on and the in-process worker has no credentials: create an API key with the manage_connector privilege and write access to the content indices, and set worker.api_key in the config file (or ${WORKER_API_KEY_ENV}); or run with --no-worker. No syncs run until then.`,
      );
    } else {
      const port = (server.server.address() as AddressInfo).port;
      const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') && !o.host.startsWith('[') ? `[${o.host}]` : o.host;
      const api = ConnectorApi.connect({ url: `${https ? 'https' : 'http'}://${host}:${port}`, apiKey, insecureTls: Boolean(https) });
      const sink = await openSink(settings.content, { embedded: () => new EmbeddedSink(app.contentIndex as ContentIndex), log: pinoLog(server.log as never) });
      const { apiKey: _key, ...opts } = settings.worker;
      worker = new Worker({ ...opts, api, sink, sourcePolicy: sourcePolicy(settings.sources, securityConfig.enabled), log: pinoLog(server.log as never) }).start();
      app.closers.push(() => api.close());
    }
  }
  return async () => {
    // Suspends running jobs through the API, so the server closes after the worker.
    await worker?.stop();
    await server.close();
  };
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the Elasticsearch-compatible Connector API')
    .option('--port <port>', 'port to listen on', process.env.TRIBUTARY_PORT ?? '9200')
    .option('--host <host>', 'address to bind', process.env.TRIBUTARY_HOST ?? '127.0.0.1')
    .option('--data <dir>', 'data directory (SQLite state, content index)', process.env.TRIBUTARY_DATA ?? './data')
    .option('--store <url>', 'state store URL (postgres://…); SQLite in --data when absent', process.env.TRIBUTARY_STORE_URL)
    .option('--config <file>', 'YAML configuration file', process.env.TRIBUTARY_CONFIG)
    .option('--tls-cert <file>', 'TLS certificate (PEM)', process.env.TRIBUTARY_TLS_CERT)
    .option('--tls-key <file>', 'TLS private key (PEM)', process.env.TRIBUTARY_TLS_KEY)
    .option('--max-body <bytes>', 'largest request body accepted (413 above)', process.env.TRIBUTARY_MAX_BODY ?? String(100 * 1024 * 1024))
    .option('--log-level <level>', 'log level', process.env.TRIBUTARY_LOG_LEVEL ?? 'info')
    .option('--no-worker', 'do not run the connector service in this process')
    .action(async (o: ServeOptions) => {
      try {
        const stop = await serve(o);
        startDebugGc();
        const shutdown = () => {
          stop().then(() => process.exit(0), () => process.exit(1));
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
      } catch (e) {
        process.stderr.write(`tributary: ${(e as Error).message}\n`);
        process.exit(1);
      }
    });
}
