/**
 * Which server the client commands (`tributary sync`, `tributary worker`) talk to, and a first
 * contact that fails fast: `--url` / `TRIBUTARY_URL` when given, else the URL the data folder's
 * `tributary serve` recorded in `<data>/server.json` (server-file.ts), else
 * http://127.0.0.1:9200. A server that does not answer is reported within about 2 s with the URL
 * tried, how it was chosen and what to do (issue 12 item 9).
 */
import { resolve } from 'node:path';
import { ConnectorApi, type ApiConnection } from '../runtime/worker/api-client.js';
import { readServerFile } from './server-file.js';

export const DEFAULT_URL = 'http://127.0.0.1:9200';
export const URL_ENV = 'TRIBUTARY_URL';
/** How long the first contact may take before the command gives up. */
export const FIRST_CONTACT_MS = 2_000;

export interface ServerLocation {
  url: string;
  /** How the URL was chosen, for messages: "URL given with --url", "URL from <data>/server.json, …", … */
  how: string;
}

/**
 * `url` is the `--url` flag's value (or TRIBUTARY_URL's, which the command line uses as its
 * default); `data` the data folder to look in (`--data`, TRIBUTARY_DATA, ./data).
 */
export function locateServer(o: { url?: string; data?: string }, env: NodeJS.ProcessEnv = process.env): ServerLocation {
  if (o.url) return { url: o.url, how: env[URL_ENV] === o.url ? `URL from ${URL_ENV}` : 'URL given with --url' };
  const dataDir = resolve(o.data ?? env.TRIBUTARY_DATA ?? './data');
  const r = readServerFile(dataDir);
  if (r.state === 'found') return { url: r.record.url, how: `URL from ${r.file}, written by tributary serve (pid ${r.record.pid})` };
  const why = r.state === 'missing' ? `${r.file} does not exist` : `${r.file} was ignored: ${r.why}`;
  return { url: DEFAULT_URL, how: `the default URL, as ${why}` };
}

export class ServerUnreachableError extends Error {}

/**
 * Opens the API client and checks, within FIRST_CONTACT_MS, that something answers; throws
 * ServerUnreachableError with a hint otherwise.
 */
export async function connectToServer(loc: ServerLocation, conn: Omit<ApiConnection, 'url'> = {}, timeoutMs = FIRST_CONTACT_MS): Promise<ConnectorApi> {
  let api: ConnectorApi;
  try {
    api = ConnectorApi.connect({ ...conn, url: loc.url });
  } catch (e) {
    throw new ServerUnreachableError(`Invalid server URL [${loc.url}] (${loc.how}): ${(e as Error).message}`);
  }
  const problem = await api.unreachable(timeoutMs);
  if (problem === null) return api;
  await api.close();
  throw new ServerUnreachableError(
    `Cannot reach a Tributary server at ${loc.url} (${loc.how}): ${problem}. ` +
      `Is \`tributary serve\` running? Pass --url or set ${URL_ENV} to its URL, or --data to its data folder (where it records its URL in server.json).`,
  );
}
