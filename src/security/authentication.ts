/**
 * Authentication with security on (docs/security.md): HTTP Basic users of the config file,
 * `ApiKey` credentials (stored keys, and the in-process connector service's own key), failed
 * logins limited per credential and address, scrypt work bounded. Each principal it returns
 * has either a subject (who it is and what it may do, for authorize.ts) or a failure.
 *
 * A failed authentication is reported when the request is authorized: the 401 reason names
 * the REST path (`unable to authenticate user [x] for REST request [/path]`), which only
 * authorization receives. The credentials are checked (and failures counted) at once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError, errors } from '../domain/errors.js';
import type { ApiKeyDoc } from '../store/api-key-store.js';
import { API_KEY_REALM, type ApiKeyService } from './api-keys.js';
import type { Subject } from './authorize.js';
import type { SecurityConfig, UserEntry } from './config.js';
import { parseAuthorization } from './credentials.js';
import { LoginGuard } from './login-guard.js';
import { decoyHash, verifyPassword } from './password.js';
import type { Principal } from './port.js';
import { compile, parseRoleDescriptor, type Permission } from './roles.js';
import type { TemplateUser } from './dls-template.js';

export const FILE_REALM = { name: 'default_file', type: 'file' };
const GENERIC_401 = 'unable to authenticate with provided credentials and anonymous access is not allowed for this request';
const CACHE_TTL_MS = 20 * 60_000;
/** The in-process connector service's own user (see `internalCredential`). */
const INTERNAL_USER = '_tributary_worker';

/** The 401 of a failed authentication, given the REST path (known only when authorizing). */
export type Failure = (path: string) => ApiError;

/** The realm a principal authenticated with, as `_authenticate` and API key filters name it. */
export function realmOf(p: Principal): { name: string; type: string } {
  return p.realm === 'api_key' ? API_KEY_REALM : FILE_REALM;
}

/** `_user` of templated role queries (document-level security). */
export function templateUser(username: string, u: UserEntry): TemplateUser {
  return { username, roles: [...u.roles], full_name: u.full_name ?? null, email: u.email ?? null, metadata: u.metadata ?? {} };
}

export class Authenticator {
  /** Failed-login limits and the bounded scrypt queue. */
  private readonly guard: LoginGuard;
  private readonly permissions = new Map<string, Permission>();
  private readonly keyPermissions = new Map<string, Permission | null>();
  private readonly subjects = new WeakMap<Principal, Subject>();
  private readonly failures = new WeakMap<Principal, Failure>();
  private readonly cacheKey = randomBytes(32);
  private readonly verified = new Map<string, { digest: Buffer; expires: number }>();
  private readonly sampleHash?: string;
  private internal?: { id: string; secret: Buffer; permission: Permission };

  constructor(
    private readonly config: SecurityConfig,
    private readonly now: () => number,
    /** Stored API keys; absent when the state store has none (then `apiKeysUnavailable` says why). */
    private readonly service: ApiKeyService | undefined,
    private readonly apiKeysUnavailable: string | undefined,
  ) {
    this.sampleHash = [...config.users.values()][0]?.passwordHash;
    this.guard = new LoginGuard(config.rateLimit, config.passwordChecks, now);
    for (const [name, user] of config.users) this.permissions.set(name, compile(user.roles.map((r) => config.roles.get(r)!)));
  }

  /** Who the principal is and what it may do; undefined when it did not authenticate. */
  subjectOf(p: Principal): Subject | undefined {
    return this.subjects.get(p);
  }

  /** The 401 to answer for a principal that did not authenticate; undefined otherwise. */
  failureOf(p: Principal): Failure | undefined {
    return this.failures.get(p);
  }

  async authenticate(headers: Record<string, string | string[] | undefined>, address: string): Promise<Principal> {
    const cred = parseAuthorization(headers.authorization);
    switch (cred.kind) {
      case 'none':
        return this.failed((path) => errors.authenticationFailed(`missing authentication credentials for REST request [${path}]`));
      case 'invalid':
        return cred.scheme === 'basic'
          ? this.failed(() => errors.authenticationFailed('invalid basic authentication header value'))
          : this.failed(() => errors.authenticationFailed(GENERIC_401, { additional_unsuccessful_credentials: 'API key: invalid ApiKey value' }));
      case 'unsupported':
        return this.failed(() =>
          errors.authenticationFailed(GENERIC_401, { additional_unsuccessful_credentials: `[${cred.scheme}] credentials are not supported: use Basic or ApiKey` }),
        );
      case 'basic':
        return this.basic(cred.username, cred.password, address);
      case 'api_key':
        return this.apiKey(cred.id, cred.key, address);
    }
  }

  private failed(failure: Failure): Principal {
    const p: Principal = { username: '_unauthenticated', roles: [], realm: 'anonymous' };
    this.failures.set(p, failure);
    return p;
  }

  private async basic(username: string, password: string, address: string): Promise<Principal> {
    const key = `user:${username}|${address}`;
    const settle = this.guard.reserve(key, address, `user [${username}]`, true);
    let ok: boolean;
    const user = this.config.users.get(username);
    try {
      ok = user
        ? await this.checkPassword(username, password, user)
        : await this.guard.hash(async () => (await verifyPassword(password, await decoyHash(this.sampleHash)), false));
    } catch (e) {
      settle('released');
      throw e;
    }
    if (!ok || !user) {
      settle('failed');
      return this.failed((path) => errors.authenticationFailed(`unable to authenticate user [${username}] for REST request [${path}]`));
    }
    settle('succeeded');
    const p: Principal = { username, roles: [...user.roles], realm: 'basic' };
    this.subjects.set(p, { username, roles: user.roles, permission: this.permissions.get(username)!, user: templateUser(username, user) });
    return p;
  }

  /** scrypt on the first login, then a keyed digest for a while (Elasticsearch caches realm logins too). */
  private async checkPassword(username: string, password: string, user: UserEntry): Promise<boolean> {
    const digest = createHmac('sha256', this.cacheKey).update(`${username}\0${user.passwordHash}\0${password}`).digest();
    const hit = this.verified.get(username);
    if (hit && hit.expires > this.now() && timingSafeEqual(hit.digest, digest)) return true;
    if (!(await this.guard.hash(() => verifyPassword(password, user.passwordHash)))) return false;
    this.verified.set(username, { digest, expires: this.now() + CACHE_TTL_MS });
    return true;
  }

  internalCredential(): string {
    if (!this.internal) {
      const permission = compile([parseRoleDescriptor(INTERNAL_USER, {
        cluster: ['manage_connector'],
        indices: [{ names: ['*'], privileges: ['all'] }],
      })]);
      this.internal = { id: `${INTERNAL_USER}-${randomBytes(8).toString('hex')}`, secret: randomBytes(32), permission };
    }
    return Buffer.from(`${this.internal.id}:${this.internal.secret.toString('base64url')}`).toString('base64');
  }

  private internalPrincipal(id: string, secret: string): Principal | null {
    const own = this.internal;
    if (!own || id !== own.id) return null;
    const given = Buffer.from(secret);
    const expected = Buffer.from(own.secret.toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const p: Principal = { username: INTERNAL_USER, roles: [], realm: 'api_key', apiKeyId: id, apiKeyName: INTERNAL_USER };
    this.subjects.set(p, { username: INTERNAL_USER, roles: [], permission: own.permission });
    return p;
  }

  private async apiKey(id: string, secret: string, address: string): Promise<Principal> {
    const internal = this.internalPrincipal(id, secret);
    if (internal) return internal;
    const key = `api_key:${id}|${address}`;
    const settle = this.guard.reserve(key, address, `API key [${id}]`, false);
    const refuse = (why: string) => {
      settle('failed');
      return this.failed(() => errors.authenticationFailed(GENERIC_401, { additional_unsuccessful_credentials: `API key: ${why}` }));
    };
    if (!this.service) return refuse(this.apiKeysUnavailable!);
    let r: Awaited<ReturnType<ApiKeyService['verify']>>;
    try {
      r = await this.service.verify(id, secret);
    } catch (e) {
      settle('released');
      throw e;
    }
    if (!r.ok) return refuse(r.reason);
    const owner = r.doc.realm === FILE_REALM.name ? this.config.users.get(r.doc.username) : undefined;
    if (!owner) return refuse(`the owner [${r.doc.username}] of api key [${id}] is no longer a user`);
    settle('succeeded');
    const p: Principal = { username: r.doc.username, roles: [], realm: 'api_key', apiKeyId: id, apiKeyName: r.doc.name };
    this.subjects.set(p, {
      username: r.doc.username,
      roles: owner.roles,
      permission: this.permissions.get(r.doc.username)!,
      user: templateUser(r.doc.username, owner),
      apiKey: { id, name: r.doc.name, permission: this.keyPermission(id, r.doc) },
    });
    return p;
  }

  private keyPermission(id: string, doc: ApiKeyDoc): Permission | null {
    if (!this.keyPermissions.has(id)) {
      const descriptors = Object.entries(doc.role_descriptors).map(([name, d]) => parseRoleDescriptor(name, d));
      if (this.keyPermissions.size > 10_000) this.keyPermissions.clear();
      this.keyPermissions.set(id, descriptors.length ? compile(descriptors) : null);
    }
    return this.keyPermissions.get(id)!;
  }
}
