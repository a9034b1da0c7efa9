/**
 * What the steps of the lifecycle replay (lifecycle.case.ts) share: the server, the two
 * modelled service instances, the ids the steps create, and the source data they sync.
 */
import type { LifecycleServer } from './lifecycle-server.js';
import { CONNECTORS, JOBS, ServiceInstance, type SourceDoc, type SyncStats } from './service-instance.js';

/** The version of the service replayed (the preflight check compares it with `GET /`). */
export const SERVICE_VERSION = '9.4.0';
/** What a source's `get_simple_configuration()` gives (two fields of the MongoDB source's shape). */
export const SIMPLE_CONFIG = {
  host: { display: 'text', label: 'Server hostname', order: 1, required: true, sensitive: false, type: 'str', value: '', default_value: null, depends_on: [], options: [], tooltip: null, ui_restrictions: [], validations: [] },
  password: { display: 'text', label: 'Password', order: 2, required: false, sensitive: true, type: 'str', value: '', default_value: null, depends_on: [], options: [], tooltip: null, ui_restrictions: [], validations: [] },
};
/** The source's `features()`. */
export const FEATURES = { sync_rules: { basic: { enabled: true }, advanced: { enabled: false } }, incremental_sync: { enabled: true } };
/** The timestamp of the documents of the first sync. */
export const FIRST_TS = '2026-01-01T00:00:00.000000+00:00';

/** `n` source documents `doc-<i>`, with a timestamp per document (`bump` changes some). */
export function sourceDocs(n: number, ts: string, bump: (i: number) => boolean = () => false, later = ts): SourceDoc[] {
  return Array.from({ length: n }, (_, i) => ({ _id: `doc-${i}`, _timestamp: bump(i) ? later : ts, title: `Document ${i}`, body: `text of document ${i}`, size: i }));
}

export class Replay {
  srv!: LifecycleServer;
  /** `feature_use_connectors_api` off: `_update` and `_doc` on the system indices. */
  a!: ServiceInstance;
  /** `feature_use_connectors_api` on: the Connector API. */
  b!: ServiceInstance;
  /** The connector the CLI creates (its id is generated). */
  cliId = '';
  readonly ids = { native: 'native-mongo', unsupported: 'native-notion', gone: 'native-gone', orphanSrc: 'custom-orphan' };
  /** The scheduled full sync the two instances race for. */
  fullJobId = '';
  lastStats!: SyncStats;
  readonly started = Date.now();

  constructor(readonly store: string, readonly secured: boolean) {}

  async open(start: () => Promise<LifecycleServer>): Promise<void> {
    this.srv = await start();
    const cfg = { nativeServiceTypes: ['mongodb'], connectorIds: [] as string[], version: SERVICE_VERSION };
    this.a = new ServiceInstance(this.srv.url, { ...cfg, hostname: 'service-a', useConnectorsApi: false }, this.srv.auth);
    this.b = new ServiceInstance(this.srv.url, { ...cfg, hostname: 'service-b', useConnectorsApi: true }, this.srv.auth);
  }

  async close(): Promise<void> {
    await this.a?.close();
    await this.b?.close();
    await this.srv?.close();
  }

  /** A person with Kibana or curl: the Connector API. */
  user() {
    return this.a.py.es;
  }

  connector(id: string) {
    return this.a.reload(CONNECTORS, id);
  }

  job(id: string) {
    return this.a.reload(JOBS, id);
  }
}
