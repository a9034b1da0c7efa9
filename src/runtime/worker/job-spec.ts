/**
 * What a claimed job says about its sync, read from the job's connector snapshot
 * (connector-api.md §7.1): target index, pipeline, active filtering, cursor. Pure.
 */
import type { FilteringRules } from '../../domain/connector/filtering.js';
import type { ConfigValues, SourceFactory } from '../../sources/source.js';
import { configValues } from '../../sources/source.js';
import type { SyncSpec } from '../sync/pipeline.js';
import type { SyncJob } from '../../domain/sync-job/document.js';

type RulesSnapshot = Partial<Pick<FilteringRules, 'rules' | 'advanced_snippet'>>;

/** The active FilteringRules, whether the snapshot holds them directly (9.x) or wrapped. */
export function activeFiltering(filtering: unknown): RulesSnapshot {
  let f = filtering;
  if (Array.isArray(f)) f = f[0];
  if (f && typeof f === 'object' && 'active' in f) f = (f as { active: unknown }).active;
  return (f && typeof f === 'object' ? f : {}) as RulesSnapshot;
}

export function isEmptyRules(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

export function jobConfig(job: SyncJob): ConfigValues {
  return configValues(job.connector.configuration ?? {});
}

export function syncSpec(job: SyncJob, factory: SourceFactory): SyncSpec {
  const c = job.connector;
  const index = c.index_name;
  if (!index) throw new Error(`Connector [${c.id}] has no index_name: set it with PUT _connector/${c.id}/_index_name, then sync again`);
  const f = activeFiltering(c.filtering);
  const rules = factory.features.sync_rules.basic
    ? (f.rules ?? []).map((r) => ({ id: r.id, field: r.field, policy: r.policy, rule: r.rule, value: r.value, order: r.order }))
    : [];
  const advancedRules = f.advanced_snippet?.value ?? {};
  if (!factory.features.sync_rules.advanced && !isEmptyRules(advancedRules)) {
    throw new Error(`Source [${factory.serviceType}] has no advanced sync rules, but the active filtering has some: remove them (PUT _connector/${c.id}/_filtering) and sync again`);
  }
  return {
    jobType: job.job_type,
    serviceType: factory.serviceType,
    index,
    language: c.language ?? null,
    pipeline: {
      extract_binary_content: c.pipeline?.extract_binary_content ?? true,
      reduce_whitespace: c.pipeline?.reduce_whitespace ?? true,
    },
    // Access-control documents are not run through the content pipeline (as in Elastic's service).
    ingestPipeline: job.job_type === 'access_control' ? null : (c.pipeline?.name ?? null),
    rules,
    advancedRules,
    syncCursor: c.sync_cursor ?? null,
  };
}
