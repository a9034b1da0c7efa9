/**
 * Configuration of the `github` source (docs/sources/github.md): Elastic's field names and
 * values (`data_source` github_cloud / github_server with `host`, `auth_method`
 * personal_access_token / github_app with `token` or `app_id` + `private_key`, `repo_type`
 * organization / other, `org_name`, `repositories`, `ssl_enabled`, `ssl_ca`, `retry_count`,
 * `use_text_extraction_service`, `use_document_level_security`) and Tributary's additions
 * (`file_extensions`, `max_file_size`, `concurrent_downloads`, `read_timeout`). Every error
 * names the field to fix and never echoes a secret.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Configuration } from '../../domain/connector/document.js';
import { boolValue, boundedString, configEntry, intValue, stringValue } from '../shared/config-values.js';
import { SourceConfigError, type ConfigValues } from '../source.js';

export const GITHUB_CLOUD = 'github_cloud';
export const GITHUB_SERVER = 'github_server';
export const PAT = 'personal_access_token';
export const GITHUB_APP = 'github_app';
export const CLOUD_API = 'https://api.github.com';
/** Elastic's connector indexes these files (its SUPPORTED_EXTENSION). */
export const DEFAULT_EXTENSIONS = ['.markdown', '.md', '.rst'];
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
export const MAX_REPOSITORIES = 10_000;

export interface GitHubSettings {
  /** REST root: https://api.github.com, or <host>/api/v3 for GitHub Server. */
  api: URL;
  cloud: boolean;
  auth: { kind: 'pat'; token: string } | { kind: 'app'; appId: number; privateKey: KeyObject };
  repoType: 'organization' | 'other';
  orgName: string;
  /** `owner/name` or `name`, or ['*']. */
  repositories: string[];
  ca: string | null;
  retryCount: number;
  dls: boolean;
  /** Lower-case, with the dot; ['*'] = every file the extraction layer reads. */
  extensions: string[];
  maxFileSize: number;
  concurrency: number;
  readTimeoutMs: number;
}

const dep = (field: string, value: string | boolean) => [{ field, value }];

export function githubConfigSchema(): Configuration {
  const opt = (label: string, value: string) => ({ label, value });
  return {
    data_source: configEntry({ label: 'Data source', required: true, display: 'dropdown', type: 'str', order: 1, options: [opt('GitHub Cloud', GITHUB_CLOUD), opt('GitHub Server', GITHUB_SERVER)], default_value: GITHUB_SERVER, value: GITHUB_SERVER }),
    host: configEntry({ label: 'Server URL', required: true, display: 'text', type: 'str', order: 2, depends_on: dep('data_source', GITHUB_SERVER), tooltip: 'The GitHub Enterprise Server URL, e.g. https://github.example.com (the REST API is below /api/v3).' }),
    auth_method: configEntry({ label: 'Authentication method', required: true, display: 'dropdown', type: 'str', order: 3, options: [opt('Personal access token', PAT), opt('GitHub App', GITHUB_APP)], default_value: PAT, value: PAT }),
    token: configEntry({ label: 'Token', required: true, display: 'text', type: 'str', order: 4, sensitive: true, depends_on: dep('auth_method', PAT), tooltip: 'A personal access token with the repo, user and read:org scopes.' }),
    repo_type: configEntry({
      label: 'Repository Type', required: true, display: 'dropdown', type: 'str', order: 5, options: [opt('Organization', 'organization'), opt('Other', 'other')], default_value: 'other', value: 'other',
      tooltip: 'The Document Level Security feature is not available for the Other Repository Type',
    }),
    org_name: configEntry({ label: 'Organization Name', required: true, display: 'text', type: 'str', order: 6, depends_on: [{ field: 'auth_method', value: PAT }, { field: 'repo_type', value: 'organization' }] }),
    app_id: configEntry({ label: 'App ID', required: true, display: 'numeric', type: 'int', order: 7, depends_on: dep('auth_method', GITHUB_APP) }),
    private_key: configEntry({ label: 'App private key', required: true, display: 'textarea', type: 'str', order: 8, sensitive: true, depends_on: dep('auth_method', GITHUB_APP) }),
    repositories: configEntry({ label: 'List of repositories', display: 'textarea', type: 'list', order: 9, required: true, default_value: '*', value: '*', tooltip: 'This configurable field is ignored when Advanced Sync Rules are used.' }),
    ssl_enabled: configEntry({ label: 'Enable SSL', display: 'toggle', type: 'bool', order: 10, default_value: false, value: false }),
    ssl_ca: configEntry({ label: 'SSL certificate', display: 'textarea', type: 'str', order: 11, depends_on: dep('ssl_enabled', true) }),
    retry_count: configEntry({ label: 'Maximum retries per request', display: 'numeric', type: 'int', order: 12, default_value: 3, value: 3, ui_restrictions: ['advanced'] }),
    use_text_extraction_service: configEntry({
      label: 'Use text extraction service', display: 'toggle', type: 'bool', order: 13, default_value: false, value: false, ui_restrictions: ['advanced'],
      tooltip: "Accepted for compatibility with Elastic's connector; Tributary always extracts text in its own extraction threads.",
    }),
    use_document_level_security: configEntry({
      label: 'Enable document level security', display: 'toggle', type: 'bool', order: 14, default_value: false, value: false, depends_on: dep('repo_type', 'organization'),
      tooltip: 'Documents of private repositories carry the identities of the collaborators who are members of the organization; access-control syncs write the members.',
    }),
    file_extensions: configEntry({
      label: 'File extensions to index', display: 'text', type: 'list', order: 15, default_value: DEFAULT_EXTENSIONS.join(','), ui_restrictions: ['advanced'],
      tooltip: "Tributary extension: repository files indexed (Elastic's: .markdown, .md, .rst); * = every file whose format the extraction service reads.",
    }),
    max_file_size: configEntry({ label: 'Maximum file size (bytes)', display: 'numeric', type: 'int', order: 16, default_value: DEFAULT_MAX_FILE_SIZE, ui_restrictions: ['advanced'], tooltip: 'Tributary extension: larger files are indexed without their content and reported (at most 64 MiB).' }),
    concurrent_downloads: configEntry({ label: 'Concurrent requests', display: 'numeric', type: 'int', order: 17, default_value: 8, ui_restrictions: ['advanced'], tooltip: 'Tributary extension: issues, pull requests and files read at once (1–32).' }),
    read_timeout: configEntry({ label: 'Read timeout', display: 'numeric', type: 'int', order: 18, default_value: 60, ui_restrictions: ['advanced'], tooltip: 'Tributary extension: seconds an answer may stay silent.' }),
  };
}

function listValue(v: unknown): string[] {
  const items = Array.isArray(v) ? v.map((x) => String(x)) : stringValue(v).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** A repository entry's problem, or null: `name` or `owner/name`. */
export function repositoryProblem(r: string): string | null {
  const parts = r.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  if (parts.length === 2 && !NAME.test(parts[0])) return 'has an owner that is not a GitHub account name';
  const name = parts[parts.length - 1];
  if (!REPO.test(name) || name === '.' || name === '..') return 'is not a repository name';
  return null;
}

function privateKeyOf(v: unknown): KeyObject {
  const pem = stringValue(v);
  if (!pem) throw new SourceConfigError('Configuration field [private_key] is required for the GitHub App method: paste the private key (.pem) generated in the app settings');
  boundedString('private_key', pem, 16_384);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n'));
  } catch {
    throw new SourceConfigError('Configuration field [private_key] is not a PEM private key: paste the whole .pem file generated in the GitHub App settings');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new SourceConfigError('Configuration field [private_key] must be an RSA key (GitHub Apps sign with RS256)');
  return key;
}

export function readGitHubSettings(c: ConfigValues): GitHubSettings {
  const source = stringValue(c.data_source) || GITHUB_SERVER;
  if (source !== GITHUB_CLOUD && source !== GITHUB_SERVER) throw new SourceConfigError(`Configuration field [data_source] must be ${GITHUB_CLOUD} or ${GITHUB_SERVER}`);
  let api: URL;
  if (source === GITHUB_CLOUD) api = new URL(CLOUD_API);
  else {
    const host = boundedString('host', stringValue(c.host), 2048);
    if (!host) throw new SourceConfigError('Configuration field [host] is required for GitHub Server: the server URL, e.g. https://github.example.com');
    let u: URL;
    try {
      u = new URL(host);
    } catch {
      throw new SourceConfigError('Configuration field [host] is not a URL: e.g. https://github.example.com');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new SourceConfigError('Configuration field [host] must be an http(s) URL');
    if (u.username || u.password || u.search || u.hash) throw new SourceConfigError('Configuration field [host] must hold no credentials, query or fragment');
    api = new URL(`${u.origin}${u.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '')}/api/v3`);
  }
  const method = stringValue(c.auth_method) || PAT;
  let auth: GitHubSettings['auth'];
  if (method === PAT) {
    const token = boundedString('token', stringValue(c.token), 1024);
    if (!token) throw new SourceConfigError('Configuration field [token] is required: a personal access token with the repo, user and read:org scopes');
    if (/[\s\u0000-\u001f\u007f]/.test(token)) throw new SourceConfigError('Configuration field [token] holds spaces or control characters: paste the token alone');
    auth = { kind: 'pat', token };
  } else if (method === GITHUB_APP) {
    const appId = intValue(c, 'app_id', 0, 1, 2 ** 40);
    if (appId === 0) throw new SourceConfigError('Configuration field [app_id] is required for the GitHub App method: the App ID shown in the app settings');
    auth = { kind: 'app', appId, privateKey: privateKeyOf(c.private_key) };
  } else throw new SourceConfigError(`Configuration field [auth_method] must be ${PAT} or ${GITHUB_APP}`);
  const repoType = stringValue(c.repo_type) || 'other';
  if (repoType !== 'organization' && repoType !== 'other') throw new SourceConfigError('Configuration field [repo_type] must be organization or other');
  const orgName = stringValue(c.org_name);
  if (repoType === 'organization' && auth.kind === 'pat') {
    if (!orgName) throw new SourceConfigError('Configuration field [org_name] is required when [repo_type] is organization');
    if (!NAME.test(orgName)) throw new SourceConfigError('Configuration field [org_name] is not a GitHub organization name');
  }
  const repositories = listValue(c.repositories ?? '*');
  if (repositories.length === 0) throw new SourceConfigError('Configuration field [repositories] is required: repository names (owner/name or name), or * for all');
  if (repositories.length > MAX_REPOSITORIES) throw new SourceConfigError(`Configuration field [repositories] lists ${repositories.length} repositories; at most ${MAX_REPOSITORIES} are allowed`);
  const wildcard = repositories.includes('*');
  if (!wildcard) {
    for (const r of repositories) {
      const p = repositoryProblem(r);
      if (p) throw new SourceConfigError(`Configuration field [repositories]: [${r.slice(0, 140)}] ${p}`);
      if (auth.kind === 'app' && !r.includes('/')) throw new SourceConfigError(`Configuration field [repositories]: [${r.slice(0, 140)}] must be owner/name with the GitHub App method`);
    }
  }
  const sslEnabled = boolValue(c.ssl_enabled);
  const ca = sslEnabled ? stringValue(c.ssl_ca) : '';
  if (ca && !ca.includes('-----BEGIN CERTIFICATE-----')) throw new SourceConfigError('Configuration field [ssl_ca] must be a PEM certificate (-----BEGIN CERTIFICATE-----)');
  const dls = boolValue(c.use_document_level_security);
  if (dls && repoType !== 'organization') throw new SourceConfigError('Configuration field [use_document_level_security] needs [repo_type] organization: document level security follows organization membership');
  const ext = listValue(c.file_extensions ?? DEFAULT_EXTENSIONS.join(',')).map((e) => (e === '*' || e.startsWith('.') ? e : `.${e}`).toLowerCase());
  return {
    api,
    cloud: source === GITHUB_CLOUD,
    auth,
    repoType,
    orgName,
    repositories: wildcard ? ['*'] : [...new Set(repositories)],
    ca: ca ? boundedString('ssl_ca', ca, 256 * 1024) : null,
    retryCount: intValue(c, 'retry_count', 3, 0, 20),
    dls,
    extensions: ext.includes('*') ? ['*'] : ext,
    maxFileSize: intValue(c, 'max_file_size', DEFAULT_MAX_FILE_SIZE, 1, 64 * 1024 * 1024),
    concurrency: intValue(c, 'concurrent_downloads', 8, 1, 32),
    readTimeoutMs: intValue(c, 'read_timeout', 60, 1, 3600) * 1000,
  };
}
