/**
 * Sensitive connector configuration values (issue 11 item 16): a `configuration.<key>` entry
 * with `sensitive: true` (a database password) keeps its `value` encrypted at rest with the
 * connector-secret codec (secret-codec.ts), in the connector and in every sync job's
 * `connector.configuration` snapshot, and only callers who may write the configuration
 * (`manage_connector`) see it; others get the entry without its `value`.
 *
 * Stored form of such a value: the codec's `enc:v1:…` string of the JSON of the plain value
 * (so numbers and objects survive). Values written before this change are plain and are read
 * as they are, until written again or re-encrypted (`tributary secrets reencrypt`).
 */
import { UnreadableValue } from '../domain/connector/unreadable-value.js';
import { isPlainObject } from '../domain/shared/json.js';
import type { Doc, Mutator, Store, Stored, SyncJobStore, ConnectorStore, UpdateOptions, UpdateResult } from '../store/store.js';
import { isEncrypted, type SecretCodec } from './secret-codec.js';

type Configuration = Record<string, unknown>;
type Entry = Record<string, unknown>;

function isSensitive(e: unknown): e is Entry {
  return isPlainObject(e) && (e as Entry).sensitive === true;
}

/** Rebuilds `configuration`, passing every sensitive entry's value through `fn`. */
function mapSensitive(configuration: unknown, fn: (value: unknown, key: string) => unknown): unknown {
  if (!isPlainObject(configuration)) return configuration;
  let out: Configuration | null = null;
  for (const [k, e] of Object.entries(configuration as Configuration)) {
    if (!isSensitive(e) || !Object.hasOwn(e, 'value')) continue;
    const next = fn(e.value, k);
    if (next === e.value) continue;
    out ??= { ...(configuration as Configuration) };
    const entry: Entry = { ...e };
    if (next === undefined) delete entry.value;
    else entry.value = next;
    Object.defineProperty(out, k, { value: entry, enumerable: true, writable: true, configurable: true });
  }
  return out ?? configuration;
}

/** Plain value of a stored one (encrypted, or plain from before encryption). */
export function openValue(codec: SecretCodec, stored: unknown): unknown {
  return typeof stored === 'string' && isEncrypted(stored) ? JSON.parse(codec.decrypt(stored)) : stored;
}

/**
 * Plain value of a stored one, or an UnreadableValue when this server's keyring cannot decrypt
 * it (reads go on; the ciphertext is kept).
 */
export function openValueOrMark(codec: SecretCodec, stored: unknown): unknown {
  try {
    return openValue(codec, stored);
  } catch (err) {
    return new UnreadableValue(stored as string, (err as Error)?.message ?? String(err));
  }
}

/** Encrypts every sensitive value (null stays null: there is nothing to hide). */
export function sealConfiguration(codec: SecretCodec, configuration: unknown, previous?: unknown): unknown {
  const before = isPlainObject(previous) ? (previous as Configuration) : {};
  return mapSensitive(configuration, (value, key) => {
    if (value === null) return null;
    // A value this keyring could not open goes back as the ciphertext it was read from.
    if (value instanceof UnreadableValue) return value.stored;
    // Unchanged value: keep its ciphertext, so that a no-op update stays a no-op.
    const old = before[key];
    if (isSensitive(old) && typeof old.value === 'string' && isEncrypted(old.value)) {
      try {
        if (JSON.stringify(openValue(codec, old.value)) === JSON.stringify(value)) return old.value;
      } catch {
        // Not decryptable with this keyring: write the new ciphertext.
      }
    }
    return codec.encrypt(JSON.stringify(value));
  });
}

/**
 * Re-encrypts sensitive values not under the codec's current key (and plain ones from before
 * encryption); `count` is told how many values were seen and how many rewritten.
 */
export function reencryptConfiguration(
  codec: SecretCodec & { needsReencryption(stored: string): boolean },
  configuration: unknown,
  count: (rewritten: boolean) => void,
): unknown {
  return mapSensitive(configuration, (value) => {
    if (value === null) return null;
    const stale = typeof value !== 'string' || codec.needsReencryption(value);
    count(stale);
    return stale ? codec.encrypt(JSON.stringify(openValue(codec, value))) : value;
  });
}

/** Every sensitive value opened; one this keyring cannot decrypt becomes an UnreadableValue. */
export function openConfiguration(codec: SecretCodec, configuration: unknown): unknown {
  return mapSensitive(configuration, (value) => openValueOrMark(codec, value));
}

/** The entries as a caller without `manage_connector` sees them: sensitive ones lose `value`. */
export function redactConfiguration(configuration: unknown): unknown {
  return mapSensitive(configuration, () => undefined);
}

/* ---------------------------------------------------------------- documents */

/** Where a document keeps its configuration: a connector at the top, a sync job in its snapshot. */
export type Shape = 'connector' | 'sync_job';

export function mapDocConfiguration<T extends Doc>(shape: Shape, doc: T, fn: (configuration: unknown, previous: unknown) => unknown, previousDoc?: T): T {
  if (shape === 'connector') {
    if (!Object.hasOwn(doc, 'configuration')) return doc;
    const next = fn(doc.configuration, previousDoc?.configuration);
    return next === doc.configuration ? doc : ({ ...doc, configuration: next } as T);
  }
  const snap = doc.connector;
  if (!isPlainObject(snap) || !Object.hasOwn(snap as Doc, 'configuration')) return doc;
  const prevSnap = isPlainObject(previousDoc?.connector) ? (previousDoc!.connector as Doc) : undefined;
  const next = fn((snap as Doc).configuration, prevSnap?.configuration);
  return next === (snap as Doc).configuration ? doc : ({ ...doc, connector: { ...(snap as Doc), configuration: next } } as T);
}

/** Fast pre-check on stored JSON: no sensitive entry, nothing to open or hide. */
const SENSITIVE_JSON = /"sensitive":\s*true/;
export function mayHoldSensitive(json: string): boolean {
  return SENSITIVE_JSON.test(json);
}

/**
 * A stored document's JSON (`{"id":…,…}`) as the caller may see it: sensitive values opened
 * (`reveal`) or removed. Returned unchanged when there is none.
 */
export function presentJson(codec: SecretCodec, shape: Shape, json: string, reveal: boolean): string {
  if (!mayHoldSensitive(json)) return json;
  const doc = JSON.parse(json) as Doc;
  const out = mapDocConfiguration(shape, doc, (c) => (reveal ? openConfiguration(codec, c) : redactConfiguration(c)));
  return out === doc ? json : JSON.stringify(out);
}

/* ---------------------------------------------------------------- the store */

/**
 * The state store with sensitive values sealed on every write and opened on every document
 * read (`get`, `update`'s mutator and result, `listAll`): code above the store works with
 * plain values. `getJson`/`list` return the stored JSON (ciphertext); the API renders it with
 * `presentJson` for the caller.
 */
const INNER = Symbol('unsealed store');

/** The store under `sealSensitiveValues` (documents as stored), or `store` itself. */
export function unsealed(store: Store): Store {
  return (store as Store & { [INNER]?: Store })[INNER] ?? store;
}

export function sealSensitiveValues(store: Store, codec: SecretCodec): Store {
  const open = (shape: Shape) => <T extends Doc>(doc: T) => mapDocConfiguration(shape, doc, (c) => openConfiguration(codec, c));
  const seal = (shape: Shape) => <T extends Doc>(doc: T, previous?: T) => mapDocConfiguration(shape, doc, (c, p) => sealConfiguration(codec, c, p), previous);
  const openStored = (shape: Shape) => <T extends Doc>(s: Stored<T> | null) => (s ? { ...s, doc: open(shape)(s.doc) } : null);
  const update =
    <T extends Doc>(shape: Shape, inner: (id: string, mutate: Mutator<T>, opts?: UpdateOptions) => Promise<UpdateResult<T> | null>) =>
    async (id: string, mutate: Mutator<T>, opts?: UpdateOptions): Promise<UpdateResult<T> | null> => {
      const r = await inner(id, (stored, seq) => seal(shape)(mutate(open(shape)(stored), seq), stored), opts);
      return r ? { ...r, doc: open(shape)(r.doc) } : null;
    };
  const c = store.connectors;
  const connectors: ConnectorStore = {
    get: async (id) => openStored('connector')(await c.get(id)),
    getJson: (id, includeDeleted) => c.getJson(id, includeDeleted),
    put: (id, doc) => c.put(id, seal('connector')(doc)),
    update: update('connector', c.update.bind(c)),
    delete: (id) => c.delete(id),
    list: (q) => c.list(q),
    listAll: async (opts) => (await c.listAll(opts)).map((s) => ({ ...s, doc: open('connector')(s.doc) })),
    scan: async (after, limit) => (await c.scan(after, limit)).map((s) => ({ ...s, doc: open('connector')(s.doc) })),
    changedSince: async (after, limit) => {
      const r = await c.changedSince(after, limit);
      return { count: r.count, results: r.results.map((s) => ({ ...s, doc: open('connector')(s.doc) })) };
    },
  };
  const j = store.syncJobs;
  const syncJobs: SyncJobStore = {
    create: (id, doc) => j.create(id, seal('sync_job')(doc)),
    get: async (id) => openStored('sync_job')(await j.get(id)),
    getJson: (id) => j.getJson(id),
    update: update('sync_job', j.update.bind(j)),
    delete: (id) => j.delete(id),
    deleteByConnector: (id) => j.deleteByConnector(id),
    list: (q) => j.list(q),
    scan: async (after, limit) => (await j.scan(after, limit)).map((s) => ({ ...s, doc: open('sync_job')(s.doc) })),
  };
  const sealed: Store & { [INNER]: Store } = {
    [INNER]: unsealed(store),
    kind: store.kind,
    connectors,
    syncJobs,
    secrets: store.secrets,
    apiKeys: store.apiKeys,
    pipelines: store.pipelines,
    ping: () => store.ping(),
    ...(store.sizeBytes ? { sizeBytes: () => store.sizeBytes!() } : {}),
    close: () => store.close(),
  };
  return sealed;
}
