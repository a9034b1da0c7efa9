/**
 * The `redis` source (docs/sources/redis.md): one document per key, Elastic's service type,
 * configuration and document shape (`_id` = md5 of `<db>/<key>`, `key`, `value`,
 * `size_in_bytes`, `database`, `key_type`, `_timestamp`).
 *
 *   databases (the `database` setting; `*` = those INFO keyspace lists) or advanced rules
 *     → per database one connection, SCAN cursor MATCH/TYPE COUNT page_size (never KEYS)
 *     → per page: TYPE + MEMORY USAGE, lengths, values (values.ts, ≤ max_value_size each)
 *     → documents
 *
 * Memory is bounded by one SCAN page and one pipelined batch of values, whatever the number of
 * keys. Full syncs only, as Elastic's source: Redis keeps no modification time to compare, so
 * there is no incremental sync; deleted keys go at the end of each full sync (the runtime's
 * sweep removes documents the sync did not write).
 */
import { createHash } from 'node:crypto';
import type { ConfigValues, RulesValidation, Source, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { configurationError, SourceError } from '../source.js';
import { RedisClient, type RedisDb } from './client.js';
import { readRedisSettings, redisConfigSchema, REDIS_LIMITS, type RedisSettings } from './config.js';
import { hasKeyRules, parseKeyRules, validateKeyRules, type KeyRule } from './rules.js';
import { readKeys, type ReadOptions } from './values.js';

/** Elastic's id: md5 hex of `<database>/<key>` (the key's own bytes when it is not UTF-8). */
export function documentId(db: number, key: Buffer): string {
  return createHash('md5').update(`${db}/`).update(key).digest('hex');
}

function keyText(key: Buffer): string {
  return key.toString('utf8');
}

function brokenSource(err: unknown): Source {
  const fail = (): never => {
    throw err;
  };
  return {
    ping: async () => fail(),
    // eslint-disable-next-line require-yield
    getDocs: async function* () {
      fail();
    },
    validateAdvancedRules: async () => fail(),
    close: async () => {},
  };
}

class RedisSource implements Source {
  private readonly client: RedisClient;

  constructor(
    private readonly s: RedisSettings,
    policy: SourcePolicy | undefined,
  ) {
    this.client = new RedisClient(s, policy?.allowedHosts ?? null);
  }

  /** Reachable, credentials accepted, and every configured database selectable (as Elastic checks). */
  async ping(): Promise<void> {
    const dbs = this.s.databases ?? [0];
    const conn = await this.client.open(dbs[0]);
    try {
      await conn.call('checking the connection (PING)', 'PING');
      const missing: number[] = [];
      for (const db of dbs.slice(1)) {
        const [err] = await conn.tryCall('SELECT', db);
        if (err) {
          if (!/DB index|invalid DB|not allowed in cluster/i.test(err.message)) throw this.client.toSourceError(err, `selecting database ${db}`);
          missing.push(db);
        }
      }
      if (missing.length) throw new SourceError(`Database ${missing.join(', ')} not available on ${this.client.where}. Check the \`database\` setting.`);
    } finally {
      conn.close();
    }
  }

  /** Databases that hold keys: INFO keyspace, else CONFIG GET databases, else 0 only. */
  private async allDatabases(ctx: SyncContext): Promise<number[]> {
    const conn = await this.client.open(0, ctx.signal);
    try {
      const [infoErr, info] = await conn.tryCall('INFO', 'keyspace');
      if (!infoErr) {
        const dbs = [...String(info).matchAll(/^db(\d+):keys=(\d+)/gm)].filter((m) => Number(m[2]) > 0).map((m) => Number(m[1]));
        return dbs.slice(0, REDIS_LIMITS.databases);
      }
      const [cfgErr, cfg] = await conn.tryCall('CONFIG', 'GET', 'databases');
      if (!cfgErr && Array.isArray(cfg) && cfg.length === 2) {
        const n = Math.min(Number(String(cfg[1])), REDIS_LIMITS.databases);
        if (Number.isInteger(n) && n > 0) return Array.from({ length: n }, (_, i) => i);
      }
      ctx.log.warn(`${this.client.where}: cannot list databases (INFO: ${infoErr.message}; CONFIG GET: ${cfgErr?.message ?? 'no answer'}); reading database 0 only. List them in the \`database\` setting.`);
      return [0];
    } finally {
      conn.close();
    }
  }

  private async targets(ctx: SyncContext): Promise<KeyRule[]> {
    if (hasKeyRules(ctx.advancedRules)) {
      const { rules, messages } = parseKeyRules(ctx.advancedRules);
      if (messages.length) throw new SourceError(`Invalid advanced sync rules: ${messages.join(' ')}`);
      return rules;
    }
    const dbs = this.s.databases ?? (await this.allDatabases(ctx));
    return dbs.map((database) => ({ database, pattern: '*', type: null }));
  }

  async *getDocs(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    const timestamp = new Date().toISOString();
    const opts: ReadOptions = { maxValueSize: this.s.maxValueSize, memoryUsage: { enabled: true } };
    for (const rule of await this.targets(ctx)) {
      const conn = await this.client.open(rule.database, ctx.signal);
      try {
        for await (const page of this.scan(conn, rule)) {
          for (const k of await readKeys(conn, page, opts)) {
            ctx.signal.throwIfAborted();
            const _id = documentId(rule.database, k.key);
            if (k.problem) ctx.reportFailure?.(_id, `key ${JSON.stringify(keyText(k.key).slice(0, 200))} in database ${rule.database}: ${k.problem}`);
            yield {
              _id,
              key: keyText(k.key),
              value: k.value,
              size_in_bytes: k.size,
              database: rule.database,
              key_type: k.type,
              _timestamp: timestamp,
            };
          }
        }
      } finally {
        conn.close();
      }
    }
  }

  /** SCAN pages (MATCH, TYPE, COUNT page_size) until the cursor comes back to 0. */
  private async *scan(conn: RedisDb, rule: KeyRule): AsyncGenerator<Buffer[]> {
    let cursor = '0';
    do {
      const args = ['SCAN', cursor, 'MATCH', rule.pattern, 'COUNT', this.s.pageSize, ...(rule.type ? ['TYPE', rule.type] : [])];
      const [next, keys] = (await conn.call(`scanning database ${rule.database}`, ...args)) as [Buffer, Buffer[]];
      cursor = next.toString();
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }

  async validateAdvancedRules(value: unknown): Promise<RulesValidation> {
    const shape = parseKeyRules(value);
    if (shape.messages.length || shape.rules.length === 0) return { valid: shape.messages.length === 0, messages: shape.messages };
    const conn = await this.client.open(0);
    try {
      return await validateKeyRules(value, async (db) => {
        const [err] = await conn.tryCall('SELECT', db);
        if (!err) return true;
        if (/DB index|invalid DB|not allowed in cluster/i.test(err.message)) return false;
        throw this.client.toSourceError(err, `selecting database ${db}`);
      });
    } finally {
      conn.close();
    }
  }

  async close(): Promise<void> {}
}

export const redisSource: SourceFactory = {
  serviceType: 'redis',
  displayName: 'Redis',
  configSchema: redisConfigSchema,
  features: {
    incremental_sync: false,
    document_level_security: false,
    sync_rules: { basic: true, advanced: true },
  },
  create(config: ConfigValues, policy?: SourcePolicy): Source {
    let s: RedisSettings;
    try {
      s = readRedisSettings(config);
    } catch (err) {
      return brokenSource(configurationError(err));
    }
    return new RedisSource(s, policy);
  },
};
