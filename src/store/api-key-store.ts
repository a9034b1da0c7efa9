/**
 * The API key store port: one small table of Elasticsearch-style API keys (issue 4). Backends
 * implement it beside their other stores (`store/sqlite/api-key-store.ts`, later
 * `store/postgres/api-key-store.ts`) and expose it as the optional `Store.apiKeys`; when a
 * backend does not have it yet, the `_security/api_key` endpoints answer 400.
 *
 * Contract for backends:
 * - `doc` is stored and returned as given (JSON); only `key_hash` is secret, and it is
 *   already a salted hash: the key itself never reaches the store.
 * - `create` fails when the id exists (ids are random; a clash is a bug, not a retry).
 * - `list` filters by exact id, owner and realm; name wildcards and expiry are applied by the
 *   caller. Order: `creation` ascending, then id.
 * - `invalidate` sets `invalidated: true` and `invalidation: at` atomically and reports
 *   whether the key was live, already invalidated, or missing.
 */

export interface ApiKeyDoc {
  name: string;
  /** `<salt>$<hmac-sha256>` (base64url) of the key's secret part. */
  key_hash: string;
  /** Owner's user name and realm. */
  username: string;
  realm: string;
  realm_type: string;
  /** Epoch milliseconds. */
  creation: number;
  expiration: number | null;
  invalidated: boolean;
  invalidation: number | null;
  /** Role descriptors limiting the key (empty: the owner's privileges). */
  role_descriptors: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface ApiKeyQuery {
  ids?: string[];
  username?: string;
  realm?: string;
}

export interface ApiKeyStore {
  create(id: string, doc: ApiKeyDoc): Promise<void>;
  get(id: string): Promise<ApiKeyDoc | null>;
  list(q: ApiKeyQuery): Promise<{ id: string; doc: ApiKeyDoc }[]>;
  invalidate(id: string, at: number): Promise<'invalidated' | 'already_invalidated' | 'missing'>;
}
