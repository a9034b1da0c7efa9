/**
 * Every key the YAML configuration file accepts, as one tree assembled from the key lists of
 * the section parsers (security/config.ts, runtime/worker/config.ts, content-index/
 * search-config.ts, sink/cluster/config.ts), so the check and the parsers cannot drift apart.
 * `checkKeys` refuses a key the tree does not hold, naming the file, the key's path and the
 * keys allowed there: a typo (`securty:`, `content: {targt: …}`) stops the start instead of
 * silently falling back to a default. docs/configuration.md documents exactly these keys
 * (src/config/configuration-doc.test.ts).
 */
import { CLUSTER_KEYS, BULK_KEYS, RETRY_KEYS } from '../sink/cluster/config.js';
import { SEARCH_KEYS } from '../content-index/search-config.js';
import { DIRECTORY_KEYS, SOURCES_KEYS, WORKER_KEYS } from '../runtime/worker/config.js';
import { COMPATIBILITY_KEYS } from './compatibility.js';
import { PASSWORD_CHECK_KEYS, RATE_LIMIT_KEYS, SECURITY_KEYS, USER_KEYS } from '../security/config.js';

/**
 * A mapping's keys: a subtree for a nested mapping, `null` for a value the section parser
 * checks (scalars, lists, role descriptors). `ANY` stands for names the operator chooses
 * (user and role names).
 */
export interface KeyTree {
  readonly [key: string]: KeyTree | null;
}

export const ANY = '<name>';

function leaves(keys: readonly string[], nested: Record<string, KeyTree> = {}): KeyTree {
  return Object.fromEntries(keys.map((k) => [k, nested[k] ?? null]));
}

export const CONFIG_SCHEMA: KeyTree = {
  security: leaves(SECURITY_KEYS, {
    users: { [ANY]: leaves(USER_KEYS) },
    // A role descriptor's fields are checked by security/roles.ts (Elasticsearch's shape).
    roles: { [ANY]: null },
    login_rate_limit: leaves(RATE_LIMIT_KEYS),
    password_checks: leaves(PASSWORD_CHECK_KEYS),
  }),
  worker: leaves(WORKER_KEYS),
  sources: leaves(SOURCES_KEYS, { directory: leaves(DIRECTORY_KEYS) }),
  // One list for every target: which keys apply to which target is sink/registry.ts's check.
  content: leaves([...new Set(['target', 'search', ...CLUSTER_KEYS])], {
    search: leaves(SEARCH_KEYS),
    bulk: leaves(BULK_KEYS),
    retry: leaves(RETRY_KEYS),
  }),
  compatibility: leaves(COMPATIBILITY_KEYS),
};

/** Every key path of the tree, `security.users.<name>.roles` style, parents included. */
export function keyPaths(tree: KeyTree = CONFIG_SCHEMA, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, sub]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...(sub ? keyPaths(sub, path) : [])];
  });
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Throws at the first key of `doc` the tree does not hold. Values of the wrong type are left
 * to the section parsers, whose messages say what was expected.
 */
export function checkKeys(doc: unknown, file: string, tree: KeyTree = CONFIG_SCHEMA, path: string[] = []): void {
  if (!isMapping(doc)) return;
  for (const [k, v] of Object.entries(doc)) {
    const sub = Object.hasOwn(tree, k) ? tree[k] : tree[ANY];
    if (sub === undefined) {
      const what = path.length === 0 ? 'section' : 'key';
      throw new Error(`${file}: unknown ${what} [${[...path, k].join('.')}]; allowed: ${Object.keys(tree).join(', ')}`);
    }
    if (sub) checkKeys(v, file, sub, [...path, k]);
  }
}
