/**
 * The security port with security on (issue 4, docs/security.md): authenticates HTTP Basic
 * users of the config file and `ApiKey` credentials, authorizes each endpoint's action
 * (authorize.ts), limits failed logins, and serves the `_security` endpoints (principal,
 * `_authenticate`, API keys).
 *
 * A failed authentication is reported when the request is authorized: the 401 reason names
 * the REST path (`unable to authenticate user [x] for REST request [/path]`), which only
 * `authorize` receives. The credentials are checked (and failures counted) at once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError, errors } from '../domain/errors.js';
import type { IndexAccess, Principal } from './port.js';
import type { GuardedAction as Endpoint, GuardedRequest as EndpointRequest } from './port.js';
import type { ApiKeyAdmin, CreateApiKeyRequest, GetApiKeyRequest, InvalidateApiKeyRequest, SecurityAdmin } from './admin-port.js';
import type { ApiKeyDoc, ApiKeyStore } from '../store/api-key-store.js';
import { API_KEY_REALM, ApiKeyService, renderApiKey, type Owner } from './api-keys.js';
import { authorizeAction, type ActionRequest, type Subject } from './authorize.js';
import type { SecurityConfig, UserEntry } from './config.js';
import { parseAuthorization } from './credentials.js';
import { decoyHash, verifyPassword } from './password.js';
import { LoginGuard } from './login-guard.js';
import { compile, parseRoleDescriptor, type Permission, type RoleDescriptor } from './roles.js';

export const FILE_REALM = { name: 'default_file', type: 'file' };
const GENERIC_401 = 'unable to authenticate with provided credentials and anonymous access is not allowed for this request';
const API_KEY_ACTION = 'cluster:admin/xpack/security/api_key/';
const CACHE_TTL_MS = 20 * 60_000;
/** The in-process connector service's own user (see `internalCredential`). */
const INTERNAL_USER = '_tributary_worker';

type Failure = (path: string) => ApiError;

function field(o: unknown, k: string): unknown {
  return typeof o === 'object' && o !== null && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

export interface SecurityOptions {
  apiKeyStore?: ApiKeyStore;
  /** Reason given when `apiKeyStore` is absent. */
  apiKeysUnavailable?: string;
  now?: () => number;
}

export function createSecurity(config: SecurityConfig, opts: SecurityOptions = {}): SecurityAdmin {
  return new ConfigSecurity(config, opts);
}

class ConfigSecurity implements SecurityAdmin {
  readonly enabled = true;
  readonly apiKeys?: ApiKeyAdmin;
  readonly apiKeysUnavailable?: string;
  private readonly now: () => number;
  /** Failed-login limits and the bounded scrypt queue. */
  private readonly guard: LoginGuard;
  private readonly service?: ApiKeyService;
  private readonly permissions = new Map<string, Permission>();
  private readonly keyPermissions = new Map<string, Permission | null>();
  private readonly subjects = new WeakMap<Principal, Subject>();
  private readonly failures = new WeakMap<Principal, Failure>();
  private readonly requests = new WeakMap<EndpointRequest, Principal>();
  private readonly cacheKey = randomBytes(32);
  private readonly verified = new Map<string, { digest: Buffer; expires: number }>();
  private readonly sampleHash?: string;
  private internal?: { id: string; secret: Buffer; permission: Permission };

  constructor(
    private readonly config: SecurityConfig,
    opts: SecurityOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.sampleHash = [...config.users.values()][0]?.passwordHash;
    this.guard = new LoginGuard(config.rateLimit, config.passwordChecks, this.now);
    for (const [name, user] of config.users) this.permissions.set(name, compile(user.roles.map((r) => config.roles.get(r)!)));
    if (opts.apiKeyStore) {
      this.service = new ApiKeyService(opts.apiKeyStore, this.now);
      this.apiKeys = {
        create: (p, r) => this.createApiKey(p, r),
        get: (p, r) => this.getApiKeys(p, r),
        invalidate: (p, r) => this.invalidateApiKeys(p, r),
      };
    } else {
      this.apiKeysUnavailable = opts.apiKeysUnavailable ?? 'API keys are not available with this state store';
    }
  }

  /* ---------------------------------------------------------------- authentication */

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
    this.subjects.set(p, { username, roles: user.roles, permission: this.permissions.get(username)! });
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

  /* ---------------------------------------------------------------- authorization */

  allows(req: EndpointRequest, action: string): boolean {
    const p = this.requests.get(req);
    const s = p && this.subjects.get(p);
    return !!s && authorizeAction(s, { action, indices: [], ownApiKeys: false }) === null;
  }

  rejectUnauthenticated(principal: Principal, path: string): void {
    const failure = this.failures.get(principal);
    if (failure) throw failure(path);
  }

  async authorize(principal: Principal, endpoint: Endpoint, req: EndpointRequest): Promise<void> {
    const failure = this.failures.get(principal);
    if (failure) throw failure(req.path);
    const subject = this.subjects.get(principal);
    if (!subject) throw errors.authenticationFailed(`missing authentication credentials for REST request [${req.path}]`);
    this.requests.set(req, principal);
    const denial = authorizeAction(subject, this.actionRequest(principal, endpoint, req));
    if (denial) throw errors.forbidden(denial);
  }

  private actionRequest(p: Principal, endpoint: Endpoint, req: EndpointRequest): ActionRequest {
    if (endpoint.composite) return { action: endpoint.action, indices: [], composite: true };
    const named = (req.params.index ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const indices = named.length ? named : endpoint.index ? [endpoint.index] : ['*'];
    return { action: endpoint.action, indices, ownApiKeys: this.aboutOwnKeys(p, endpoint.action, req), deleteSyncJobs: req.query.delete_sync_jobs === true };
  }

  /**
   * One index action on one index, decided exactly as an endpoint naming that index would be
   * (user roles, and an API key's own descriptors on top). A principal that did not
   * authenticate is refused everything.
   */
  indexAccess(principal: Principal): IndexAccess {
    const subject = this.subjects.get(principal);
    if (!subject) return (action) => `action [${action}] is unauthorized: the request is not authenticated`;
    return (action, index) => authorizeAction(subject, { action, indices: [index] });
  }

  /** `manage_own_api_key` covers requests that can only reach the caller's own keys. */
  private aboutOwnKeys(p: Principal, action: string, req: EndpointRequest): boolean {
    if (!action.startsWith(API_KEY_ACTION)) return false;
    const op = action.slice(API_KEY_ACTION.length);
    if (op === 'create') return true;
    const src = op === 'get' ? req.query : req.body;
    if (field(src, 'owner') === true) return true;
    const username = field(src, 'username');
    const realm = field(src, 'realm_name');
    if (username === p.username && (realm === undefined || realm === this.realmOf(p).name)) return true;
    if (p.realm === 'api_key') {
      const ids = op === 'get' ? [field(src, 'id')] : ((field(src, 'ids') as unknown[] | undefined) ?? [field(src, 'id')]);
      return ids.length === 1 && ids[0] === p.apiKeyId;
    }
    return false;
  }

  /** True when the principal may manage every user's API keys (not only its own). */
  private managesAllKeys(p: Principal, action: string): boolean {
    const s = this.subjects.get(p);
    return !!s && authorizeAction(s, { action, indices: [], ownApiKeys: false }) === null;
  }

  /* ---------------------------------------------------------------- _security endpoints */

  principalOf(req: EndpointRequest): Principal | undefined {
    return this.requests.get(req);
  }

  private realmOf(p: Principal): { name: string; type: string } {
    return p.realm === 'api_key' ? API_KEY_REALM : FILE_REALM;
  }

  /** The owner a new API key gets: the user, or for a key-authenticated caller the key's owner. */
  private ownerOf(p: Principal): Owner {
    return { username: p.username, realm: FILE_REALM.name, realmType: FILE_REALM.type };
  }

  describe(p: Principal): Record<string, unknown> {
    const realm = this.realmOf(p);
    return {
      username: p.username,
      roles: p.realm === 'api_key' ? [] : p.roles,
      full_name: null,
      email: null,
      metadata: {},
      enabled: true,
      authentication_realm: realm,
      lookup_realm: realm,
      authentication_type: p.realm === 'api_key' ? 'api_key' : 'realm',
      ...(p.realm === 'api_key' ? { api_key: { id: p.apiKeyId, name: p.apiKeyName } } : {}),
    };
  }

  private async createApiKey(p: Principal, r: CreateApiKeyRequest) {
    const descriptors: Record<string, RoleDescriptor> = {};
    for (const [name, raw] of Object.entries(r.role_descriptors)) {
      try {
        descriptors[name] = parseRoleDescriptor(name, raw);
      } catch (e) {
        throw errors.illegalArgument((e as Error).message);
      }
    }
    const all = Object.values(descriptors);
    if (p.realm === 'api_key' && (all.length === 0 || all.some((d) => d.cluster.length || d.indices.length))) {
      throw errors.illegalArgument('creating derived api keys requires an explicit role descriptor that is empty (has no privileges)');
    }
    return this.service!.create(this.ownerOf(p), { name: r.name, expirationMs: r.expirationMs, roleDescriptors: descriptors as Record<string, unknown>, metadata: r.metadata });
  }

  private ownFilter(p: Principal) {
    return { username: p.username, realm: FILE_REALM.name };
  }

  private async getApiKeys(p: Principal, r: GetApiKeyRequest) {
    if (r.owner && (r.username !== undefined || r.realm_name !== undefined)) {
      throw errors.validation(['username or realm name must not be specified when the current user should be used']);
    }
    const all = this.managesAllKeys(p, API_KEY_ACTION + 'get');
    const own = r.owner || !all;
    const keys = await this.service!.find({
      ids: r.id !== undefined ? [r.id] : undefined,
      name: r.name,
      activeOnly: r.active_only,
      ...(own ? this.ownFilter(p) : { username: r.username, realm: r.realm_name }),
    });
    return {
      api_keys: keys.map((k) => renderApiKey(k.id, k.doc, r.with_limited_by ? [this.rolesOf(k.doc.username)] : undefined)),
    };
  }

  private rolesOf(username: string): Record<string, unknown> {
    const user = this.config.users.get(username);
    return Object.fromEntries((user?.roles ?? []).map((r) => [r, this.config.roles.get(r)]));
  }

  private async invalidateApiKeys(p: Principal, r: InvalidateApiKeyRequest) {
    if (!r.owner && !r.ids?.length && r.name === undefined && r.username === undefined && r.realm_name === undefined) {
      throw errors.validation(['One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false']);
    }
    if (r.owner && (r.username !== undefined || r.realm_name !== undefined)) {
      throw errors.validation(['username or realm name must not be specified when the current user should be used']);
    }
    const all = this.managesAllKeys(p, API_KEY_ACTION + 'invalidate');
    const own = r.owner || !all;
    const keys = await this.service!.find({
      ids: r.ids,
      name: r.name,
      ...(own ? this.ownFilter(p) : { username: r.username, realm: r.realm_name }),
    });
    return this.service!.invalidate(keys.map((k) => k.id));
  }
}
