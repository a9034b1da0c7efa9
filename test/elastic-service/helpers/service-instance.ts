/**
 * One instance of Elastic's Python connector service, as a sequence of the requests its
 * services send (connectors/protocol/connectors.py, services/job_scheduling.py,
 * services/job_execution.py, services/job_cleanup.py, es/sink.py), with its configuration:
 * a hostname, the native service types and the connector ids it runs, and
 * `elasticsearch.feature_use_connectors_api` (on: check-in, job creation, claim and stats go
 * through the Connector API; off: through `_update` and `_doc` on the system indices).
 */
import { isoUtc, PythonClient, statusOf, type Credentials, type Hit } from './python-client.js';

export const CONNECTORS = '.elastic-connectors';
export const JOBS = '.elastic-connectors-sync-jobs';
/** `IDLE_JOBS_THRESHOLD` of connectors.py, in seconds. */
export const IDLE_JOBS_THRESHOLD = 300;
/** What `filter_ingestion_stats` lets through. */
const STATS_KEYS = ['indexed_document_count', 'indexed_document_volume', 'deleted_document_count', 'total_document_count'];

export interface InstanceConfig {
  hostname: string;
  useConnectorsApi: boolean;
  nativeServiceTypes: string[];
  connectorIds: string[];
  /** `connectors[].api_key` of the service's config, by connector id. */
  apiKeys?: Record<string, string>;
  /** The service's own version (the preflight check compares it with `GET /`). */
  version: string;
}

/** A document a source yields: `_id`, `_timestamp` and its fields. */
export interface SourceDoc {
  _id: string;
  _timestamp: string;
  [field: string]: unknown;
}

export interface SyncStats {
  indexed_document_count: number;
  /** Bulk item results `created` and `updated` (an index operation on an existing id). */
  created: number;
  updated: number;
  indexed_document_volume: number;
  deleted_document_count: number;
  bulkRequests: number;
  scrollPages: number;
  scrollCleared: boolean;
}

/** `PreflightCheck._versions_compatible`: same major, server minor not older. */
export function versionsCompatible(es: string, service: string): boolean {
  const [eMaj, eMin] = es.split('-')[0]!.split('.').map(Number);
  const [sMaj, sMin] = service.split('+')[0]!.split('.').map(Number);
  return eMaj === sMaj && eMin! >= sMin!;
}

export class ServiceInstance {
  readonly py: PythonClient;

  constructor(readonly url: string, readonly cfg: InstanceConfig, auth?: Credentials) {
    this.py = new PythonClient(url, auth);
  }

  close(): Promise<void> {
    return this.py.close();
  }

  /** preflight_check.py: `GET /`, then `ensure_exists` of the concrete system indices (HEAD, create when missing). */
  async preflight(): Promise<{ version: string; compatible: boolean; created: string[] }> {
    const info = await this.py.es.info();
    const created: string[] = [];
    for (const index of [`${CONNECTORS}-v1`, `${JOBS}-v1`]) {
      if (!(await this.py.es.indices.exists({ index }))) {
        await this.py.es.indices.create({ index });
        created.push(index);
      }
    }
    return { version: info.version.number, compatible: versionsCompatible(info.version.number, this.cfg.version), created };
  }

  /** `ConnectorIndex.supported_connectors`: the native types' connectors and the configured ids, never deleted ones. */
  supportedConnectors(native = this.cfg.nativeServiceTypes, ids = this.cfg.connectorIds): Promise<Hit[]> {
    const nativeQuery = { bool: { must_not: [{ term: { deleted: true } }], filter: [{ term: { is_native: true } }, { terms: { service_type: native } }] } };
    const customQuery = { bool: { must_not: [{ term: { deleted: true } }], filter: [{ terms: { _id: ids } }] } };
    const query = native.length && ids.length ? { bool: { should: [nativeQuery, customQuery] } } : native.length ? nativeQuery : customQuery;
    return this.py.getAllDocs(CONNECTORS, query);
  }

  /** `ConnectorIndex.all_connectors` (match_all). */
  allConnectors(): Promise<Hit[]> {
    return this.py.getAllDocs(CONNECTORS);
  }

  /** `Connector.reload` / `SyncJob.reload`. */
  reload(index: string, id: string): Promise<Hit> {
    return this.py.get(index, id);
  }

  /**
   * `BaseService._override_es_config`: a connector configured with an `api_key` in the
   * service's `connectors:` list is synced with that key instead of the service's credentials.
   * Returns an instance with that key, or this one when the connector has none.
   */
  forConnector(connectorId: string): ServiceInstance {
    const apiKey = this.cfg.apiKeys?.[connectorId];
    return apiKey ? new ServiceInstance(this.url, this.cfg, { apiKey }) : this;
  }

  /** `ConnectorIndex.heartbeat`. */
  async heartbeat(connectorId: string): Promise<void> {
    if (this.cfg.useConnectorsApi) await this.py.es.connector.checkIn({ connector_id: connectorId });
    else await this.py.update(CONNECTORS, connectorId, { last_seen: isoUtc() });
  }

  /**
   * `Connector.prepare` under `with_concurrency_control`: reload, and when the configuration
   * is empty write the source's default configuration and `needs_configuration` (and the
   * source's features for the configured connector), conditional on the numbers read; a 409
   * reloads and tries again. Returns the number of attempts and whether it wrote.
   */
  async prepare(connectorId: string, simpleConfig: Record<string, unknown>, features: Record<string, unknown>, stale?: Hit): Promise<{ attempts: number; wrote: boolean }> {
    for (let attempts = 1; attempts <= 3; attempts++) {
      const fresh = await this.reload(CONNECTORS, connectorId);
      const seen = attempts === 1 && stale ? stale : fresh;
      const src = seen._source;
      const doc: Record<string, unknown> = {};
      if (!src.configuration || Object.keys(src.configuration).length === 0) Object.assign(doc, { configuration: simpleConfig, status: 'needs_configuration' });
      if (this.cfg.connectorIds.includes(connectorId) && JSON.stringify(src.features ?? null) !== JSON.stringify(features)) doc.features = features;
      if (Object.keys(doc).length === 0) return { attempts, wrote: false };
      try {
        await this.py.update(CONNECTORS, connectorId, doc, seen);
        return { attempts, wrote: true };
      } catch (e) {
        if (statusOf(e) !== 409) throw e;
      }
    }
    throw new Error('prepare: still conflicting after 3 attempts');
  }

  /**
   * `Connector.validate_filtering` under `with_concurrency_control`: reload; a DEFAULT draft
   * in state `edited` is validated (here: valid when every rule has a known policy) and the
   * result written — through the Connector API (`_filtering/_validation`, then
   * `_filtering/_activate` when valid), or as the whole `filtering` list with the draft's
   * validation and, when valid, the draft copied to active, conditional on the numbers read.
   * Returns the state written, or null when there was nothing to validate.
   */
  async validateFiltering(connectorId: string): Promise<string | null> {
    const c = await this.reload(CONNECTORS, connectorId);
    const filtering = structuredClone(c._source.filtering ?? []) as any[];
    const entry = filtering.find((f) => f.domain === 'DEFAULT');
    if (entry?.draft?.validation?.state !== 'edited') return null;
    const rules = (entry.draft.rules ?? []) as { id: string; policy: string }[];
    const bad = rules.filter((r) => !['include', 'exclude'].includes(r.policy));
    const validation = { state: bad.length ? 'invalid' : 'valid', errors: bad.map((r) => ({ ids: [r.id], messages: ['unknown policy'] })) };
    if (this.cfg.useConnectorsApi) {
      await this.py.es.connector.updateFilteringValidation({ connector_id: connectorId, validation: validation as any });
      if (validation.state === 'valid') await this.py.es.connector.updateActiveFiltering({ connector_id: connectorId });
      return validation.state;
    }
    entry.draft.validation = validation;
    if (validation.state === 'valid') entry.active = entry.draft;
    await this.py.update(CONNECTORS, connectorId, { filtering }, c);
    return validation.state;
  }

  /** `Connector.connected` (the scheduler reached the source). */
  async connected(connectorId: string): Promise<void> {
    await this.py.update(CONNECTORS, connectorId, { status: 'connected', error: null });
  }

  /**
   * `JobSchedulingService._try_schedule_sync` for full syncs, woken at `thisWakeUp` after
   * `lastWakeUp`, under `with_concurrency_control`: reload; nothing when another instance
   * scheduled one after `lastWakeUp`; the next run after `lastWakeUp` (only the every-minute
   * cron `0 * * * * ?` here); nothing when it is later than `thisWakeUp`; else
   * `last_sync_scheduled_at` written conditionally on the numbers read (a 409 reloads and
   * checks again), then the job created (Connector API, or the whole document indexed into
   * the jobs index). `firstRead` stands for the first reload (two instances reading at once).
   * Returns the job id, or null, and the statuses of the conditional writes.
   */
  async schedule(connectorId: string, lastWakeUp: Date, thisWakeUp: Date, firstRead?: Hit): Promise<{ jobId: string | null; writes: number[] }> {
    const writes: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const c = attempt === 0 && firstRead ? firstRead : await this.reload(CONNECTORS, connectorId);
      const full = c._source.scheduling?.full ?? {};
      const last = c._source.last_sync_scheduled_at as string | null | undefined;
      if (last && new Date(last).getTime() > lastWakeUp.getTime()) return { jobId: null, writes };
      if (!full.enabled) return { jobId: null, writes };
      if (full.interval !== '0 * * * * ?') throw new Error(`this replay only knows the every-minute cron, not ${full.interval}`);
      const next = new Date(Math.floor(lastWakeUp.getTime() / 60_000) * 60_000 + 60_000);
      if (thisWakeUp.getTime() < next.getTime()) return { jobId: null, writes };
      try {
        await this.py.update(CONNECTORS, connectorId, { last_sync_scheduled_at: isoUtc(next) }, c);
        writes.push(200);
      } catch (e) {
        if (statusOf(e) !== 409) throw e;
        writes.push(409);
        continue;
      }
      return { jobId: await this.createJob(await this.reload(CONNECTORS, connectorId), 'scheduled', 'full'), writes };
    }
    throw new Error('schedule: still conflicting after 3 attempts');
  }

  /** `SyncJobIndex.create`. */
  async createJob(connector: Hit, triggerMethod: string, jobType: string): Promise<string> {
    if (this.cfg.useConnectorsApi) {
      return (await this.py.es.connector.syncJobPost({ id: connector._id, job_type: jobType as any, trigger_method: triggerMethod as any })).id;
    }
    const c = connector._source;
    const active = Array.isArray(c.filtering) ? c.filtering.find((f: any) => f.domain === 'DEFAULT')?.active : undefined;
    const res = await this.py.index(JOBS, {
      connector: {
        id: connector._id, filtering: active ? { rules: active.rules, advanced_snippet: active.advanced_snippet?.value ?? {} } : null,
        index_name: jobType === 'access_control' ? `.search-acl-filter-${c.index_name}` : c.index_name, language: c.language, pipeline: { name: 'search-default-ingestion', extract_binary_content: true, reduce_whitespace: true, run_ml_inference: true, ...c.pipeline },
        service_type: c.service_type, configuration: c.configuration,
      },
      trigger_method: triggerMethod, job_type: jobType, status: 'pending',
      indexed_document_count: 0, indexed_document_volume: 0, deleted_document_count: 0, created_at: isoUtc(), last_seen: isoUtc(),
    });
    if (res.status !== 201) throw new Error(`create job: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body._id;
  }

  /** `SyncJobIndex.pending_jobs`: pending or suspended jobs of these connectors and types, oldest first. */
  pendingJobs(connectorIds: string[], jobTypes: string[]): Promise<Hit[]> {
    const query = { bool: { must: [{ terms: { status: ['pending', 'suspended'] } }, { terms: { 'connector.id': connectorIds } }, { terms: { job_type: jobTypes } }] } };
    return this.py.getAllDocs(JOBS, query, [{ created_at: 'asc' }]);
  }

  /**
   * `SyncJobRunner.sync_starts` under `with_concurrency_control`: the connector reloaded
   * (`connector` is what this instance read first), a content sync already `in_progress` left
   * to the instance that started it, else `Connector.sync_starts` conditional on the numbers
   * read; a 409 reloads and checks again. Returns whether this instance started the sync and
   * the statuses of its attempts' writes.
   */
  async syncStarts(connector: Hit, jobType = 'full'): Promise<{ started: boolean; writes: number[] }> {
    const writes: number[] = [];
    const prefix = jobType === 'access_control' ? 'last_access_control_sync' : 'last_sync';
    let seen = connector;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) seen = await this.reload(CONNECTORS, connector._id);
      if (seen._source[`${prefix}_status`] === 'in_progress') return { started: false, writes };
      try {
        await this.py.update(CONNECTORS, connector._id, { status: 'connected', error: null, [`${prefix}_status`]: 'in_progress', [`${prefix}_error`]: null }, seen);
        writes.push(200);
        return { started: true, writes };
      } catch (e) {
        if (statusOf(e) !== 409) throw e;
        writes.push(409);
      }
    }
    throw new Error('sync_starts: still conflicting after 3 attempts');
  }

  /** `SyncJob.claim`. */
  async claim(jobId: string, syncCursor: Record<string, unknown> | null = null): Promise<void> {
    if (this.cfg.useConnectorsApi) {
      await this.py.es.connector.syncJobClaim({ connector_sync_job_id: jobId, worker_hostname: this.cfg.hostname, ...(syncCursor ? { sync_cursor: syncCursor } : {}) });
      return;
    }
    const now = isoUtc();
    await this.py.update(JOBS, jobId, { status: 'in_progress', started_at: now, last_seen: now, worker_hostname: this.cfg.hostname, 'connector.sync_cursor': syncCursor });
  }

  /**
   * `SyncOrchestrator.prepare_content_index`: `GET /<index>?ignore_unavailable=true`, and when
   * neither the index nor an alias of that name comes back, `PUT /<index>`. True if created.
   */
  async prepareContentIndex(index: string): Promise<boolean> {
    const got = (await this.py.es.indices.get({ index, ignore_unavailable: true })) as Record<string, { aliases?: Record<string, unknown> }>;
    if (got[index] || Object.values(got).some((d) => d.aliases && index in d.aliases)) return false;
    await this.py.es.indices.create({ index });
    return true;
  }

  /**
   * A sync through the `Extractor` and `Sink` of es/sink.py: the index prepared, the ids and
   * timestamps already in it (`async_scan`), then an `index` operation for every document the
   * source yields (an incremental sync skips those whose `_timestamp` is unchanged; an access
   * control sync skips them too, and sends an `update` with `doc_as_upsert` for the changed
   * ones) and a `delete` for every id it no longer yields, in `_bulk` requests of at most
   * `chunk` operations with `?pipeline=<the job's pipeline>`. The volume is in MiB, as the
   * service reports it.
   */
  async contentSync(job: Hit, docs: SourceDoc[], chunk = 500): Promise<SyncStats> {
    const index = job._source.connector.index_name as string;
    const pipeline = (job._source.connector.pipeline?.name as string | undefined) ?? 'search-default-ingestion';
    const accessControl = job._source.job_type === 'access_control';
    const skipUnchanged = job._source.job_type === 'incremental' || accessControl;
    await this.prepareContentIndex(index);
    const scan = await this.py.scan(index, ['id', '_timestamp']);
    const existing = new Map(scan.hits.map((h) => [(h._source?.id as string | undefined) ?? h._id, h._source?._timestamp as string | undefined]));
    const stats: SyncStats = {
      indexed_document_count: 0, indexed_document_volume: 0, deleted_document_count: 0, created: 0, updated: 0,
      bulkRequests: 0, scrollPages: scan.pages, scrollCleared: scan.cleared.body?.succeeded === true,
    };
    const ops: unknown[][] = [];
    for (const d of docs) {
      const ts = existing.get(d._id);
      const known = existing.delete(d._id);
      if (known && skipUnchanged && ts === d._timestamp) continue;
      const { _id, ...fields } = d;
      if (known && accessControl) ops.push([{ update: { _index: index, _id } }, { doc: { ...fields, id: _id }, doc_as_upsert: true }]);
      else ops.push([{ index: { _index: index, _id } }, { ...fields, id: _id }]);
    }
    for (const id of existing.keys()) ops.push([{ delete: { _index: index, _id: id } }]);
    let bytes = 0;
    for (let i = 0; i < ops.length; i += chunk) {
      const batch = ops.slice(i, i + chunk);
      const res = await this.py.bulk(batch.flat(), pipeline);
      stats.bulkRequests += 1;
      if (res.errors) throw new Error(`bulk errors: ${JSON.stringify(res.items.filter((it) => Object.values(it)[0]!.error).slice(0, 3))}`);
      for (const [k, item] of res.items.map((it) => Object.entries(it)[0]!)) {
        if (!['created', 'updated', 'deleted', 'noop'].includes(item.result!)) throw new Error(`bulk ${k} ${item._id}: ${item.result}`);
        if (k === 'delete') stats.deleted_document_count += 1;
        else stats.indexed_document_count += 1;
        if (item.result === 'created') stats.created += 1;
        if (item.result === 'updated') stats.updated += 1;
      }
      for (const op of batch) if (op.length === 2) bytes += JSON.stringify(op[1]).length;
    }
    stats.indexed_document_volume = Math.round(bytes / (1024 * 1024));
    return stats;
  }

  /** `SyncJob.update_metadata` (the periodic stats and `last_seen` of a running job). */
  async updateMetadata(jobId: string, stats: Partial<SyncStats>, metadata: Record<string, unknown> = {}): Promise<void> {
    const ingestion = Object.fromEntries(STATS_KEYS.filter((k) => k in stats).map((k) => [k, (stats as any)[k]]));
    if (this.cfg.useConnectorsApi) {
      await this.py.es.connector.syncJobUpdateStats({
        connector_sync_job_id: jobId, deleted_document_count: 0, indexed_document_count: 0, indexed_document_volume: 0, ...ingestion, metadata,
      } as any);
      return;
    }
    await this.py.update(JOBS, jobId, { last_seen: isoUtc(), ...ingestion, ...(Object.keys(metadata).length ? { metadata } : {}) });
  }

  /** `SyncJob._terminate` (done, fail, cancel, suspend). */
  async terminate(jobId: string, status: 'completed' | 'error' | 'canceled' | 'suspended', error: string | null = null, stats: Partial<SyncStats> = {}): Promise<void> {
    const now = isoUtc();
    const doc: Record<string, unknown> = { last_seen: now, status, error };
    if (status !== 'suspended') doc.completed_at = now;
    if (status === 'canceled') doc.canceled_at = now;
    for (const k of STATS_KEYS) if (k in stats) doc[k] = (stats as any)[k];
    await this.py.update(JOBS, jobId, doc);
  }

  /** `Connector.sync_done` for a content sync job (reloaded after its end). */
  async syncDone(connectorId: string, job: Hit | null, cursor: unknown = null): Promise<void> {
    const status = job?._source.status ?? 'error';
    let error = job ? (job._source.error ?? null) : "Couldn't find the job";
    if (error === null && status === 'error') error = 'unknown error';
    const prefix = job?._source.job_type === 'access_control' ? 'last_access_control_sync' : 'last_sync';
    const doc: Record<string, unknown> = { last_synced: isoUtc(), status: status === 'error' ? 'error' : 'connected', error, [`${prefix}_status`]: status, [`${prefix}_error`]: error };
    if (status === 'completed' && prefix === 'last_sync') doc.sync_cursor = cursor;
    if (job && ['error', 'completed', 'canceled'].includes(status)) {
      doc.last_indexed_document_count = job._source.indexed_document_count ?? 0;
      doc.last_deleted_document_count = job._source.deleted_document_count ?? 0;
    }
    await this.py.update(CONNECTORS, connectorId, doc);
  }

  /** `Connector.document_count`: refresh, then count, both ignoring a missing index. */
  async documentCount(index: string): Promise<number> {
    await this.py.es.indices.refresh({ index, ignore_unavailable: true });
    return (await this.py.es.count({ index, ignore_unavailable: true })).count;
  }

  /** `SyncJobIndex.idle_jobs`: running jobs of these connectors not seen for the threshold. */
  idleJobs(connectorIds: string[]): Promise<Hit[]> {
    return this.py.getAllDocs(JOBS, {
      bool: { filter: [{ terms: { 'connector.id': connectorIds } }, { terms: { status: ['in_progress', 'canceling'] } }, { range: { last_seen: { lte: `now-${IDLE_JOBS_THRESHOLD}s` } } }] },
    });
  }

  /** `SyncJobIndex.orphaned_idle_jobs`: running jobs whose connector is gone (`must_not` as an object, as sent). */
  orphanedIdleJobs(connectorIds: string[]): Promise<Hit[]> {
    return this.py.getAllDocs(JOBS, { bool: { must_not: { terms: { 'connector.id': connectorIds } }, filter: [{ terms: { status: ['in_progress', 'canceling'] } }] } });
  }
}
