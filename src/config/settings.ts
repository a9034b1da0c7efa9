/**
 * The configuration file (`--config`, TRIBUTARY_CONFIG), read once into one typed `Settings`
 * for `tributary serve` and `tributary worker` (src/app/): every section and key checked
 * against the schema (schema.ts), then each section by its parser, cluster settings and
 * service types included, before the server listens or opens the store. Without a file every
 * section takes its defaults. docs/configuration.md documents the file.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseSearchLimits } from '../content-index/search-config.js';
import type { SearchLimits } from '../content-index/read-pool.js';
import { parseSourcesSection, parseWorkerSection, type SourcesSettings, type WorkerSettings } from '../runtime/worker/config.js';
import { parseSecurityConfig, type SecurityConfig } from '../security/config.js';
import { readCa } from '../sink/cluster/config.js';
import { parseContentConfig, type ContentConfig } from '../sink/registry.js';
import { sources as sourceRegistry } from '../sources/registry.js';
import type { EnvName } from './environment.js';
import { checkKeys } from './schema.js';
import { parseCompatibilitySection, type CompatibilitySettings } from './compatibility.js';

const WORKER_API_KEY: EnvName = 'TRIBUTARY_WORKER_API_KEY';

export interface Settings {
  /** The file the settings came from, if any. */
  file?: string;
  security: SecurityConfig;
  /** `worker`, with `api_key` overridden by TRIBUTARY_WORKER_API_KEY when set. */
  worker: WorkerSettings;
  sources: SourcesSettings;
  /** `content`: the target (cluster settings completed from TRIBUTARY_CONTENT_*) … */
  content: ContentConfig;
  /** … and `content.search`, the embedded index's search limits. */
  search: Partial<SearchLimits>;
  /** `compatibility`: the Elasticsearch version answered (`GET /`). */
  compatibility: CompatibilitySettings;
}

export interface LoadOptions {
  /** scrypt cost of plain `password` entries hashed at load (tests lower it). */
  hashCost?: number;
  env?: Record<string, string | undefined>;
}

/** Reads and checks the file (`undefined`: no file, the defaults). */
export async function loadSettings(file: string | undefined, opts: LoadOptions = {}): Promise<Settings> {
  if (!file) return settingsFrom(undefined, 'defaults', opts);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the config file: ${(e as Error).message}`);
  }
  const settings = await settingsFrom(doc, file, opts);
  return { ...settings, file };
}

/** The settings of an already parsed document (`file` names it in messages). */
export async function settingsFrom(doc: unknown, file: string, opts: LoadOptions = {}): Promise<Settings> {
  const env = opts.env ?? process.env;
  if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
    throw new Error(`${file}: the config file must hold a mapping of sections (security, worker, sources, content, compatibility)`);
  }
  checkKeys(doc, file);
  const o = (doc ?? {}) as Record<string, unknown>;
  const worker = parseWorkerSection(o.worker, file);
  const unknownTypes = (worker.serviceTypes ?? []).filter((t) => !Object.hasOwn(sourceRegistry, t));
  if (unknownTypes.length) {
    throw new Error(`${file}: worker.service_types: unknown service type(s) [${unknownTypes.join(', ')}]; known: ${Object.keys(sourceRegistry).sort().join(', ')}`);
  }
  const unknownExcluded = (worker.excludeServiceTypes ?? []).filter((t) => !Object.hasOwn(sourceRegistry, t));
  if (unknownExcluded.length) {
    throw new Error(`${file}: worker.exclude_service_types: unknown service type(s) [${unknownExcluded.join(', ')}]; known: ${Object.keys(sourceRegistry).sort().join(', ')}`);
  }
  // The environment wins over the file (a secret is better kept out of it).
  if (env[WORKER_API_KEY] !== undefined) worker.apiKey = env[WORKER_API_KEY];
  const raw = (o.content ?? undefined) as Record<string, unknown> | undefined;
  const security = await parseSecurityConfig(o.security, file, { hashCost: opts.hashCost });
  const sources = parseSourcesSection(o.sources, file);
  const content = parseContentConfig(raw, file, env);
  if (content.target !== 'embedded') {
    try {
      readCa(content.cluster); // a missing CA file stops the start, not the first sync
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
  }
  const compatibility = parseCompatibilitySection(o.compatibility, file);
  return { security, worker, sources, content, search: parseSearchLimits(raw?.search, file), compatibility };
}
