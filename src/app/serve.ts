/**
 * Serving: the HTTP API, the web UI's files under `/_ui/` (docs/ui.md) and, unless
 * `worker: false`, the connector service in the same process (docs/runtime.md), talking to
 * this server over loopback HTTP like any other worker. Checks
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
import { ProcessMetrics } from './metrics.js';
import { securityAdmin } from '../security/admin-port.js';
import { loadSettings, type Settings } from '../config/settings.js';
import { EmbeddedSink } from '../sink/embedded/embedded-sink.js';
import { openSink } from '../sink/registry.js';
import { ConnectorApi } from '../runtime/worker/api-client.js';
import { sourcePolicy } from '../runtime/worker/config.js';
import { pinoLog } from '../runtime/worker/logger.js';
import { Worker } from '../runtime/worker/worker.js';
import { loadUiAssets, registerUi } from '../api/ui/static-ui.js';
import { uiBuildDir } from './version.js';
import { checkOption, checkPort, checkPositiveInteger } from './option-values.js';
import { localUrl, removeServerFile, SERVER_FILE, writeServerFile } from './server-file.js';

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
  // The command line checks its flags; values from TRIBUTARY_* variables arrive unchecked.
  checkOption(o.port, '--port', 'TRIBUTARY_PORT', checkPort);
  checkOption(o.maxBody, '--max-body', 'TRIBUTARY_MAX_BODY', (v) => checkPositiveInteger(v, 'bytes'));
  checkOption(o.maxInFlightBody, '--max-in-flight-body', 'TRIBUTARY_MAX_IN_FLIGHT_BODY', (v) => checkPositiveInteger(v, 'bytes'));
  // The whole config file, checked before anything listens or opens (src/config/).
  const settings = await loadSettings(o.config ? resolve(o.config) : undefined);
  const securityConfig = settings.security;
  const loopback = await isLoopback(o.host, deps.lookup);
  if (!loopback && !securityConfig.enabled) {
    throw new Error(
      `Refusing to listen on [${o.host}] without authentication: enable security in a config file (--config, see docs/security.md) or bind to 127.0.0.1.`,
    );
  }
  if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new Error('TLS needs both --tls-cert and --tls-key');
  const https = o.tlsCert && o.tlsKey ? { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } : null;
  // The embedded index belongs to one process: take the data folder's lock before opening
  // anything, so a second server on the folder stops here (docs/runtime.md "One data folder").
  const lock = settings.content.target === 'embedded' ? lockDataFolder(resolve(o.data)) : null;
  try {
    return await start(o, https, settings, lock, loopback);
  } catch (e) {
    lock?.release();
    throw e;
  }
}

async function start(
  o: ServeOptions,
  https: { cert: Buffer; key: Buffer } | null,
  settings: Settings,
  lock: DataFolderLock | null,
  loopback: boolean,
): Promise<() => Promise<void>> {
  const securityConfig = settings.security;
  // The web UI's files (docs/ui.md), read before anything opens.
  const uiDir = uiBuildDir();
  const ui = uiDir ? loadUiAssets(uiDir) : null;
  const contentIndex = settings.content.target === 'embedded' ? { file: join(resolve(o.data), 'content.db'), search: settings.search } : undefined;
  // One registry for the process: the server's requests and the in-process worker's syncs.
  const metrics = new ProcessMetrics({ defaultMetrics: true });
  const app = await openApp({ dataDir: resolve(o.data), storeUrl: o.store, securityConfig, contentIndex, metrics, version: settings.compatibility.version });
  if (lock) app.closers.push(() => lock.release());
  const server = buildServer(app, {
    bodyLimit: Number(o.maxBody),
    ...(o.maxInFlightBody !== undefined ? { inFlightBodyLimit: Number(o.maxInFlightBody) } : {}),
    logger: { level: o.logLevel, redact: ['req.headers.authorization'] },
    https,
  });
  registerUi(server, ui);
  try {
    await server.listen({ port: Number(o.port), host: o.host });
  } catch (e) {
    // Closes the store and the index and releases the data folder's lock (app.closers).
    await server.close();
    throw listenError(e, o);
  }
  const port = (server.server.address() as AddressInfo).port;
  const url = localUrl(Boolean(https), o.host, port);
  // Client commands (sync, worker) find this server from the data folder (server-file.ts).
  try {
    writeServerFile(resolve(o.data), { url, host: o.host, port });
  } catch (e) {
    server.log.warn(`could not record this server's URL in ${join(resolve(o.data), SERVER_FILE)} (${(e as Error).message}): tributary sync and worker need --url ${url}`);
  }
  app.closers.push(() => removeServerFile(resolve(o.data)));
  server.log.info(`Tributary listening on ${https ? 'https' : 'http'}://${o.host}:${port} (data: ${resolve(o.data)}, store: ${app.store.kind}, security: ${securityConfig.enabled ? 'on' : 'off'})`);
  for (const notice of app.notices ?? []) server.log.warn(notice);
  if (securityConfig.enabled && !https && !loopback) {
    server.log.warn('Security is on without TLS: passwords and API keys cross the network in clear text; use --tls-cert/--tls-key or a TLS proxy (docs/security.md)');
  }
  let worker: Worker | null = null;
  if (o.worker) {
    // With security on, the in-process worker uses a configured key, else an in-memory
    // credential of this process (never stored; see docs/security.md).
    const apiKey = settings.worker.apiKey ?? securityAdmin(app)?.internalCredential?.();
    if (securityConfig.enabled && !apiKey) {
      server.log.error(
        `Security is on and the in-process worker has no credentials: create an API key with the manage_connector privilege and write access to the content indices, and set worker.api_key in the config file (or TRIBUTARY_WORKER_API_KEY); or run with --no-worker. No syncs run until then.`,
      );
    } else {
      const api = ConnectorApi.connect({ url, apiKey, insecureTls: Boolean(https) });
      const sink = await openSink(settings.content, { embedded: () => new EmbeddedSink(app.contentIndex!, false, { thread: true }), log: pinoLog(server.log) });
      // The sink's write thread closes its connection when the server closes.
      app.closers.push(() => sink.close());
      const { apiKey: _key, ...opts } = settings.worker;
      worker = new Worker({ ...opts, api, sink, sourcePolicy: sourcePolicy(settings.sources, securityConfig.enabled), log: pinoLog(server.log), metrics: metrics.sync }).start();
      metrics.watchWorker(worker);
      app.closers.push(() => api.close());
    }
  }
  return async () => {
    // Suspends running jobs through the API, so the server closes after the worker.
    await worker?.stop();
    await server.close();
  };
}

/** A failed listen, with what to do: the port is taken, or needs privileges. */
function listenError(e: unknown, o: ServeOptions): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  const where = `${o.host}:${o.port}`;
  if (code === 'EADDRINUSE') {
    return new Error(
      `Port ${o.port} is in use on ${o.host} (EADDRINUSE: another tributary serve, Elasticsearch or another program listens on ${where}): ` +
        `stop it, or pick another port with --port (or TRIBUTARY_PORT), e.g. --port ${Math.min(65535, Number(o.port) + 1)}; --port 0 picks a free one. ` +
        'Through npm: npm start -- --port N.',
      { cause: e },
    );
  }
  if (code === 'EACCES') return new Error(`Not allowed to listen on ${where} (EACCES: ports below 1024 need privileges): pick another port with --port (or TRIBUTARY_PORT)`, { cause: e });
  if (code === 'EADDRNOTAVAIL') return new Error(`Cannot listen on ${where} (EADDRNOTAVAIL: [${o.host}] is not an address of this machine); check --host (or TRIBUTARY_HOST)`, { cause: e });
  return e;
}
