/**
 * What the `_security` endpoints need from the security implementation beyond the
 * `SecurityPort` every request uses: the principal of a request, the `_authenticate` view of
 * it, and API key management. `app/open-app.ts` wires an implementation (src/security/); with
 * security off, `app.security` has none of this and the endpoints say so.
 */
import { errors } from '../domain/errors.js';
import type { Principal, SecurityPort } from './port.js';
import type { HasPrivilegesAnswer, HasPrivilegesRequest } from './has-privileges.js';

/** The part of the application context these helpers read. */
type WithSecurity = { security: SecurityPort };
import type { GuardedRequest as EndpointRequest } from './port.js';

export interface CreateApiKeyRequest {
  name: string;
  /** Milliseconds from now. */
  expirationMs?: number;
  role_descriptors: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface GetApiKeyRequest {
  id?: string;
  name?: string;
  username?: string;
  realm_name?: string;
  owner: boolean;
  active_only: boolean;
  with_limited_by: boolean;
}

export interface InvalidateApiKeyRequest {
  ids?: string[];
  name?: string;
  username?: string;
  realm_name?: string;
  owner: boolean;
}

export interface ApiKeyAdmin {
  create(p: Principal, r: CreateApiKeyRequest): Promise<Record<string, unknown>>;
  get(p: Principal, r: GetApiKeyRequest): Promise<{ api_keys: Record<string, unknown>[] }>;
  invalidate(p: Principal, r: InvalidateApiKeyRequest): Promise<Record<string, unknown>>;
}

export interface SecurityAdmin extends SecurityPort {
  /** The principal `authorize` saw for this request. */
  principalOf(req: EndpointRequest): Principal | undefined;
  /** `GET /_security/_authenticate` body for a principal. */
  describe(p: Principal): Record<string, unknown>;
  /** `_security/user/_has_privileges` for a principal (has-privileges.ts). */
  hasPrivileges(p: Principal, r: HasPrivilegesRequest): HasPrivilegesAnswer;
  /** Absent when the state store has no API key table (`store.apiKeys`). */
  apiKeys?: ApiKeyAdmin;
  /** Why `apiKeys` is absent, for the 400 reason. */
  apiKeysUnavailable?: string;
  /**
   * An `ApiKey` credential for this process's own connector service: held in memory only (never
   * stored, gone with the process), authenticating the internal user `_tributary_worker` with
   * `manage_connector` and all privileges on content indices.
   */
  internalCredential?(): string;
}

export function securityAdmin(app: WithSecurity): SecurityAdmin | null {
  const s = app.security as Partial<SecurityAdmin>;
  return app.security.enabled && typeof s.principalOf === 'function' ? (s as SecurityAdmin) : null;
}

/** The API key admin, or 400 explaining why API keys are unavailable. */
export function apiKeyAdmin(app: WithSecurity, req: EndpointRequest): { admin: ApiKeyAdmin; principal: Principal } {
  const s = securityAdmin(app);
  if (!s) throw errors.illegalArgument('API keys need security: set [security.enabled: true] in the config file (docs/security.md)');
  if (!s.apiKeys) throw errors.illegalArgument(s.apiKeysUnavailable ?? 'API keys are not available with this state store');
  const principal = s.principalOf(req);
  if (!principal) throw errors.internal('request was not authorized');
  return { admin: s.apiKeys, principal };
}
