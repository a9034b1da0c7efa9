/**
 * `tributary serve`: the HTTP API and, unless `--no-worker`, the connector service in the same
 * process (docs/runtime.md), talking to this server over loopback HTTP like any other worker.
 * Options also come from environment variables (TRIBUTARY_PORT, TRIBUTARY_HOST, TRIBUTARY_DATA,
 * TRIBUTARY_STORE_URL, TRIBUTARY_WORKER_API_KEY).
 */
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { BlockList, isIP, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildServer } from '../api/server.js';
import { openApp } from '../runtime/app.js';
import { createPrivateFile } from '../runtime/data-dir.js';
import { lockDataFolder, type DataFolderLock } from '../runtime/data-folder-lock.js';
import { securityAdmin } from '../runtime/security/admin-port.js';
import { loadSecurityConfig, parseSecurityConfig } from '../runtime/security/config.js';
import { ContentIndex } from '../sink/embedded/content-index.js';
import { parseSearchLimits } from '../sink/embedded/search-config.js';
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
  /** Request body bytes in flight over the process; default twice `maxBody`. */
  maxInFlightBody?: string;
  logLevel: string;
  worker: boolean;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for a loopback IP address: 127.0.0.0/8, ::1, and IPv4-mapped ::ffff:127.x.y.z. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(a);
  // BlockList matches IPv4-mapped IPv6 addresses against the IPv4 rules.
  return family !== 0 && LOOPBACK.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * True when every address `host` stands for is loopback. A name is resolved (every address,
 * IPv4 and IPv6) first: `127.example.com` is a name like any other, not a loopback address.
 * A name that does not resolve is not loopback.
 */
export async function isLoopback(host: string, resolve: typeof lookup = lookup): Promise<boolean> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return isLoopbackAddress(bare);
  let addresses: { address: string }[];
  try {
    addresses = await resolve(bare, { all: true, verbatim: true });
  } catch {
    return false;
  }
  return addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address));
}

export async function serve(o: ServeOptions, deps: { lookup?: typeof lookup } = {}): Promise<() => Promise<void>> {
  const securityConfig = o.config ? await loadSecurityConfig(resolve(o.config)) : await parseSecurityConfig(undefined);
  const loopback = await isLoopback(o.host, deps.lookup);
  if (!loopback && !securityConfig.enabled) {
    throw new Error(
      `Refusing to listen on [${o.host}] without authentication: enable security in a config file (--config, see docs/security.md) or bind to 127.0.0.1.`,
    );
  }
  if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new Error('TLS needs both --tls-cert and --tls-key');
  const https = o.tlsCert && o.tlsKey ? { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } : null;
  const settings = loadFileSettings(o.config ? resolve(o.config) : undefined);
  // The embedded index belongs to one process: take the data folder's lock before opening
  // anything, so a second server on the folder stops here (docs/runtime.md "One data folder").
  const lock = settings.content.target === 'embedded' ? lockDataFolder(resolve(o.data)) : null;
  try {
    return await start(o, securityConfig, https, settings, lock, loopback);
  } catch (e) {
    lock?.release();
    throw e;
  }
}

async function start(
  o: ServeOptions,
  securityConfig: Awaited<ReturnType<typeof parseSecurityConfig>>,
  https: { cert: Buffer; key: Buffer } | null,
  settings: ReturnType<typeof loadFileSettings>,
  lock: DataFolderLock | null,
  loopback: boolean,
): Promise<() => Promise<void>> {
  const app = await openApp({ dataDir: resolve(o.data), storeUrl: o.store, securityConfig });
  if (lock) app.closers.push(() => lock.release());
  if (settings.content.target === 'embedded' && !app.contentIndex) {
    createPrivateFile(join(resolve(o.data), 'content.db'));
    const search = parseSearchLimits(settings.content.raw.search, settings.content.file);
    const index = new ContentIndex(join(resolve(o.data), 'content.db'), { search });
    index.startSearchThreads();
    app.contentIndex = index;
    app.closers.push(() => index.close());
  }
  const server = buildServer(app, {
    bodyLimit: Number(o.maxBody),
    ...(o.maxInFlightBody !== undefined ? { inFlightBodyLimit: Number(o.maxInFlightBody) } : {}),
    logger: { level: o.logLevel, redact: ['req.headers.authorization'] },
    https,
  });
  try {
    await server.listen({ port: Number(o.port), host: o.host });
  } catch (e) {
    // Closes the store and the index and releases the data folder's lock (app.closers).
    await server.close();
    throw e;
  }
  server.log.info(`Tributary listening on ${https ? 'https' : 'http'}://${o.host}:${Number(o.port)} (data: ${resolve(o.data)}, store: ${app.store.kind}, security: ${securityConfig.enabled ? 'on' : 'off'})`);
  for (const notice of app.notices ?? []) server.log.warn(notice);
  if (securityConfig.enabled && !https && !loopback) {
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
    .option('--max-in-flight-body <bytes>', 'request body bytes received or handled at once over the process (429 circuit_breaking_exception above; default twice --max-body)', process.env.TRIBUTARY_MAX_IN_FLIGHT_BODY)
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
