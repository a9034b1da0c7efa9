/**
 * Elasticsearch-style API keys (issue 4): creation (`{id, name, api_key, encoded,
 * expiration?}`), verification for `Authorization: ApiKey`, listing in `GET
 * /_security/api_key`'s shape (never with the key or its hash) and invalidation. The secret
 * part is random (128 bits), so a salted HMAC-SHA256 is enough to store it; passwords, which
 * people choose, get scrypt instead (password.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyDoc, ApiKeyStore } from '../store/api-key-store.js';
import { compileWildcard } from '../domain/shared/wildcard.js';

export const API_KEY_REALM = { name: '_es_api_key', type: '_es_api_key' };

export interface Owner {
  username: string;
  realm: string;
  realmType: string;
}

export interface NewApiKey {
  name: string;
  expirationMs?: number;
  roleDescriptors: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface ApiKeyFilter {
  ids?: string[];
  name?: string;
  username?: string;
  realm?: string;
  activeOnly?: boolean;
}

function hashKey(key: string, salt = randomBytes(16)): string {
  return `${salt.toString('base64url')}$${createHmac('sha256', salt).update(key).digest('base64url')}`;
}

function keyMatches(key: string, stored: string): boolean {
  const [salt, digest] = stored.split('$');
  if (!salt || !digest) return false;
  const want = Buffer.from(digest, 'base64url');
  const got = createHmac('sha256', Buffer.from(salt, 'base64url')).update(key).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

export type VerifyResult = { ok: true; id: string; doc: ApiKeyDoc } | { ok: false; reason: string };

export class ApiKeyService {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly now: () => number = Date.now,
  ) {}

  async create(owner: Owner, req: NewApiKey) {
    const id = randomBytes(15).toString('base64url');
    const key = randomBytes(16).toString('base64url');
    const creation = this.now();
    const expiration = req.expirationMs !== undefined ? creation + req.expirationMs : null;
    await this.store.create(id, {
      name: req.name,
      key_hash: hashKey(key),
      username: owner.username,
      realm: owner.realm,
      realm_type: owner.realmType,
      creation,
      expiration,
      invalidated: false,
      invalidation: null,
      role_descriptors: req.roleDescriptors,
      metadata: req.metadata,
    });
    return {
      id,
      name: req.name,
      ...(expiration !== null ? { expiration } : {}),
      api_key: key,
      encoded: Buffer.from(`${id}:${key}`).toString('base64'),
    };
  }

  /** Checks `id:key`; the failure reason is what Elasticsearch reports as unsuccessful credentials. */
  async verify(id: string, key: string): Promise<VerifyResult> {
    const doc = await this.store.get(id);
    if (!doc) return { ok: false, reason: `unable to find apikey with id ${id}` };
    if (!keyMatches(key, doc.key_hash)) return { ok: false, reason: `invalid credentials for API key [${id}]` };
    if (doc.invalidated) return { ok: false, reason: `api key [${id}] has been invalidated` };
    if (doc.expiration !== null && doc.expiration <= this.now()) return { ok: false, reason: 'api key is expired' };
    return { ok: true, id, doc };
  }

  async find(f: ApiKeyFilter): Promise<{ id: string; doc: ApiKeyDoc }[]> {
    const rows = await this.store.list({ ids: f.ids, username: f.username, realm: f.realm });
    // `*` wildcards only (`?` is a literal), as Elasticsearch; linear whatever the pattern.
    const name = f.name !== undefined ? compileWildcard(f.name) : null;
    const now = this.now();
    return rows.filter(
      (r) => (!name || name(r.doc.name)) && (!f.activeOnly || (!r.doc.invalidated && (r.doc.expiration === null || r.doc.expiration > now))),
    );
  }

  async invalidate(ids: string[]) {
    const invalidated: string[] = [];
    const previously: string[] = [];
    const at = this.now();
    for (const id of ids) {
      const r = await this.store.invalidate(id, at);
      if (r === 'invalidated') invalidated.push(id);
      else if (r === 'already_invalidated') previously.push(id);
    }
    return { invalidated_api_keys: invalidated, previously_invalidated_api_keys: previously, error_count: 0 };
  }
}

/** One key as `GET /_security/api_key` lists it. */
export function renderApiKey(id: string, doc: ApiKeyDoc, limitedBy?: Record<string, unknown>[]): Record<string, unknown> {
  return {
    id,
    name: doc.name,
    type: 'rest',
    creation: doc.creation,
    ...(doc.expiration !== null ? { expiration: doc.expiration } : {}),
    invalidated: doc.invalidated,
    ...(doc.invalidation !== null ? { invalidation: doc.invalidation } : {}),
    username: doc.username,
    realm: doc.realm,
    realm_type: doc.realm_type,
    metadata: doc.metadata,
    role_descriptors: doc.role_descriptors,
    ...(limitedBy ? { limited_by: limitedBy } : {}),
  };
}
