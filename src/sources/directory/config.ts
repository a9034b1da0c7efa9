/**
 * Configuration of the `directory` source (docs/sources/directory.md): the schema registered
 * on connectors (Elasticsearch configuration entries, connector-api.md §3.4) and its parsing
 * into typed settings. Errors name the configuration field to fix.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ConfigEntry, Configuration } from '../../domain/connector/document.js';
import { SourceError, type ConfigValues } from '../source.js';
import { configEntry } from '../shared/config-values.js';
import { GLOB_LIMITS, globProblem } from './glob-match.js';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** Server-side upper bound of `max_file_size` (`sources.directory.max_file_size` raises it). */
export const MAX_FILE_SIZE_LIMIT = 64 * 1024 * 1024;
/** Most characters of text kept per document; longer text is cut and `body_truncated` set. */
export const MAX_BODY_CHARS = 4 * 1024 * 1024;
export const DEFAULT_EXCLUDE = '**/.git/**, **/node_modules/**';

export interface DirectorySettings {
  /** Absolute path of the root folder. */
  root: string;
  include: string[];
  exclude: string[];
  /** Files larger than this (bytes) are indexed without content, recorded as failures. */
  maxFileSize: number;
}

const entry = configEntry;

export function directoryConfigSchema(): Configuration {
  return {
    path: entry({
      label: 'Folder path', display: 'text', type: 'str', order: 1, required: true,
      tooltip: 'Absolute path of the folder to index, as seen by the worker process.',
    }),
    include: entry({
      label: 'Include globs', display: 'textarea', type: 'list', order: 2,
      tooltip: 'Comma-separated globs of files to index (relative to the folder, e.g. "docs/**, *.md"). Empty = every file. A glob without "/" matches file names anywhere.',
    }),
    exclude: entry({
      label: 'Exclude globs', display: 'textarea', type: 'list', order: 3, default_value: DEFAULT_EXCLUDE,
      tooltip: 'Comma-separated globs of files or folders to skip (e.g. "**/.git/**, tmp/**").',
    }),
    max_file_size: entry({
      label: 'Maximum file size (bytes)', display: 'numeric', type: 'int', order: 4, default_value: DEFAULT_MAX_FILE_SIZE,
      validations: [{ type: 'greater_than', constraint: 0 }],
      tooltip: 'Larger files are indexed without their content and reported as per-document failures. At most 64 MiB unless the server\'s config file allows more.',
    }),
  };
}

/** A `list` value: an array, or a comma-separated string (how Kibana stores lists). */
export function listValue(v: unknown, field: string): string[] {
  let out: string[];
  if (v === null || v === undefined || v === '') return [];
  if (Array.isArray(v)) out = v.map((x) => String(x).trim()).filter((x) => x !== '');
  else if (typeof v === 'string') out = splitGlobs(v);
  else throw new SourceError(`Configuration field [${field}] must be a comma-separated list of globs, got ${JSON.stringify(v).slice(0, 100)}`);
  if (out.length > GLOB_LIMITS.perList) {
    throw new SourceError(`Configuration field [${field}] has ${out.length} globs; at most ${GLOB_LIMITS.perList} are allowed`);
  }
  for (const g of out) {
    const problem = globProblem(g);
    if (problem) throw new SourceError(`Configuration field [${field}]: glob [${g.slice(0, 64)}${g.length > 64 ? '…' : ''}] ${problem}`);
  }
  return out;
}

/** Splits on commas outside `{…}` (so `*.{md,txt}` stays one glob). */
function splitGlobs(v: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i <= v.length; i++) {
    const c = v[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (i === v.length || (c === ',' && depth === 0)) {
      const g = v.slice(from, i).trim();
      if (g !== '') out.push(g);
      from = i + 1;
    }
  }
  return out;
}

/** `limit`: the server's upper bound of max_file_size (bytes). */
export function readDirectorySettings(c: ConfigValues, limit = MAX_FILE_SIZE_LIMIT): DirectorySettings {
  const path = c.path;
  if (typeof path !== 'string' || path.trim() === '') {
    throw new SourceError('Configuration field [path] is required: set it to the absolute path of the folder to index');
  }
  if (!isAbsolute(path.trim())) {
    throw new SourceError(`Configuration field [path] must be an absolute path, got [${path}]`);
  }
  const raw = c.max_file_size ?? DEFAULT_MAX_FILE_SIZE;
  const maxFileSize = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof maxFileSize !== 'number' || !Number.isInteger(maxFileSize) || maxFileSize <= 0) {
    throw new SourceError(`Configuration field [max_file_size] must be a positive integer (bytes), got ${JSON.stringify(raw)}`);
  }
  if (maxFileSize > limit) {
    throw new SourceError(
      `Configuration field [max_file_size] is ${maxFileSize} bytes, over this server's limit of ${limit} bytes (sources.directory.max_file_size in the server's config file)`,
    );
  }
  return {
    root: resolve(path.trim()),
    include: listValue(c.include, 'include'),
    exclude: listValue(c.exclude ?? DEFAULT_EXCLUDE, 'exclude'),
    maxFileSize,
  };
}
