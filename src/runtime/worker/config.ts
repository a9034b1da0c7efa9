/**
 * The `worker` and `sources` sections of the YAML configuration file (src/config/ reads the
 * file once and hands each section here; flags win over the environment, which wins over the
 * file). Durations are Elasticsearch time values (`500ms`, `10s`, `5m`).
 * docs/configuration.md lists every key.
 *
 *   worker:
 *     api_key: <encoded API key>        # TRIBUTARY_WORKER_API_KEY; needed when security is on
 *     service_types: [directory]        # default: every source
 *     exclude_service_types: [mysql]    # served by another service (e.g. Elastic's)
 *     connector_ids: []                 # default: all connectors of those types
 *     concurrency: 2
 *     poll_interval: 10s                # connector loop
 *     connector_concurrency: 8          # connectors handled at once by the connector loop
 *     connector_timeout: 30s            # one source check (ping, rule validation)
 *     check_in_interval: 5m             # connector _check_in of a settled connector
 *     job_poll_interval: 2s
 *     heartbeat: 10s
 *     stale_after: 15s                  # default 1.5 × heartbeat
 *     cancel_poll: 1s
 *     shutdown_timeout: 20s
 *     source_idle_timeout: 5m
 *     max_document_bytes: 20971520
 */
import { isAbsolute } from 'node:path';
import { parseTimeValue } from '../../domain/shared/time-value.js';
import { compileAllowList } from '../../sources/shared/egress.js';
import type { SourcePolicy } from '../../sources/source.js';
import type { WorkerOptions } from './options.js';

export type WorkerSettings = Omit<WorkerOptions, 'api' | 'sink' | 'sources' | 'sourcePolicy' | 'log'> & { apiKey?: string };

const DURATIONS: Record<string, keyof WorkerSettings> = {
  poll_interval: 'pollIntervalMs',
  connector_timeout: 'connectorTimeoutMs',
  check_in_interval: 'checkInIntervalMs',
  job_poll_interval: 'jobPollIntervalMs',
  heartbeat: 'heartbeatMs',
  stale_after: 'staleAfterMs',
  cleanup_interval: 'cleanupIntervalMs',
  cancel_poll: 'cancelPollMs',
  shutdown_timeout: 'shutdownTimeoutMs',
};
/** Whole-number keys and their bounds (resolveOptions checks them again for direct callers). */
const COUNTS: Record<string, [min: number, max: number]> = {
  concurrency: [1, 1024],
  connector_concurrency: [1, 256],
  max_document_bytes: [1, Number.MAX_SAFE_INTEGER],
};
export const WORKER_KEYS = [
  'api_key', 'service_types', 'exclude_service_types', 'connector_ids', 'concurrency', 'poll_interval', 'connector_concurrency', 'connector_timeout',
  'check_in_interval', 'job_poll_interval', 'heartbeat', 'stale_after', 'cleanup_interval', 'cancel_poll', 'shutdown_timeout', 'source_idle_timeout',
  'max_document_bytes',
] as const;
const KEYS = new Set<string>(WORKER_KEYS);

function list(v: unknown, where: string): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new Error(`${where}: expected a list of strings`);
}

function count(v: unknown, [min, max]: [number, number], where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Error(`${where}: expected a whole number from ${min} to ${max}`);
  return v;
}

function duration(v: unknown, where: string): number {
  if (typeof v === 'number' && v >= 0) return v;
  if (typeof v === 'string') return parseTimeValue(v, where);
  throw new Error(`${where}: expected a time value such as 10s`);
}

export function parseWorkerSection(raw: unknown, file = 'config'): WorkerSettings {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: worker: expected a mapping`);
  const out: WorkerSettings = {};
  const limits: NonNullable<WorkerSettings['limits']> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const where = `${file}: worker.${k}`;
    if (!KEYS.has(k)) throw new Error(`${where}: unknown key; expected one of ${[...KEYS].join(', ')}`);
    if (k in DURATIONS) (out as Record<string, unknown>)[DURATIONS[k]] = duration(v, where);
    else if (k === 'api_key') {
      if (typeof v !== 'string' || v === '') throw new Error(`${where}: expected the encoded API key (a non-empty string)`);
      out.apiKey = v;
    }
    else if (k === 'service_types') out.serviceTypes = list(v, where);
    else if (k === 'exclude_service_types') out.excludeServiceTypes = list(v, where);
    else if (k === 'connector_ids') out.connectorIds = list(v, where);
    else if (k === 'concurrency') out.concurrency = count(v, COUNTS.concurrency, where);
    else if (k === 'connector_concurrency') out.connectorConcurrency = count(v, COUNTS.connector_concurrency, where);
    else if (k === 'source_idle_timeout') limits.sourceIdleTimeoutMs = duration(v, where);
    else if (k === 'max_document_bytes') limits.maxDocumentBytes = count(v, COUNTS.max_document_bytes, where);
  }
  if (out.connectorTimeoutMs !== undefined && (out.connectorTimeoutMs < 100 || out.connectorTimeoutMs > 3_600_000)) {
    throw new Error(`${file}: worker.connector_timeout: expected a time value from 100ms to 1h`);
  }
  if (Object.keys(limits).length) out.limits = limits;
  return out;
}

/** The `sources` section: what connectors may reach (docs/security.md "Threat model"). */
export interface SourcesSettings {
  /** `sources.directory.roots`: folders a directory connector may read below. */
  directoryRoots?: string[];
  /** `sources.allowed_hosts`: host names, addresses or CIDR blocks network sources may reach. */
  allowedHosts?: string[];
  /** `sources.directory.max_file_size`: upper bound of connectors' max_file_size (bytes). */
  directoryMaxFileSize?: number;
  /** `sources.directory.extract_timeout`: time budget of text extraction per document. */
  extractTimeoutMs?: number;
}

/** Most a `sources.directory.max_file_size` may be: a file this size is held in memory whole. */
const DIRECTORY_MAX_FILE_SIZE_CEILING = 1024 * 1024 * 1024;
export const DIRECTORY_KEYS = ['roots', 'max_file_size', 'extract_timeout'] as const;
export const SOURCES_KEYS = ['allowed_hosts', 'directory'] as const;

export function parseSourcesSection(raw: unknown, file = 'config'): SourcesSettings {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: sources: expected a mapping`);
  const out: SourcesSettings = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === 'allowed_hosts') {
      out.allowedHosts = list(v, `${file}: sources.allowed_hosts`);
      try {
        compileAllowList(out.allowedHosts); // a typo must stop the server, not open or close egress silently
      } catch (e) {
        throw new Error(`${file}: ${(e as Error).message}`);
      }
    }
    else if (k === 'directory') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file}: sources.directory: expected a mapping`);
      for (const [dk, dv] of Object.entries(v as Record<string, unknown>)) {
        const where = `${file}: sources.directory.${dk}`;
        if (dk === 'roots') {
          out.directoryRoots = list(dv, where);
          const relative = out.directoryRoots.find((r) => !isAbsolute(r));
          if (relative !== undefined) throw new Error(`${where}: [${relative}] is not an absolute path`);
        }
        else if (dk === 'max_file_size') {
          const n = Number(dv);
          if (!Number.isInteger(n) || n <= 0 || n > DIRECTORY_MAX_FILE_SIZE_CEILING) {
            throw new Error(`${where}: expected a number of bytes from 1 to ${DIRECTORY_MAX_FILE_SIZE_CEILING}`);
          }
          out.directoryMaxFileSize = n;
        } else if (dk === 'extract_timeout') {
          const ms = duration(dv, where);
          if (ms <= 0) throw new Error(`${where}: expected a positive time value such as 30s`);
          out.extractTimeoutMs = ms;
        } else throw new Error(`${where}: unknown key; expected one of ${DIRECTORY_KEYS.join(', ')}`);
      }
    } else throw new Error(`${file}: sources.${k}: unknown key; expected one of ${SOURCES_KEYS.join(', ')}`);
  }
  return out;
}

/**
 * The policy sources run under. Without `sources.directory.roots`, directory connectors may
 * read anywhere only while security is off (loopback, the quick start); with security on they
 * may read nowhere until the operator names the folders.
 */
export function sourcePolicy(s: SourcesSettings, securityOn: boolean): SourcePolicy {
  const out: SourcePolicy = { directoryRoots: s.directoryRoots ?? (securityOn ? [] : null), allowedHosts: s.allowedHosts ?? null };
  if (s.directoryMaxFileSize !== undefined) out.directoryMaxFileSize = s.directoryMaxFileSize;
  if (s.extractTimeoutMs !== undefined) out.extractTimeoutMs = s.extractTimeoutMs;
  return out;
}
