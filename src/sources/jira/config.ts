/**
 * Configuration of the `jira` source (docs/sources/jira.md): Elastic's fields — the shared
 * Atlassian ones (../shared/atlassian/config.ts: `data_source` jira_cloud / jira_server /
 * jira_data_center, credentials, `jira_url`, SSL, retries, concurrency, DLS) and `projects` —
 * and Tributary's `max_file_size` (attachment bytes read for text) and `page_size`.
 */
import type { Configuration } from '../../domain/connector/document.js';
import { atlassianConfigSchema, readAtlassianSettings, type AtlassianProduct, type AtlassianSettings } from '../shared/atlassian/config.js';
import { configEntry, intRange, intValue } from '../shared/config-values.js';
import { SourceConfigError, type ConfigValues } from '../source.js';

export const JIRA: AtlassianProduct = {
  key: 'jira',
  name: 'Jira',
  urlField: 'jira_url',
  defaultDeployment: 'cloud',
  maxConcurrentDownloads: 100,
  docPath: 'docs/sources/jira.md',
};

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
export const MAX_FILE_SIZE_LIMIT = 64 * 1024 * 1024;
export const MAX_PROJECTS = 1000;
/** Jira's project keys: a letter, then letters, digits or underscores (at most 255). */
const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;

export interface JiraSettings extends AtlassianSettings {
  /** Project keys, or ['*'] for every project the account can browse. */
  projects: string[];
  maxFileSize: number;
  /** Issues per search page (Jira Cloud caps it at 100). */
  pageSize: number;
}

export function jiraConfigSchema(): Configuration {
  return {
    ...atlassianConfigSchema(JIRA),
    projects: configEntry({
      label: 'Jira project keys', display: 'textarea', type: 'list', order: 9, required: true,
      tooltip: 'Comma-separated project keys, or * for every project. This configurable field is ignored when Advanced Sync Rules are used.',
    }),
    max_file_size: configEntry({
      label: 'Maximum attachment size for extraction (bytes)', display: 'numeric', type: 'int', order: 17, default_value: DEFAULT_MAX_FILE_SIZE,
      ui_restrictions: ['advanced'], validations: intRange(1, MAX_FILE_SIZE_LIMIT),
      tooltip: 'Tributary extension: larger attachments are indexed without their text and reported as per-document failures (at most 64 MiB).',
    }),
    page_size: configEntry({
      label: 'Issues per search page', display: 'numeric', type: 'int', order: 18, default_value: 100, ui_restrictions: ['advanced'], validations: intRange(1, 1000),
      tooltip: 'Tributary extension: maxResults of an issue search (Jira Cloud returns at most 100).',
    }),
  };
}

/** The `projects` field: keys (upper-cased, deduplicated) or ['*']. */
export function projectList(v: unknown): string[] {
  let out: string[];
  if (v === null || v === undefined || v === '') out = [];
  else if (Array.isArray(v)) out = v.map((x) => String(x).trim()).filter(Boolean);
  else if (typeof v === 'string') out = v.split(',').map((x) => x.trim()).filter(Boolean);
  else throw new SourceConfigError('Configuration field [projects] must be a comma-separated list of project keys, or *.');
  if (out.length === 0) throw new SourceConfigError('Configuration field [projects] is required: list project keys, or * for every project.');
  if (out.length > MAX_PROJECTS) throw new SourceConfigError(`Configuration field [projects] lists ${out.length} projects; at most ${MAX_PROJECTS} are allowed.`);
  if (out.includes('*')) return ['*'];
  for (const k of out) {
    if (!PROJECT_KEY.test(k)) throw new SourceConfigError(`Configuration field [projects]: [${k.slice(0, 60)}] is not a project key (a letter, then letters, digits or _).`);
  }
  return [...new Set(out.map((k) => k.toUpperCase()))];
}

export function readJiraSettings(c: ConfigValues): JiraSettings {
  const shared = readAtlassianSettings(JIRA, c);
  return {
    ...shared,
    projects: projectList(c.projects),
    maxFileSize: intValue(c, 'max_file_size', DEFAULT_MAX_FILE_SIZE, 1, MAX_FILE_SIZE_LIMIT),
    pageSize: intValue(c, 'page_size', 100, 1, 1000),
  };
}
