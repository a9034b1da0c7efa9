/**
 * Configuration of the `confluence` source (docs/sources/confluence.md): the fields Elastic's
 * Atlassian connectors share (shared/atlassian/config.ts: `data_source`, credentials,
 * `confluence_url`, `ssl_*`, `retry_count`, `concurrent_downloads`,
 * `use_document_level_security`) plus Confluence's `spaces` (order 9, `*` = every space) and
 * `index_labels`, and Tributary's `max_file_size` (attachments larger are indexed without text).
 */
import type { Configuration } from '../../domain/connector/document.js';
import { atlassianConfigSchema, readAtlassianSettings, type AtlassianProduct, type AtlassianSettings } from '../shared/atlassian/config.js';
import { boolValue, configEntry, intValue } from '../shared/config-values.js';
import { SourceConfigError, type ConfigValues } from '../source.js';

export const CONFLUENCE: AtlassianProduct = {
  key: 'confluence',
  name: 'Confluence',
  urlField: 'confluence_url',
  defaultDeployment: 'server',
  maxConcurrentDownloads: 50,
  docPath: 'docs/sources/confluence.md',
};

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
export const MAX_FILE_SIZE_LIMIT = 64 * 1024 * 1024;
export const MAX_SPACES = 1000;
/** Confluence space keys: letters and digits (personal spaces: `~` + user name or account id). */
const SPACE_KEY = /^~?[A-Za-z0-9_.:-]{1,255}$/;

export interface ConfluenceSettings extends AtlassianSettings {
  /** Space keys, or ['*'] for every space the account can see. */
  spaces: string[];
  indexLabels: boolean;
  maxFileSize: number;
  /** Root of the REST API: `/wiki` on Cloud, the site root (with its context path) otherwise. */
  apiRoot: string;
}

export function confluenceConfigSchema(): Configuration {
  return {
    ...atlassianConfigSchema(CONFLUENCE),
    spaces: configEntry({
      label: 'Confluence space keys', display: 'textarea', type: 'list', order: 9, required: true,
      tooltip: 'Comma-separated space keys, or * for every space the account can view. Ignored when advanced sync rules are used.',
    }),
    index_labels: configEntry({
      label: 'Enable indexing labels', display: 'toggle', type: 'bool', order: 17, default_value: false, value: false,
      tooltip: 'Adds the labels of pages and blog posts (one more request per document).',
    }),
    max_file_size: configEntry({
      label: 'Maximum attachment size for extraction (bytes)', display: 'numeric', type: 'int', order: 18, default_value: DEFAULT_MAX_FILE_SIZE,
      ui_restrictions: ['advanced'], validations: [{ type: 'greater_than', constraint: 0 }],
      tooltip: 'Tributary extension: larger attachments are indexed with their metadata only and reported as per-document failures (at most 64 MiB).',
    }),
  };
}

/** `spaces`: a list or a comma-separated string of space keys, or `*`. */
export function readSpaces(v: unknown): string[] {
  const raw = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : [];
  const keys = [...new Set(raw.map((s) => s.trim()).filter(Boolean))];
  if (keys.length === 0) throw new SourceConfigError('Configuration field [spaces] is required: space keys separated by commas (e.g. ENG, DOCS), or * for every space.');
  if (keys.includes('*')) return ['*'];
  if (keys.length > MAX_SPACES) throw new SourceConfigError(`Configuration field [spaces] names ${keys.length} spaces; at most ${MAX_SPACES} are allowed (use * for every space).`);
  const bad = keys.find((k) => !SPACE_KEY.test(k));
  if (bad) throw new SourceConfigError(`Configuration field [spaces]: [${bad.slice(0, 60)}] is not a space key (letters and digits, e.g. ENG; ~name for a personal space).`);
  return keys;
}

export function readConfluenceSettings(c: ConfigValues): ConfluenceSettings {
  const base = readAtlassianSettings(CONFLUENCE, c);
  const spaces = readSpaces(c.spaces);
  const root = base.url.pathname.replace(/\/+$/, '');
  // Cloud serves the v1 API below /wiki; a URL given with /wiki already is accepted as is.
  const apiRoot = base.deployment === 'cloud' && !root.endsWith('/wiki') ? '/wiki' : '';
  return {
    ...base,
    spaces,
    indexLabels: boolValue(c.index_labels),
    maxFileSize: intValue(c, 'max_file_size', DEFAULT_MAX_FILE_SIZE, 1, MAX_FILE_SIZE_LIMIT),
    apiRoot,
  };
}
