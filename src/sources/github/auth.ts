/**
 * GitHub App authentication ("Authenticating as a GitHub App installation"): a JWT —
 * header {alg: RS256, typ: JWT}, claims {iat: now − 60 s (clock drift), exp: now + 9 min
 * (GitHub allows 10), iss: app id} — signed with the app's private key (node:crypto)
 * authenticates the app itself; `POST /app/installations/{id}/access_tokens` turns it into an
 * installation access token (one hour), which reads the repositories of the account the app is
 * installed on. Tokens are cached per installation until five minutes before they expire; one
 * request in flight per installation; `invalidate()` after a 401 fetches a fresh one.
 */
import { sign, type KeyObject } from 'node:crypto';

const EARLY_MS = 5 * 60_000;

function b64url(v: string | Buffer): string {
  return Buffer.from(v).toString('base64url');
}

/** The app's JWT, issued at `nowS` (seconds). */
export function appJwt(appId: number, key: KeyObject, nowS = Math.floor(Date.now() / 1000)): string {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ iat: nowS - 60, exp: nowS + 540, iss: String(appId) }))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}

/** Installation tokens, by installation id; `fetch` makes the POST (client.ts, with retries). */
export class InstallationTokens {
  private readonly tokens = new Map<number, { value: string; until: number }>();
  private readonly pending = new Map<number, Promise<string>>();

  constructor(private readonly fetch: (installation: number, signal: AbortSignal) => Promise<{ token: string; expiresAt: number }>) {}

  get(installation: number, signal: AbortSignal): Promise<string> {
    const t = this.tokens.get(installation);
    if (t && Date.now() < t.until) return Promise.resolve(t.value);
    let p = this.pending.get(installation);
    if (!p) {
      p = this.fetch(installation, signal)
        .then(({ token, expiresAt }) => {
          this.tokens.set(installation, { value: token, until: Math.max(Date.now() + 30_000, expiresAt - EARLY_MS) });
          return token;
        })
        .finally(() => this.pending.delete(installation));
      this.pending.set(installation, p);
    }
    return p;
  }

  invalidate(installation: number): void {
    this.tokens.delete(installation);
  }
}
