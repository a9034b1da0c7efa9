/**
 * The one client of Tributary's HTTP API the UI uses (docs/ui.md): every call the pages make
 * goes through here, to the same origin, with the same endpoints other clients use
 * (docs/api.md). An error answer becomes an `ApiError` carrying Elasticsearch's `reason`.
 */
import { currentSession, reportUnauthorized, touchSession } from './session';
import type { Configuration, ConfigScalar, Connector, FilteringRule, HasPrivileges, JobType, Page, Scheduling, SearchResult, SourceType, SyncJob } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | string[] | undefined>;

function queryString(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** What a failed response says, as one sentence. */
function reasonOf(status: number, body: unknown): { type: string; reason: string } {
  const err = (body as { error?: unknown } | null)?.error;
  if (err && typeof err === 'object') {
    const e = err as { type?: string; reason?: string; root_cause?: { reason?: string }[]; caused_by?: { reason?: string } };
    const reason = e.reason ?? e.root_cause?.[0]?.reason ?? `HTTP ${status}`;
    // A parse failure names the field; the cause says what is wrong with it (a cron expression).
    const cause = e.caused_by?.reason;
    return { type: e.type ?? 'error', reason: cause && cause !== reason ? `${reason}: ${cause}` : reason };
  }
  if (typeof err === 'string') return { type: 'error', reason: err };
  return { type: 'error', reason: `HTTP ${status}` };
}

export async function call<T>(method: string, path: string, opts: { query?: Query; body?: unknown; signal?: AbortSignal; authorization?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const authorization = opts.authorization ?? currentSession()?.authorization;
  if (authorization) headers.authorization = authorization;
  const res = await fetch(path + queryString(opts.query), {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: 'same-origin',
    signal: opts.signal,
  });
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (res.status === 401 && !opts.authorization) reportUnauthorized();
  else if (res.ok && authorization) touchSession();
  if (!res.ok) {
    const { type, reason } = reasonOf(res.status, body);
    const hint = res.status === 401 ? ' (sign in: the API needs credentials)' : res.status === 403 ? ' (your user lacks the privilege for this)' : '';
    throw new ApiError(res.status, type, reason + hint);
  }
  return body as T;
}

const enc = encodeURIComponent;

export interface ListConnectorsQuery {
  from?: number;
  size?: number;
  query?: string;
  service_type?: string[];
}

export interface SearchConnectorsQuery extends ListConnectorsQuery {
  status?: string[];
}

/** `*`, `?` and `\\` taken literally in a wildcard pattern. */
const globEscape = (s: string) => s.replace(/[*?\\]/g, (c) => `\\${c}`);

/**
 * The `.elastic-connectors/_search` body of a connectors list filtered by status, type and
 * text, a page at a time, as Kibana reads its list: the same connectors, order and meaning of
 * `query` as `GET _connector` (live only, by index name; text a substring of name or index
 * name, or of the description ignoring ASCII case). The server answers this shape from its list
 * indexes (docs/ui.md).
 */
export function connectorSearchBody(q: SearchConnectorsQuery): Record<string, unknown> {
  const filter: unknown[] = [];
  if (q.status?.length) filter.push({ terms: { status: q.status } });
  if (q.service_type?.length) filter.push({ terms: { service_type: q.service_type } });
  if (q.query) {
    const p = `*${globEscape(q.query)}*`;
    filter.push({
      bool: {
        should: [{ wildcard: { name: p } }, { wildcard: { index_name: p } }, { wildcard: { description: { value: p, case_insensitive: true } } }],
        minimum_should_match: 1,
      },
    });
  }
  return { query: { bool: { filter, must_not: [{ term: { deleted: true } }] } }, sort: [{ index_name: 'asc' }], from: q.from ?? 0, size: q.size ?? 10 };
}

interface SearchHits<T> {
  hits: { total: { value: number; relation: string } | number; hits: { _id: string; _source: T }[] };
}

export const api = {
  /** Who these credentials are (`GET _security/_authenticate`); rejects on wrong ones. */
  authenticate: (authorization: string) => call<{ username: string; roles: string[] }>('GET', '/_security/_authenticate', { authorization }),
  listConnectors: (q: ListConnectorsQuery, signal?: AbortSignal) => call<Page<Connector>>('GET', '/_connector', { query: { ...q }, signal }),
  /** The connectors list through the system index, which can filter by status (`GET _connector` cannot). */
  searchConnectors: async (q: SearchConnectorsQuery, signal?: AbortSignal): Promise<Page<Connector>> => {
    const r = await call<SearchHits<Omit<Connector, 'id'>>>('POST', '/.elastic-connectors/_search', { body: connectorSearchBody(q), signal });
    const total = r.hits.total;
    return { count: typeof total === 'number' ? total : total.value, results: r.hits.hits.map((h) => ({ ...h._source, id: h._id }) as Connector) };
  },
  getConnector: (id: string, signal?: AbortSignal) => call<Connector>('GET', `/_connector/${enc(id)}`, { signal }),
  createConnector: (c: { id?: string; name: string; index_name: string; service_type: string; description?: string }) => {
    const { id, ...body } = c;
    return id ? call<{ result: string; id: string }>('PUT', `/_connector/${enc(id)}`, { body }) : call<{ result: string; id: string }>('POST', '/_connector', { body });
  },
  deleteConnector: (id: string) => call<{ acknowledged: boolean }>('DELETE', `/_connector/${enc(id)}`),
  /** Registers a whole configuration (schema and values): for a connector whose service has not registered one yet. */
  putConfiguration: (id: string, configuration: Configuration) => call<{ result: string }>('PUT', `/_connector/${enc(id)}/_configuration`, { body: { configuration } }),
  /** Sets values of registered fields only. */
  putConfigurationValues: (id: string, values: Record<string, ConfigScalar>) => call<{ result: string }>('PUT', `/_connector/${enc(id)}/_configuration`, { body: { values } }),
  /** Writes the given schedule types (`PUT _connector/<id>/_scheduling`); the server checks each cron. */
  putScheduling: (id: string, scheduling: Partial<Scheduling>) => call<{ result: string }>('PUT', `/_connector/${enc(id)}/_scheduling`, { body: { scheduling } }),
  /** Replaces the draft sync rules (state `edited`, for the connector service to validate). */
  putFilteringDraft: (id: string, draft: { rules?: FilteringRule[]; advanced_snippet?: { value: unknown } }) =>
    call<{ result: string }>('PUT', `/_connector/${enc(id)}/_filtering`, { body: draft }),
  /** Makes a validated draft the active sync rules. */
  activateFiltering: (id: string) => call<{ result: string }>('PUT', `/_connector/${enc(id)}/_filtering/_activate`),
  /** What the signed-in user may do (`POST _security/user/_has_privileges`). */
  hasPrivileges: (cluster: string[], signal?: AbortSignal) => call<HasPrivileges>('POST', '/_security/user/_has_privileges', { body: { cluster }, signal }),
  listSyncJobs: (q: { connector_id: string; from?: number; size?: number }, signal?: AbortSignal) => call<Page<SyncJob>>('GET', '/_connector/_sync_job', { query: q, signal }),
  startSync: (connectorId: string, jobType: JobType) => call<{ id: string }>('POST', '/_connector/_sync_job', { body: { id: connectorId, job_type: jobType, trigger_method: 'on_demand' } }),
  cancelSync: (jobId: string) => call<{ result: string }>('PUT', `/_connector/_sync_job/${enc(jobId)}/_cancel`),
  sourceTypes: (signal?: AbortSignal) => call<Page<SourceType>>('GET', '/_tributary/source_types', { signal }),
  search: async (index: string, q: { text: string; from: number; size: number }, signal?: AbortSignal): Promise<SearchResult> => {
    const query = q.text.trim() ? { simple_query_string: { query: q.text, default_operator: 'and' } } : { match_all: {} };
    const res = await call<{ hits: { total: { value: number } | number; hits: SearchResult['hits'] } }>('POST', `/${enc(index)}/_search`, {
      body: { query, from: q.from, size: q.size, track_total_hits: true, highlight: { fields: { '*': {} } } },
      signal,
    });
    const total = typeof res.hits.total === 'number' ? res.hits.total : res.hits.total.value;
    return { total, hits: res.hits.hits };
  },
};
