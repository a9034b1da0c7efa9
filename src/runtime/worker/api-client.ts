/**
 * The worker's only way to connectors and jobs: the Connector API through the official
 * `@elastic/elasticsearch` client (`connector.*`, plus `update` on the connector system
 * indices for what no endpoint does: finishing, suspending and cancelling jobs, `sync_now`).
 * So the same worker runs against Tributary (in-process over loopback, or remote) and against
 * an Elasticsearch 9.x cluster. Missing documents come back as null, lost claims as false.
 */
import { Client, type estypes } from '@elastic/elasticsearch';
import { CONNECTORS_INDEX, type Configuration, type Connector, type ConnectorFeatures, type LastSyncFields } from '../../domain/connector/document.js';
import type { ConnectorStatus, SyncJobType, SyncStatus, TriggerMethod } from '../../domain/connector/enums.js';
import type { ValidationInfo } from '../../domain/connector/filtering.js';
import { parseConfiguration } from '../../domain/connector/requests.js';
import { SYNC_JOBS_INDEX, type SyncJob, type SyncJobStats } from '../../domain/sync-job/document.js';

/** A partial document for `_update` (deep merge; null replaces). */
type Patch = Record<string, unknown>;

export interface ApiConnection {
  url: string;
  apiKey?: string;
  /** Accept self-signed certificates (loopback to our own TLS server). */
  insecureTls?: boolean;
  requestTimeoutMs?: number;
}

export function statusOf(err: unknown): number | undefined {
  return (err as { meta?: { statusCode?: number } })?.meta?.statusCode;
}

function reasonOf(err: unknown): string {
  const body = (err as { meta?: { body?: { error?: { reason?: string } } } })?.meta?.body;
  return body?.error?.reason ?? (err as Error)?.message ?? String(err);
}

/** What kept a request from reaching the server, in words (refused, timed out, TLS…). */
export function connectionProblem(err: unknown, timeoutMs?: number): string {
  const e = err as { name?: string; message?: string };
  const msg = e?.message ?? String(err);
  if (e?.name === 'TimeoutError') return `no answer${timeoutMs ? ` within ${timeoutMs / 1000} s` : ''} (${msg})`;
  if (/ECONNREFUSED/.test(msg)) return `connection refused (${msg})`;
  if (/ENOTFOUND|EAI_AGAIN/.test(msg)) return `unknown host (${msg})`;
  if (/self[- ]signed|certificate/i.test(msg)) return `TLS: ${msg} (pass --insecure to accept a self-signed certificate)`;
  return msg;
}

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

const PAGE = 100;

export class ConnectorApi {
  constructor(readonly client: Client) {}

  static connect(c: ApiConnection): ConnectorApi {
    return new ConnectorApi(
      new Client({
        node: c.url,
        ...(c.apiKey ? { auth: { apiKey: c.apiKey } } : {}),
        ...(c.insecureTls ? { tls: { rejectUnauthorized: false } } : {}),
        requestTimeout: c.requestTimeoutMs ?? 30_000,
        maxRetries: 3,
      }),
    );
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /**
   * Null when something answers HTTP at the URL within `timeoutMs` (any status: a 401 is a
   * server too), else why not: one attempt, no retries, so a refused connection is reported at
   * once instead of after the client's retries and back-off (several seconds, ~30 s at worst).
   */
  async unreachable(timeoutMs = 2_000): Promise<string | null> {
    try {
      await this.client.info(undefined, { maxRetries: 0, requestTimeout: timeoutMs });
      return null;
    } catch (err) {
      // Connection-level errors carry statusCode 0 (or none); any HTTP status means a server answered.
      if ((statusOf(err) ?? 0) > 0) return null;
      return connectionProblem(err, timeoutMs);
    }
  }

  async listConnectors(serviceTypes?: string[]): Promise<Connector[]> {
    const out: Connector[] = [];
    for (let from = 0; ; from += PAGE) {
      const r = await this.client.connector.list({ from, size: PAGE, ...(serviceTypes?.length ? { service_type: serviceTypes } : {}) });
      out.push(...r.results.map(asConnector));
      if (r.results.length < PAGE || out.length >= r.count) return out;
    }
  }

  /**
   * Connectors written after sequence number `afterSeqNo` (-1: all), oldest write first,
   * soft-deleted ones included, each with its `_seq_no`: a `_search` on the connector index
   * with a range on `_seq_no` sorted by it, in pages (api/system-index/seq-no-cursor.ts).
   * Null when the server refuses that query (a 4xx): the caller lists connectors instead.
   */
  async connectorChanges(afterSeqNo: number): Promise<{ connector: Connector; seqNo: number }[] | null> {
    const out: { connector: Connector; seqNo: number }[] = [];
    for (let after = afterSeqNo; ; ) {
      let r: estypes.SearchResponse<Record<string, unknown>>;
      try {
        r = await this.client.search<Record<string, unknown>>({
          index: CONNECTORS_INDEX, query: { range: { _seq_no: { gt: after } } }, sort: [{ _seq_no: 'asc' }], size: PAGE, seq_no_primary_term: true,
        });
      } catch (err) {
        const s = statusOf(err) ?? 0;
        if (s >= 400 && s < 500) return null;
        throw err;
      }
      for (const h of r.hits.hits) {
        if (h._id === undefined || typeof h._seq_no !== 'number' || !h._source) return null;
        out.push({ connector: { ...h._source, id: h._id } as Connector, seqNo: h._seq_no });
        after = Math.max(after, h._seq_no);
      }
      if (r.hits.hits.length < PAGE) return out;
    }
  }

  async getConnector(id: string): Promise<Connector | null> {
    const c = await orNull(this.client.connector.get({ connector_id: id }));
    return c && asConnector(c);
  }

  async checkInConnector(id: string): Promise<void> {
    await orNull(this.client.connector.checkIn({ connector_id: id }));
  }

  /**
   * Registers a source's schema on a connector whose configuration was empty when the loop read
   * it — only if it still is: a user (the web UI registers the schema with the values typed) may
   * have configured it since, and a plain `PUT _configuration` would replace those values with
   * the bare schema. The connector's numbers are read first (a no-op update answers them), the
   * configuration checked empty, then written under `if_seq_no`: a write in between is a 409.
   * False when someone else configured it (nothing written).
   */
  async registerConfiguration(id: string, schema: Configuration): Promise<boolean> {
    const now = await this.client.update({ index: CONNECTORS_INDEX, id, doc: {} });
    const current = await this.getConnector(id);
    if (!current || Object.keys(current.configuration ?? {}).length > 0) return false;
    // What `PUT _configuration` would store: the entries as the Connector API parses them, status configured.
    const parsed = parseConfiguration({ configuration: schema });
    const configuration = parsed.kind === 'schema' ? parsed.configuration : schema;
    try {
      await this.client.update({ index: CONNECTORS_INDEX, id, doc: { configuration, status: 'configured' }, if_seq_no: now._seq_no, if_primary_term: now._primary_term });
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  async setFeatures(id: string, features: ConnectorFeatures): Promise<void> {
    await this.client.connector.updateFeatures({ connector_id: id, features });
  }

  async setStatus(id: string, status: ConnectorStatus): Promise<void> {
    await this.client.connector.updateStatus({ connector_id: id, status });
  }

  /** `_error`: a message sets status `error`; null sets `connected` (connector-api.md §6.15). */
  async setError(id: string, error: string | null): Promise<void> {
    // The client types `error` as a string; null is what Elasticsearch documents for clearing it.
    await this.client.connector.updateError({ connector_id: id, error: error as string });
  }

  async setFilteringValidation(id: string, validation: ValidationInfo): Promise<void> {
    await this.client.connector.updateFilteringValidation({ connector_id: id, validation });
  }

  async activateFiltering(id: string): Promise<void> {
    await this.client.connector.updateActiveFiltering({ connector_id: id });
  }

  async setLastSync(id: string, fields: LastSyncFields): Promise<void> {
    // The client types the errors as strings; Elasticsearch takes null too (it clears them).
    await this.client.connector.lastSync({ connector_id: id, ...fields } as estypes.ConnectorLastSyncRequest);
  }

  /** Partial update of the connector document (deep merge; null replaces). */
  async updateConnectorDoc(id: string, doc: Patch): Promise<void> {
    await this.client.update({ index: CONNECTORS_INDEX, id, doc });
  }

  async listJobs(q: { status: SyncStatus; connectorId?: string; jobTypes?: SyncJobType[] }): Promise<SyncJob[]> {
    const out: SyncJob[] = [];
    for (let from = 0; ; from += PAGE) {
      const r = await this.client.connector.syncJobList({
        from, size: PAGE, status: q.status,
        ...(q.connectorId ? { connector_id: q.connectorId } : {}),
        ...(q.jobTypes ? { job_type: q.jobTypes } : {}),
      });
      out.push(...r.results.map(asSyncJob));
      if (r.results.length < PAGE || out.length >= r.count) return out;
    }
  }

  async getJob(id: string): Promise<SyncJob | null> {
    const j = await orNull(this.client.connector.syncJobGet({ connector_sync_job_id: id }));
    return j && asSyncJob(j);
  }

  async createJob(connectorId: string, jobType: SyncJobType, trigger: TriggerMethod): Promise<string> {
    const r = await this.client.connector.syncJobPost({ id: connectorId, job_type: jobType, trigger_method: trigger });
    return r.id;
  }

  /** True when this worker won the job; false when another did or it is no longer claimable. */
  async claimJob(id: string, workerHostname: string, syncCursor?: Record<string, unknown> | null): Promise<boolean> {
    try {
      await this.client.connector.syncJobClaim({
        connector_sync_job_id: id, worker_hostname: workerHostname, ...(syncCursor ? { sync_cursor: syncCursor } : {}),
      });
      return true;
    } catch (err) {
      const s = statusOf(err);
      if (s === 409 || s === 400 || s === 404) return false;
      throw err;
    }
  }

  /** False when the job no longer exists. */
  async checkInJob(id: string): Promise<boolean> {
    return (await orNull(this.client.connector.syncJobCheckIn({ connector_sync_job_id: id }))) !== null;
  }

  async updateStats(id: string, body: SyncJobStats): Promise<void> {
    await orNull(this.client.connector.syncJobUpdateStats({ connector_sync_job_id: id, ...body }));
  }

  /** Partial update of the job document; a status change is checked against §7.2 (400 if invalid). */
  async updateJobDoc(id: string, doc: Patch): Promise<void> {
    await this.client.update({ index: SYNC_JOBS_INDEX, id, doc });
  }

  async cancelJob(id: string): Promise<void> {
    await this.client.connector.syncJobCancel({ connector_sync_job_id: id });
  }
}

export { reasonOf };

/**
 * The client's response types, read as the wire documents. They describe the same JSON; the
 * client's are looser in places (an optional `id`, `any` cursors) and stricter in others
 * (no null where Elasticsearch writes one), hence a checked cast per document (TypeScript
 * still refuses unrelated shapes), not a blanket `unknown` cast of the whole response.
 */
function asConnector(c: estypes.ConnectorConnector): Connector {
  return c as Connector;
}

function asSyncJob(j: estypes.ConnectorConnectorSyncJob): SyncJob {
  return j as SyncJob;
}
