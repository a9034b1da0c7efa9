/**
 * The `compatibility` section: the Elasticsearch version Tributary answers as (`GET /`'s
 * `version.number`). Clients gate on it: Elastic's connector service refuses an Elasticsearch
 * whose minor version is older than its own (docs/elastic-connector-service.md), so the default
 * is the newest 9.x line its sources were read against; an operator running an older or newer
 * service sets the version it expects.
 */
export const COMPATIBILITY_KEYS = ['version'] as const;

/** The newest 9.x minor checked against Elastic's connector service (its main branch: 9.6.0). */
export const DEFAULT_VERSION = '9.6.0';

export interface CompatibilitySettings {
  /** `major.minor.patch`, major 8 or 9. */
  version: string;
}

export function parseCompatibilitySection(raw: unknown, file: string): CompatibilitySettings {
  if (raw === undefined || raw === null) return { version: DEFAULT_VERSION };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: compatibility: must be a mapping`);
  const v = (raw as Record<string, unknown>).version;
  if (v === undefined) return { version: DEFAULT_VERSION };
  const version = typeof v === 'number' ? String(v) : v;
  if (typeof version !== 'string' || !/^(8|9)\.\d{1,3}\.\d{1,3}$/.test(version)) {
    throw new Error(`${file}: compatibility.version: must be an Elasticsearch version 8.x.y or 9.x.y (e.g. ${DEFAULT_VERSION}), got [${String(v)}]`);
  }
  return { version };
}
