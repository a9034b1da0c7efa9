/**
 * Connector bootstrap and draft filtering (runtime.md "Protocol", "Sync rules"), one
 * connector at a time, each step one Connector API call:
 *
 *   empty configuration → `_configuration` with the source's schema (which sets configured)
 *     → `_status` needs_configuration while a required field has no value (so a client that
 *     waits for needs_configuration always finds the schema in place); `_features` whenever
 *     they differ from the source's
 *   needs_configuration with every required value → `_status` configured
 *   configured / error → source ping → `_status` connected (or `_error` null) | `_error` msg
 *   draft filtering `edited` → basic rules (validateBasicRules) + advanced rules (the source)
 *     → `_filtering/_validation` → `_filtering/_activate` when valid
 */
import { deepEqual } from '../../domain/shared/json.js';
import type { Logger } from '../../domain/shared/logger.js';
import type { FilteringRules } from '../../domain/connector/filtering.js';
import { validateBasicRules } from '../../domain/sync-rules.js';
import { configValues, SourceConfigError, SourceError, type Source, type SourceFactory, type SourcePolicy } from '../../sources/source.js';
import type { Connector, ConnectorFeatures } from '../../domain/connector/document.js';
import type { ConnectorApi } from './api-client.js';
import { isEmptyRules } from './job-spec.js';

/** Default of the worker's `connector_timeout`: how long one source check may take. */
export const DEFAULT_CONNECTOR_TIMEOUT_MS = 30_000;

/**
 * Required fields without a value. A field whose `depends_on` is not met (another field's value
 * hides it, e.g. github's `host` while `data_source` is github_cloud) is not required, as in
 * Elastic's connector framework and Kibana.
 */
export function missingRequired(c: Pick<Connector, 'configuration'>): string[] {
  const conf = c.configuration ?? {};
  const valueOf = (k: string) => conf[k]?.value ?? conf[k]?.default_value ?? null;
  const shown = (deps: { field: string; value: unknown }[] | undefined) => (deps ?? []).every((d) => String(valueOf(d.field)) === String(d.value));
  return Object.entries(conf)
    .filter(([, e]) => e?.required && shown(e.depends_on) && isBlank(e.value ?? e.default_value))
    .map(([k, e]) => `${k} (${e.label ?? k})`);
}

function isBlank(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

export function featuresOf(f: SourceFactory): ConnectorFeatures {
  return {
    document_level_security: { enabled: f.features.document_level_security },
    incremental_sync: { enabled: f.features.incremental_sync },
    sync_rules: { advanced: { enabled: f.features.sync_rules.advanced }, basic: { enabled: f.features.sync_rules.basic } },
  };
}

/**
 * Runs one call to a source within `ms`; past it, closes the source (which stops its
 * in-flight work: a socket that accepts and never answers, a slow statement) and rejects
 * with a SourceError saying so. A connector's round never waits on a source for longer.
 */
export async function withinTime<T>(what: string, ms: number, source: Source, call: () => Promise<T>, log: Logger, stop?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  const giveUp = (reject: (e: unknown) => void, err: Error) => {
    source.close().catch((e) => log.warn(`${what}: closing the source failed: ${(e as Error)?.message ?? e}`));
    reject(err);
  };
  try {
    return await Promise.race([
      call(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => giveUp(reject, new SourceError(`${what} did not answer within ${ms / 1000} s; check the host, the port and that the service responds (worker setting connector_timeout)`)),
          ms,
        );
        if (stop) {
          onStop = () => giveUp(reject, new Error('the worker is stopping'));
          if (stop.aborted) onStop();
          else stop.addEventListener('abort', onStop, { once: true });
        }
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onStop) stop?.removeEventListener('abort', onStop);
  }
}

/** The connector error of a failed source check: an invalid configuration, or no connection. */
export function sourceCheckMessage(f: SourceFactory, err: unknown): string {
  const m = (err as Error)?.message ?? String(err);
  return err instanceof SourceConfigError ? `Invalid ${f.displayName} configuration: ${m}` : `${f.displayName} source cannot connect: ${m}`;
}

/** Returns the status the connector ends with. */
export async function bootstrapConnector(
  api: ConnectorApi, c: Connector, f: SourceFactory, log: Logger, policy?: SourcePolicy, timeoutMs = DEFAULT_CONNECTOR_TIMEOUT_MS, stop?: AbortSignal,
): Promise<string> {
  let status = c.status;
  if (Object.keys(c.configuration ?? {}).length === 0) {
    if (await api.registerConfiguration(c.id, f.configSchema())) {
      c = { ...c, configuration: f.configSchema() };
      status = 'configured';
      log.info(`connector [${c.id}]: registered the ${f.displayName} configuration schema`);
      if (missingRequired(c).length) {
        await api.setStatus(c.id, 'needs_configuration');
        status = 'needs_configuration';
      }
    } else {
      // Configured by someone else since the loop read it: go on with what they wrote.
      const now = await api.getConnector(c.id);
      if (!now) return status;
      c = now;
      status = c.status;
    }
  }
  const features = featuresOf(f);
  if (!c.features || !deepEqual(pick(c.features, features), features)) await api.setFeatures(c.id, features);

  if (status === 'needs_configuration' && missingRequired(c).length === 0) {
    await api.setStatus(c.id, 'configured');
    status = 'configured';
  }
  if (status === 'configured' || status === 'error') {
    const source = f.create(configValues(c.configuration), policy);
    try {
      await withinTime(`The ${f.displayName} source`, timeoutMs, source, () => source.ping(), log, stop);
      if (status === 'error') await api.setError(c.id, null);
      else await api.setStatus(c.id, 'connected');
      status = 'connected';
      log.info(`connector [${c.id}]: connected`);
    } catch (err) {
      if (stop?.aborted) throw err; // stopping: not the source's fault, leave the connector as it is
      const msg = sourceCheckMessage(f, err);
      if (c.error !== msg) await api.setError(c.id, msg);
      status = 'error';
    } finally {
      await source.close().catch((e) => log.warn(`connector [${c.id}]: closing the source failed: ${(e as Error)?.message ?? e}`));
    }
  }
  return status;
}

function pick<T extends object>(have: T, like: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(like) as (keyof T)[]) out[k] = have[k];
  return out;
}

/** Validates an `edited` draft and activates it when valid. */
export async function validateDraft(
  api: ConnectorApi, c: Connector, f: SourceFactory, log: Logger, policy?: SourcePolicy, timeoutMs = DEFAULT_CONNECTOR_TIMEOUT_MS, stop?: AbortSignal,
): Promise<void> {
  // Partial: read over the wire, where a hand-written document may lack any part.
  const draft: Partial<FilteringRules> | undefined = c.filtering?.[0]?.draft;
  if (!draft || draft.validation?.state !== 'edited') return;
  const errors = validateBasicRules(draft.rules ?? []);
  const advanced = draft.advanced_snippet?.value;
  if (!isEmptyRules(advanced)) {
    if (!f.features.sync_rules.advanced) {
      errors.push({ ids: ['advanced_snippet'], messages: [`${f.displayName} has no advanced sync rules; remove the advanced snippet`] });
    } else {
      const source = f.create(configValues(c.configuration), policy);
      try {
        const v = (await withinTime(`The ${f.displayName} source`, timeoutMs, source, async () => source.validateAdvancedRules?.(advanced), log, stop)) ?? { valid: true, messages: [] };
        if (!v.valid) errors.push({ ids: ['advanced_snippet'], messages: v.messages });
      } finally {
        await source.close().catch((e) => log.warn(`connector [${c.id}]: closing the source failed: ${(e as Error)?.message ?? e}`));
      }
    }
  }
  const state = errors.length ? 'invalid' : 'valid';
  await api.setFilteringValidation(c.id, { state, errors });
  if (state === 'valid') await api.activateFiltering(c.id);
  log.info(`connector [${c.id}]: draft filtering ${state}${state === 'valid' ? ' and activated' : ''}`);
}
