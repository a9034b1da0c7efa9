/**
 * Test fixture of the `google_cloud_storage` source: an in-memory server of the Cloud Storage
 * JSON API subset the source uses, with its OAuth 2.0 token endpoint, on a random loopback
 * port. Written from Google's documentation, not from any implementation:
 *
 * - "Using OAuth 2.0 for Server to Server Applications" (developers.google.com/identity/
 *   protocols/oauth2/service-account): POST /token, form grant_type=urn:ietf:params:oauth:
 *   grant-type:jwt-bearer & assertion=<JWT>; the JWT's RS256 signature is verified with the
 *   public half of a key pair generated for the test, and iss / aud / scope / iat / exp are
 *   checked; the answer is {access_token, expires_in, token_type: "Bearer"}, an error
 *   {error: "invalid_grant", error_description} with 400.
 * - Cloud Storage JSON API v1 (cloud.google.com/storage/docs/json_api/v1): buckets.list
 *   (GET /storage/v1/b?project), objects.list (GET /storage/v1/b/<bucket>/o with prefix,
 *   maxResults ≤ 1000, pageToken / nextPageToken), objects.get with alt=media (the bytes of
 *   the object, or of `generation`); object resources with id = <bucket>/<name>/<generation>,
 *   size as a string, RFC 3339 timeCreated / updated; errors as
 *   {error: {code, message, errors: [{reason}]}} — 401 for a missing, unknown or expired
 *   token, 404 for a missing bucket or object.
 *
 * Test controls: failures injected before the next N storage requests (429 / 503 with an
 * optional Retry-After) or token requests, requests left unanswered (cancel tests), token lifetime and
 * revocation, request counters.
 */
import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SourceFixture } from '../source.case.js';
import { googleCloudStorageSource } from './datasource.js';

export const PROJECT = 'tributary-test';
export const EMAIL = 'reader@tributary-test.iam.gserviceaccount.com';

export interface Obj {
  bytes: Buffer;
  generation: string;
  created: string;
  updated: string;
  contentType: string;
}

export interface FakeGcs {
  url: string;
  tokenUri: string;
  /** The service-account key file (JSON) the server accepts; `other` = a key it does not know. */
  key(o?: { other?: boolean }): string;
  bucket(name: string): void;
  /** The objects of a bucket, by name. */
  objects(bucket: string): ReadonlyMap<string, Obj>;
  put(bucket: string, name: string, body: string | Buffer, contentType?: string): Obj;
  remove(bucket: string, name: string): void;
  /** Answer the next `n` storage requests with `status` (and `Retry-After: retryAfter` when given). */
  fail(n: number, status: number, retryAfter?: number): void;
  /** Answer the next `n` token requests with `status`. */
  failTokens(n: number, status: number): void;
  /** Requests whose path and query match get no answer. */
  stall: (url: string) => boolean;
  /** Authorised requests whose path and query match are answered 403 (a missing IAM permission). */
  deny: (url: string) => boolean;
  /** Lifetime (s) of tokens issued from now on. */
  tokenLifetime: number;
  /** Forget every token issued so far (their next use is a 401). */
  revokeTokens(): void;
  counts: { token: number; list: number; media: number; failed: number; unauthorized: number };
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function apiError(res: ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}): void {
  send(res, code, { error: { code, message, errors: [{ reason, message, domain: 'global' }] } }, headers);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      s += d;
    });
    req.on('end', () => resolve(s));
  });
}

/** The reason an assertion is refused, or null (Google's checks, as its OAuth page lists them). */
function assertionProblem(jwt: string, publicKey: KeyObject, tokenUri: string): string | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'Invalid JWT: not three parts';
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return 'Invalid JWT: not JSON';
  }
  if (header.alg !== 'RS256') return 'Invalid JWT: alg must be RS256';
  if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'))) return 'Invalid JWT Signature.';
  const now = Math.floor(Date.now() / 1000);
  if (claims.iss !== EMAIL) return 'Invalid issuer';
  if (claims.aud !== tokenUri) return 'Invalid JWT: aud must be the token URI';
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes('https://www.googleapis.com/auth/devstorage.read_only')) return 'Invalid scope';
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp <= now || claims.exp - claims.iat > 3600 || claims.iat > now + 60) {
    return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe';
  }
  return null;
}

function resource(bucket: string, name: string, o: Obj, base: string): Record<string, unknown> {
  return {
    kind: 'storage#object',
    id: `${bucket}/${name}/${o.generation}`,
    selfLink: `${base}/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`,
    name,
    bucket,
    generation: o.generation,
    metageneration: '1',
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.bytes.length),
    timeCreated: o.created,
    updated: o.updated,
    etag: `C${o.generation.slice(-8)}`,
    metadata: { origin: 'fixture' },
  };
}

export async function startFakeGcs(): Promise<FakeGcs> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const buckets = new Map<string, Map<string, Obj>>();
  const tokens = new Map<string, number>(); // token → expiry (ms)
  let failures: { n: number; status: number; retryAfter?: number } = { n: 0, status: 0 };
  let tokenFailures = { n: 0, status: 0 };
  let gen = Date.now() * 1000;
  const counts = { token: 0, list: 0, media: 0, failed: 0, unauthorized: 0 };
  let base = '';
  const fake = {} as FakeGcs;

  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', base);
    if (req.method === 'POST' && u.pathname === '/token') {
      counts.token++;
      if (tokenFailures.n > 0) {
        tokenFailures.n--;
        req.resume();
        return send(res, tokenFailures.status, { error: 'internal_failure', error_description: 'injected by the test' });
      }
      const form = new URLSearchParams(await readBody(req));
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' });
      const problem = assertionProblem(form.get('assertion') ?? '', publicKey, `${base}/token`);
      if (problem) return send(res, 400, { error: 'invalid_grant', error_description: problem });
      const token = `ya29.${randomBytes(16).toString('hex')}`;
      tokens.set(token, Date.now() + fake.tokenLifetime * 1000);
      return send(res, 200, { access_token: token, expires_in: fake.tokenLifetime, token_type: 'Bearer' });
    }
    req.resume();
    if (fake.stall(req.url ?? '')) return;
    if (failures.n > 0) {
      failures.n--;
      counts.failed++;
      const h: Record<string, string> = failures.retryAfter === undefined ? {} : { 'retry-after': String(failures.retryAfter) };
      return apiError(res, failures.status, failures.status === 429 ? 'rateLimitExceeded' : 'backendError', failures.status === 429 ? 'The rate of change requests to the object is too high.' : 'Backend Error', h);
    }
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const expiry = auth ? tokens.get(auth[1]) : undefined;
    if (expiry === undefined || expiry <= Date.now()) {
      counts.unauthorized++;
      return apiError(res, 401, 'authError', 'Invalid Credentials', { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' });
    }
    if (req.method !== 'GET') return apiError(res, 405, 'methodNotAllowed', 'Method not allowed');
    if (fake.deny(req.url ?? '')) return apiError(res, 403, 'forbidden', `${EMAIL} does not have storage.objects.get access to the Google Cloud Storage object.`);
    if (u.pathname === '/storage/v1/b') {
      counts.list++;
      if (u.searchParams.get('project') !== PROJECT) return apiError(res, 404, 'notFound', 'The requested project was not found.');
      return send(res, 200, { kind: 'storage#buckets', items: [...buckets.keys()].sort().map((name) => ({ kind: 'storage#bucket', id: name, name })) });
    }
    const list = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(u.pathname);
    const media = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(u.pathname);
    const bucketName = decodeURIComponent((list ?? media)?.[1] ?? '');
    const b = buckets.get(bucketName);
    if (!list && !media) return apiError(res, 404, 'notFound', 'Not Found');
    if (!b) return apiError(res, 404, 'notFound', 'The specified bucket does not exist.');
    if (list) {
      counts.list++;
      const max = Math.min(1000, Math.max(1, Number(u.searchParams.get('maxResults') ?? 1000) || 1000));
      const prefix = u.searchParams.get('prefix') ?? '';
      const after = u.searchParams.get('pageToken') ? Buffer.from(u.searchParams.get('pageToken')!, 'base64url').toString('utf8') : null;
      const names = [...b.keys()].filter((n) => n.startsWith(prefix) && (after === null || n > after)).sort();
      const page = names.slice(0, max);
      const body: Record<string, unknown> = { kind: 'storage#objects', items: page.map((n) => resource(bucketName, n, b.get(n)!, base)) };
      if (names.length > max) body.nextPageToken = Buffer.from(page[page.length - 1]).toString('base64url');
      return send(res, 200, body);
    }
    counts.media++;
    const o = b.get(decodeURIComponent(media![2]));
    const g = u.searchParams.get('generation');
    if (u.searchParams.get('alt') !== 'media') return apiError(res, 400, 'invalid', 'only alt=media is served by this fixture');
    if (!o || (g && g !== o.generation)) return apiError(res, 404, 'notFound', 'No such object.');
    res.writeHead(200, { 'content-type': o.contentType, 'content-length': String(o.bytes.length), 'x-goog-generation': o.generation });
    res.end(o.bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keyFile = (k: KeyObject) => JSON.stringify({
    type: 'service_account',
    project_id: PROJECT,
    private_key_id: randomBytes(8).toString('hex'),
    private_key: k.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: EMAIL,
    client_id: '1234567890',
    token_uri: `${base}/token`,
  });
  Object.assign(fake, {
    url: base,
    tokenUri: `${base}/token`,
    key: (o: { other?: boolean } = {}) => keyFile(o.other ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : privateKey),
    bucket: (name: string) => void buckets.set(name, buckets.get(name) ?? new Map()),
    objects: (bucket: string) => buckets.get(bucket) ?? new Map(),
    put(bucket: string, name: string, body: string | Buffer, contentType = 'application/octet-stream') {
      const b = buckets.get(bucket)!;
      const now = new Date().toISOString();
      const o: Obj = { bytes: Buffer.from(body), generation: String(++gen), created: b.get(name)?.created ?? now, updated: now, contentType };
      b.set(name, o);
      return o;
    },
    remove: (bucket: string, name: string) => void buckets.get(bucket)?.delete(name),
    fail: (n: number, status: number, retryAfter?: number) => {
      failures = { n, status, retryAfter };
    },
    failTokens: (n: number, status: number) => {
      tokenFailures = { n, status };
    },
    stall: () => false,
    deny: () => false,
    tokenLifetime: 3600,
    revokeTokens: () => tokens.clear(),
    counts,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}

export function gcsConfig(g: FakeGcs, buckets: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { buckets, service_account_credentials: g.key(), endpoint: g.url, retry_count: 2, ...extra };
}

export function gcsFixture(): SourceFixture {
  let g: FakeGcs | null = null;
  const buckets = ['contract-a', 'contract-b'];
  let next = 0;
  const add = () => {
    const i = next++;
    g!.put(buckets[i % 2], `d${i % 7}/s${i % 3}/file-${i}.${['txt', 'md', 'json'][i % 3]}`, `document ${i}`, 'text/plain');
  };
  const ids = () => buckets.flatMap((b) => [...g!.objects(b)].map(([name, o]) => `${b}/${name}/${o.generation}`));
  return {
    factory: googleCloudStorageSource,
    async load(n) {
      g = await startFakeGcs();
      for (const b of buckets) g.bucket(b);
      for (let i = 0; i < n; i++) add();
      return gcsConfig(g, buckets, { page_size: 50 });
    },
    async ids() {
      return ids();
    },
    async change({ update, add: added, remove }) {
      const all = buckets.flatMap((b) => [...g!.objects(b).keys()].map((n) => [b, n] as const));
      for (const [b, n] of all.slice(0, update)) g!.put(b, n, `updated ${n}`, 'text/plain');
      for (const [b, n] of all.slice(update, update + remove)) g!.remove(b, n);
      for (let i = 0; i < added; i++) add();
    },
    // `updated` is millisecond-exact, and the source keeps a 3 s margin for clock skew.
    settle: () => new Promise((r) => setTimeout(r, 3200)),
    unreachable: () => ({ buckets: ['contract-a'], service_account_credentials: g!.key(), endpoint: 'http://127.0.0.1:9', retry_count: 0 }),
    async remove() {
      await g?.close();
    },
  };
}
