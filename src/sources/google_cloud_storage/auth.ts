/**
 * OAuth 2.0 for service accounts (Google's "Using OAuth 2.0 for Server to Server
 * Applications"): a JWT — header {alg: RS256, typ: JWT, kid}, claims {iss: client_email,
 * scope, aud: token_uri, iat, exp ≤ iat + 1 h} — signed with the key's `private_key`
 * (node:crypto), POSTed to `token_uri` as grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer;
 * the answer's access_token is cached until a minute (a quarter of a short lifetime) before it
 * expires. One token request in
 * flight at a time; `invalidate()` after a 401 makes the next call fetch a fresh one.
 */
import { sign } from 'node:crypto';
import type { ServiceAccount } from './config.js';
import type { Http } from '../shared/http.js';

export const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/devstorage.read_only';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const LIFETIME_S = 3600;
const EARLY_MS = 60_000;
const MAX_TOKEN_RESPONSE = 64 * 1024;

function b64url(v: string | Buffer): string {
  return Buffer.from(v).toString('base64url');
}

/** The signed assertion for `account`, issued at `nowS` (seconds). */
export function assertion(account: ServiceAccount, nowS: number): string {
  const header = { alg: 'RS256', typ: 'JWT', ...(account.privateKeyId ? { kid: account.privateKeyId } : {}) };
  const claims = { iss: account.clientEmail, scope: READ_ONLY_SCOPE, aud: account.tokenUri.href, iat: nowS, exp: nowS + LIFETIME_S };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), account.privateKey))}`;
}

/** What the token endpoint answered, when not a token. */
export class TokenRefused extends Error {
  constructor(readonly status: number, readonly error: string, message: string, readonly retryAfterMs: number | undefined) {
    super(message);
  }
}

export class TokenSource {
  private token: { value: string; until: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly account: ServiceAccount,
    private readonly http: Http,
  ) {}

  /** A valid access token (cached, or fetched now). Errors: TokenRefused, NetworkError, the abort reason. */
  get(signal: AbortSignal): Promise<string> {
    if (this.token && Date.now() < this.token.until) return Promise.resolve(this.token.value);
    this.pending ??= this.fetch(signal).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  invalidate(): void {
    this.token = null;
  }

  private async fetch(signal: AbortSignal): Promise<string> {
    const body = new URLSearchParams({ grant_type: JWT_BEARER, assertion: assertion(this.account, Math.floor(Date.now() / 1000)) }).toString();
    const r = await this.http.send({
      method: 'POST',
      url: this.account.tokenUri,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal,
      maxBytes: MAX_TOKEN_RESPONSE,
    });
    if (r === 'too-big') throw new TokenRefused(0, 'too_big', 'the token endpoint answered more than 64 KiB', undefined);
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      // reported below with the status
    }
    if (r.status !== 200 || typeof json.access_token !== 'string' || json.access_token === '') {
      const after = Number(r.headers['retry-after']);
      const error = typeof json.error === 'string' ? json.error : `HTTP ${r.status}`;
      const desc = typeof json.error_description === 'string' ? json.error_description.slice(0, 200) : '';
      throw new TokenRefused(r.status, error, `${error}${desc ? `: ${desc}` : ''}`, Number.isFinite(after) && after >= 0 && after <= 120 ? after * 1000 : undefined);
    }
    const expires = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : LIFETIME_S;
    this.token = { value: json.access_token, until: Date.now() + expires * 1000 - Math.min(EARLY_MS, (expires * 1000) / 4) };
    return json.access_token;
  }
}
