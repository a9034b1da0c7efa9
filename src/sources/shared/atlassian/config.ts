/**
 * The configuration fields Elastic's `jira` and `confluence` connectors share, with Elastic's
 * keys, option values and orders: `data_source` (`<product>_cloud` / `<product>_server` /
 * `<product>_data_center`), the credentials of each (`account_email` + `api_token` for Cloud,
 * `username` + `password` for Server, `data_center_username` + `data_center_password` for Data
 * Center), the site URL (`jira_url` / `confluence_url`), `ssl_enabled` + `ssl_ca`,
 * `retry_count`, `concurrent_downloads`, `use_document_level_security`,
 * `use_text_extraction_service`. Order 9 is left for the product's own list (`projects`,
 * `spaces`). Tributary adds `read_timeout`.
 *
 * Parsing gives typed, bounded settings; every error names the field to fix and never echoes
 * a secret.
 */
import { X509Certificate } from 'node:crypto';
import type { Configuration, ConfigEntry } from '../../../domain/connector/document.js';
import { SourceConfigError, type ConfigValues } from '../../source.js';
import { boolValue, boundedString, configEntry, intRange, intValue, stringValue } from '../config-values.js';
import { httpUrl } from '../object-store-config.js';

export type AtlassianDeployment = 'cloud' | 'server' | 'data_center';

/** What differs between the products sharing these fields. */
export interface AtlassianProduct {
  /** `jira` or `confluence`: the prefix of the `data_source` values. */
  key: string;
  /** `Jira`, `Confluence`: in labels and messages. */
  name: string;
  /** `jira_url`, `confluence_url`. */
  urlField: string;
  /** Elastic's default `data_source` (jira: cloud; confluence: server). */
  defaultDeployment: AtlassianDeployment;
  /** Elastic's default and upper bound of `concurrent_downloads` (jira 100, confluence 50). */
  maxConcurrentDownloads: number;
  /** The product's docs page, named in messages (`docs/sources/jira.md`). */
  docPath: string;
}

export interface AtlassianSettings {
  deployment: AtlassianDeployment;
  /** Elastic's `data_source` value, e.g. `jira_cloud`. */
  dataSource: string;
  /** The site root, without a trailing slash (a context path such as `/jira` kept). */
  url: URL;
  /** Basic-auth login and secret of the deployment's credential fields. */
  login: string;
  secret: string;
  /** The configuration fields holding them, named in messages (`[account_email] and [api_token]`). */
  credentialFields: [string, string];
  /** Extra CA (PEM) when `ssl_enabled`; null otherwise. */
  sslCa: string | null;
  retryCount: number;
  concurrentDownloads: number;
  dls: boolean;
  readTimeoutMs: number;
}

export const MAX_SECRET_CHARS = 4096;
export const MAX_CA_CHARS = 256 * 1024;
export const MAX_URL_CHARS = 2048;

/** Elastic's `data_source` value of a deployment: `jira_cloud`, `confluence_data_center`… */
export function dataSourceValue(p: AtlassianProduct, d: AtlassianDeployment): string {
  return `${p.key}_${d}`;
}

const DEPLOYMENT_LABEL: Record<AtlassianDeployment, string> = { cloud: 'Cloud', server: 'Server', data_center: 'Data Center' };

/** Which fields hold the basic-auth login and secret of each deployment. */
export const CREDENTIAL_FIELDS: Record<AtlassianDeployment, [string, string]> = {
  cloud: ['account_email', 'api_token'],
  server: ['username', 'password'],
  data_center: ['data_center_username', 'data_center_password'],
};

/** The shared entries (orders 1–8 and 10–16); the product adds its list at order 9. */
export function atlassianConfigSchema(p: AtlassianProduct): Configuration {
  const dep = (d: AtlassianDeployment): Pick<ConfigEntry, 'depends_on'> => ({ depends_on: [{ field: 'data_source', value: dataSourceValue(p, d) }] });
  const advanced = { ui_restrictions: ['advanced'] };
  return {
    data_source: configEntry({
      label: `${p.name} data source`, display: 'dropdown', type: 'str', order: 1, required: true,
      options: (['cloud', 'server', 'data_center'] as const).map((d) => ({ label: `${p.name} ${DEPLOYMENT_LABEL[d]}`, value: dataSourceValue(p, d) })),
      default_value: dataSourceValue(p, p.defaultDeployment), value: dataSourceValue(p, p.defaultDeployment),
    }),
    username: configEntry({ label: `${p.name} Server username`, display: 'text', type: 'str', order: 2, ...dep('server') }),
    password: configEntry({ label: `${p.name} Server password`, display: 'text', type: 'str', order: 3, sensitive: true, ...dep('server') }),
    data_center_username: configEntry({ label: `${p.name} Data Center username`, display: 'text', type: 'str', order: 4, ...dep('data_center') }),
    data_center_password: configEntry({ label: `${p.name} Data Center password`, display: 'text', type: 'str', order: 5, sensitive: true, ...dep('data_center') }),
    account_email: configEntry({ label: `${p.name} Cloud account email`, display: 'text', type: 'str', order: 6, ...dep('cloud') }),
    api_token: configEntry({ label: `${p.name} Cloud API token`, display: 'text', type: 'str', order: 7, sensitive: true, ...dep('cloud') }),
    [p.urlField]: configEntry({
      label: `${p.name} URL`, display: 'text', type: 'str', order: 8, required: true,
      tooltip: `The site root, e.g. https://example.atlassian.net (Cloud) or https://${p.key}.example.com (Server / Data Center).`,
    }),
    ssl_enabled: configEntry({ label: 'Enable SSL', display: 'toggle', type: 'bool', order: 10, default_value: false, value: false }),
    ssl_ca: configEntry({
      label: 'SSL certificate', display: 'textarea', type: 'str', order: 11, depends_on: [{ field: 'ssl_enabled', value: true }],
      tooltip: 'PEM certificate of the authority that signed the server\'s certificate (a self-signed Server / Data Center); trusted in addition to the system\'s.',
    }),
    retry_count: configEntry({
      label: 'Retries for failed requests', display: 'numeric', type: 'int', order: 12, default_value: 3, ...advanced, validations: intRange(0, 20),
      tooltip: 'Retries on throttling (429, Retry-After honoured) and server errors (5xx), with backoff and jitter.',
    }),
    concurrent_downloads: configEntry({
      label: 'Maximum concurrent downloads', display: 'numeric', type: 'int', order: 13, default_value: p.maxConcurrentDownloads, ...advanced,
      validations: intRange(1, p.maxConcurrentDownloads),
    }),
    use_document_level_security: configEntry({
      label: 'Enable document level security', display: 'toggle', type: 'bool', order: 14, default_value: false, value: false,
      tooltip: `Content documents carry the identities ${p.name} lets read them; access control syncs write the users and their groups.`,
    }),
    use_text_extraction_service: configEntry({
      label: 'Use text extraction service', display: 'toggle', type: 'bool', order: 15, default_value: false, value: false, ...advanced,
      tooltip: 'Accepted for compatibility with Elastic\'s connector; Tributary always extracts attachment text in its own extraction threads.',
    }),
    read_timeout: configEntry({
      label: 'Read timeout', display: 'numeric', type: 'int', order: 16, default_value: 60, ...advanced, validations: intRange(1, 600),
      tooltip: 'Tributary extension: seconds a response may stay silent.',
    }),
  };
}

/** The `data_source` field: Elastic's values, also `cloud` / `server` / `data_center` alone. */
export function readDeployment(p: AtlassianProduct, v: unknown): AtlassianDeployment {
  const raw = stringValue(v).toLowerCase().replace(/[\s-]+/g, '_');
  if (raw === '') return p.defaultDeployment;
  const bare = raw.startsWith(`${p.key}_`) ? raw.slice(p.key.length + 1) : raw;
  if (bare === 'cloud' || bare === 'server' || bare === 'data_center') return bare;
  const allowed = (['cloud', 'server', 'data_center'] as const).map((d) => dataSourceValue(p, d)).join(', ');
  throw new SourceConfigError(`Configuration field [data_source] must be one of ${allowed}; got [${raw.slice(0, 40)}].`);
}

/** The site URL: http(s), no credentials, no query; trailing slashes dropped. */
export function readSiteUrl(field: string, v: unknown): URL {
  const raw = boundedString(field, stringValue(v), MAX_URL_CHARS);
  if (!raw) throw new SourceConfigError(`Configuration field [${field}] is required: the site root, e.g. https://example.atlassian.net.`);
  const u = httpUrl(raw, field);
  if (u.search || u.hash) throw new SourceConfigError(`Configuration field [${field}] must be the site root, without ?query or #fragment.`);
  u.pathname = u.pathname.replace(/\/+$/, '');
  return u;
}

/** `ssl_ca` when `ssl_enabled`: one or more PEM certificates, checked to parse. */
export function readCa(c: ConfigValues): string | null {
  if (!boolValue(c.ssl_enabled)) return null;
  const pem = boundedString('ssl_ca', stringValue(c.ssl_ca), MAX_CA_CHARS);
  if (!pem) return null; // SSL with the system's authorities only
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw new SourceConfigError('Configuration field [ssl_ca] must hold a PEM certificate (-----BEGIN CERTIFICATE----- …).');
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      throw new SourceConfigError('Configuration field [ssl_ca] holds a certificate that does not parse: paste the whole PEM block.');
    }
  }
  return blocks.join('\n');
}

/** Typed settings of the shared fields; throws a SourceConfigError naming the field. */
export function readAtlassianSettings(p: AtlassianProduct, c: ConfigValues): AtlassianSettings {
  const deployment = readDeployment(p, c.data_source);
  const url = readSiteUrl(p.urlField, c[p.urlField]);
  const [loginField, secretField] = CREDENTIAL_FIELDS[deployment];
  const login = boundedString(loginField, stringValue(c[loginField]), 320);
  // A secret is kept as typed (no trim): a token may not start or end with spaces, a password may.
  const rawSecret = c[secretField] === null || c[secretField] === undefined ? '' : String(c[secretField]);
  const secret = boundedString(secretField, rawSecret, MAX_SECRET_CHARS);
  const label = `${p.name} ${DEPLOYMENT_LABEL[deployment]}`;
  if (!login) throw new SourceConfigError(`Configuration field [${loginField}] is required for ${label} (data_source ${dataSourceValue(p, deployment)}).`);
  if (!secret) throw new SourceConfigError(`Configuration field [${secretField}] is required for ${label} (data_source ${dataSourceValue(p, deployment)}).`);
  if (login.includes(':')) throw new SourceConfigError(`Configuration field [${loginField}] must not contain ':' (basic authentication cannot carry it).`);
  if (/[\r\n]/.test(login)) throw new SourceConfigError(`Configuration field [${loginField}] must be on one line.`);
  return {
    deployment,
    dataSource: dataSourceValue(p, deployment),
    url,
    login,
    secret,
    credentialFields: [loginField, secretField],
    sslCa: readCa(c),
    retryCount: intValue(c, 'retry_count', 3, 0, 20),
    concurrentDownloads: intValue(c, 'concurrent_downloads', p.maxConcurrentDownloads, 1, p.maxConcurrentDownloads),
    dls: boolValue(c.use_document_level_security),
    readTimeoutMs: intValue(c, 'read_timeout', 60, 1, 600) * 1000,
  };
}
