/**
 * Every TRIBUTARY_* environment variable, in one table: what it sets, which commands read it
 * and its default. The CLI takes its option defaults from here (`envDefault`), `serve --help`
 * and the other commands print their part (`environmentHelp`), and docs/configuration.md lists
 * exactly these names (src/config/configuration-doc.test.ts, which also checks that the code
 * reads no variable missing here). Lower layers that read a variable themselves (the secret
 * key in security/secret-codec.ts, the cluster credentials in sink/cluster/config.ts) keep
 * their own reading; the table documents them.
 */

/** Who reads a variable: a `tributary` command, or the test suite and benchmarks. */
export type Reader = 'serve' | 'worker' | 'sync' | 'users' | 'secrets' | 'tests';

export interface EnvironmentVariable {
  readonly name: string;
  /** The flag or config key it stands for, or what it does. */
  readonly sets: string;
  readonly readBy: readonly Reader[];
  /** The value used when it is unset and no flag is given (a flag's default). */
  readonly fallback?: string;
  /** The default in words, when it is not a literal value (none for overrides of a file key). */
  readonly defaultText?: string;
}

const SERVER_AND_WORKER: readonly Reader[] = ['serve', 'worker'];

export const ENVIRONMENT = [
  { name: 'TRIBUTARY_PORT', sets: '--port: HTTP port', readBy: ['serve'], fallback: '9200' },
  { name: 'TRIBUTARY_HOST', sets: '--host: bind address', readBy: ['serve'], fallback: '127.0.0.1' },
  { name: 'TRIBUTARY_DATA', sets: '--data: data directory (state.db, content.db, secret.key; server.json, where sync and worker find the server)', readBy: ['serve', 'secrets', 'worker', 'sync'], fallback: './data' },
  { name: 'TRIBUTARY_STORE_URL', sets: '--store: state store URL (postgres://…)', readBy: ['serve', 'secrets'], defaultText: 'SQLite in --data' },
  { name: 'TRIBUTARY_CONFIG', sets: '--config: YAML configuration file', readBy: ['serve', 'worker', 'users'], defaultText: 'none' },
  { name: 'TRIBUTARY_TLS_CERT', sets: '--tls-cert: TLS certificate (PEM)', readBy: ['serve'], defaultText: 'none (HTTP)' },
  { name: 'TRIBUTARY_TLS_KEY', sets: '--tls-key: TLS private key (PEM)', readBy: ['serve'], defaultText: 'none (HTTP)' },
  { name: 'TRIBUTARY_MAX_BODY', sets: '--max-body: largest request body in bytes', readBy: ['serve'], fallback: String(100 * 1024 * 1024) },
  { name: 'TRIBUTARY_MAX_IN_FLIGHT_BODY', sets: '--max-in-flight-body: request body bytes in flight', readBy: ['serve'], defaultText: 'twice --max-body' },
  { name: 'TRIBUTARY_LOG_LEVEL', sets: '--log-level: pino log level', readBy: SERVER_AND_WORKER, fallback: 'info' },
  { name: 'TRIBUTARY_URL', sets: '--url: Connector API base URL', readBy: ['worker', 'sync'], defaultText: 'the URL in <data>/server.json, else http://127.0.0.1:9200' },
  { name: 'TRIBUTARY_API_KEY', sets: '--api-key of `tributary sync`', readBy: ['sync'], defaultText: 'none' },
  { name: 'TRIBUTARY_WORKER_API_KEY', sets: 'overrides worker.api_key, the worker\'s encoded API key (--api-key wins)', readBy: SERVER_AND_WORKER },
  { name: 'TRIBUTARY_SECRET_KEY', sets: 'key encrypting connector secrets (base64, 32 bytes)', readBy: ['serve', 'secrets'], defaultText: '<data>/secret.key' },
  { name: 'TRIBUTARY_SECRET_KEY_PREVIOUS', sets: 'older keys, decryption only (comma-separated)', readBy: ['serve', 'secrets'], defaultText: 'none' },
  { name: 'TRIBUTARY_CONTENT_URL', sets: 'overrides content.url / content.urls (comma-separated)', readBy: SERVER_AND_WORKER },
  { name: 'TRIBUTARY_CONTENT_API_KEY', sets: 'overrides content.api_key', readBy: SERVER_AND_WORKER },
  { name: 'TRIBUTARY_CONTENT_USERNAME', sets: 'overrides content.username', readBy: SERVER_AND_WORKER },
  { name: 'TRIBUTARY_CONTENT_PASSWORD', sets: 'overrides content.password', readBy: SERVER_AND_WORKER },
  { name: 'TRIBUTARY_CONTENT_CA_FILE', sets: 'overrides content.ca_file', readBy: SERVER_AND_WORKER },
  { name: 'TRIBUTARY_SMBCLIENT', sets: 'path of Samba\'s smbclient, which the network_drive source runs to read file permissions (docs/sources/network_drive.md)', readBy: SERVER_AND_WORKER, defaultText: 'smbclient on the PATH' },
  { name: 'TRIBUTARY_DEBUG_GC_MS', sets: 'forced GC every <ms> (with node --expose-gc; debugging aid)', readBy: ['serve'], defaultText: 'off' },
  { name: 'TRIBUTARY_TEST_PG_URL', sets: 'PostgreSQL server of the tests and benchmarks', readBy: ['tests'], fallback: 'postgres://postgres@127.0.0.1:5432/test' },
  { name: 'TRIBUTARY_TEST_MYSQL_URL', sets: 'MySQL/MariaDB server of the tests and benchmarks', readBy: ['tests'], fallback: 'mysql://root@127.0.0.1:3306/test' },
  { name: 'TRIBUTARY_TEST_ES_URL', sets: 'Elasticsearch cluster of the external sink tests', readBy: ['tests'], defaultText: 'none (skipped)' },
  { name: 'TRIBUTARY_TEST_ES_API_KEY', sets: 'API key for TRIBUTARY_TEST_ES_URL', readBy: ['tests'], defaultText: 'none' },
  { name: 'TRIBUTARY_TEST_OPENSEARCH_URL', sets: 'OpenSearch cluster of the external sink tests', readBy: ['tests'], defaultText: 'none (skipped)' },
  { name: 'TRIBUTARY_FIXTURE_SIZE', sets: 'rows/files of the source case tests', readBy: ['tests'], fallback: '300' },
  { name: 'TRIBUTARY_E2E_FILES', sets: 'files of the directory end-to-end test', readBy: ['tests'], fallback: '3000' },
  { name: 'TRIBUTARY_SOAK_MS', sets: 'length of the garbage-collection soak test', readBy: ['tests'], fallback: '20000' },
  { name: 'TRIBUTARY_UI_SCREENSHOTS', sets: 'folder the web UI end-to-end test writes page screenshots to (docs/ui.md)', readBy: ['tests'], defaultText: 'none' },
] as const satisfies readonly EnvironmentVariable[];

export type EnvName = (typeof ENVIRONMENT)[number]['name'];

const BY_NAME = new Map<string, EnvironmentVariable>(ENVIRONMENT.map((v) => [v.name, v]));

/** A flag's default: the variable when set, else the table's fallback (undefined: none). */
export function envDefault(name: EnvName, env: Record<string, string | undefined> = process.env): string | undefined {
  return env[name] ?? BY_NAME.get(name)!.fallback;
}

/** The "Environment variables" section of a command's --help. */
export function environmentHelp(reader: Exclude<Reader, 'tests'>): string {
  const rows = ENVIRONMENT.filter((v) => (v.readBy as readonly Reader[]).includes(reader));
  const width = Math.max(...rows.map((v) => v.name.length)) + 2;
  const lines = rows.map((v) => {
    const dflt = 'fallback' in v ? v.fallback : 'defaultText' in v ? v.defaultText : undefined;
    return `  ${v.name.padEnd(width)}${v.sets}${dflt === undefined ? '' : ` (default: ${dflt})`}`;
  });
  return `\nEnvironment variables (a flag given on the command line wins; docs/configuration.md):\n${lines.join('\n')}\n`;
}
