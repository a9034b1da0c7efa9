/**
 * Builds the application context of one process: opens the state store (SQLite under the
 * data directory by default, PostgreSQL when a URL is given), the node identity, security.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AppContext, NodeIdentity } from '../api/app-context.js';
import { openSecurity, type SecurityPort } from '../security/port.js';
import { ContentIndex } from '../content-index/content-index.js';
import type { SearchLimits } from '../content-index/read-pool.js';
import { systemClock } from '../domain/shared/clock.js';
import { createPrivateFile, makeDataDir, tightenDataDir } from './data-dir.js';
import { ProcessMetrics } from './metrics.js';
import type { SecurityConfig } from '../security/config.js';
import { createCodec, loadKeyring } from '../security/secret-codec.js';
import { sealSensitiveValues } from '../security/sensitive-config.js';
import { createSecurity } from '../security/security.js';
import { openPostgres, postgresSchemes } from '../store/postgres/register.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/store.js';
import { DEFAULT_VERSION } from '../config/compatibility.js';


export interface AppOptions {
  /** `GET /`'s `version.number` (config `compatibility.version`); default `DEFAULT_VERSION`. */
  version?: string;
  dataDir: string;
  /** `postgres://…` selects the PostgreSQL store; absent = SQLite in `dataDir`. */
  storeUrl?: string;
  security?: SecurityPort;
  /** The config file's `security` section; when enabled (and `security` is not given) it builds the port. */
  securityConfig?: SecurityConfig;
  /** Default: AES-256-GCM with the key from TRIBUTARY_SECRET_KEY or `<dataDir>/secret.key`. */
  secretCodec?: AppContext['secretCodec'];
  /** Opens the embedded content index in this file (created private), with its search threads. */
  contentIndex?: { file: string; search?: Partial<SearchLimits> };
  /** The process's metrics registry (docs/operations.md); default: a new one without process metrics. */
  metrics?: ProcessMetrics;
}

/** Elasticsearch-style 20-character URL-safe ids. */
export function newId(): string {
  return randomBytes(15).toString('base64url');
}

/**
 * `<data>/node.json`, created on first start. Processes that share a folder (PostgreSQL state,
 * external content target: docs/runtime.md "One data folder per server") may start at once, so it
 * is written whole under a temporary name and linked into place (link fails if another process
 * won: its file is used). Nobody reads a half-written file or picks a second uuid.
 */
function loadIdentity(dataDir: string, version: string): NodeIdentity {
  const file = join(dataDir, 'node.json');
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ cluster_uuid: randomUUID().replace(/-/g, '').slice(0, 22) }) + '\n', { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
  }
  const uuid: string = JSON.parse(readFileSync(file, 'utf8')).cluster_uuid;
  return { name: hostname(), clusterName: 'tributary', clusterUuid: uuid, version };
}

/** SQLite under the data directory by default; `postgres://` / `postgresql://` URLs select PostgreSQL. */
export async function openStore(opts: Pick<AppOptions, 'dataDir' | 'storeUrl'>): Promise<Store> {
  if (!opts.storeUrl) return openSqliteStore(opts.dataDir);
  const scheme = opts.storeUrl.split(':')[0];
  if (!(postgresSchemes as readonly string[]).includes(scheme)) {
    throw new Error(`Unsupported store URL scheme [${scheme}]: use postgres://user@host:5432/db, or omit --store for SQLite`);
  }
  return openPostgres(opts.storeUrl);
}

export async function openApp(opts: AppOptions): Promise<AppContext> {
  makeDataDir(opts.dataDir);
  // Private data directory (data-dir.ts): looser modes left by older versions are tightened.
  const notices = tightenDataDir(opts.dataDir);
  if (!opts.storeUrl && opts.dataDir !== ':memory:') createPrivateFile(join(opts.dataDir, 'state.db'));
  const secretCodec = opts.secretCodec ?? createCodec(loadKeyring(opts.dataDir));
  // Sensitive configuration values are encrypted at rest (security/sensitive-config.ts).
  const store = sealSensitiveValues(await openStore(opts), secretCodec);
  const security =
    opts.security ??
    (opts.securityConfig?.enabled
      ? createSecurity(opts.securityConfig, {
          apiKeyStore: store.apiKeys,
          apiKeysUnavailable: `API keys are not available with the [${store.kind}] state store yet`,
        })
      : openSecurity);
  const closers: AppContext['closers'] = [() => store.close()];
  let contentIndex: ContentIndex | undefined;
  if (opts.contentIndex) {
    try {
      createPrivateFile(opts.contentIndex.file);
      contentIndex = new ContentIndex(opts.contentIndex.file, { search: opts.contentIndex.search });
      contentIndex.startSearchThreads();
    } catch (e) {
      await store.close();
      throw e;
    }
    const index = contentIndex;
    closers.push(() => index.close());
  }
  const metrics = opts.metrics ?? new ProcessMetrics();
  const app: AppContext = {
    store,
    contentIndex,
    clock: systemClock,
    newId,
    security,
    identity: loadIdentity(opts.dataDir, opts.version ?? DEFAULT_VERSION),
    secretCodec,
    notices,
    metrics,
    closers,
  };
  metrics.watchApp(app);
  return app;
}
