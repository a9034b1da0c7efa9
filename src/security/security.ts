/**
 * The security port with security on (issue 4, docs/security.md), composed of authentication
 * (authentication.ts: Basic users of the config file, `ApiKey` credentials, failed-login
 * limits) and API key administration (api-key-admin.ts); this module authorizes each
 * endpoint's action (authorize.ts) and serves what the `_security` endpoints read (the
 * principal of a request, `_authenticate`).
 */
import { errors } from '../domain/errors.js';
import type { ApiKeyStore } from '../store/api-key-store.js';
import type { ApiKeyAdmin, SecurityAdmin } from './admin-port.js';
import { API_KEY_ACTION, ApiKeyAdministration } from './api-key-admin.js';
import { ApiKeyService } from './api-keys.js';
import { Authenticator, realmOf } from './authentication.js';
import { authorizeAction, type ActionRequest } from './authorize.js';
import type { SecurityConfig } from './config.js';
import { checkPrivileges, type HasPrivilegesAnswer, type HasPrivilegesRequest } from './has-privileges.js';
import type { IndexAccess, IndexRestrictions, Principal } from './port.js';
import { intersect } from './document-security.js';
import type { GuardedAction as Endpoint, GuardedRequest as EndpointRequest } from './port.js';

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
  private readonly authn: Authenticator;
  private readonly requests = new WeakMap<EndpointRequest, Principal>();

  constructor(
    private readonly config: SecurityConfig,
    opts: SecurityOptions,
  ) {
    const now = opts.now ?? Date.now;
    const service = opts.apiKeyStore ? new ApiKeyService(opts.apiKeyStore, now) : undefined;
    if (!service) this.apiKeysUnavailable = opts.apiKeysUnavailable ?? 'API keys are not available with this state store';
    this.authn = new Authenticator(config, now, service, this.apiKeysUnavailable);
    if (service) this.apiKeys = new ApiKeyAdministration(config, service, (p) => this.authn.subjectOf(p));
  }

  /* ---------------------------------------------------------------- authentication */

  authenticate(headers: Record<string, string | string[] | undefined>, address: string): Promise<Principal> {
    return this.authn.authenticate(headers, address);
  }

  internalCredential(): string {
    return this.authn.internalCredential();
  }

  /* ---------------------------------------------------------------- authorization */

  allows(req: EndpointRequest, action: string): boolean {
    const p = this.requests.get(req);
    const s = p && this.authn.subjectOf(p);
    return !!s && authorizeAction(s, { action, indices: [], ownApiKeys: false }) === null;
  }

  rejectUnauthenticated(principal: Principal, path: string): void {
    const failure = this.authn.failureOf(principal);
    if (failure) throw failure(path);
  }

  async authorize(principal: Principal, endpoint: Endpoint, req: EndpointRequest): Promise<void> {
    const failure = this.authn.failureOf(principal);
    if (failure) throw failure(req.path);
    const subject = this.authn.subjectOf(principal);
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
    const subject = this.authn.subjectOf(principal);
    if (!subject) return (action) => `action [${action}] is unauthorized: the request is not authenticated`;
    return (action, index) => authorizeAction(subject, { action, indices: [index] });
  }

  /**
   * Document- and field-level security (document-security.ts): the user's roles, and for an
   * API key its own descriptors too (both apply, as in Elasticsearch).
   */
  indexRestrictions(principal: Principal): IndexRestrictions {
    const subject = this.authn.subjectOf(principal);
    return (action, index) => {
      if (!subject) return { query: { match_none: {} }, fields: () => false };
      const user = subject.user ?? { username: subject.username, roles: subject.roles, full_name: null, email: null, metadata: {} };
      try {
        const own = subject.permission.restriction(action, index, user);
        const key = subject.apiKey?.permission?.restriction(action, index, user) ?? null;
        return own && key ? intersect(own, key) : (own ?? key);
      } catch (e) {
        throw errors.illegalArgument(`the role query restricting [${index}] for user [${subject.username}] cannot be used: ${(e as Error).message}`);
      }
    };
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
    if (username === p.username && (realm === undefined || realm === realmOf(p).name)) return true;
    if (p.realm === 'api_key') {
      const ids = op === 'get' ? [field(src, 'id')] : ((field(src, 'ids') as unknown[] | undefined) ?? [field(src, 'id')]);
      return ids.length === 1 && ids[0] === p.apiKeyId;
    }
    return false;
  }

  /* ---------------------------------------------------------------- _security endpoints */

  principalOf(req: EndpointRequest): Principal | undefined {
    return this.requests.get(req);
  }

  hasPrivileges(p: Principal, r: HasPrivilegesRequest): HasPrivilegesAnswer {
    const subject = this.authn.subjectOf(p);
    if (!subject) throw errors.authenticationFailed('missing authentication credentials for REST request [/_security/user/_has_privileges]');
    return checkPrivileges(subject, p.username, r);
  }

  describe(p: Principal): Record<string, unknown> {
    const realm = realmOf(p);
    return {
      username: p.username,
      roles: p.realm === 'api_key' ? [] : p.roles,
      full_name: p.realm === 'basic' ? (this.config.users.get(p.username)?.full_name ?? null) : null,
      email: p.realm === 'basic' ? (this.config.users.get(p.username)?.email ?? null) : null,
      metadata: p.realm === 'basic' ? (this.config.users.get(p.username)?.metadata ?? {}) : {},
      enabled: true,
      authentication_realm: realm,
      lookup_realm: realm,
      authentication_type: p.realm === 'api_key' ? 'api_key' : 'realm',
      ...(p.realm === 'api_key' ? { api_key: { id: p.apiKeyId, name: p.apiKeyName } } : {}),
    };
  }
}
