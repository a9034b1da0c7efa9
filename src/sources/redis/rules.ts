/**
 * Advanced sync rules of the `redis` source, Elastic's shape: a list of
 * `{"database": <int ≥ 0>, "key_pattern": "<glob>", "type": "<key type>"}`, `database`
 * required, at least one of `key_pattern` and `type`, nothing else. Each rule is one SCAN
 * (`MATCH key_pattern`, `TYPE type`) of its database; the `database` setting is then ignored.
 * Messages name the rule (1-based) and what to fix.
 */

export interface KeyRule {
  database: number;
  /** SCAN MATCH glob; `*` when the rule gives only a type. */
  pattern: string;
  /** SCAN TYPE, lower case as Redis names types (`ReJSON-RL` kept as is); null = any. */
  type: string | null;
}

/** The key types SCAN's TYPE filter knows (case-insensitive), and RedisJSON's. */
export const KEY_TYPES = ['string', 'list', 'set', 'zset', 'hash', 'stream', 'ReJSON-RL'] as const;

export const RULE_LIMITS = { rules: 100, patternChars: 1_024, database: 1_000_000 } as const;

const KEYS = new Set(['database', 'key_pattern', 'type']);

/** `{}`, `[]`, null and undefined mean "no advanced rules". */
export function hasKeyRules(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function typeName(t: string): string | null {
  const found = KEY_TYPES.find((k) => k.toLowerCase() === t.trim().toLowerCase());
  return found ?? null;
}

/** Shape check: the rules, and one message per problem. */
export function parseKeyRules(value: unknown): { rules: KeyRule[]; messages: string[] } {
  if (!hasKeyRules(value)) return { rules: [], messages: [] };
  if (!Array.isArray(value)) {
    return { rules: [], messages: ['Advanced rules must be a list of {"database": 0, "key_pattern": "user:*", "type": "hash"} objects.'] };
  }
  if (value.length > RULE_LIMITS.rules) return { rules: [], messages: [`At most ${RULE_LIMITS.rules} advanced rules are allowed; got ${value.length}.`] };
  const rules: KeyRule[] = [];
  const messages: string[] = [];
  value.forEach((r: unknown, i) => {
    const n = `Rule ${i + 1}`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      messages.push(`${n}: must be an object with "database" and "key_pattern" and/or "type".`);
      return;
    }
    const o = r as Record<string, unknown>;
    const before = messages.length;
    for (const k of Object.keys(o)) if (!KEYS.has(k)) messages.push(`${n}: unknown key "${k.slice(0, 40)}" (allowed: database, key_pattern, type).`);
    if (!Number.isInteger(o.database) || (o.database as number) < 0 || (o.database as number) > RULE_LIMITS.database) {
      messages.push(`${n}: "database" is required and must be a database number (an integer, 0 or more).`);
    }
    if (o.key_pattern === undefined && o.type === undefined) messages.push(`${n}: give "key_pattern", "type" or both.`);
    if (o.key_pattern !== undefined && (typeof o.key_pattern !== 'string' || o.key_pattern.length === 0 || o.key_pattern.length > RULE_LIMITS.patternChars)) {
      messages.push(`${n}: "key_pattern" must be a non-empty glob of at most ${RULE_LIMITS.patternChars} characters (e.g. "user:*").`);
    }
    let type: string | null = null;
    if (o.type !== undefined) {
      type = typeof o.type === 'string' ? typeName(o.type) : null;
      if (!type) messages.push(`${n}: "type" must be one of ${KEY_TYPES.join(', ')}.`);
    }
    if (messages.length === before) rules.push({ database: o.database as number, pattern: (o.key_pattern as string | undefined) ?? '*', type });
  });
  return { rules, messages };
}

/**
 * Full validation: the shape, then every rule's database is available (SELECT succeeds), as
 * Elastic's validator checks. `selectable` throws for connection failures (not the rules' fault).
 */
export async function validateKeyRules(value: unknown, selectable: (db: number) => Promise<boolean>): Promise<{ valid: boolean; messages: string[] }> {
  const { rules, messages } = parseKeyRules(value);
  if (messages.length) return { valid: false, messages };
  const missing: number[] = [];
  for (const db of new Set(rules.map((r) => r.database))) if (!(await selectable(db))) missing.push(db);
  if (missing.length) return { valid: false, messages: [`Database ${missing.join(', ')} not available on the server (SELECT refused). Use database numbers the server has.`] };
  return { valid: true, messages: [] };
}
