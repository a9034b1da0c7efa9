/**
 * API key administration for the `_security/api_key` endpoints (docs/security.md): create,
 * get and invalidate, each limited to the caller's own keys unless the caller may manage
 * every user's (`manage_api_key`). Keys are stored by api-keys.ts.
 */
import { errors } from '../domain/errors.js';
import type { ApiKeyAdmin, CreateApiKeyRequest, GetApiKeyRequest, InvalidateApiKeyRequest } from './admin-port.js';
import { renderApiKey, type ApiKeyService, type Owner } from './api-keys.js';
import { FILE_REALM } from './authentication.js';
import { authorizeAction, type Subject } from './authorize.js';
import type { SecurityConfig } from './config.js';
import type { Principal } from './port.js';
import { parseRoleDescriptor, type RoleDescriptor } from './roles.js';

/** Prefix of the API key actions (`…create`, `…get`, `…invalidate`). */
export const API_KEY_ACTION = 'cluster:admin/xpack/security/api_key/';

export class ApiKeyAdministration implements ApiKeyAdmin {
  constructor(
    private readonly config: SecurityConfig,
    private readonly service: ApiKeyService,
    /** The authenticated subject of a principal (authentication.ts). */
    private readonly subjectOf: (p: Principal) => Subject | undefined,
  ) {}

  async create(p: Principal, r: CreateApiKeyRequest): Promise<Record<string, unknown>> {
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
    return this.service.create(this.ownerOf(p), { name: r.name, expirationMs: r.expirationMs, roleDescriptors: descriptors as Record<string, unknown>, metadata: r.metadata });
  }

  async get(p: Principal, r: GetApiKeyRequest): Promise<{ api_keys: Record<string, unknown>[] }> {
    if (r.owner && (r.username !== undefined || r.realm_name !== undefined)) {
      throw errors.validation(['username or realm name must not be specified when the current user should be used']);
    }
    const all = this.managesAllKeys(p, API_KEY_ACTION + 'get');
    const own = r.owner || !all;
    const keys = await this.service.find({
      ids: r.id !== undefined ? [r.id] : undefined,
      name: r.name,
      activeOnly: r.active_only,
      ...(own ? this.ownFilter(p) : { username: r.username, realm: r.realm_name }),
    });
    return {
      api_keys: keys.map((k) => renderApiKey(k.id, k.doc, r.with_limited_by ? [this.rolesOf(k.doc.username)] : undefined)),
    };
  }

  async invalidate(p: Principal, r: InvalidateApiKeyRequest): Promise<Record<string, unknown>> {
    if (!r.owner && !r.ids?.length && r.name === undefined && r.username === undefined && r.realm_name === undefined) {
      throw errors.validation(['One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false']);
    }
    if (r.owner && (r.username !== undefined || r.realm_name !== undefined)) {
      throw errors.validation(['username or realm name must not be specified when the current user should be used']);
    }
    const all = this.managesAllKeys(p, API_KEY_ACTION + 'invalidate');
    const own = r.owner || !all;
    const keys = await this.service.find({
      ids: r.ids,
      name: r.name,
      ...(own ? this.ownFilter(p) : { username: r.username, realm: r.realm_name }),
    });
    return this.service.invalidate(keys.map((k) => k.id));
  }

  /** True when the principal may manage every user's API keys (not only its own). */
  private managesAllKeys(p: Principal, action: string): boolean {
    const s = this.subjectOf(p);
    return !!s && authorizeAction(s, { action, indices: [], ownApiKeys: false }) === null;
  }

  /** The owner a new API key gets: the user, or for a key-authenticated caller the key's owner. */
  private ownerOf(p: Principal): Owner {
    return { username: p.username, realm: FILE_REALM.name, realmType: FILE_REALM.type };
  }

  private ownFilter(p: Principal) {
    return { username: p.username, realm: FILE_REALM.name };
  }

  private rolesOf(username: string): Record<string, unknown> {
    const user = this.config.users.get(username);
    return Object.fromEntries((user?.roles ?? []).map((r) => [r, this.config.roles.get(r)]));
  }
}
