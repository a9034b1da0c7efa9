/**
 * The application context of one process: the store, the clock, id generation, security, the
 * server identity and the embedded content index. Built once per process by the composition
 * module (`src/app/open-app.ts`); every API endpoint receives it.
 */
import type { ContentIndex } from '../content-index/content-index.js';
import type { Clock } from '../domain/shared/clock.js';
import type { SecurityPort } from '../security/port.js';
import type { Store } from '../store/store.js';
import type { ServerMetrics } from './server-metrics.js';

export type { IndexAccess, IndexRestrictions, Principal, Restriction, SecurityPort } from '../security/port.js';

export interface NodeIdentity {
  name: string;
  clusterName: string;
  clusterUuid: string;
  version: string;
}

export interface AppContext {
  store: Store;
  clock: Clock;
  newId(): string;
  security: SecurityPort;
  identity: NodeIdentity;
  /** Secret values pass through these (encryption at rest); identity when not configured. */
  secretCodec: { encrypt(plain: string): string; decrypt(stored: string): string };
  /** Things the process should log once at start (data directory permissions changed, …). */
  notices?: string[];
  /** The embedded content index, when this process serves one. */
  contentIndex?: ContentIndex;
  /** Prometheus metrics of this process (`GET /_tributary/metrics`); absent = nothing recorded. */
  metrics?: ServerMetrics;
  /** Things to close on shutdown, in reverse order. */
  closers: (() => Promise<void> | void)[];
}

