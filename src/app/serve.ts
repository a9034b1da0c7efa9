/**
 * Serving: the HTTP API and, unless `worker: false`, the connector service in the same process
 * (docs/runtime.md), talking to this server over loopback HTTP like any other worker. Checks
 * the bind address against security, wires TLS, takes the data folder's lock, opens the
 * application context (content index included) and the in-process worker. `cli/serve.ts`
 * only turns flags into `ServeOptions`.
 */
import type { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { buildServer } from '../api/server.js';
import { openApp } from './open-app.js';
import { lockDataFolder, type DataFolderLock } from './data-folder-lock.js';
import { isLoopback } from './loopback.js';
import { securityAdmin } from '../security/admin-port.js';
import { loadSecurityConfig, parseSecurityConfig } from '../security/config.js';
import { parseSearchLimits } from '../content-index/search-config.js';
import { EmbeddedSink } from '../sink/embedded/embedded-sink.js';
import { openSink } from '../sink/registry.js';
import { ConnectorApi } from '../runtime/worker/api-client.js';
import { loadFileSettings, sourcePolicy, WORKER_API_KEY_ENV } from '../runtime/worker/config.js';
import { pinoLog } from '../runtime/worker/logger.js';
import { Worker } from '../runtime/worker/worker.js';

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
  const contentIndex =
    settings.content.target === 'embedded'
      ? { file: join(resolve(o.data), 'content.db'), search: parseSearchLimits(settings.content.raw.search, settings.content.file) }
      : undefined;
  const app = await openApp({ dataDir: resolve(o.data), storeUrl: o.store, securityConfig, contentIndex });
  if (lock) app.closers.push(() => lock.release());
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
      const sink = await openSink(settings.content, { embedded: () => new EmbeddedSink(app.contentIndex!), log: pinoLog(server.log) });
      const { apiKey: _key, ...opts } = settings.worker;
      worker = new Worker({ ...opts, api, sink, sourcePolicy: sourcePolicy(settings.sources, securityConfig.enabled), log: pinoLog(server.log) }).start();
      app.closers.push(() => api.close());
    }
  }
  return async () => {
    // Suspends running jobs through the API, so the server closes after the worker.
    await worker?.stop();
    await server.close();
  };
}
