/**
 * The worker's only way to connectors and jobs: the Connector API through the official
 * `@elastic/elasticsearch` client (`connector.*`, plus `update` on the connector system
 * indices for what no endpoint does: finishing, suspending and cancelling jobs, `sync_now`).
 * So the same worker runs against Tributary (in-process over loopback, or remote) and against
 * an Elasticsearch 9.x cluster. Missing documents come back as null, lost claims as false.
 */
import { Client } from '@elastic/elasticsearch';
import type { ConfigSchema } from '../../sources/source.js';

export const CONNECTORS_INDEX = '.elastic-connectors';
export const SYNC_JOBS_INDEX = '.elastic-connectors-sync-jobs';

export type JobType = 'full' | 'incremental' | 'access_control';
export type Doc = Record<string, unknown>;

export interface ConnectorDoc extends Doc {
  id: string;
  service_type?: string | null;
  index_name?: string | null;
  status: string;
  error?: string | null;
  configuration: Record<string, { value?: unknown; default_value?: unknown; required?: boolean; label?: string }>;
  features?: Doc | null;
  filtering?: { active: Doc; draft: Doc }[];
  scheduling?: Partial<Record<JobType, { enabled: boolean; interval: string }>>;
  sync_now?: boolean;
  sync_cursor?: Doc | null;
  last_sync_error?: string | null;
  last_access_control_sync_error?: string | null;
}

export interface SyncJobDoc extends Doc {
  id: string;
  status: string;
  job_type: JobType;
  trigger_method: string;
  created_at: string;
  last_seen?: string;
  worker_hostname?: string;
  connector: {
    id: string;
    service_type?: string | null;
    index_name?: string | null;
    language?: string | null;
    pipeline?: { extract_binary_content?: boolean; reduce_whitespace?: boolean; name?: string } | null;
    configuration?: ConnectorDoc['configuration'];
    filtering?: unknown;
    sync_cursor?: Doc | null;
  };
}

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

  async listConnectors(serviceTypes?: string[]): Promise<ConnectorDoc[]> {
    const out: ConnectorDoc[] = [];
    for (let from = 0; ; from += PAGE) {
      const r = await this.client.connector.list({ from, size: PAGE, ...(serviceTypes?.length ? { service_type: serviceTypes } : {}) });
      out.push(...(r.results as unknown as ConnectorDoc[]));
      if (r.results.length < PAGE || out.length >= r.count) return out;
    }
  }

  getConnector(id: string): Promise<ConnectorDoc | null> {
    return orNull(this.client.connector.get({ connector_id: id }) as unknown as Promise<ConnectorDoc>);
  }

  async checkInConnector(id: string): Promise<void> {
    await orNull(this.client.connector.checkIn({ connector_id: id }));
  }

  async registerConfiguration(id: string, schema: ConfigSchema): Promise<void> {
    await this.client.connector.updateConfiguration({ connector_id: id, configuration: schema as never });
  }

  async setFeatures(id: string, features: Doc): Promise<void> {
    await this.client.connector.updateFeatures({ connector_id: id, features: features as never });
  }

  async setStatus(id: string, status: string): Promise<void> {
    await this.client.connector.updateStatus({ connector_id: id, status: status as never });
  }

  /** `_error`: a message sets status `error`; null sets `connected` (connector-api.md §6.15). */
  async setError(id: string, error: string | null): Promise<void> {
    await this.client.connector.updateError({ connector_id: id, error: error as string });
  }

  async setFilteringValidation(id: string, validation: { state: string; errors: { ids: string[]; messages: string[] }[] }): Promise<void> {
    await this.client.connector.updateFilteringValidation({ connector_id: id, validation: validation as never });
  }

  async activateFiltering(id: string): Promise<void> {
    await this.client.connector.updateActiveFiltering({ connector_id: id });
  }

  async setLastSync(id: string, fields: Doc): Promise<void> {
    await this.client.connector.lastSync({ connector_id: id, ...(fields as object) } as never);
  }

  /** Partial update of the connector document (deep merge; null replaces). */
  async updateConnectorDoc(id: string, doc: Doc): Promise<void> {
    await this.client.update({ index: CONNECTORS_INDEX, id, doc });
  }

  async listJobs(q: { status: string; connectorId?: string; jobTypes?: JobType[] }): Promise<SyncJobDoc[]> {
    const out: SyncJobDoc[] = [];
    for (let from = 0; ; from += PAGE) {
      const r = await this.client.connector.syncJobList({
        from, size: PAGE, status: q.status as never,
        ...(q.connectorId ? { connector_id: q.connectorId } : {}),
        ...(q.jobTypes ? { job_type: q.jobTypes } : {}),
      });
      out.push(...(r.results as unknown as SyncJobDoc[]));
      if (r.results.length < PAGE || out.length >= r.count) return out;
    }
  }

  getJob(id: string): Promise<SyncJobDoc | null> {
    return orNull(this.client.connector.syncJobGet({ connector_sync_job_id: id }) as unknown as Promise<SyncJobDoc>);
  }

  async createJob(connectorId: string, jobType: JobType, trigger: 'on_demand' | 'scheduled'): Promise<string> {
    const r = await this.client.connector.syncJobPost({ id: connectorId, job_type: jobType, trigger_method: trigger });
    return r.id;
  }

  /** True when this worker won the job; false when another did or it is no longer claimable. */
  async claimJob(id: string, workerHostname: string, syncCursor?: Doc | null): Promise<boolean> {
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

  async updateStats(id: string, body: Doc): Promise<void> {
    await orNull(this.client.connector.syncJobUpdateStats({ connector_sync_job_id: id, ...(body as object) } as never));
  }

  /** Partial update of the job document; a status change is checked against §7.2 (400 if invalid). */
  async updateJobDoc(id: string, doc: Doc): Promise<void> {
    await this.client.update({ index: SYNC_JOBS_INDEX, id, doc });
  }

  async cancelJob(id: string): Promise<void> {
    await this.client.connector.syncJobCancel({ connector_sync_job_id: id });
  }
}

export { reasonOf };
